import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { backendTaskDefinition, isSteady, waitFor } from '../../simulator/fixtures/rollout.ts';
import { runAction } from '../../simulator/runner/run-action.ts';

// Four deploys and two rollbacks, each rollout a second or two of real time.
jest.setTimeout(60_000);

let emulator: Emulator;

const FAMILIES = ['app-web', 'app-worker', 'app-migrate'];
const SERVICES = ['app-web', 'app-worker'];

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 100, stopMs: 20 });
  emulator.createCluster('app');
  // What Terraform leaves: revision 1 of each family (untagged), services on it.
  // app-web's container is "web", so a deploy can change web alone (images web=...).
  for (const family of FAMILIES) {
    const definition = backendTaskDefinition(family, 'backend:v0');
    if (family === 'app-web') definition.containerDefinitions[0]!.name = 'web';
    emulator.registerTaskDefinition(definition);
  }
  for (const service of SERVICES) emulator.createService('app', service, `${service}:1`, { desiredCount: 2 });
  await waitFor(() => emulator.services().every(isSteady));
});
afterEach(async () => {
  await emulator.stop();
});

const env = (release: string) => ({
  ...emulator.env(),
  GITHUB_SHA: release.padEnd(40, '0'),
  GITHUB_RUN_ID: '7',
  GITHUB_ACTOR: 'alice',
});

/**
 * register-task-definition (release = version) then rolling-update, as the deploy workflow
 * does: every family, unchanged ones kept (skip-unchanged). `container` web changes web alone.
 */
async function deploy(version: string, container = '*') {
  const registered = await runAction(
    'register-task-definition',
    { 'task-definitions': FAMILIES.join('\n'), images: `${container}=backend:${version}`, release: version },
    { env: env(version) },
  );
  expect(registered.errors).toEqual([]);
  expect(registered.summary).toContain(`Release ${version}.`);
  const arns = registered.outputs['task-definition-arns']!;
  const rolled = await rollingUpdate(arns);
  return { arns: JSON.parse(arns) as Record<string, string>, rolled };
}

const rollingUpdate = (taskDefinitions: string) =>
  runAction(
    'rolling-update',
    { cluster: 'app', services: SERVICES.join('\n'), 'task-definitions': taskDefinitions },
    { env: emulator.env() },
  );

const releaseHistory = (inputs: Record<string, string> = {}) =>
  runAction('release-history', { cluster: 'app', release: 'previous', ...inputs }, { env: emulator.env() });

