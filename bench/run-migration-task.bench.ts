/**
 * Log lag and stop-to-exit of run-migration-task against the reference scripts' approach
 * (RunTask, poll DescribeTasks every 6 s until STOPPED, then one GetLogEvents call), both on
 * the same emulated migrations: a line every 100 ms for 4 s and 1.2 s more each run, so the
 * reference's 6 s polls land at every phase of its cycle; then exit 0.
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTasksCommand, ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from '../simulator/aws/index.ts';
import { runAction } from '../simulator/runner/run-action.ts';
import { percentile, printTable } from './harness.ts';

const LINES = 40;
/** Each run is this many lines longer than the one before. */
const MORE_LINES = 12;
const INTERVAL_MS = 100;
const RUNS = 5;
const GROUP = '/ecs/bench';

interface Sample {
  /** Milliseconds from each line's ingestion to it being printed. */
  lags: number[];
  /** Milliseconds from the task's STOPPED to the step's end. */
  stopToExit: number;
}

function setup(emulator: Emulator, run: number): void {
  const lines = LINES + run * MORE_LINES;
  emulator.setTiming({ provisionMs: 10, startMs: 200, stopMs: 50 });
  emulator.createCluster('bench');
  emulator.registerTaskDefinition({
    family: 'migrate',
    containerDefinitions: [
      {
        name: 'backend',
        image: 'backend:v1',
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': GROUP, 'awslogs-stream-prefix': 'migrate' },
        },
      },
    ],
  });
  emulator.setTaskBehavior('migrate', {
    logs: Array.from({ length: lines }, (_, i) => ({ afterMs: i * INTERVAL_MS, message: `line ${i}` })),
    exitAfterMs: lines * INTERVAL_MS,
    exitCode: 0,
  });
}

/** When each line was ingested, and when the (single) task stopped, from the emulator. */
function written(emulator: Emulator): { at: Map<string, number>; stoppedAt: number } {
  const task = emulator.tasks()[0]!;
  const streams = emulator.state.logGroups.get(GROUP)!;
  const events = [...streams.values()][0]!;
  return { at: new Map(events.map((e) => [e.message, e.timestamp])), stoppedAt: task.stoppedAt! * 1000 };
}

async function ours(index: number): Promise<Sample> {
  const emulator = await startEmulator();
  try {
    setup(emulator, index);
    const printedAt = new Map<string, number>();
    let buffer = '';
    const run = await runAction(
      'run-migration-task',
      { cluster: 'bench', 'task-definition': 'migrate' },
      {
        env: emulator.env(),
        onStdout: (chunk) => {
          const now = Date.now();
          buffer += chunk;
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const line of lines) if (line.startsWith('line ')) printedAt.set(line, now);
        },
      },
    );
    const exitedAt = Date.now();
    if (run.exitCode !== 0) throw new Error(`run-migration-task failed: ${run.errors.join(' ')}`);
    const { at, stoppedAt } = written(emulator);
    return { lags: [...printedAt].map(([line, t]) => t - at.get(line)!), stopToExit: exitedAt - stoppedAt };
  } finally {
    await emulator.stop();
  }
}

async function reference(index: number): Promise<Sample> {
  const emulator = await startEmulator();
  const config = {
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: OPERATOR_CREDENTIALS,
  };
  const ecs = new ECSClient(config);
  const logs = new CloudWatchLogsClient(config);
  try {
    setup(emulator, index);
    const { tasks } = await ecs.send(new RunTaskCommand({ cluster: 'bench', taskDefinition: 'migrate' }));
    const taskArn = tasks![0]!.taskArn!;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 6000));
      const described = await ecs.send(new DescribeTasksCommand({ cluster: 'bench', tasks: [taskArn] }));
      if (described.tasks?.[0]?.lastStatus === 'STOPPED') break;
    }
    const id = taskArn.split('/').at(-1);
    const page = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: `migrate/backend/${id}` }),
    );
    const printedAt = Date.now();
    const { at, stoppedAt } = written(emulator);
    return {
      lags: (page.events ?? []).map((e) => printedAt - at.get(e.message!)!),
      stopToExit: printedAt - stoppedAt,
    };
  } finally {
    ecs.destroy();
    logs.destroy();
    await emulator.stop();
  }
}

export default async function bench(): Promise<void> {
  const results = { ours: [] as Sample[], reference: [] as Sample[] };
  for (let i = 0; i < RUNS; i++) {
    results.ours.push(await ours(i));
    results.reference.push(await reference(i));
  }
  const lags = (samples: Sample[]) => samples.flatMap((s) => s.lags).map((ms) => ms / 1000);
  const stops = (samples: Sample[]) => samples.map((s) => s.stopToExit / 1000);
  const seconds = (lines: number) => (lines * INTERVAL_MS) / 1000;
  printTable(
    `run-migration-task: ${RUNS} migrations of ${seconds(LINES)}–${seconds(LINES + (RUNS - 1) * MORE_LINES)} s, a line every ${INTERVAL_MS} ms`,
    [
      {
        measure: 'log line written → printed, p50',
        ours: percentile(lags(results.ours), 50),
        theirs: percentile(lags(results.reference), 50),
        unit: 's',
      },
      {
        measure: 'log line written → printed, p95',
        ours: percentile(lags(results.ours), 95),
        theirs: percentile(lags(results.reference), 95),
        unit: 's',
        target: 'ours ≤ 2 s',
      },
      {
        measure: 'task stopped → step exits, median',
        ours: percentile(stops(results.ours), 50),
        theirs: percentile(stops(results.reference), 50),
        unit: 's',
      },
      {
        measure: 'lines printed, all runs',
        ours: lags(results.ours).length,
        theirs: lags(results.reference).length,
        unit: 'lines',
      },
    ],
  );
}
