import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { ECSClient, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { seedRollout } from '../../simulator/fixtures/rollout.ts';
import { runAction } from '../../simulator/runner/run-action.ts';
import { assumeRoleWithWebIdentity } from '../../actions/lib/role-session.ts';

// Item 7 of issue 13: long waits outlive credentials.
jest.setTimeout(40_000);

// The preview role trusts pull-request jobs of acme/webapp, what oidcEnv() issues tokens for.
const ROLE = 'arn:aws:iam::123456789012:role/github-actions/github-actions-preview';
let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 150, stopMs: 30 });
  emulator.createCluster('app');
});
afterEach(async () => {
  await emulator.stop();
});

/** The emulator's env with no static keys: only the assumed role can sign. */
function roleEnv(): Record<string, string> {
  const env: Record<string, string> = { ...emulator.env(), ...emulator.oidcEnv() };
  delete env['AWS_ACCESS_KEY_ID'];
  delete env['AWS_SECRET_ACCESS_KEY'];
  return env;
}

describe('role sessions', () => {
  test('a session key past its expiration is refused with ExpiredTokenException, as by AWS', async () => {
    emulator.setSessionSeconds(0.3);
    const job = emulator.oidcEnv();
    const { value: token } = (await (
      await fetch(`${job['ACTIONS_ID_TOKEN_REQUEST_URL']}&audience=sts.amazonaws.com`, {
        headers: { authorization: `Bearer ${job['ACTIONS_ID_TOKEN_REQUEST_TOKEN']}` },
      })
    ).json()) as { value: string };
    process.env['AWS_ENDPOINT_URL_STS'] = emulator.url;
    const session = await assumeRoleWithWebIdentity('us-east-1', ROLE, token);
    delete process.env['AWS_ENDPOINT_URL_STS'];
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: session,
      maxAttempts: 1,
    });
    await ecs.send(new DescribeClustersCommand({ clusters: ['app'] }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(ecs.send(new DescribeClustersCommand({ clusters: ['app'] }))).rejects.toMatchObject({
      name: 'ExpiredTokenException',
    });
    ecs.destroy();
    // A token GitHub never issued is refused too.
    process.env['AWS_ENDPOINT_URL_STS'] = emulator.url;
    await expect(assumeRoleWithWebIdentity('us-east-1', ROLE, 'forged')).rejects.toThrow(
      'InvalidIdentityToken',
    );
    delete process.env['AWS_ENDPOINT_URL_STS'];
  });

  test('rolling-update re-assumes role-to-assume with a fresh OIDC token before each session ends, through a long bake', async () => {
    // Sessions that reach the SDK's 5-minute renewal window after 3 s; a bake of about 8 s.
    emulator.setSessionSeconds(303);
    emulator.setDeploymentTiming({ minuteMs: 8000, stageMs: 100 });
    const arns = await seedRollout(emulator, ['web'], {
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 },
    });
    emulator.resetCalls();
    const run = await runAction(
      'rolling-update',
      { cluster: 'app', services: 'web', 'task-definitions': JSON.stringify(arns), 'role-to-assume': ROLE },
      { env: roleEnv() },
    );
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const record = emulator.stsRecord();
    // One session at the start, then renewals while it baked: each with a token of its own.
    expect(record.assumed.length).toBeGreaterThanOrEqual(3);
    expect(record.tokens).toBe(record.assumed.length);
    expect(record.assumed.every((a) => a.roleArn === ROLE)).toBe(true);
    expect(record.expiredRequests).toBe(0);
    expect(run.stdout).not.toMatch(/SecretAccessKey|SessionToken/);
  });

  test('role-to-assume that is not a role ARN fails before any AWS call', async () => {
    const run = await runAction(
      'continue-deployment',
      {
        paused: JSON.stringify({
          web: {
            serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/app/web/1',
            hookId: 'h',
          },
        }),
        'role-to-assume': 'deploy',
      },
      { env: roleEnv() },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      'Input "role-to-assume": "deploy" is not an IAM role ARN (arn:aws:iam::123456789012:role/name).',
    ]);
    expect(emulator.calls()).toHaveLength(0);
    expect(emulator.stsRecord().assumed).toHaveLength(0);
  });
});
