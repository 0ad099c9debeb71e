/**
 * A fleet in one account: FLEET rolling-update steps at once (one service each, the worst case
 * for batching), against ECS's documented rate limits (the emulator's token buckets,
 * simulator/aws/rate-limits.ts), beside FLEET official-action waiters
 * (waitUntilServicesStable, minDelay 15 s) on an emulator of their own with the same limits,
 * in the same run. Every step must finish green: a throttle is waited out, never a failure.
 * Ours run the built bundle (dist/rolling-update), one process each, as the runners would.
 */
import { ECSClient, UpdateServiceCommand, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from '../simulator/aws/index.ts';
import { seedRollout } from '../simulator/fixtures/rollout.ts';
import { runAction } from '../simulator/runner/run-action.ts';
import { percentile, printTable, steadyAt, type Row } from './harness.ts';

const FLEET = 50;
/** Long enough that every step has started (50 processes on 2 cores) before the first ends. */
const ROLLOUT_MS = 20_000;
const WAITER_MIN_DELAY_S = 15;

async function world(): Promise<{ emulator: Emulator; arns: Record<string, string>; families: string[] }> {
  const families = Array.from({ length: FLEET }, (_, i) => `app${i}`);
  const emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 100, stopMs: 50 });
  emulator.createCluster('app');
  // The circuit breaker on, as modules/environment sets it: ECS decides, quiet rounds skip DescribeServices.
  const arns = await seedRollout(
    emulator,
    families,
    { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } },
    180_000,
  );
  families.forEach((f) => emulator.setTaskBehavior(`${f}:2`, { startMs: ROLLOUT_MS }));
  // The limits start with full buckets once the world is seeded, as an account at rest.
  emulator.setRateLimits();
  emulator.resetCalls();
  return { emulator, arns, families };
}

interface Fleet {
  lags: number[];
  failed: number;
  throttled: Record<string, number>;
  callsPerMinute: number;
}

function callsPerMinute(emulator: Emulator): number {
  const calls = emulator.calls(undefined, 'ecs');
  const first = Math.min(...calls.map((c) => c.at));
  const last = Math.max(...calls.map((c) => c.at));
  return (calls.length / Math.max(1, last - first)) * 60_000;
}

/** What the fleet's steps came to: each one's lag from its steady state, failures, throttles. */
function measured(
  emulator: Emulator,
  runs: { family: string; ended: number; ok: boolean }[],
  started: number,
): Fleet {
  return {
    lags: runs.filter((r) => r.ok).map((r) => r.ended - steadyAt(emulator, r.family, started)),
    failed: runs.filter((r) => !r.ok).length,
    throttled: emulator.throttledCalls(),
    callsPerMinute: callsPerMinute(emulator),
  };
}

async function ours(): Promise<Fleet> {
  const { emulator, arns, families } = await world();
  try {
    const started = Date.now();
    const runs = await Promise.all(
      families.map(async (family) => {
        let exited = 0;
        const run = await runAction(
          'rolling-update',
          {
            cluster: 'app',
            services: family,
            'task-definitions': JSON.stringify({ [family]: arns[family] }),
          },
          { env: emulator.env(), onSpawn: (child) => child.on('exit', () => (exited = Date.now())) },
        );
        return { family, ended: exited, ok: run.exitCode === 0 };
      }),
    );
    return measured(emulator, runs, started);
  } finally {
    await emulator.stop();
  }
}

/** The official action's way, one per service: UpdateService, then the SDK waiter. */
async function theirs(): Promise<Fleet> {
  const { emulator, arns, families } = await world();
  try {
    const started = Date.now();
    const runs = await Promise.all(
      families.map(async (family) => {
        const ecs = new ECSClient({
          region: 'us-east-1',
          endpoint: emulator.url,
          credentials: OPERATOR_CREDENTIALS,
        });
        try {
          await ecs.send(
            new UpdateServiceCommand({ cluster: 'app', service: family, taskDefinition: arns[family] }),
          );
          await waitUntilServicesStable(
            { client: ecs, minDelay: WAITER_MIN_DELAY_S, maxWaitTime: 30 * 60 },
            { cluster: 'app', services: [family] },
          );
          return { family, ended: Date.now(), ok: true };
        } catch {
          return { family, ended: Date.now(), ok: false };
        } finally {
          ecs.destroy();
        }
      }),
    );
    return measured(emulator, runs, started);
  } finally {
    await emulator.stop();
  }
}

const total = (throttled: Record<string, number>) => Object.values(throttled).reduce((a, b) => a + b, 0);

export default async function (): Promise<void> {
  const began = Date.now();
  const [mine, other] = await Promise.all([ours(), theirs()]);
  const rows: Row[] = [
    {
      measure: `steps failed (of ${FLEET})`,
      ours: mine.failed,
      theirs: other.failed,
      unit: '',
      target: '0',
    },
    {
      measure: 'steady state → step ends, p50',
      ours: percentile(mine.lags, 50) / 1000,
      theirs: percentile(other.lags, 50) / 1000,
      unit: 's',
      target: '≤ 2 s',
    },
    {
      measure: 'steady state → step ends, p90',
      ours: percentile(mine.lags, 90) / 1000,
      theirs: percentile(other.lags, 90) / 1000,
      unit: 's',
    },
    {
      measure: 'ECS calls refused by the rate limits (ThrottlingException), then retried',
      ours: total(mine.throttled),
      theirs: total(other.throttled),
      unit: 'calls',
    },
    {
      measure: 'ECS calls/min, the whole fleet',
      ours: mine.callsPerMinute,
      theirs: other.callsPerMinute,
      unit: 'calls/min',
    },
  ];
  printTable(
    `fleet: ${FLEET} rolling-update steps at once in one account, ECS rate limits on (${((Date.now() - began) / 1000).toFixed(0)} s in all)`,
    rows,
  );
  console.log(
    `\nours throttled by action: ${JSON.stringify(mine.throttled)}; waiters: ${JSON.stringify(other.throttled)}`,
  );
}
