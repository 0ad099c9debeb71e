/**
 * Deploy engine v2 (issue 13): how soon rolling-update's step reports once the ECS service
 * deployment turns SUCCESSFUL, ROLLBACK_* or paused, next to the AWS SDK's
 * waitUntilServicesStable (minDelay 15 s, as aws-actions/amazon-ecs-deploy-task-definition
 * calls it) on the same emulated rollouts, in the same run; and ECS calls a minute while 12
 * services roll out, before v2 (an ECS without service deployments: the DescribeServices path)
 * and with it. Ours runs the built bundle (dist/rolling-update).
 */
import { ECSClient, UpdateServiceCommand, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import type { CreateServiceOptions } from '../simulator/aws/ecs/services.ts';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from '../simulator/aws/index.ts';
import { seedRollout } from '../simulator/fixtures/rollout.ts';
import { runAction } from '../simulator/runner/run-action.ts';
import { median, printTable, type Row } from './harness.ts';

const SAMPLES = 3;
const WAITER_MIN_DELAY_S = 15;
/** Old tasks take this long to drain after the new ones are healthy (early success shows here). */
const DRAIN_MS = 3000;

async function world(families: string[], options: CreateServiceOptions = {}) {
  const emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 100, stopMs: 50 });
  emulator.setDeploymentTiming({ minuteMs: 1500, stageMs: 1100 });
  emulator.createCluster('app');
  const arns = await seedRollout(emulator, families, options, 120_000);
  return { emulator, arns };
}

/** Polls the emulator every 10 ms: epoch ms a service's current deployment first met `test`. */
function watchStatus(emulator: Emulator, name: string, test: (status: string, hooks: string[]) => boolean) {
  let at = 0;
  const timer = setInterval(() => {
    const service = emulator.services().find((s) => s.serviceName === name)!;
    const d = emulator
      .serviceDeployments()
      .find((r) => r.serviceDeploymentArn === service.currentServiceDeployment);
    if (
      !at &&
      d &&
      test(
        d.status,
        (d.lifecycleHookDetails ?? []).map((h) => h.status),
      )
    )
      at = Date.now();
  }, 10);
  return {
    at: () => at,
    stop: () => clearInterval(timer),
  };
}

/** Epoch ms our step printed its first ::error:: and exited. */
async function ours(emulator: Emulator, inputs: Record<string, string>) {
  let exited = 0;
  let firstError = 0;
  const run = await runAction(
    'rolling-update',
    { cluster: 'app', ...inputs },
    {
      env: emulator.env(),
      onSpawn: (child) => child.on('exit', () => (exited = Date.now())),
      onStdout: (chunk) => {
        if (!firstError && chunk.includes('::error::')) firstError = Date.now();
      },
    },
  );
  return { exited, firstError, exitCode: run.exitCode };
}

async function theirs(emulator: Emulator, service: string, taskDefinition: string): Promise<number> {
  const ecs = new ECSClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: OPERATOR_CREDENTIALS,
  });
  await ecs.send(new UpdateServiceCommand({ cluster: 'app', service, taskDefinition }));
  try {
    await waitUntilServicesStable(
      { client: ecs, minDelay: WAITER_MIN_DELAY_S, maxWaitTime: 30 * 60 },
      { cluster: 'app', services: [service] },
    );
  } finally {
    ecs.destroy();
  }
  return Date.now();
}

type Scenario = {
  options: CreateServiceOptions;
  prepare: (emulator: Emulator, family: string) => void;
  /** The service deployment status the lag counts from. */
  mark: (status: string, hooks: string[]) => boolean;
  /** ours: the moment the step reports (error line, or exit). */
  reported: (run: { exited: number; firstError: number }) => number;
  inputs?: Record<string, string>;
};

const SUCCESS: Scenario = {
  options: {},
  prepare: (emulator) => emulator.setTiming({ stopMs: DRAIN_MS }),
  mark: (status) => status === 'SUCCESSFUL',
  reported: (run) => run.exited,
};
const ROLLBACK: Scenario = {
  options: {
    healthyAfterMs: 1000,
    circuitBreakerThreshold: 2,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  },
  prepare: (emulator, family) => {
    emulator.setTaskBehavior(`${family}:2`, { startMs: 300, exitAfterMs: 200, exitCode: 1 });
    emulator.setTaskBehavior(`${family}:1`, { startMs: 1500 });
  },
  mark: (status) => status.startsWith('ROLLBACK_'),
  reported: (run) => run.firstError,
};
const PAUSE: Scenario = {
  options: {
    deploymentConfiguration: {
      strategy: 'BLUE_GREEN',
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    },
  },
  prepare: () => undefined,
  mark: (_, hooks) => hooks.includes('AWAITING_ACTION'),
  reported: (run) => run.exited,
  inputs: { 'wait-until': 'paused' },
};

