import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import {
  DescribeServicesCommand,
  ECSClient,
  ListServicesCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from '../../simulator/aws/index.ts';
import { backendTaskDefinition, isSteady, seedRollout, waitFor } from '../../simulator/fixtures/rollout.ts';
import { runAction, type RunOptions } from '../../simulator/runner/run-action.ts';
import { WorkflowLogReader } from '../../simulator/runner/workflow-log.ts';

// Each rollout takes a second or two of real time (the action polls every second).
jest.setTimeout(30_000);

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 150, stopMs: 30 });
  emulator.createCluster('app');
});
afterEach(async () => {
  await emulator.stop();
});

const rollingUpdate = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runAction('rolling-update', inputs, { ...options, env: emulator.env() });

const service = (name: string) => emulator.services().find((s) => s.serviceName === name)!;
const revisionOf = (name: string) => service(name).taskDefinition.replace(/.*:task-definition\//, '');
const results = (outputs: Record<string, string>) =>
  JSON.parse(outputs['results']!) as Record<
    string,
    {
      status: string;
      taskDefinition: string;
      previousTaskDefinition: string;
      seconds: number;
      detail?: string;
    }
  >;

/** Collects stdout with the time each `::error::` line arrived. */
function errorClock() {
  const errors: { at: number; message: string }[] = [];
  const reader = new WorkflowLogReader();
  let buffer = '';
  return {
    errors,
    onStdout(chunk: string) {
      const at = Date.now();
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const read = reader.read(line);
        if (read.kind === 'error') errors.push({ at, message: read.text });
      }
    },
  };
}