const running = () =>
  Object.fromEntries(emulator.services().map((s) => [s.serviceName, s.taskDefinition.replace(/.*\//, '')]));
/** The tags of `family:revision`, as the emulator stores them. */
function tags(ref: string): Record<string, string> {
  const [family, revision] = ref.split(':');
  const record = emulator.state.taskDefinitions.get(family!)![Number(revision) - 1]!;
  return Object.fromEntries(record.tags.map((t) => [t.key, t.value]));
}

describe('release history and rollback', () => {
  test('deploy v1, v2, v3 → rollback to previous puts every service on v2, every family included; v1 by name', async () => {
    await deploy('v1');
    const v2 = (await deploy('v2')).arns;
    await deploy('v3', 'web'); // worker and migrate unchanged in v3

    // What a deploy records, on the revisions themselves.
    expect(tags('app-web:3')).toEqual({
      'adhoc-actions:release': 'v2',
      'adhoc-actions:commit': 'v2'.padEnd(40, '0'),
      'adhoc-actions:actor': 'alice',
      'adhoc-actions:image': 'backend:v2',
      'adhoc-actions:released-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    // The one-off family never runs as a service: it is in the release, never marked released.
    expect(tags('app-migrate:3')['adhoc-actions:released-at']).toBeUndefined();

    const previous = await releaseHistory();
    expect(previous.errors).toEqual([]);
    expect(previous.outputs['release']).toBe('v2');
    expect(previous.outputs['current']).toBe('v3');
    expect(JSON.parse(previous.outputs['task-definitions']!)).toEqual(v2);
    const releases = JSON.parse(previous.outputs['releases']!) as {
      id: string;
      families: Record<string, string>;
    }[];
    expect(releases.map((r) => r.id)).toEqual(['v3', 'v2', 'v1']);
    // v3 left worker and migrate alone: it ran v2's.
    expect(releases[0]!.families).toEqual({ ...v2, 'app-web': v2['app-web']!.replace(/:3$/, ':4') });
    expect(previous.summary).toContain('v2');

    const calls = emulator.calls('RunTask').length;
    const rollback = await rollingUpdate(previous.outputs['task-definitions']!);
    expect(rollback.errors).toEqual([]);
    expect(running()).toEqual({ 'app-web': 'app-web:3', 'app-worker': 'app-worker:3' });
    expect(emulator.calls('RunTask')).toHaveLength(calls); // no migration task ran

    const v1 = await releaseHistory({ release: 'v1' });
    expect(v1.errors).toEqual([]);
    expect(JSON.parse(v1.outputs['task-definitions']!)).toEqual({
      'app-web': expect.stringMatching(/task-definition\/app-web:2$/),
      'app-worker': expect.stringMatching(/task-definition\/app-worker:2$/),
      'app-migrate': expect.stringMatching(/task-definition\/app-migrate:2$/),
    });
    await rollingUpdate(v1.outputs['task-definitions']!);
    expect(running()).toEqual({ 'app-web': 'app-web:2', 'app-worker': 'app-worker:2' });
  });

  test('a release whose rollout failed is never offered; unknown and deregistered targets are one line', async () => {
    await deploy('v1');
    await deploy('v2');
    emulator.setTaskBehavior('app-web:4', {
      failToStart: 'CannotPullContainerError: not found',
      startMs: 30,
    });
    const failed = await deploy('v3', 'web');
    expect(failed.rolled.exitCode).not.toBe(0);
    expect(JSON.parse(failed.rolled.outputs['results']!)['app-web'].status).toBe('rolled-back');
    expect(running()['app-web']).toBe('app-web:3');

    const previous = await releaseHistory();
    expect(previous.outputs['current']).toBe('v2');
    expect(previous.outputs['release']).toBe('v1');
    expect(previous.summary).toContain('Never reached steady (not offered): v3.');

    const named = await releaseHistory({ release: 'v3' });
    expect(named.errors).toEqual([
      'Input "release": release "v3" never reached steady (its rollout failed), so it is not a release of cluster app (families app-*); known releases, newest first: v2, v1.',
    ]);
    const unknown = await releaseHistory({ release: 'v9' });
    expect(unknown.errors).toEqual([
      'Input "release": release "v9" is not a release of cluster app (families app-*); known releases, newest first: v2, v1.',
    ]);

    emulator.state.taskDefinitions.get('app-migrate')![1]!.definition.status = 'INACTIVE';
    const gone = await releaseHistory({ release: 'v1' });
    expect(gone.errors).toEqual([
      'Input "release": release v1 needs app-migrate:2, deregistered (INACTIVE) since, by Terraform or a person; it cannot be deployed again.',
    ]);
  });

  test('an AWS outage while reading is waited out; a failure to mark a release is a warning, not a failed deploy', async () => {
    await deploy('v1');
    await deploy('v2');
    emulator.addOutage({ operations: ['TagResource'], forMs: 60_000 });
    const v3 = await deploy('v3');
    expect(v3.rolled.exitCode).toBe(0);
    expect(v3.rolled.stdout).toMatch(
      /::warning::Release history: could not tag \S+app-web:4 as released .*needs ecs:TagResource/,
    );

    // Taken before the outage begins: an answer can only come after it ends, however slow the machine.
    const started = Date.now();
    emulator.addOutage({ operations: ['ListTaskDefinitions', 'DescribeTaskDefinition'], forMs: 1_500 });
    const previous = await releaseHistory();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(previous.errors).toEqual([]);
    // v3 never got marked, so the newest release is v2 and previous is v1.
    expect([previous.outputs['current'], previous.outputs['release']]).toEqual(['v2', 'v1']);
  });
});
