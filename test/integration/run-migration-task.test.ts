import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { runAction, type RunOptions } from '../helpers/run-action.ts';

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
