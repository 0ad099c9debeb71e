/**
 * rolling-update against the official deploy action's way of waiting — the AWS SDK's
 * waitUntilServicesStable with minDelay 15 s, as aws-actions/amazon-ecs-deploy-task-definition
 * calls it — on the same emulated rollouts of a few seconds, in the same run:
 *   (a) lag from steady state to the step's end,
 *   (b) three services in one step against one step per service,
 *   (c) time from the first crashed task to a report,
 *   (d) ECS API calls a minute while watching 12 services.
 * Ours runs the built bundle (dist/rolling-update) as the runner would. A waiter sample costs
 * 15 s or more, so there are only 3 per measure (run in parallel with ours, each on its own
 * emulator so call counts stay apart).
 */
import { ECSClient, UpdateServiceCommand, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import type { CreateServiceOptions } from '../simulator/aws/ecs/services.ts';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from '../simulator/aws/index.ts';
import { seedRollout } from '../simulator/fixtures/rollout.ts';
import { runAction } from '../simulator/runner/run-action.ts';
import { median, printTable, steadyAt, type Row } from './harness.ts';

/** How long new tasks take to start: the rollout's length. */
const ROLLOUT_MS = 2500;
const OURS_SAMPLES = 5;
const WAITER_SAMPLES = 3;
const STEP_REPEATS = 3;
/** The official action's WAIT_DEFAULT_DELAY_SEC. */
const WAITER_MIN_DELAY_S = 15;

/** An emulator with one steady service per family on revision 1 and revision 2 registered. */
async function world(
  families: string[],
  options: CreateServiceOptions = {},
): Promise<{ emulator: Emulator; arns: Record<string, string> }> {
  const emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 100, stopMs: 50 });
  emulator.createCluster('app');
  // Rollouts here last seconds and a waiter up to minutes: a generous limit to settle.
  const arns = await seedRollout(emulator, families, options, 120_000);
  return { emulator, arns };
}

/** Epoch ms the first task of `taskDefinition` began stopping. */
function firstStop(emulator: Emulator, taskDefinition: string): number {
  return Math.min(
    ...emulator
      .tasks()
      .filter((t) => t.taskDefinitionArn === taskDefinition && t.stoppingAt !== undefined)
      .map((t) => t.stoppingAt! * 1000),
  );
}

interface OurRun {
  started: number;
  exited: number;
  firstError?: number;
  exitCode: number | null;
}

async function ours(emulator: Emulator, inputs: Record<string, string>): Promise<OurRun> {
  const started = Date.now();
  let exited = 0;
  let firstError: number | undefined;
  const run = await runAction(
    'rolling-update',
    { cluster: 'app', ...inputs },
    {
      env: emulator.env(),
      onSpawn: (child) => child.on('exit', () => (exited = Date.now())),
      onStdout: (chunk) => {
        if (firstError === undefined && chunk.includes('::error::')) firstError = Date.now();
      },
    },
  );
  return { started, exited, exitCode: run.exitCode, ...(firstError !== undefined && { firstError }) };
}

function client(emulator: Emulator): ECSClient {
  return new ECSClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: OPERATOR_CREDENTIALS,
  });
}

