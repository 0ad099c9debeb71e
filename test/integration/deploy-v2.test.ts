import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import type { CreateServiceOptions } from '../../simulator/aws/ecs/services.ts';
import { isSteady, seedRollout } from '../../simulator/fixtures/rollout.ts';
import { runAction, type RunOptions } from '../../simulator/runner/run-action.ts';

// Deploy engine v2: rolling-update and continue-deployment driven by ECS service deployments.
jest.setTimeout(40_000);

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 150, stopMs: 30 });
  // A "minute" of bake time or hook timeout lasts 400 ms here.
  emulator.setDeploymentTiming({ minuteMs: 400, stageMs: 100 });
  emulator.createCluster('app');
});
afterEach(async () => {
  await emulator.stop();
});

const rollingUpdate = (inputs: Record<string, string>, options: RunOptions = {}) =>
  runAction('rolling-update', inputs, { ...options, env: emulator.env() });
const continueDeployment = (inputs: Record<string, string>, runnerTemp?: string) =>
  runAction('continue-deployment', inputs, {
    env: { ...emulator.env(), ...(runnerTemp && { RUNNER_TEMP: runnerTemp }) },
  });

const service = (name: string) => emulator.services().find((s) => s.serviceName === name)!;
const revisionOf = (name: string) => service(name).taskDefinition.replace(/.*:task-definition\//, '');
const deploymentOf = (name: string) =>
  emulator
    .serviceDeployments()
    .find((d) => d.serviceDeploymentArn === service(name).currentServiceDeployment)!;
type Results = Record<
  string,
  { status: string; detail?: string; stages?: string[]; serviceDeploymentArn?: string }
>;
const results = (outputs: Record<string, string>) => JSON.parse(outputs['results']!) as Results;

const blueGreen = (hooks: CreateServiceOptions['deploymentConfiguration'] = {}): CreateServiceOptions => ({
  deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, ...hooks },
});
const pauseAfterTestTraffic = (timeoutInMinutes = 60) =>
  blueGreen({
    lifecycleHooks: [
      {
        targetType: 'PAUSE',
        lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes, action: 'ROLLBACK' },
      },
    ],
  });