describe('rolling-update', () => {
  test('12 services roll out in one step, watched two DescribeServices batches at a time', async () => {
    const families = Array.from({ length: 12 }, (_, i) => `svc${String(i + 1).padStart(2, '0')}`);
    const arns = await seedRollout(emulator, families);
    // svc12's new tasks take 3 s to start, so the first round surely sees them pending (the
    // others start in 150 ms: a round may see them anywhere between).
    emulator.setTaskBehavior('svc12:2', { startMs: 3000 });
    emulator.resetCalls();

    const run = await rollingUpdate({
      cluster: 'app',
      services: families.join('\n'),
      'task-definitions': JSON.stringify(arns),
    });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(emulator.calls('UpdateService')).toHaveLength(12);
    const describes = emulator.calls('DescribeServices');
    expect(Math.max(...describes.map((c) => (c.input['services'] as string[]).length))).toBe(10);
    // One watch loop: all 12 UpdateService calls go out before its first poll (arrival order).
    const order = emulator.calls().map((c) => c.operation);
    const between = order.slice(order.indexOf('UpdateService'), order.lastIndexOf('UpdateService'));
    expect(between.filter((op) => op === 'DescribeServices')).toEqual([]);
    const out = results(run.outputs);
    expect(Object.keys(out)).toEqual(families);
    for (const family of families) {
      expect(out[family]).toEqual({
        status: 'steady',
        taskDefinition: arns[family],
        previousTaskDefinition: arns[family]!.replace(/:2$/, ':1'),
        seconds: expect.any(Number),
        serviceDeploymentArn: expect.stringMatching(`:service-deployment/app/${family}/`),
      });
      expect(isSteady(service(family))).toBe(true);
      expect(revisionOf(family)).toBe(`${family}:2`);
    }
    const log = run.lines.join('\n');
    expect(log).toContain('(service svc01) has reached a steady state.');
    expect(log).toMatch(/svc12: 0\/2 running on svc12:2/);
    expect(log).toContain('svc07: steady on svc07:2');
    expect(run.summary).toContain('<td>svc01</td><td>steady</td><td>svc01:1 → svc01:2</td>');
  });

  test('a service whose new tasks exit 1 is reported within 2 s, rolled back, and the others finish', async () => {
    // Tasks count as healthy after 600 ms of RUNNING, so a crash at 100 ms keeps the old tasks.
    const arns = await seedRollout(emulator, ['web', 'worker', 'beat'], { healthyAfterMs: 600 });
    emulator.setTaskBehavior('web:2', {
      logs: [
        { afterMs: 20, message: 'Booting worker with pid 7' },
        { afterMs: 50, message: 'django.core.exceptions.ImproperlyConfigured: SECRET_KEY must not be empty' },
      ],
      exitAfterMs: 100,
      exitCode: 1,
    });
    const clock = errorClock();

    const run = await rollingUpdate(
      { cluster: 'app', services: 'web\nworker\nbeat', 'task-definitions': JSON.stringify(arns) },
      { onStdout: clock.onStdout },
    );

    expect(run.exitCode).toBe(1);
    const firstStop = Math.min(
      ...emulator
        .tasks()
        .filter((t) => t.taskDefinitionArn === arns['web'] && t.stoppingAt !== undefined)
        .map((t) => t.stoppingAt! * 1000),
    );
    const report = clock.errors[0]!;
    // Reported at the first poll that could see it (a poll counts, not a clock).
    const polls = emulator.calls('DescribeServices').filter((c) => c.at > firstStop && c.at < report.at);
    expect(polls.length).toBeLessThanOrEqual(2);
    expect(report.message).toMatch(
      /^web: the deployment of web:2 failed: task [0-9a-f]+ stopped: Essential container in task exited/,
    );
    expect(report.message).toContain('container "app" exited with code 1');
    expect(report.message).toContain('ImproperlyConfigured: SECRET_KEY must not be empty');
    expect(report.message).toContain('Booting worker with pid 7');

    expect(revisionOf('web')).toBe('web:1');
    expect(isSteady(service('web'))).toBe(true);
    for (const name of ['worker', 'beat']) {
      expect(revisionOf(name)).toBe(`${name}:2`);
      expect(isSteady(service(name))).toBe(true);
    }
    const out = results(run.outputs);
    expect(out['web']).toMatchObject({ status: 'rolled-back', taskDefinition: arns['web'] });
    expect(out['web']!.detail).toContain('rolled back to web:1');
    expect(out['worker']!.status).toBe('steady');
    expect(out['beat']!.status).toBe('steady');
    expect(run.errors.at(-1)).toMatch(/^Rolling update failed for 1 of 3 services: web rolled-back/);
    expect(run.summary).toContain('<td>web</td><td>rolled-back</td>');
    // The end state, told where people look: the closing line, the output Slack shows, the summary.
    const end =
      'End state: web runs web:1 (previous), worker runs worker:2 (new), beat runs beat:2 (new). Mixed versions: to put every service back on the previous release, roll back (rollback.yml, release previous: worker to worker:1, beat to beat:1); or fix the failure and deploy again.';
    expect(run.errors.at(-1)).toContain(end);
    expect(run.outputs['end-state']).toBe(end);
    expect(run.summary).toContain('<td>web:1 (previous)</td>');
    expect(run.summary).toContain('Mixed versions');
  });

  test('service events are printed with workflow commands stopped, so an event cannot issue one', async () => {
    const arns = await seedRollout(emulator, ['web']);
    // An event quoting text someone else chose (a reason, a name) that looks like a command,
    // posted as the deployment starts, so the action's first read of the service brings it.
    const unsubscribe = emulator.onCall('UpdateService', () => {
      service('web').events.unshift({
        id: 'evil-event',
        createdAt: Date.now() / 1000, // the emulator's clock: epoch seconds, as ECS sends them
        message: '(service web) ::error::fake failure ::add-mask::steal',
      });
    });
    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });
    unsubscribe();
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    const at = lines.findIndex((l) => l.includes('::error::fake failure'));
    expect(at).toBeGreaterThan(0);
    // Between a ::stop-commands::<token> line and its ::<token>:: line, the runner obeys nothing.
    const opened = lines.slice(0, at).findLast((l) => l.startsWith('::stop-commands::'));
    expect(opened).toBeDefined();
    const token = opened!.slice('::stop-commands::'.length);
    expect(lines.slice(at).some((l) => l === `::${token}::`)).toBe(true);
    expect(lines.slice(lines.indexOf(opened!), at).some((l) => l === `::${token}::`)).toBe(false);
  });

  test("another deploy's rollout still in progress is not started over: refused, named, nothing changed", async () => {
    const release = (id: string) => [{ key: 'adhoc-actions:release', value: id }];
    const def = (image: string) => ({ ...backendTaskDefinition('web', image) });
    emulator.registerTaskDefinition(def('backend:v1'));
    emulator.createService('app', 'web', 'web:1', { desiredCount: 2 });
    await waitFor(() => emulator.services().every(isSteady));
    emulator.registerTaskDefinition(def('backend:v2'), release('r2'));
    emulator.registerTaskDefinition(def('backend:v3'), release('r3'));
    // Run A (release r2) starts its rollout; tasks take a while to start, so it is in progress.
    emulator.setTiming({ startMs: 5_000 });
    const a = await rollingUpdate({ cluster: 'app', services: 'web=web:2', wait: 'false' });
    expect(a.errors).toEqual([]);
    const updates = emulator.calls('UpdateService').length;

    // Run B (release r3), from a workflow that cancelled A through its concurrency group.
    const b = await rollingUpdate({ cluster: 'app', services: 'web=web:3' });
    expect(b.exitCode).not.toBe(0);
    expect(b.errors).toEqual([
      expect.stringMatching(
        /^Input "services": service "web" is still rolling out web:2 of release r2 \(deployment ecs-svc\/\d+, started [\d-]+T[\d:.]+Z\), another deploy's; rolling-update does not start over it\./,
      ),
    ]);
    expect(emulator.calls('UpdateService')).toHaveLength(updates);
    expect(revisionOf('web')).toBe('web:2');

    // Knowingly (a rollout known to be stuck): start-over replaces it.
    const over = await rollingUpdate({
      cluster: 'app',
      services: 'web=web:3',
      wait: 'false',
      'start-over': 'true',
    });
    expect(over.errors).toEqual([]);
    expect(revisionOf('web')).toBe('web:3');
    // The release in progress again (a re-run of that deploy) follows its own rollout instead.
    emulator.setTiming({ startMs: 100 });
    const again = await rollingUpdate({ cluster: 'app', services: 'web=web:3' });
    expect(again.errors).toEqual([]);
  });

  // Issue 22.1: the plan and each move's diff, every check run, nothing updated.
  test('dry-run: checks run, each move is shown with what it changes, and no UpdateService is sent', async () => {
    const arns = await seedRollout(emulator, ['web', 'worker']);
    emulator.resetCalls();

    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web\nworker',
      'task-definitions': JSON.stringify(arns),
      'dry-run': 'true',
    });

    expect(run.errors).toEqual([]);
    expect(emulator.calls('UpdateService')).toHaveLength(0);
    expect(revisionOf('web')).toBe('web:1');
    const out = JSON.parse(run.outputs['results']!) as Record<string, { status: string; diff: string[] }>;
    expect(out['web']).toMatchObject({
      status: 'would-update',
      diff: ['container app: image backend:v1 → backend:v2'],
    });
    expect(out['worker']!.status).toBe('would-update');
    expect(run.lines).toContain('  web: container app: image backend:v1 → backend:v2');
    expect(run.summary).toContain('dry run: nothing updated');

    // A mistake is still one line before anything, dry run or not.
    const bad = await rollingUpdate({
      cluster: 'app',
      services: 'nope',
      'task-definitions': JSON.stringify(arns),
      'dry-run': 'true',
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.errors).toEqual(['Input "services": service "nope" not found in cluster "app".']);
  });

  test('rollback false leaves the failed service alone and still fails the step', async () => {
    const arns = await seedRollout(emulator, ['web'], { healthyAfterMs: 600 });
    emulator.setTaskBehavior('web:2', { exitAfterMs: 50, exitCode: 3 });

    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
      rollback: 'false',
    });

    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('exited with code 3');
    expect(emulator.calls('UpdateService')).toHaveLength(1);
    expect(results(run.outputs)['web']!.status).toBe('failed');
  });

  test('rolloutState FAILED from the circuit breaker is reported on the next poll, and ECS rolls back', async () => {
    const arns = await seedRollout(emulator, ['web'], {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      circuitBreakerThreshold: 1,
    });
    emulator.setTaskBehavior('web:2', {
      failToStart: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
    });
    // The rollback takes a while, as in ECS, so polls see the FAILED deployment.
    emulator.setTaskBehavior('web:1', { startMs: 1500 });
    const clock = errorClock();

    const run = await rollingUpdate(
      { cluster: 'app', services: 'web', 'task-definitions': JSON.stringify(arns) },
      { onStdout: clock.onStdout },
    );

    expect(run.exitCode).toBe(1);
    const failedEvent = service('web').events.find((e) => e.message.includes('deployment failed'))!;
    const report = clock.errors[0]!;
    // Reported on the next poll: one DescribeServices call between the failure and the report.
    const failedAt = failedEvent.createdAt * 1000;
    const polls = emulator.calls('DescribeServices').filter((c) => c.at > failedAt && c.at < report.at);
    expect(polls).toHaveLength(1);
    // v2: ECS's service deployment says it is rolling back, and why.
    expect(report.message).toContain(
      'ROLLBACK_IN_PROGRESS: Service deployment rolled back because the circuit breaker',
    );
    expect(report.message).toContain('CannotPullContainerError');
    // ECS rolled back; the action only followed it.
    expect(emulator.calls('UpdateService')).toHaveLength(1);
    expect(revisionOf('web')).toBe('web:1');
    expect(isSteady(service('web'))).toBe(true);
    expect(results(run.outputs)['web']!.status).toBe('rolled-back');
  });

  // Issue 22.2: with the breaker set to roll back, its thresholds are the user's policy. The
  // breaker trips only when the test says (on the step's first warning), so no race decides.
  test("with the circuit breaker on, ECS decides: each crash is a warning at once, no StopServiceDeployment, ECS's rollback and its reason reported", async () => {
    const arns = await seedRollout(emulator, ['web'], {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      circuitBreakerThreshold: 1_000,
      healthyAfterMs: 600,
    });
    emulator.setTaskBehavior('web:2', { exitAfterMs: 50, exitCode: 1 });
    let warned = false;
    const run = await rollingUpdate(
      { cluster: 'app', services: 'web', 'task-definitions': JSON.stringify(arns) },
      {
        onStdout: (chunk) => {
          if (!warned && chunk.includes('::warning::web: a task of web:2 stopped')) {
            warned = true;
            // ECS reaches the user's threshold now.
            emulator.setCircuitBreakerThreshold('web', 1);
          }
        },
      },
    );

    expect(warned).toBe(true);
    const warning = run.warnings.find((w) => w.startsWith('web: a task of web:2 stopped'))!;
    expect(warning).toContain('exited with code 1');
    expect(warning).toContain("ECS's circuit breaker (or alarms) decides");
    expect(emulator.calls('StopServiceDeployment')).toHaveLength(0);
    expect(emulator.calls('UpdateService')).toHaveLength(1);
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain('circuit breaker threshold was exceeded');
    expect(results(run.outputs)['web']!.status).toBe('rolled-back');
    expect(revisionOf('web')).toBe('web:1');
  });

  // Issue 22.2: the breaker's thresholdConfiguration (2026-07) is the user's knob: shown at the
  // start, counted in each crash warning, and the rollout ends when ECS's count reaches it.
  test("the breaker's thresholdConfiguration is shown, counted at each crash, and ECS ends the rollout at it", async () => {
    const arns = await seedRollout(emulator, ['web'], {
      deploymentConfiguration: {
        deploymentCircuitBreaker: {
          enable: true,
          rollback: true,
          thresholdConfiguration: { type: 'COUNT', value: 5 },
        },
      },
      healthyAfterMs: 3_000,
    });
    // Each pair of tasks lives 1.5 s: the step sees every stop before ECS counts the next pair.
    emulator.setTaskBehavior('web:2', { exitAfterMs: 1_500, exitCode: 1 });

    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });

    expect(run.lines).toContain(
      '    ECS decides by: circuit breaker (rolls back): fails at 5 failed tasks (a count)',
    );
    const counted = run.warnings
      .filter((w) => w.startsWith('web: a task of web:2 stopped'))
      .map((w) => /has counted (\d+) of (\d+) failed tasks/.exec(w));
    console.log(run.stdout);
    expect(counted.length).toBeGreaterThan(0);
    for (const match of counted) expect(match?.[2]).toBe('5');
    expect(emulator.calls('StopServiceDeployment')).toHaveLength(0);
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain('circuit breaker threshold was exceeded');
    expect(results(run.outputs)['web']!.status).toBe('rolled-back');
    const failed = emulator.serviceDeployments().find((d) => d.status === 'ROLLBACK_SUCCESSFUL');
    // Tasks fail two at a time: ECS counted 5 or 6 when it tripped, not its default of 3.
    expect([5, 6]).toContain(failed?.deploymentCircuitBreaker.failureCount);
    expect(revisionOf('web')).toBe('web:1');
  });

  test('fail-fast: true rolls back at the first stopped task, though the breaker would wait', async () => {
    const arns = await seedRollout(emulator, ['web'], {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      circuitBreakerThreshold: 1_000,
      healthyAfterMs: 600,
    });
    emulator.setTaskBehavior('web:2', { exitAfterMs: 50, exitCode: 1 });

    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
      'fail-fast': 'true',
    });

    expect(run.exitCode).toBe(1);
    expect(emulator.calls('StopServiceDeployment')).toHaveLength(1);
    expect(results(run.outputs)['web']!.status).toBe('rolled-back');
  });

  test('a timeout names each service not yet steady and what it waits on', async () => {
    const arns = await seedRollout(emulator, ['web', 'worker']);
    emulator.setTaskBehavior('web:2', { startMs: 60_000 });

    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web\nworker',
      'task-definitions': JSON.stringify(arns),
      'timeout-minutes': '0.05',
    });

    expect(run.exitCode).toBe(1);
    const timeout = run.errors.find((e) => e.startsWith('Timed out'))!;
    expect(timeout).toContain(
      'web waits on 0/2 running on web:2 (2 pending); web:1 still has 2 tasks to stop',
    );
    expect(timeout).not.toContain('worker');
    const out = results(run.outputs);
    expect(out['web']!.status).toBe('timed-out');
    expect(out['worker']!.status).toBe('steady');
  });

  test.each([
    [
      'an unknown cluster',
      { cluster: 'nope', services: 'web' },
      'Input "cluster": cluster "nope" was not found.',
    ],
    [
      'an unknown service',
      { cluster: 'app', services: 'web\nghost' },
      'Input "services": service "ghost" not found in cluster "app".',
    ],
    [
      'a line naming an ARN of another family',
      { cluster: 'app', services: 'web=arn:aws:ecs:us-east-1:123456789012:task-definition/worker:2' },
      'Input "services": line "web=arn:aws:ecs:us-east-1:123456789012:task-definition/worker:2" names family "worker", but service "web" runs family "web".',
    ],
    [
      'a family missing from task-definitions',
      {
        cluster: 'app',
        services: 'web\nworker',
        'task-definitions': '{"web":"arn:aws:ecs:us-east-1:123456789012:task-definition/web:2"}',
      },
      'Input "task-definitions" has no entry for family "worker" (service "worker")',
    ],
  ])('%s fails before any UpdateService', async (_, inputs, message) => {
    const arns = await seedRollout(emulator, ['web', 'worker']);
    emulator.resetCalls();

    const run = await rollingUpdate({ 'task-definitions': JSON.stringify(arns), ...inputs });

    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(message);
    expect(emulator.calls('UpdateService')).toHaveLength(0);
  });

  test('with 30% of calls throttled it still succeeds', async () => {
    const families = ['web', 'worker', 'beat', 'frontend'];
    const arns = await seedRollout(emulator, families);
    emulator.setFaults({ throttleRate: 0.3 });

    const run = await rollingUpdate({
      cluster: 'app',
      services: families.map((f) => `${f}=${f}:2`).join('\n'),
      'task-definitions': JSON.stringify(arns),
    });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(emulator.calls().filter((c) => c.error === 'ThrottlingException').length).toBeGreaterThan(0);
    for (const family of families) expect(revisionOf(family)).toBe(`${family}:2`);
    expect(Object.values(results(run.outputs)).map((r) => r.status)).toEqual(families.map(() => 'steady'));
  });

  test("at a busy account's rate limit (DescribeServiceDeployments 1 every 2 s), the watch slows down and ends green", async () => {
    const families = ['web', 'worker'];
    const arns = await seedRollout(emulator, families);
    families.forEach((f) => emulator.setTaskBehavior(`${f}:2`, { startMs: 3000 }));
    emulator.setRateLimits({
      'service deployment': { burst: 2, refill: 0.5, actions: ['DescribeServiceDeployments'] },
    });

    const run = await rollingUpdate({
      cluster: 'app',
      services: families.join('\n'),
      'task-definitions': JSON.stringify(arns),
    });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(emulator.throttledCalls()['DescribeServiceDeployments']).toBeGreaterThan(0);
    expect(Object.values(results(run.outputs)).map((r) => r.status)).toEqual(['steady', 'steady']);
  });

  test('with the circuit breaker on, quiet rounds read only the service deployments; without it, every round reads the service', async () => {
    const arns = await seedRollout(emulator, ['web'], {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    // Six seconds of pending tasks: nothing changes after the first round or two.
    emulator.setTaskBehavior('web:2', { startMs: 6000 });
    emulator.resetCalls();

    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });

    expect(run.exitCode).toBe(0);
    // The watch's reads: from its first round (prepare's DescribeServices come before the update).
    const watching = () => {
      const reads = emulator.calls('DescribeServiceDeployments');
      const from = reads[0]!.at;
      return {
        rounds: reads.length,
        described: emulator.calls('DescribeServices').filter((c) => c.at >= from).length,
      };
    };
    const { rounds, described } = watching();
    expect(rounds).toBeGreaterThanOrEqual(4);
    expect(described).toBeLessThan(rounds);
    // The events still reach the log, and the step still ends on the steady state.
    expect(run.lines.join('\n')).toContain('(service web) has reached a steady state.');

    // Without the breaker the step must see the first failed task itself: failedTasks each round.
    const plain = await seedRollout(emulator, ['api']);
    emulator.setTaskBehavior('api:2', { startMs: 6000 });
    emulator.resetCalls();
    const again = await rollingUpdate({
      cluster: 'app',
      services: 'api',
      'task-definitions': JSON.stringify(plain),
    });
    expect(again.exitCode).toBe(0);
    const plainReads = watching();
    expect(plainReads.described).toBe(plainReads.rounds);
  });

  test('wait false updates and returns; a service already on its definition is left alone', async () => {
    const arns = await seedRollout(emulator, ['web', 'worker']);
    emulator.resetCalls();

    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web\nworker=worker:1',
      'task-definitions': JSON.stringify(arns),
      wait: 'false',
    });

    expect(run.exitCode).toBe(0);
    expect(emulator.calls('UpdateService').map((c) => c.input['service'])).toEqual(['web']);
    const out = results(run.outputs);
    expect(out['web']!.status).toBe('updated');
    expect(out['worker']!.status).toBe('unchanged');
  });
});

