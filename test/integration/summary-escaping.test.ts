import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { runAction } from '../../simulator/runner/run-action.ts';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 20, stopMs: 10 });
  emulator.createCluster('feature-abc');
  emulator.registerTaskDefinition({
    family: 'feature-abc-migrate',
    containerDefinitions: [
      {
        name: 'backend',
        image: 'backend:v1',
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/feature-abc',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'm',
          },
        },
      },
    ],
  });
});
afterEach(async () => {
  await emulator.stop();
});

test('a log line and a command holding HTML reach the job summary escaped', async () => {
  emulator.setTaskBehavior('feature-abc-migrate', {
    logs: [{ afterMs: 5, message: '<img src=x onerror=alert(1)>' }],
    exitAfterMs: 10,
    exitCode: 1,
  });

  const run = await runAction(
    'run-migration-task',
    {
      cluster: 'feature-abc',
      'task-definition': 'feature-abc-migrate',
      command: 'echo "<script>alert(2)</script>"',
    },
    { env: emulator.env() },
  );

  expect(run.exitCode).toBe(1);
  expect(run.summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(run.summary).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  expect(run.summary).not.toContain('<img');
  expect(run.summary).not.toContain('<script');
});