describe('rolling-update v2', () => {
  test('three rolling services follow their service deployments to SUCCESSFUL in one DescribeServiceDeployments call a poll', async () => {
    const arns = await seedRollout(emulator, ['web', 'worker', 'beat']);
    emulator.resetCalls();
    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web\nworker\nbeat',
      'task-definitions': JSON.stringify(arns),
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const out = results(run.outputs);
    for (const name of ['web', 'worker', 'beat']) {
      expect(out[name]).toMatchObject({
        status: 'steady',
        serviceDeploymentArn: service(name).currentServiceDeployment,
      });
      expect(deploymentOf(name).status).toBe('SUCCESSFUL');
    }
    const calls = emulator.calls('DescribeServiceDeployments');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => (c.input['serviceDeploymentArns'] as string[]).length <= 3)).toBe(true);
    expect(run.outputs['paused']).toBe('{}');
  });

  test('early success: the step ends within about a second of SUCCESSFUL while old tasks still drain', async () => {
    const arns = await seedRollout(emulator, ['web']);
    emulator.setTiming({ stopMs: 6000 });
    let successfulAt = 0;
    const watcher = setInterval(() => {
      const d = service('web').currentServiceDeployment && deploymentOf('web');
      if (!successfulAt && d && d.status === 'SUCCESSFUL') successfulAt = Date.now();
    }, 10);
    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });
    clearInterval(watcher);
    expect(run.exitCode).toBe(0);
    expect(successfulAt).toBeGreaterThan(0);
    // The first poll that sees SUCCESSFUL ends the watch (polls are counted, not timed).
    const after = emulator.calls('DescribeServiceDeployments').filter((c) => c.at >= successfulAt);
    expect(after.length).toBeLessThanOrEqual(2);
    // The old deployment still drains: DescribeServices alone would have waited for it.
    expect(isSteady(service('web'))).toBe(false);
  });

  test('blue/green with bake time: each stage printed with its time and listed in the summary', async () => {
    const arns = await seedRollout(emulator, ['web'], blueGreen());
    // Every stage outlasts the one-second poll, as ECS's do.
    emulator.setDeploymentTiming({ minuteMs: 1500, stageMs: 1100 });
    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const log = run.lines.join('\n');
    for (const stage of ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'CLEAN_UP']) {
      expect(log).toMatch(new RegExp(`web: \\d\\d:\\d\\d:\\d\\d UTC ${stage} \\(`));
    }
    expect(log).toContain('BAKE_TIME (bake time, 1 min left)');
    const stages = results(run.outputs)['web']!.stages!;
    // Stages shorter than a poll (PRE_SCALE_UP, SCALE_UP here) may pass unseen; the long ones may not.
    const long = [
      'TEST_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ];
    expect(stages.map((s) => s.slice(9)).filter((s) => long.includes(s))).toEqual(long);
    expect(run.summary).toContain('BAKE_TIME → ');
    expect(revisionOf('web')).toBe('web:2');
  });

  test('a circuit-breaker rollback is followed to ROLLBACK_SUCCESSFUL, with no second rollback', async () => {
    const arns = await seedRollout(emulator, ['web'], {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      circuitBreakerThreshold: 2,
    });
    emulator.setTaskBehavior('web:2', { failToStart: 'CannotPullContainerError: not found' });
    // The rollback takes a while, as in ECS, so a poll sees it in progress.
    emulator.setTaskBehavior('web:1', { startMs: 1500 });
    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('web: the deployment of web:2 failed: ROLLBACK_IN_PROGRESS:');
    expect(run.errors[0]).toContain('CannotPullContainerError');
    expect(emulator.calls('StopServiceDeployment')).toHaveLength(0);
    expect(emulator.calls('UpdateService')).toHaveLength(1);
    expect(deploymentOf('web').status).toBe('ROLLBACK_SUCCESSFUL');
    expect(results(run.outputs)['web']!.status).toBe('rolled-back');
    expect(revisionOf('web')).toBe('web:1');
  });

  test('a crash is rolled back with StopServiceDeployment ROLLBACK and watched to ROLLBACK_SUCCESSFUL', async () => {
    // Healthy after 600 ms of RUNNING: a crash at 100 ms never lets the deployment succeed.
    const arns = await seedRollout(emulator, ['web'], { healthyAfterMs: 600 });
    emulator.setTaskBehavior('web:2', {
      exitAfterMs: 100,
      exitCode: 3,
      stoppedReason: 'Essential container in task exited',
    });
    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/^web: the deployment of web:2 failed: task [0-9a-f]+ stopped/);
    expect(run.errors[0]).toContain('exited with code 3');
    const stops = emulator.calls('StopServiceDeployment');
    expect(stops.map((c) => c.input)).toEqual([
      { serviceDeploymentArn: service('web').currentServiceDeployment, stopType: 'ROLLBACK' },
    ]);
    // The old UpdateService path is not used when a service deployment exists.
    expect(emulator.calls('UpdateService')).toHaveLength(1);
    expect(deploymentOf('web').status).toBe('ROLLBACK_SUCCESSFUL');
    expect(results(run.outputs)['web']!.status).toBe('rolled-back');
    expect(revisionOf('web')).toBe('web:1');
  });

  test('a pause hook that times out: ECS rolls back, the step follows and fails', async () => {
    const arns = await seedRollout(emulator, ['web'], pauseAfterTestTraffic(2));
    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });
    expect(run.exitCode).toBe(1);
    expect(run.lines.join('\n')).toMatch(
      /web: paused; waits on a ContinueServiceDeployment at POST_TEST_TRAFFIC_SHIFT/,
    );
    // Blue still runs, so ECS's rollback may be done by the next poll.
    expect(run.errors[0]).toMatch(/ROLLBACK_(IN_PROGRESS|SUCCESSFUL): Lifecycle hook/);
    expect(run.errors[0]).toContain('timed out');
    expect(deploymentOf('web').lifecycleHookDetails![0]!.status).toBe('TIMED_OUT');
    expect(results(run.outputs)['web']!.status).toBe('rolled-back');
    expect(revisionOf('web')).toBe('web:1');
  });

  test('12 services: DescribeServiceDeployments takes them in one call of at most 20 ARNs a poll', async () => {
    const families = Array.from({ length: 12 }, (_, i) => `svc${String(i + 1).padStart(2, '0')}`);
    const arns = await seedRollout(emulator, families);
    emulator.resetCalls();
    const run = await rollingUpdate({
      cluster: 'app',
      services: families.join('\n'),
      'task-definitions': JSON.stringify(arns),
    });
    expect(run.exitCode).toBe(0);
    const calls = emulator.calls('DescribeServiceDeployments');
    expect(calls[0]!.input['serviceDeploymentArns']).toHaveLength(12);
    expect(
      Math.max(...calls.map((c) => (c.input['serviceDeploymentArns'] as string[]).length)),
    ).toBeLessThanOrEqual(20);
    // One call a poll: no more calls than DescribeServices rounds (2 calls each for 12 services).
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(emulator.calls('DescribeServices').length / 2));
  });
});

