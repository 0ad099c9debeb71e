import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { runAction, type RunOptions } from '../../simulator/runner/run-action.ts';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 50, stopMs: 20 });
  emulator.createCluster('feature-abc');
  emulator.registerTaskDefinition({
    family: 'feature-abc-migrate',
    requiresCompatibilities: ['FARGATE'],
    containerDefinitions: [
      {
        name: 'backend',
        image: 'backend:v1',
        essential: true,
        command: ['python', 'manage.py', 'migrate', '--no-input'],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/feature-abc',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'migrate',
          },
        },
      },
    ],
  });
});
afterEach(async () => {
  await emulator.stop();
});

const migrate = (inputs: Record<string, string> = {}, options: RunOptions = {}) =>
  runAction(
    'run-migration-task',
    { cluster: 'feature-abc', 'task-definition': 'feature-abc-migrate', ...inputs },
    { ...options, env: { ...emulator.env(), ...options.env } },
  );

/** The container's own lines in the job log (our status lines and workflow commands left out). */
const containerLines = (lines: string[], pattern: RegExp) => lines.filter((line) => pattern.test(line));

describe('run-migration-task', () => {
  test('20,000 lines over many pages are each printed once, in order, and exit 0 succeeds', async () => {
    const batches = 40;
    const perBatch = 500;
    emulator.setTaskBehavior('feature-abc-migrate', {
      logs: Array.from({ length: batches * perBatch }, (_, i) => ({
        afterMs: Math.floor(i / perBatch) * 40,
        message: `line ${i}`,
      })),
      exitAfterMs: batches * 40,
      exitCode: 0,
    });

    const run = await migrate();

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const lines = containerLines(run.lines, /^line \d+$/);
    expect(lines).toHaveLength(batches * perBatch);
    expect(lines.every((line, i) => line === `line ${i}`)).toBe(true);
    expect(emulator.calls('GetLogEvents').length).toBeGreaterThan(2);
    expect(run.outputs['exit-code']).toBe('0');
    expect(run.outputs['task-arn']).toMatch(/:task\/feature-abc\/[0-9a-f]{32}$/);
    expect(run.summary).toContain('succeeded');
  });

  test('exit code 3 fails the step saying so, after printing every line', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', {
      logs: [
        { afterMs: 10, message: 'Operations to perform:' },
        { afterMs: 30, message: 'django.db.utils.ProgrammingError: relation "x" does not exist' },
      ],
      exitAfterMs: 30,
      exitCode: 3,
    });

    const run = await migrate({ command: 'python manage.py migrate --no-input' });

    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/failed: container "backend" exited with exit code 3/);
    // The reason is in the error itself (and so in the annotation and Slack), not only in the log.
    expect(run.errors[0]).toContain(
      'Last log lines:\n  Operations to perform:\n  django.db.utils.ProgrammingError',
    );
    expect(run.outputs['exit-code']).toBe('3');
    expect(run.lines).toContain('django.db.utils.ProgrammingError: relation "x" does not exist');
  });

  test('a task that cannot start fails with its stopped reason', async () => {
    const reason = 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found';
    emulator.setTaskBehavior('feature-abc-migrate', { failToStart: reason });

    const run = await migrate();

    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain(reason);
    expect(run.outputs['exit-code']).toBe('');
    expect(run.outputs['stopped-reason']).toBe(reason);
  });

  test('RunTask failures[] fail the step naming them', async () => {
    emulator.failNextRunTask('RESOURCE:MEMORY');
    const run = await migrate();
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([expect.stringMatching(/^RunTask started no task: RESOURCE:MEMORY/)]);
  });

  test('command and environment become overrides of the container', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', { exitAfterMs: 10 });
    const run = await migrate({
      command: 'python manage.py collectstatic --no-input',
      environment: 'RELEASE=v2',
      subnets: 'subnet-1, subnet-2',
      'security-groups': 'sg-1',
      'capacity-provider-strategy': 'FARGATE_SPOT:1',
    });
    expect(run.errors).toEqual([]);
    const [call] = emulator.calls('RunTask');
    expect(call!.input).toMatchObject({
      overrides: {
        containerOverrides: [
          {
            name: 'backend',
            command: ['python', 'manage.py', 'collectstatic', '--no-input'],
            environment: [{ name: 'RELEASE', value: 'v2' }],
          },
        ],
      },
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'] },
      },
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
    });
  });

  test('network-from-service runs the task where the service runs', async () => {
    emulator.registerTaskDefinition({
      family: 'feature-abc-gunicorn',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'backend', image: 'backend:v1' }],
    });
    const network = {
      awsvpcConfiguration: {
        subnets: ['subnet-a', 'subnet-b'],
        securityGroups: ['sg-app'],
        assignPublicIp: 'ENABLED',
      },
    };
    const strategy = [
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    ];
    emulator.createService('feature-abc', 'gunicorn', 'feature-abc-gunicorn', {
      networkConfiguration: network,
      capacityProviderStrategy: strategy,
    });
    emulator.setTaskBehavior('feature-abc-migrate', { exitAfterMs: 10 });

    const run = await migrate({ 'network-from-service': 'gunicorn' });

    expect(run.errors).toEqual([]);
    const [call] = emulator.calls('RunTask');
    expect(call!.input).toMatchObject({ networkConfiguration: network, capacityProviderStrategy: strategy });
    expect(call!.input).not.toHaveProperty('launchType');

    const missing = await migrate({ 'network-from-service': 'web' });
    expect(missing.errors).toEqual([
      'Input "network-from-service": service "web" was not found in cluster "feature-abc".',
    ]);
    expect(emulator.calls('RunTask')).toHaveLength(1);
  });

  test('workflow commands in the container log are printed, not obeyed', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', {
      logs: [
        { afterMs: 5, message: '::set-output name=exit-code::0' },
        { afterMs: 5, message: '::error::fake' },
      ],
      exitAfterMs: 10,
      exitCode: 2,
    });
    const run = await migrate();
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.errors).toHaveLength(1);
    expect(run.stdout).toMatch(
      /::stop-commands::[0-9a-f-]{36}\n::set-output name=exit-code::0\n::error::fake\n::[0-9a-f-]{36}::/,
    );
  });

  test('SIGTERM while the task runs stops it and fails the step', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', { logs: [{ afterMs: 10, message: 'working' }] });
    let child: import('node:child_process').ChildProcess | undefined;
    let signalled = false;
    const run = await migrate(
      {},
      {
        onSpawn: (spawned) => (child = spawned),
        onStdout: (chunk) => {
          if (!signalled && chunk.includes('working')) {
            signalled = true;
            child!.kill('SIGTERM');
          }
        },
      },
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.errors[0]).toMatch(/^Cancelled while task [0-9a-f]{32} was running; the task was stopped/);
    expect(emulator.calls('StopTask')).toHaveLength(1);
    expect(emulator.tasks()[0]).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'UserInitiated' });
  });

  test('a protected deploy cancelled (stop-on-cancel false) leaves its migration to finish and says where it runs', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', { logs: [{ afterMs: 10, message: 'working' }] });
    let child: import('node:child_process').ChildProcess | undefined;
    let signalled = false;
    const run = await migrate(
      { 'stop-on-cancel': 'false' },
      {
        onSpawn: (spawned) => (child = spawned),
        onStdout: (chunk) => {
          if (!signalled && chunk.includes('working')) {
            signalled = true;
            child!.kill('SIGTERM');
          }
        },
      },
    );
    const id = emulator.tasks()[0]!.taskArn.split('/').at(-1);
    expect(run.exitCode).not.toBe(0);
    expect(run.errors[0]).toBe(
      `Cancelled while task ${id} was running; the task was left running to finish (stop-on-cancel: false): follow ${id} in cluster feature-abc; the next run of the same command waits for it (if-running: wait).`,
    );
    expect(emulator.calls('StopTask')).toHaveLength(0);
    expect(emulator.tasks()[0]).toMatchObject({ desiredStatus: 'RUNNING' });
  });

  test('timeout-minutes passed: fails naming the task and stops it', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', {});
    const run = await migrate({ 'timeout-minutes': '0.05' });
    const id = emulator.tasks()[0]!.taskArn.split('/').at(-1);
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toBe(
      `Task ${id} did not finish within 0.1 minutes (last status RUNNING); the task was stopped.`,
    );
    expect(emulator.calls('StopTask')).toHaveLength(1);
  });

  test.each([
    ['an unknown cluster', { cluster: 'nope' }, 'Input "cluster": cluster "nope" was not found.'],
    [
      'an unknown task definition',
      { 'task-definition': 'nope' },
      'Input "task-definition": task definition "nope" was not found.',
    ],
    [
      'an unknown container',
      { container: 'web' },
      /^Input "container": "web" is not a container of feature-abc-migrate:1/,
    ],
    ['a bad command', { command: 'echo "unclosed' }, 'Input "command" has an unclosed " quote.'],
    [
      'two network sources',
      { 'network-from-service': 'gunicorn', subnets: 's' },
      'Inputs "network-from-service" and "subnets" cannot be used together.',
    ],
  ])('bad input (%s) fails with one line and runs nothing', async (_, inputs, message) => {
    const run = await migrate(inputs);
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    expect(emulator.calls('RunTask')).toHaveLength(0);
  });

  test('30% throttling: still every line once and the right exit code', async () => {
    emulator.setFaults({ throttleRate: 0.3 });
    emulator.setTaskBehavior('feature-abc-migrate', {
      logs: Array.from({ length: 300 }, (_, i) => ({ afterMs: i, message: `line ${i}` })),
      exitAfterMs: 300,
      exitCode: 0,
    });
    const run = await migrate();
    expect(run.errors).toEqual([]);
    expect(containerLines(run.lines, /^line \d+$/)).toEqual(
      Array.from({ length: 300 }, (_, i) => `line ${i}`),
    );
  });
});

