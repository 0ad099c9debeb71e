import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamDirectory } from '../../simulator/aws/iam/index.ts';
import { evaluate, type AuthRequest } from '../../simulator/aws/iam/evaluate.ts';
import { rehearse } from '../../simulator/rehearsal/engine.ts';
import { startServices, type Services } from '../../simulator/rehearsal/services.ts';
import { errorAnnotations, servicesOptions } from '../helpers/rehearsal.ts';
import { runAction } from '../../simulator/runner/run-action.ts';
import { isSteady, waitFor } from '../../simulator/fixtures/rollout.ts';

/**
 * github-actions-review (terraform/modules/main-branch-roles): app-update's review job shows
 * production's reviewers what the approval would deploy, before they are asked, so it runs
 * outside the GitHub environment and its approval. What holds it instead: it trusts only main's
 * runs of app-update at a release, and it only reads (no write, no secret value, no log), judged
 * against the roles bootstrap makes (simulator/aws/iam/roles.json, rendered from terraform/).
 */

const ACCOUNT = '123456789012';
const REVIEW = `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-review`;
const PLAN = `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-plan`;
const ecs = `arn:aws:ecs:us-east-1:${ACCOUNT}`;

describe('what the review role may do', () => {
  const directory = IamDirectory.fromRendered();
  const principal = directory.principal(directory.roleArn('github-actions-review'), 'review')!;
  const allowed = (request: AuthRequest) => evaluate(principal, request).decision === 'allowed';
  const prod = { 'ecs:cluster': `${ecs}:cluster/prod` };

  test('it reads what the dry run reads: the services of prod, the task definitions, secret metadata', () => {
    expect(
      [
        { action: 'ecs:DescribeServices', resource: `${ecs}:service/prod/prod-gunicorn`, context: prod },
        { action: 'ecs:DescribeTaskDefinition', resource: '*' },
        { action: 'ecs:ListTaskDefinitions', resource: '*' },
        {
          action: 'secretsmanager:DescribeSecret',
          resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/prod/redis-auth-AbCdEf`,
        },
      ].map(allowed),
    ).toEqual([true, true, true, true]);
  });

  // The attack: whoever gets its session before an approval (a merged step of main, say)
  // changes production, becomes another role or reads a value production keeps.
  test.each([
    ['ecs:RegisterTaskDefinition', '*', {}],
    ['ecs:UpdateService', `${ecs}:service/prod/prod-gunicorn`, prod],
    ['ecs:RunTask', `${ecs}:task-definition/prod-migrate:3`, prod],
    ['ecs:StopServiceDeployment', `${ecs}:service-deployment/prod/prod-gunicorn/abc`, prod],
    ['ecs:TagResource', `${ecs}:task-definition/prod-gunicorn:3`, {}],
    ['ecs:DeregisterTaskDefinition', '*', {}],
    [
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/prod/redis-auth-AbCdEf`,
      {},
    ],
    [
      'secretsmanager:PutSecretValue',
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/prod/redis-auth-AbCdEf`,
      {},
    ],
    ['logs:GetLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/prod/gunicorn:log-stream:x`, {}],
    ['s3:GetObject', 'arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate', {}],
    ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/adhoc-actions-prod/prod-task`, {}],
    ['sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-production`, {}],
    // Another tier's services are none of its business either.
    ['ecs:DescribeServices', `${ecs}:service/pr-7/pr-7-gunicorn`, { 'ecs:cluster': `${ecs}:cluster/pr-7` }],
  ])('%s on %s is refused', (action, resource, context) => {
    // Explicitly, so no policy attached later reopens it; another tier's reads are just not allowed.
    const expected = resource.includes('pr-7') ? 'implicitDeny' : 'explicitDeny';
    expect(evaluate(principal, { action, resource, context }).decision).toBe(expected);
  });
});

describe('who may assume it', () => {
  let dir: string;
  let services: Services;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'review-role-'));
    services = await startServices();
  });
  afterAll(async () => {
    await services.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A workflow of the repository itself that asks for the review role in its own job. */
  const asking = (on: string) => `on: ${on}
permissions: {}
jobs:
  steal:
    runs-on: ubuntu-latest
    permissions: { id-token: write, contents: read }
    steps:
      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3
        with:
          role-to-assume: ${REVIEW}
          aws-region: us-east-1
      - run: echo should never run
`;

  test.each([
    ['a pull request', 'pull_request', { name: 'pull_request', payload: { action: 'opened', number: 9 } }],
    // On main, but not the reviewed app-update of a release: a workflow any writer may merge.
    ['a workflow of its own on main', 'push', { name: 'push', payload: { ref: 'refs/heads/main' } }],
  ])('%s asking for it is refused by STS (attack)', async (_, on, event) => {
    const caller = join(dir, `${on}.yml`);
    await writeFile(caller, asking(on));
    const before = services.emulator.calls().length;
    const run = servicesOptions(services, dir, on, { event });
    const result = await rehearse(caller, run);
    expect(result.conclusion).toBe('failure');
    expect(errorAnnotations(result).map((a) => a.message)).toEqual([
      'Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity',
    ]);
    expect(services.emulator.stsRecord().refused.at(-1)).toMatchObject({ roleArn: REVIEW });
    expect(services.emulator.calls().length).toBe(before);
  });

  test("a secret outside prod's prefix, which the review may not describe, is a warning, not a failed review", async () => {
    const { emulator } = services;
    emulator.createCluster('prod');
    const production = `arn:aws:sts::${ACCOUNT}:assumed-role/github-actions-production/terraform`;
    emulator.registerTaskDefinition(
      {
        family: 'prod-gunicorn',
        containerDefinitions: [
          {
            name: 'backend',
            image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/backend:v5`,
            // A secret the prod root names by ARN (its `secrets` input), not under prod/.
            secrets: [
              {
                name: 'SENTRY_DSN',
                valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:sentry-dsn-AbCdEf`,
              },
            ],
          },
        ],
      },
      [],
      production,
    );
    emulator.createService('prod', 'prod-gunicorn', 'prod-gunicorn:1', { desiredCount: 1 });
    await waitFor(() => emulator.services().every(isSteady));
    const registered = emulator.calls('RegisterTaskDefinition').length;
    const run = await runAction(
      'register-task-definition',
      {
        'task-definitions': 'prod-gunicorn',
        cluster: 'prod',
        'image-tag': 'v6',
        repository: 'backend',
        'dry-run': 'true',
        'trusted-registrars': `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-production`,
      },
      { env: emulator.env({ role: 'github-actions-review' }) },
    );
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toEqual([
      expect.stringMatching(
        /^Cannot tell whether secret arn:aws:secretsmanager:.*:secret:sentry-dsn-AbCdEf asks to be generated \(dry run\): .*not authorized to perform: secretsmanager:DescribeSecret/,
      ),
    ]);
    expect(run.lines.join('\n')).toContain('prod-gunicorn: would register a revision after 1 (dry run)');
    expect(emulator.calls('RegisterTaskDefinition').length).toBe(registered);
  });

  test('a review that fails stops the deploy before anyone is asked to approve it', async () => {
    const caller = join(dir, 'deploy.yml');
    await writeFile(
      caller,
      `on:
  push:
    branches: [main]
permissions: {}
jobs:
  deploy:
    uses: adhoc-actions/adhoc-actions/.github/workflows/app-update.yml@v1.0.0
    permissions: { id-token: write, contents: read }
    with:
      environment: prod
      image-tag: v5
      aws-region: us-east-1
      role-to-assume: arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-production
      # A role that does not trust app-update's review job: the review cannot run.
      review-role-to-assume: ${PLAN}
      github-environment: production
`,
    );
    const gates: string[] = [];
    const run = servicesOptions(services, dir, 'failed-review', {
      event: { name: 'push', payload: { ref: 'refs/heads/main' } },
      approveEnvironments: ({ environment, job }) => {
        gates.push(`${job}@${environment}`);
        return true;
      },
    });
    const result = await rehearse(caller, run);
    expect(result.conclusion).toBe('failure');
    expect(gates).toEqual([]);
    expect(run.lines.join('\n')).toMatch(/Job deploy: skipped/);
  });
});