describe('a human-gated canary', () => {
  async function pauseForApproval(): Promise<Record<string, string>> {
    const arns = await seedRollout(emulator, ['web', 'worker'], pauseAfterTestTraffic());
    const run = await rollingUpdate({
      cluster: 'app',
      services: 'web\nworker',
      'task-definitions': JSON.stringify(arns),
      'wait-until': 'paused',
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(results(run.outputs)['web']!.status).toBe('paused');
    return run.outputs;
  }

  test('pause → paused output → continue → SUCCESSFUL', async () => {
    const outputs = await pauseForApproval();
    emulator.setDeploymentTiming({ minuteMs: 1500 });
    const paused = JSON.parse(outputs['paused']!) as Record<string, Record<string, string>>;
    expect(Object.keys(paused)).toEqual(['web', 'worker']);
    expect(paused['web']).toEqual({
      serviceDeploymentArn: service('web').currentServiceDeployment,
      hookId: deploymentOf('web').lifecycleHookDetails![0]!.hookId,
      stage: 'POST_TEST_TRAFFIC_SHIFT',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      timeoutAction: 'ROLLBACK',
    });
    // Blue and green both run while the deployment waits for a human.
    expect(revisionOf('web')).toBe('web:2');

    const run = await continueDeployment({ paused: outputs['paused']! });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(emulator.calls('ContinueServiceDeployment').map((c) => c.input['action'])).toEqual([
      'CONTINUE',
      'CONTINUE',
    ]);
    for (const name of ['web', 'worker']) {
      expect(results(run.outputs)[name]!.status).toBe('steady');
      expect(deploymentOf(name).status).toBe('SUCCESSFUL');
    }
    expect(run.lines.join('\n')).toContain('BAKE_TIME (bake time, 1 min left)');
    // Release history: the revisions it released are marked, as rolling-update marks its own.
    const tagged = emulator
      .calls('TagResource')
      .map((c) => String(c.input['resourceArn']).replace(/.*\//, ''));
    expect(tagged.sort()).toEqual(['web:2', 'worker:2']);
    expect(run.outputs['failure-report'] ?? '').toBe('');
    // A second continue is refused by ECS and reported per service.
    const again = await continueDeployment({ paused: outputs['paused']! });
    expect(again.exitCode).toBe(1);
    expect(again.errors.join('\n')).toContain('web: ContinueServiceDeployment failed: ClientException:');
  });

  // Issue 22: continue-deployment had its own loop, without rolling-update's handling of reads
  // that fail for a while: a 20 s outage after the continue ended it with exit 1 and no results.
  test('continue through a 20 s outage of its reads: waited out, exits 0 once SUCCESSFUL, with results', async () => {
    const outputs = await pauseForApproval();
    // The outage begins the moment the continue is sent (an event, not a time).
    const off = emulator.onCall('ContinueServiceDeployment', () => {
      off();
      emulator.addOutage({ operations: ['DescribeServiceDeployments'], forMs: 20_000 });
    });

    const run = await continueDeployment({ paused: outputs['paused']! });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const name of ['web', 'worker']) {
      expect(results(run.outputs)[name]!.status).toBe('steady');
      expect(deploymentOf(name).status).toBe('SUCCESSFUL');
    }
    const failedReads = emulator.calls('DescribeServiceDeployments').filter((c) => c.error);
    expect(failedReads.length).toBeGreaterThan(0);
    expect(run.stdout).toContain('DescribeServiceDeployments');
  }, 90_000);

  test('a continue that fails (here: times out in the bake) writes the failure report and marks nothing released', async () => {
    const outputs = await pauseForApproval();
    // A bake of 1 "minute" = 20 s here, past a 3 s step timeout: the continue times out.
    emulator.setDeploymentTiming({ minuteMs: 20_000 });
    // RUNNER_TEMP kept after the run, so the report can be read.
    const temp = mkdtempSync(join(tmpdir(), 'continue-report-'));
    const slow = await continueDeployment({ paused: outputs['paused']!, 'timeout-minutes': '0.05' }, temp);
    expect(slow.exitCode).toBe(1);
    const path = slow.outputs['failure-report']!;
    const report = JSON.parse(readFileSync(path, 'utf8')) as {
      action: string;
      cluster: string;
      services: {
        name: string;
        deployments: { status: string; lifecycleStage: string }[];
        stagesSeen: string[];
      }[];
    };
    expect(report.action).toBe('continue-deployment');
    expect(report.cluster).toBe('app');
    expect(report.services.map((s) => s.name).sort()).toEqual(['web', 'worker']);
    for (const s of report.services) {
      expect(s.deployments[0]).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' });
      expect(s.stagesSeen.join(' ')).toContain('BAKE_TIME');
    }
    rmSync(temp, { recursive: true, force: true });
    // Nothing reached steady, so nothing is marked released.
    expect(emulator.calls('TagResource')).toHaveLength(0);
  });

  test('pause → rollback → ROLLBACK_SUCCESSFUL on the old revision', async () => {
    const outputs = await pauseForApproval();
    const run = await continueDeployment({ paused: outputs['paused']!, action: 'rollback' });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(emulator.calls('ContinueServiceDeployment').map((c) => c.input['action'])).toEqual([
      'ROLLBACK',
      'ROLLBACK',
    ]);
    for (const name of ['web', 'worker']) {
      expect(results(run.outputs)[name]!.status).toBe('rolled-back');
      expect(deploymentOf(name).status).toBe('ROLLBACK_SUCCESSFUL');
      expect(revisionOf(name)).toBe(`${name}:1`);
    }
  });

  test('a paused input without a hook fails before any ContinueServiceDeployment', async () => {
    const run = await continueDeployment({
      paused: JSON.stringify({
        web: { serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/app/web/1' },
      }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual(['Input "paused": service "web" has no hookId.']);
    expect(emulator.calls('ContinueServiceDeployment')).toHaveLength(0);
  });
});