describe('emulated ECS services', () => {
  let ecs: ECSClient;
  beforeEach(() => {
    ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: OPERATOR_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterEach(() => ecs.destroy());

  test('DescribeServices: 10 at most, MISSING failures, unknown clusters', async () => {
    await seedRollout(emulator, ['web']);
    const eleven = Array.from({ length: 11 }, (_, i) => `s${i}`);
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: 'app', services: eleven })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    const { services, failures } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'app', services: ['web', 'ghost'] }),
    );
    expect(services?.map((s) => s.serviceName)).toEqual(['web']);
    expect(failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/app/ghost', reason: 'MISSING' },
    ]);
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['web'] })),
    ).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'app', service: 'ghost', taskDefinition: 'web:2' })),
    ).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
    service('web').status = 'DRAINING';
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'app', service: 'web', taskDefinition: 'web:2' })),
    ).rejects.toMatchObject({ name: 'ServiceNotActiveException' });
  });

  test('a rollout: PRIMARY and ACTIVE deployments, maximumPercent, events newest first, then one deployment', async () => {
    await seedRollout(emulator, ['web']);
    emulator.setTaskBehavior('web:2', { startMs: 300 });
    const { service: updated } = await ecs.send(
      new UpdateServiceCommand({ cluster: 'app', service: 'web', taskDefinition: 'web:2' }),
    );
    expect(updated?.deployments?.map((d) => [d.status, d.taskDefinition?.slice(-5), d.rolloutState])).toEqual(
      [
        ['PRIMARY', 'web:2', 'IN_PROGRESS'],
        ['ACTIVE', 'web:1', 'COMPLETED'],
      ],
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    // maximumPercent 200 with 2 desired: 2 new tasks beside the 2 old ones, no more.
    expect(service('web').pendingCount).toBe(2);
    expect(service('web').runningCount).toBe(2);
    await waitFor(() => isSteady(service('web')));
    const [primary] = service('web').deployments;
    expect(primary).toMatchObject({
      taskDefinition: expect.stringMatching(/web:2$/),
      runningCount: 2,
      failedTasks: 0,
    });
    expect(
      service('web')
        .events.slice(0, 2)
        .map((e) => e.message),
    ).toEqual([
      '(service web) has reached a steady state.',
      `(service web) (deployment ${primary!.id}) deployment completed.`,
    ]);
    const { taskArns } = await ecs.send(
      new ListTasksCommand({ cluster: 'app', serviceName: 'web', desiredStatus: 'STOPPED' }),
    );
    expect(taskArns).toHaveLength(2);
    const page = await ecs.send(new ListServicesCommand({ cluster: 'app' }));
    expect(page.serviceArns).toEqual(['arn:aws:ecs:us-east-1:123456789012:service/app/web']);
  });

  test('minimumHealthyPercent 50 with maximumPercent 100 stops an old task before starting a new one', async () => {
    await seedRollout(emulator, ['web'], {
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 },
    });
    emulator.setTaskBehavior('web:2', { startMs: 300 });
    await ecs.send(new UpdateServiceCommand({ cluster: 'app', service: 'web', taskDefinition: 'web:2' }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const [primary, old] = service('web').deployments;
    expect(
      primary!.pendingCount + primary!.runningCount + old!.runningCount + old!.pendingCount,
    ).toBeLessThanOrEqual(2);
    expect(old!.runningCount).toBeGreaterThanOrEqual(1);
    await waitFor(() => isSteady(service('web')));
  });

  test("the circuit breaker fails a deployment after ECS's threshold of failed tasks and rolls back", async () => {
    await seedRollout(emulator, ['web'], {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    emulator.setTaskBehavior('web:2', { failToStart: 'CannotPullContainerError: not found', startMs: 30 });
    await ecs.send(new UpdateServiceCommand({ cluster: 'app', service: 'web', taskDefinition: 'web:2' }));
    await waitFor(() => service('web').deployments.some((d) => d.rolloutState === 'FAILED'));
    const failed = service('web').deployments.find((d) => d.rolloutState === 'FAILED')!;
    // desired 2: min(max(ceil(2 / 2), 3), 200) = 3; tasks fail two at a time, so 3 or 4.
    expect([3, 4]).toContain(failed.failedTasks);
    expect(failed.rolloutStateReason).toMatch(
      /^ECS deployment circuit breaker: rolling back to deploymentId ecs-svc\/\d{19}\.$/,
    );
    await waitFor(() => isSteady(service('web')));
    expect(revisionOf('web')).toBe('web:1');
  });
});

test('a cancelled job stops watching at once and names where each service was', async () => {
  const arns = await seedRollout(emulator, ['web', 'worker']);
  emulator.setTaskBehavior('web:2', { startMs: 20_000 });
  emulator.setTaskBehavior('worker:2', { startMs: 20_000 });
  let child: import('node:child_process').ChildProcess | undefined;
  let signalledAt = 0;
  const run = await rollingUpdate(
    { cluster: 'app', services: 'web\nworker', 'task-definitions': JSON.stringify(arns) },
    {
      onSpawn: (spawned) => (child = spawned),
      onStdout: (chunk) => {
        if (!signalledAt && /web: 0\/2 running/.test(chunk)) {
          signalledAt = emulator.calls('DescribeServices').length;
          child!.kill('SIGTERM');
        }
      },
    },
  );
  // The new tasks would take 20 s to start: the step stopped at once, not a poll later.
  expect(signalledAt).toBeGreaterThan(0);
  expect(emulator.calls('DescribeServices').length - signalledAt).toBeLessThanOrEqual(1);
  expect(run.exitCode).toBe(1);
  expect(run.errors[0]).toMatch(
    /^Cancelled; ECS carries on with the deployments of web \(cancelled while it waited on 0\/2 running on web:2/,
  );
  expect(run.errors[0]).toContain('ECS is still deploying web (0/2 on web:2)');
  const results = JSON.parse(run.outputs['results']!) as Record<string, { status: string }>;
  expect(results['web']!.status).toBe('cancelled');
  expect(results['worker']!.status).toBe('cancelled');
  expect(emulator.calls('UpdateService')).toHaveLength(2);
});

describe('rolling-update through outages', () => {
  test.each([
    ['ServiceUnavailableException', 503],
    ['ServerException', 500],
    ['ThrottlingException', 400],
  ] as const)('an emulated outage answers %s with HTTP %d, and ends on time', async (error, status) => {
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: OPERATOR_CREDENTIALS,
      maxAttempts: 1,
    });
    const window = emulator.addOutage({ operations: ['ListServices'], forMs: 300, error });
    const failure = await ecs.send(new ListServicesCommand({ cluster: 'app' })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: error, $metadata: { httpStatusCode: status } });
    await new Promise((resolve) => setTimeout(resolve, window.until - Date.now() + 10));
    await expect(ecs.send(new ListServicesCommand({ cluster: 'app' }))).resolves.toBeDefined();
    ecs.destroy();
  });

  /**
   * The SDK's own retries may absorb part of an outage; when the loop sees it, exactly one
   * warning when it starts and one line when it ends, never one per attempt.
   */
  function expectOutageReported(
    run: { warnings: string[]; lines: string[] },
    warning: RegExp,
    recovery: RegExp,
  ) {
    const { warnings } = run;
    if (warnings.length > 1) console.log(warnings);
    expect(warnings.length).toBeLessThanOrEqual(1);
    const recoveries = run.lines.filter((line) => recovery.test(line));
    expect(recoveries).toHaveLength(warnings.length);
    for (const line of warnings) expect(line).toMatch(warning);
  }

  test('a 3 s DescribeServices outage mid-rollout: watched to the end, with results', async () => {
    const arns = await seedRollout(emulator, ['web', 'worker']);
    emulator.setTaskBehavior('web:2', { startMs: 2500 });
    let window: { until: number } | undefined;
    const run = await rollingUpdate(
      { cluster: 'app', services: 'web\nworker', 'task-definitions': JSON.stringify(arns) },
      {
        onStdout: (chunk) => {
          if (!window && /web: 0\/2 running/.test(chunk)) {
            window = emulator.addOutage({
              operations: ['DescribeServices'],
              forMs: 3000,
              error: 'ServerException',
            });
          }
        },
      },
    );

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    // The outage was hit, and watched through: a DescribeServices answered after it ended.
    const calls = emulator.calls('DescribeServices');
    expect(calls.filter((c) => c.error === 'ServerException').length).toBeGreaterThan(1);
    expect(calls.some((c) => !c.error && c.at >= window!.until)).toBe(true);
    const out = results(run.outputs);
    expect(out['web']!.status).toBe('steady');
    expect(out['worker']!.status).toBe('steady');
    expect(isSteady(service('web'))).toBe(true);
    expectOutageReported(
      run,
      /^DescribeServices failed \(ServerException/,
      /^DescribeServices answers again/,
    );
  });

  test('timing out during an outage writes results and says what ECS is still deploying', async () => {
    const arns = await seedRollout(emulator, ['web']);
    emulator.setTaskBehavior('web:2', { startMs: 60_000 });
    let outage = false;
    const run = await rollingUpdate(
      {
        cluster: 'app',
        services: 'web',
        'task-definitions': JSON.stringify(arns),
        'timeout-minutes': '0.05',
      },
      {
        onStdout: (chunk) => {
          if (!outage && /web: 0\/2 running/.test(chunk)) {
            outage = true;
            emulator.addOutage({ operations: ['DescribeServices'], forMs: 60_000 });
          }
        },
      },
    );

    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /^Timed out after 0.05 minutes( \(DescribeServices failing: ServiceUnavailableException: .*\))?: web waits on 0\/2 running on web:2.*; ECS is still deploying web \(0\/2 on web:2\)\.$/,
    );
    const out = results(run.outputs);
    expect(out['web']).toMatchObject({
      status: 'timed-out',
      detail: expect.stringContaining('ECS is still deploying web (0/2 on web:2)'),
    });
  });

  test('an error waiting will not fix ends the watch with results naming what ECS still does', async () => {
    const arns = await seedRollout(emulator, ['web']);
    emulator.setTaskBehavior('web:2', { startMs: 60_000 });
    let denied = false;
    const run = await rollingUpdate(
      { cluster: 'app', services: 'web', 'task-definitions': JSON.stringify(arns) },
      {
        onStdout: (chunk) => {
          if (!denied && /web: 0\/2 running/.test(chunk)) {
            denied = true;
            emulator.setFaults({ operations: ['DescribeServices'], accessDeniedRate: 1 });
          }
        },
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /^Stopped watching: AccessDeniedException: .*\. ECS is still deploying web \(0\/2 on web:2\)\.$/,
    );
    expect(results(run.outputs)['web']).toMatchObject({
      status: 'unwatched',
      detail: expect.stringMatching(
        /^could not watch it \(AccessDeniedException: .*\); ECS is still deploying web/,
      ),
    });
  });
});
