import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from '../../simulator/aws/index.ts';
import { backendTaskDefinition } from '../../simulator/fixtures/rollout.ts';
import { runAction } from '../../simulator/runner/run-action.ts';
import { estimate } from '../../actions/lib/cost/estimate.ts';
import { adHocShared } from '../../actions/lib/cost/examples.ts';
import { loadPrices } from '../../actions/lib/cost/prices.ts';
import type { EnvironmentStatus } from '../../actions/environment-status/status.ts';

/** environment-status against the emulator: real ECS calls, activity from deploys' tags, cost. */

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await emulator.stop();
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** An environment as Terraform and a deploy leave it: revision 1, a deployed revision 2 marked released. */
function environment(name: string, releasedHoursAgo: number, desired = 1) {
  emulator.createCluster(name);
  for (const component of ['gunicorn', 'celery', 'beat']) {
    const family = `${name}-${component}`;
    emulator.registerTaskDefinition(backendTaskDefinition(family, 'backend:v1'));
    emulator.registerTaskDefinition(backendTaskDefinition(family, 'backend:v2'), [
      { key: 'adhoc-actions:released-at', value: hoursAgo(releasedHoursAgo) },
    ]);
    emulator.createService(name, family, `${family}:2`, {
      desiredCount: desired,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' } },
    });
  }
}