async function oursLag(scenario: Scenario): Promise<number[]> {
  const families = Array.from({ length: SAMPLES }, (_, i) => `s${i}`);
  const { emulator, arns } = await world(families, scenario.options);
  try {
    const lags: number[] = [];
    for (const family of families) {
      scenario.prepare(emulator, family);
      const status = watchStatus(emulator, family, scenario.mark);
      const run = await ours(emulator, {
        services: family,
        'task-definitions': JSON.stringify(arns),
        ...scenario.inputs,
      });
      status.stop();
      if (!status.at()) throw new Error('bench: the service deployment never reached the mark');
      lags.push(scenario.reported(run) - status.at());
      emulator.setTiming({ stopMs: 50 });
    }
    return lags;
  } finally {
    await emulator.stop();
  }
}

/** The waiter has no failure or pause state: it returns once the service is stable again. */
async function theirLag(scenario: Scenario): Promise<number[]> {
  const families = Array.from({ length: SAMPLES }, (_, i) => `s${i}`);
  const { emulator, arns } = await world(families, scenario.options);
  try {
    return await Promise.all(
      families.map(async (family) => {
        scenario.prepare(emulator, family);
        const status = watchStatus(emulator, family, scenario.mark);
        const returned = await theirs(emulator, family, arns[family]!);
        status.stop();
        return returned - status.at();
      }),
    );
  } finally {
    await emulator.stop();
  }
}

const READS = new Set(['DescribeServices', 'DescribeServiceDeployments', 'ListTasks', 'DescribeTasks']);

/** ECS reads a minute while 12 services take `ms` to roll out, with or without service deployments. */
async function callRate(serviceDeployments: boolean, ms: number): Promise<number> {
  const families = Array.from({ length: 12 }, (_, i) => `svc${i}`);
  // The circuit breaker on, as modules/environment sets it.
  const { emulator, arns } = await world(families, {
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  });
  emulator.enableServiceDeployments(serviceDeployments);
  families.forEach((f) => emulator.setTaskBehavior(`${f}:2`, { startMs: ms }));
  try {
    emulator.resetCalls();
    await ours(emulator, { services: families.join('\n'), 'task-definitions': JSON.stringify(arns) });
    const calls = emulator.calls(undefined, 'ecs');
    const start = Math.min(...calls.filter((c) => c.operation === 'UpdateService').map((c) => c.at));
    const reads = calls.filter((c) => c.at >= start && READS.has(c.operation));
    const end = Math.max(...reads.map((c) => c.at));
    return (reads.length / Math.max(1, end - start)) * 60_000;
  } finally {
    await emulator.stop();
  }
}

export default async function (): Promise<void> {
  const began = Date.now();
  // The waiters mostly sleep and the call-rate runs have emulators of their own: run them beside ours.
  const waiters = Promise.all([theirLag(SUCCESS), theirLag(ROLLBACK)]);
  const rates = Promise.all([callRate(false, 15_000), callRate(true, 15_000)]);
  const success = await oursLag(SUCCESS);
  const rollback = await oursLag(ROLLBACK);
  const pause = await oursLag(PAUSE);
  const [[successWaiter, rollbackWaiter], [before, after]] = await Promise.all([waiters, rates]);
  const s = (ms: number[]) => median(ms) / 1000;
  const rows: Row[] = [
    {
      measure: `SUCCESSFUL → step ends (old tasks drain ${DRAIN_MS / 1000} s after; median n=${SAMPLES})`,
      ours: s(success),
      theirs: s(successWaiter),
      unit: 's',
      target: '≈ 1 s',
    },
    {
      measure: 'circuit breaker ROLLBACK_* → failure reported (waiter: returns "stable" after the rollback)',
      ours: s(rollback),
      theirs: s(rollbackWaiter),
      unit: 's',
      target: '≈ 1 s',
    },
    {
      measure: 'PAUSE hook AWAITING_ACTION → step ends (wait-until paused; the waiter never returns)',
      ours: s(pause),
      unit: 's',
      target: '≈ 1 s',
    },
    {
      measure: 'ECS reads/min, 12 services for 15 s: before v2 (alternative) vs v2 (ours)',
      ours: after,
      theirs: before,
      unit: 'calls/min',
    },
  ];
  printTable(`deploy engine v2 (${((Date.now() - began) / 1000).toFixed(0)} s in all)`, rows);
  console.log(
    `\nours SUCCESSFUL lags: ${success.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s; ` +
      `ROLLBACK lags: ${rollback.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s; ` +
      `paused lags: ${pause.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`,
  );
}
