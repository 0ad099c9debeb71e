import { describe, expect, test } from '@jest/globals';
import { IamDirectory } from '../../simulator/aws/iam/index.ts';
import { evaluate, type AuthRequest } from '../../simulator/aws/iam/evaluate.ts';

/**
 * The calls of the rollout engine (lib/rollout: UpdateService, StopServiceDeployment, ListTasks,
 * DescribeTasks; continue-deployment's ContinueServiceDeployment) and of the secret the first
 * deploy generates (register-task-definition: DescribeSecret, PutSecretValue), judged against the
 * roles bootstrap makes (simulator/aws/iam/roles.json, rendered from terraform/) on the ARNs and
 * condition keys ECS and Secrets Manager authorize them with. The rehearsals make most of them
 * with the roles enforced (product-calls.json); StopServiceDeployment and a second tier's ARNs
 * they never reach, so each is asked here.
 */

const directory = IamDirectory.fromRendered();
const ACCOUNT = '123456789012';
const ecs = `arn:aws:ecs:us-east-1:${ACCOUNT}`;

/** Every such call of one environment, as the product makes it. */
function calls(environment: string, secretsPrefix: string): AuthRequest[] {
  const cluster = { 'ecs:cluster': `${ecs}:cluster/${environment}` };
  const service = `${ecs}:service/${environment}/${environment}-gunicorn`;
  const deployment = `${ecs}:service-deployment/${environment}/${environment}-gunicorn/abc123`;
  const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${secretsPrefix}/${environment}/redis-auth-AbCdEf`;
  return [
    { action: 'secretsmanager:DescribeSecret', resource: secret, context: {} },
    { action: 'secretsmanager:PutSecretValue', resource: secret, context: {} },
    {
      action: 'ecs:UpdateService',
      resource: `${ecs}:service/${environment}/${environment}-redis`,
      context: cluster,
    },
    {
      action: 'ecs:StopServiceDeployment',
      resource: deployment,
      context: { ...cluster, 'ecs:service': service },
    },
    {
      action: 'ecs:ContinueServiceDeployment',
      resource: deployment,
      context: { ...cluster, 'ecs:service': service },
    },
    { action: 'ecs:ListTasks', resource: '*', context: cluster },
    { action: 'ecs:DescribeTasks', resource: `${ecs}:task/${environment}/0a1b2c`, context: cluster },
  ];
}

function decisions(role: string, requests: AuthRequest[]): Record<string, boolean> {
  const principal = directory.principal(directory.roleArn(role), 'rollout')!;
  return Object.fromEntries(requests.map((r) => [r.action, evaluate(principal, r).decision === 'allowed']));
}

const every = (allowed: boolean) => Object.fromEntries(calls('x', 'x').map((r) => [r.action, allowed]));

describe('the rollout and the generated secret, judged against the roles that make them', () => {
  test("the preview role makes every one of them on its own environment's resources", () => {
    expect(decisions('github-actions-preview', calls('pr-7', 'adhoc'))).toEqual(every(true));
  });

  test('the production role makes every one of them on prod and on staging', () => {
    expect(decisions('github-actions-production', calls('prod', 'prod'))).toEqual(every(true));
    expect(decisions('github-actions-production', calls('staging', 'adhoc'))).toEqual(every(true));
  });

  // The attack: a pull request's job, as the preview role, stops or rolls back production's
  // rollout under way (StopServiceDeployment, ContinueServiceDeployment ROLLBACK), restarts its
  // redis, or writes its Redis password. Service deployments were missing from the deny of the
  // protected clusters, so the first two were allowed.
  test.each([
    ['staging', 'adhoc'],
    ['prod', 'prod'],
  ])("the preview role makes none of them on %s's", (environment, prefix) => {
    expect(decisions('github-actions-preview', calls(environment, prefix))).toEqual(every(false));
  });

  test('the plan role writes none of them, even on prod', () => {
    const writes = calls('prod', 'prod').filter((r) => !/:(Describe|List)/.test(r.action));
    expect(Object.values(decisions('github-actions-plan', writes))).toEqual(writes.map(() => false));
  });
});