async function tagCluster(name: string, key: string, value: string) {
  const ecs = new ECSClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: OPERATOR_CREDENTIALS,
  });
  await ecs.send(
    new TagResourceCommand({
      resourceArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${name}`,
      tags: [{ key, value }],
    }),
  );
  ecs.destroy();
  emulator.resetCalls();
}

const status = (inputs: Record<string, string>) =>
  runAction('environment-status', { 'aws-region': 'us-east-1', ...inputs }, { env: emulator.env() });

test('three idle times and a keep-until: keep, pause, destroy, keep — with costs priced as estimate() prices them', async () => {
  environment('pr-1', 2);
  environment('pr-2', 30);
  environment('pr-3', 100);
  environment('pr-4', 100);
  const inFuture = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await tagCluster('pr-4', 'adhoc-actions:keep-until', inFuture);

  const run = await status({
    environments: 'pr-1\npr-2\npr-3\npr-4\npr-9',
    'pause-after-hours': '24',
    'destroy-after-hours': '72',
  });
  expect(run.errors).toEqual([]);
  const envs = JSON.parse(run.outputs['environments']!) as EnvironmentStatus[];
  expect(envs.map((e) => [e.name, e.state, e.verdict])).toEqual([
    ['pr-1', 'running', 'keep'],
    ['pr-2', 'running', 'pause'],
    ['pr-3', 'running', 'destroy'],
    ['pr-4', 'running', 'keep'],
    ['pr-9', 'missing', 'keep'],
  ]);
  expect(envs[1]!.reason).toBe('idle 30 h ≥ 24 h');
  expect(envs[3]!.reason).toBe(`keep-until ${inFuture}`);
  expect(JSON.parse(run.outputs['to-pause']!)).toEqual(['pr-2']);
  expect(JSON.parse(run.outputs['to-destroy']!)).toEqual(['pr-3']);

  // Three 0.25 vCPU / 0.5 GB Spot tasks with public IPs, and 1/4 of the shared stack (4 clusters).
  const expected = estimate(
    {
      name: 'pr-1',
      region: 'us-east-1',
      services: ['gunicorn', 'celery', 'beat'].map((c) => ({
        name: `pr-1-${c}`,
        cpu: 256,
        memory: 512,
        desiredCount: 1,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' as const, weight: 1 }],
      })),
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      tasksHavePublicIp: true,
      shared: adHocShared(4),
    },
    loadPrices(),
  );
  expect(envs[0]!.dailyCost).toBe(Math.round(expected.total.daily * 100) / 100);
  expect(run.outputs['cost']).toContain(`${expected.total.daily.toFixed(2)} USD/day`);
  expect(run.outputs['cost']).toContain('1/4 share of the shared stack');
  expect(run.summary).toContain('pause: idle 30 h ≥ 24 h');
});

test('a paused environment costs only its share; record-activity marks what it runs as active now', async () => {
  environment('pr-5', 50, 0);
  const run = await status({ environments: 'pr-5', 'pause-after-hours': '24', 'shared-by': '2' });
  const [paused] = JSON.parse(run.outputs['environments']!) as EnvironmentStatus[];
  expect(paused).toMatchObject({ state: 'paused', verdict: 'keep', reason: 'already paused, idle 50 h' });
  const shareOnly = estimate(
    {
      name: 'pr-5',
      region: 'us-east-1',
      services: [],
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      tasksHavePublicIp: true,
      shared: adHocShared(2),
    },
    loadPrices(),
  );
  expect(paused!.dailyCost).toBe(Math.round(shareOnly.total.daily * 100) / 100);

  const resumed = await status({
    environments: 'pr-5',
    'pause-after-hours': '24',
    'record-activity': 'true',
  });
  const [after] = JSON.parse(resumed.outputs['environments']!) as EnvironmentStatus[];
  expect(after!.idleHours).toBe(0);
  expect(emulator.calls('TagResource').length).toBe(3);
});

test('the janitor gives a workspace list: only the ad hoc environments in it are read and judged', async () => {
  environment('pr-1', 100);
  environment('prod', 100);
  const run = await status({
    workspaces: '  default\n* pr-1\n  prod\n  feature-x\n  pr-2\n',
    prefix: 'pr-',
    keep: 'pr-2',
    'destroy-after-hours': '72',
    'shared-by': '2',
  });
  expect(run.errors).toEqual([]);
  const envs = JSON.parse(run.outputs['environments']!) as EnvironmentStatus[];
  expect(envs.map((e) => e.name)).toEqual(['pr-1']);
  expect(run.outputs['to-destroy']).toBe('["pr-1"]');
  // prod was never looked at: no call names its cluster.
  expect(JSON.stringify(emulator.calls())).not.toContain('prod');
});

test('a workspace list with no ad hoc environment: empty outputs, no error, no AWS call', async () => {
  const run = await status({ workspaces: '* default\n  staging\n', 'destroy-after-hours': '72' });
  expect(run.exitCode).toBe(0);
  expect(run.errors).toEqual([]);
  expect(run.outputs['to-pause']).toBe('[]');
  expect(run.outputs['to-destroy']).toBe('[]');
  expect(run.stdout).toContain('No ad hoc environments among the workspaces');
  expect(emulator.calls()).toEqual([]);
});

test.each([
  [{ environments: '' }, 'Input "environments" names no environment (or give "workspaces").'],
  [
    { environments: 'pr-1', workspaces: '* default\n  pr-1\n' },
    'Inputs "environments" and "workspaces": give one, the environments by name or a workspace list to choose from.',
  ],
  [{ environments: 'pr-1', prefix: 'pr-' }, 'Input "prefix" chooses among "workspaces", which is empty.'],
  [
    { workspaces: '* default\n  bad.name\n' },
    'Input "workspaces": "bad.name" is not a workspace (ECS cluster) name (1-255 letters, digits, hyphens and underscores).',
  ],
  [
    { environments: 'pr-1', 'pause-after-hours': 'soon' },
    'Input "pause-after-hours" must be a number from 0 to 8760, got "soon".',
  ],
  [
    { environments: 'pr-1', 'pause-after-hours': '48', 'destroy-after-hours': '24' },
    'Input "destroy-after-hours" (24) must be more than "pause-after-hours" (48), or 0 for never.',
  ],
])('%o is refused before any AWS call', async (inputs, error) => {
  const run = await status(inputs);
  expect(run.exitCode).toBe(1);
  expect(run.errors).toEqual([error]);
  expect(emulator.calls()).toEqual([]);
});