/**
 * The SDK's own retries may absorb part of an outage; when the loop sees it, exactly one
 * warning when it starts and one line when it ends, never one per attempt.
 */
function expectOutageReported(run: { stdout: string; lines: string[] }, warning: RegExp, recovery: RegExp) {
  const warnings = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::warning::'))
    .map((line) => line.slice('::warning::'.length));
  expect(warnings.length).toBeLessThanOrEqual(1);
  expect(run.lines.filter((line) => recovery.test(line))).toHaveLength(warnings.length);
  for (const line of warnings) expect(line).toMatch(warning);
}

describe('run-migration-task through outages', () => {
  test('6 s of CloudWatch Logs 503s mid-migration: every line once, in order, one warning and one recovery line', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', {
      logs: Array.from({ length: 200 }, (_, i) => ({ afterMs: i * 40, message: `line ${i}` })),
      exitAfterMs: 8200,
      exitCode: 0,
    });
    let outage: { from: number; until: number } | undefined;
    const run = await migrate(
      {},
      {
        onStdout: (chunk) => {
          if (!outage && chunk.includes('line 20\n'))
            outage = emulator.addOutage({ operations: ['GetLogEvents'], forMs: 6000 });
        },
      },
    );

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['exit-code']).toBe('0');
    expect(containerLines(run.lines, /^line \d+$/)).toEqual(
      Array.from({ length: 200 }, (_, i) => `line ${i}`),
    );
    const failed = emulator.calls('GetLogEvents').filter((c) => c.error === 'ServiceUnavailableException');
    expect(failed.length).toBeGreaterThan(1);
    expectOutageReported(
      run,
      /^CloudWatch Logs \(GetLogEvents\) for task \w+ failed \(ServiceUnavailableException/,
      /^CloudWatch Logs \(GetLogEvents\) for task \w+ answers again after [\d.]+ s of errors/,
    );
    expect(emulator.calls('GetLogEvents').some((c) => !c.error && c.at >= outage!.until)).toBe(true);
    expect(emulator.calls('StopTask')).toHaveLength(0);
  }, 40_000);

  test.each([['ServerException'], ['connection-reset']] as const)(
    'DescribeTasks failing (%s) for 5 s while the task exits: the step still reports its exit code',
    async (error) => {
      emulator.setTaskBehavior('feature-abc-migrate', {
        logs: [{ afterMs: 100, message: 'Applying app.0002... OK' }],
        exitAfterMs: 1500,
        exitCode: 4,
      });
      let outage = false;
      const run = await migrate(
        {},
        {
          onStdout: (chunk) => {
            if (!outage && chunk.includes('RUNNING')) {
              outage = true;
              emulator.addOutage({ operations: ['DescribeTasks'], forMs: 5000, error });
            }
          },
        },
      );

      expect(run.exitCode).toBe(1);
      expect(run.errors).toEqual([
        expect.stringMatching(/failed: container "backend" exited with exit code 4[^\n]*\nLast log lines:/),
      ]);
      expect(run.outputs['exit-code']).toBe('4');
      expect(emulator.calls('DescribeTasks').filter((c) => c.error === error).length).toBeGreaterThan(1);
      expectOutageReported(
        run,
        /^DescribeTasks for task \w+ failed/,
        /^DescribeTasks for task \w+ answers again/,
      );
      expect(run.lines).toContain('Applying app.0002... OK');
      expect(emulator.calls('StopTask')).toHaveLength(0);
    },
    40_000,
  );

  test('giving up at the timeout during an outage stops the task, says so and writes the outputs', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', { logs: [{ afterMs: 10, message: 'working' }] });
    emulator.addOutage({ operations: ['DescribeTasks', 'GetLogEvents'], inMs: 300, forMs: 60_000 });
    const run = await migrate({ 'timeout-minutes': '0.1' });

    expect(run.exitCode).toBe(1);
    const task = emulator.tasks()[0]!;
    const id = task.taskArn.split('/').at(-1);
    expect(run.errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Task ${id} did not finish within 0.1 minutes \\(last status [A-Za-z]+(; .* failing: ServiceUnavailableException.*)?\\); the task was stopped\\.$`,
        ),
      ),
    ]);
    expect(emulator.calls('StopTask')).toHaveLength(1);
    expect(emulator.calls('StopTask')[0]!.input['reason']).toMatch(/^Timed out/);
    expect(task).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'UserInitiated' });
    expect(run.outputs['task-arn']).toBe(task.taskArn);
    expect(run.outputs['exit-code']).toBe('');
  }, 40_000);

  test('an error that waiting will not fix stops the task and says so', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', { logs: [{ afterMs: 10, message: 'working' }] });
    let denied = false;
    const run = await migrate(
      {},
      {
        onStdout: (chunk) => {
          if (!denied && chunk.includes('working')) {
            denied = true;
            emulator.setFaults({ operations: ['GetLogEvents'], accessDeniedRate: 1 });
          }
        },
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(/^Could not watch task \w+: AccessDeniedException: .*; the task was stopped\.$/),
    ]);
    expect(emulator.calls('StopTask')[0]!.input['reason']).toMatch(/^Abandoned/);
    expect(run.outputs['task-arn']).toMatch(/:task\//);
  }, 20_000);
});

describe('run-migration-task never runs two at once', () => {
  /** Starts a migration; resolves once its task is RUNNING in the emulator, with the run's promise. */
  async function firstRunning(inputs: Record<string, string> = {}) {
    const done = migrate(inputs);
    for (let i = 0; i < 100 && !emulator.tasks().some((t) => t.lastStatus === 'RUNNING'); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emulator.tasks()).toHaveLength(1);
    return { done };
  }

  test('a re-run of the same migration follows the running task: one RunTask, same exit code', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', {
      logs: [
        { afterMs: 10, message: 'Applying app.0001... OK' },
        { afterMs: 1500, message: 'Applying app.0002... OK' },
      ],
    });
    // The task ends once the re-run has followed it to its last line (an event, not a timer).
    const { done: first } = await firstRunning({ command: 'python manage.py migrate' });
    const second = await migrate(
      { command: 'python manage.py migrate' },
      {
        onStdout: (chunk) => {
          if (chunk.includes('Applying app.0002')) emulator.exitTask(emulator.tasks()[0]!.taskArn, 0);
        },
      },
    );
    const done = await first;

    expect(emulator.calls('RunTask')).toHaveLength(1);
    expect(second.errors).toEqual([]);
    expect(second.lines.find((l) => l.includes('already runs this same task'))).toMatch(
      /^Task \w+ already runs this same task \(started by adhoc-actions\/run-migration-task\): following it/,
    );
    expect(containerLines(second.lines, /^Applying/)).toEqual([
      'Applying app.0001... OK',
      'Applying app.0002... OK',
    ]);
    expect(second.outputs['task-arn']).toBe(done.outputs['task-arn']);
    expect(second.outputs['exit-code']).toBe('0');
  }, 30_000);

  test('a re-run with other environment waits for the running one to stop before its RunTask', async () => {
    // The first runs until the second says it waits for it; then it ends.
    emulator.setTaskBehavior('feature-abc-migrate', {});
    const { done: first } = await firstRunning({ environment: 'RELEASE=v1' });
    emulator.setTaskBehavior('feature-abc-migrate', { exitAfterMs: 100, exitCode: 0 });
    const second = await migrate(
      { environment: 'RELEASE=v2' },
      {
        onStdout: (chunk) => {
          if (chunk.includes('waiting for it to stop')) emulator.exitTask(emulator.tasks()[0]!.taskArn, 0);
        },
      },
    );
    await first;

    expect(second.errors).toEqual([]);
    const runs = emulator.calls('RunTask');
    expect(runs).toHaveLength(2);
    const [one, two] = emulator.tasks();
    expect(runs[1]!.at / 1000).toBeGreaterThanOrEqual(one!.stoppedAt!);
    expect(two!.overrides).toMatchObject({
      containerOverrides: [{ environment: [{ name: 'RELEASE', value: 'v2' }] }],
    });
    expect(second.lines).toContainEqual(expect.stringMatching(/waiting for it to stop before starting/));
  }, 30_000);

  test('cancelled while waiting for another run: starts nothing and leaves the other task alone', async () => {
    // The first runs until the second was cancelled.
    emulator.setTaskBehavior('feature-abc-migrate', {});
    const { done: first } = await firstRunning({ environment: 'RELEASE=v1' });
    let child: import('node:child_process').ChildProcess | undefined;
    let signalled = false;
    const second = await migrate(
      { environment: 'RELEASE=v2' },
      {
        onSpawn: (spawned) => (child = spawned),
        onStdout: (chunk) => {
          if (!signalled && chunk.includes('waiting for it to stop')) {
            signalled = true;
            child!.kill('SIGTERM');
          }
        },
      },
    );
    expect(second.exitCode).toBe(1);
    expect(second.errors).toEqual([
      expect.stringMatching(/^Cancelled while waiting for task \w+ to stop; started no task\.$/),
    ]);
    expect(emulator.calls('RunTask')).toHaveLength(1);
    expect(emulator.calls('StopTask')).toHaveLength(0);
    expect(emulator.tasks()[0]!.lastStatus).toBe('RUNNING');
    emulator.exitTask(emulator.tasks()[0]!.taskArn, 0);
    expect((await first).outputs['exit-code']).toBe('0');
  }, 30_000);

  test('if-running: fail refuses with one line and runs nothing', async () => {
    // The first runs until the second has answered.
    emulator.setTaskBehavior('feature-abc-migrate', {});
    const { done: first } = await firstRunning();
    const second = await migrate({ 'if-running': 'fail' });
    emulator.exitTask(emulator.tasks()[0]!.taskArn, 0);
    await first;
    expect(second.exitCode).toBe(1);
    expect(second.errors).toEqual([
      expect.stringMatching(
        /^Input "if-running" is fail and task \w+ \(feature-abc-migrate:1, RUNNING, started by adhoc-actions\/run-migration-task\) already runs the same command in cluster feature-abc; started no task\.$/,
      ),
    ]);
    expect(emulator.calls('RunTask')).toHaveLength(1);
  }, 30_000);

  test('another command of the same family runs beside it', async () => {
    // The first runs until the second has finished; the second's own task exits by itself.
    emulator.setTaskBehavior('feature-abc-migrate', {});
    const { done: first } = await firstRunning();
    emulator.setTaskBehavior('feature-abc-migrate', { exitAfterMs: 100 });
    const second = await migrate({ command: 'python manage.py collectstatic' });
    expect(emulator.tasks()[0]!.lastStatus).toBe('RUNNING');
    emulator.exitTask(emulator.tasks()[0]!.taskArn, 0);
    await first;
    expect(second.errors).toEqual([]);
    const runs = emulator.calls('RunTask');
    expect(runs).toHaveLength(2);
    expect(runs[1]!.at / 1000).toBeLessThan(emulator.tasks()[0]!.stoppedAt!);
  }, 30_000);

  test('a bad if-running value fails with one line before anything runs', async () => {
    const run = await migrate({ 'if-running': 'always\nnow' });
    expect(run.errors).toEqual(['Input "if-running" must be wait or fail, not "always\\nnow".']);
    expect(emulator.calls('RunTask')).toHaveLength(0);
  });

  test('two runs started at the same moment: one task runs the migration, both report its exit code', async () => {
    emulator.setTaskBehavior('feature-abc-migrate', { startMs: 400, exitAfterMs: 800, exitCode: 0 });
    const [a, b] = await Promise.all([migrate(), migrate()]);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    const ran = emulator.tasks().filter((t) => t.startedAt !== undefined);
    expect(ran).toHaveLength(1);
    expect(a.outputs['task-arn']).toBe(ran[0]!.taskArn);
    expect(b.outputs['task-arn']).toBe(ran[0]!.taskArn);
  }, 30_000);
});

test('CloudWatch Logs not answering at all for 13 s: each read gives up after 10 s, every line arrives once', async () => {
  emulator.setTaskBehavior('feature-abc-migrate', {
    logs: Array.from({ length: 100 }, (_, i) => ({ afterMs: i * 150, message: `line ${i}` })),
    exitAfterMs: 15_500,
    exitCode: 0,
  });
  let outage: { until: number } | undefined;
  const run = await migrate(
    {},
    {
      onStdout: (chunk) => {
        if (!outage && chunk.includes('line 5\n'))
          outage = emulator.addOutage({ operations: ['GetLogEvents'], forMs: 13_000, error: 'hang' });
      },
    },
  );
  expect(run.errors).toEqual([]);
  expect(run.outputs['exit-code']).toBe('0');
  expect(containerLines(run.lines, /^line \d+$/)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
  const warnings = run.stdout.split('\n').filter((line) => line.startsWith('::warning::'));
  expect(warnings).toEqual([
    expect.stringMatching(
      /GetLogEvents\) for task \w+ failed \((TimeoutError: no answer within 10 s|.*ECONNRESET|.*socket hang up)/,
    ),
  ]);
  // The task was watched meanwhile: DescribeTasks went on between the hung reads.
  expect(
    emulator.calls('DescribeTasks').filter((c) => c.at > outage!.until - 13_000 && c.at < outage!.until)
      .length,
  ).toBeGreaterThan(0);
}, 60_000);