/** The official action: UpdateService, then waitUntilServicesStable({ minDelay: 15 }). Epoch ms it returned. */
async function theirs(emulator: Emulator, service: string, taskDefinition: string): Promise<number> {
  const ecs = client(emulator);
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

/** (a): our lags, sequentially, one service per sample. */
async function oursLag(): Promise<number[]> {
  const families = Array.from({ length: OURS_SAMPLES }, (_, i) => `lag${i}`);
  const { emulator, arns } = await world(families);
  try {
    const lags: number[] = [];
    for (const family of families) {
      emulator.setTaskBehavior(`${family}:2`, { startMs: ROLLOUT_MS });
      const run = await ours(emulator, { services: family, 'task-definitions': JSON.stringify(arns) });
      lags.push(run.exited - steadyAt(emulator, family, run.started));
    }
    return lags;
  } finally {
    await emulator.stop();
  }
}

/** (a) for the waiter: its samples in parallel, each its own service. */
async function theirLag(): Promise<number[]> {
  const families = Array.from({ length: WAITER_SAMPLES }, (_, i) => `lag${i}`);
  const { emulator, arns } = await world(families);
  try {
    return await Promise.all(
      families.map(async (family) => {
        emulator.setTaskBehavior(`${family}:2`, { startMs: ROLLOUT_MS });
        const started = Date.now();
        const returned = await theirs(emulator, family, arns[family]!);
        return returned - steadyAt(emulator, family, started);
      }),
    );
  } finally {
    await emulator.stop();
  }
}

/** New tasks crash 200 ms after starting; the circuit breaker (rollback on) is what ECS users enable. */
const CRASH: CreateServiceOptions = {
  healthyAfterMs: 1000,
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
};
const crash = (emulator: Emulator, family: string) =>
  emulator.setTaskBehavior(`${family}:2`, {
    startMs: 1000,
    exitAfterMs: 200,
    exitCode: 1,
    logs: [{ afterMs: 100, message: 'ImproperlyConfigured: SECRET_KEY must not be empty' }],
  });

/** (c): first crashed task → our ::error:: line. */
async function oursCrash(): Promise<number[]> {
  const families = Array.from({ length: WAITER_SAMPLES }, (_, i) => `crash${i}`);
  const { emulator, arns } = await world(families, CRASH);
  try {
    const times: number[] = [];
    for (const family of families) {
      crash(emulator, family);
      const run = await ours(emulator, { services: family, 'task-definitions': JSON.stringify(arns) });
      if (run.exitCode !== 1 || run.firstError === undefined)
        throw new Error('bench: the crash was not reported');
      times.push(run.firstError - firstStop(emulator, arns[family]!));
    }
    return times;
  } finally {
    await emulator.stop();
  }
}

/**
 * (c) for the waiter: it never fails on a crash; it returns once the circuit breaker's rollback
 * is steady (and then reports success: the acceptor only checks counts).
 */
async function theirCrash(): Promise<number[]> {
  const families = Array.from({ length: WAITER_SAMPLES }, (_, i) => `crash${i}`);
  const { emulator, arns } = await world(families, CRASH);
  try {
    return await Promise.all(
      families.map(async (family) => {
        crash(emulator, family);
        const returned = await theirs(emulator, family, arns[family]!);
        return returned - firstStop(emulator, arns[family]!);
      }),
    );
  } finally {
    await emulator.stop();
  }
}

/** (b): three services of different rollout lengths, one step each (sequentially) and all in one step. */
async function oneStepOnce(): Promise<{ singles: number[]; together: number }> {
  const families = ['web', 'worker', 'beat'];
  const lengths = [ROLLOUT_MS - 1000, ROLLOUT_MS - 500, ROLLOUT_MS];
  const singles: number[] = [];
  {
    const { emulator, arns } = await world(families);
    families.forEach((f, i) => emulator.setTaskBehavior(`${f}:2`, { startMs: lengths[i]! }));
    try {
      for (const family of families) {
        const run = await ours(emulator, { services: family, 'task-definitions': JSON.stringify(arns) });
        singles.push(run.exited - run.started);
      }
    } finally {
      await emulator.stop();
    }
  }
  const { emulator, arns } = await world(families);
  families.forEach((f, i) => emulator.setTaskBehavior(`${f}:2`, { startMs: lengths[i]! }));
  try {
    const run = await ours(emulator, {
      services: families.join('\n'),
      'task-definitions': JSON.stringify(arns),
    });
    return { singles, together: run.exited - run.started };
  } finally {
    await emulator.stop();
  }
}

/** (b) repeated: a step ends on a 1 s poll, so single runs are quantized; medians over a few. */
async function oneStep(): Promise<{
  slowest: number;
  sequential: number;
  together: number;
  ratios: number[];
}> {
  const runs = [];
  for (let i = 0; i < STEP_REPEATS; i++) runs.push(await oneStepOnce());
  return {
    slowest: median(runs.map((r) => Math.max(...r.singles))),
    sequential: median(runs.map((r) => r.singles.reduce((a, b) => a + b, 0))),
    together: median(runs.map((r) => r.together)),
    ratios: runs.map((r) => r.together / Math.max(...r.singles)),
  };
}

const WATCH_MS = 20_000;
// DescribeServiceDeployments too: v2 reads it beside DescribeServices.
const ECS_READS = new Set(['DescribeServices', 'DescribeServiceDeployments', 'ListTasks', 'DescribeTasks']);

/** Calls a minute between the first UpdateService and the last call, while 12 rollouts take WATCH_MS. */
function callsPerMinute(emulator: Emulator): number {
  const calls = emulator.calls(undefined, 'ecs');
  const start = Math.min(...calls.filter((c) => c.operation === 'UpdateService').map((c) => c.at));
  const watching = calls.filter((c) => c.at >= start && ECS_READS.has(c.operation));
  const end = Math.max(...watching.map((c) => c.at));
  return (watching.length / Math.max(1, end - start)) * 60_000;
}

/** What modules/environment sets on every service: ECS rolls a failed deployment back itself. */
const BREAKER: CreateServiceOptions = {
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
};

/**
 * (d): our calls a minute watching 12 services, against 12 waiters (one official step per
 * service, in parallel); and our lag after WATCH_MS without a change, when rounds have slowed.
 * `options`: with the breaker ECS decides and quiet rounds skip DescribeServices; without it
 * the step must see the first failed task itself and describes the services every round.
 */
async function callRates(
  options: CreateServiceOptions,
): Promise<{ ours: number; theirs: number; quietLag: number }> {
  const families = Array.from({ length: 12 }, (_, i) => `svc${i}`);
  const slow = (emulator: Emulator) =>
    families.forEach((f) => emulator.setTaskBehavior(`${f}:2`, { startMs: WATCH_MS }));
  const mine = await world(families, options);
  const other = await world(families, options);
  slow(mine.emulator);
  slow(other.emulator);
  try {
    const [run] = await Promise.all([
      ours(mine.emulator, { services: families.join('\n'), 'task-definitions': JSON.stringify(mine.arns) }),
      Promise.all(families.map((f) => theirs(other.emulator, f, other.arns[f]!))),
    ]);
    const lastSteady = Math.max(...families.map((f) => steadyAt(mine.emulator, f, run.started)));
    return {
      ours: callsPerMinute(mine.emulator),
      theirs: callsPerMinute(other.emulator),
      quietLag: run.exited - lastSteady,
    };
  } finally {
    await Promise.all([mine.emulator.stop(), other.emulator.stop()]);
  }
}

export default async function (): Promise<void> {
  const began = Date.now();
  // The waiters mostly sleep: run them beside our sequential samples.
  const [[ourLags, ourCrashes, steps], theirLags, theirCrashes, rates, noBreaker] = await Promise.all([
    (async () => [await oursLag(), await oursCrash(), await oneStep()] as const)(),
    theirLag(),
    theirCrash(),
    callRates(BREAKER),
    callRates({}),
  ]);
  const rows: Row[] = [
    {
      measure: `(a) steady state → step ends, median (ours n=${OURS_SAMPLES}, waiter n=${WAITER_SAMPLES})`,
      ours: median(ourLags) / 1000,
      theirs: median(theirLags) / 1000,
      unit: 's',
      target: '≤ 1 s',
    },
    {
      measure: '(a) steady state → step ends, worst',
      ours: Math.max(...ourLags) / 1000,
      theirs: Math.max(...theirLags) / 1000,
      unit: 's',
    },
    {
      measure: `(b) 3 services: one step vs one step each, in a row (medians of ${STEP_REPEATS})`,
      ours: steps.together / 1000,
      theirs: steps.sequential / 1000,
      unit: 's',
    },
    {
      measure: '(b) 3 services in one step / slowest single rollout (medians)',
      ours: steps.together / steps.slowest,
      unit: '×',
      target: '≤ 1.1×',
    },
    {
      measure: `(c) first crashed task → reported, median (waiter n=${WAITER_SAMPLES}: returns "stable" after the rollback)`,
      ours: median(ourCrashes) / 1000,
      theirs: median(theirCrashes) / 1000,
      unit: 's',
      target: '≤ 2 s',
    },
    {
      measure: '(d) ECS calls/min watching 12 services, circuit breaker on (vs 12 waiters, one per service)',
      ours: rates.ours,
      theirs: rates.theirs,
      unit: 'calls/min',
      target: "≤ 1.2× the waiter's (ratio ≥ 0.83×)",
    },
    {
      measure:
        '(d) the same, breaker off: the step catches the first failed task, DescribeServices each round',
      ours: noBreaker.ours,
      theirs: noBreaker.theirs,
      unit: 'calls/min',
    },
    {
      measure: `(d) steady state → step ends after ${WATCH_MS / 1000} s without a change (rounds slowed to 2 s)`,
      ours: rates.quietLag / 1000,
      unit: 's',
      target: '≤ 2 s',
    },
  ];
  printTable(
    `rolling-update (rollouts of ${ROLLOUT_MS / 1000} s; ${((Date.now() - began) / 1000).toFixed(0)} s in all)`,
    rows,
  );
  console.log(
    `\none step / slowest single, per repeat: ${steps.ratios.map((r) => r.toFixed(2)).join(', ')}; ` +
      `our lags: ${ourLags.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s; ` +
      `waiter lags: ${theirLags.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s`,
  );
}
