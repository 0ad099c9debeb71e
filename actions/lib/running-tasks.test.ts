import { expect, test } from '@jest/globals';
import type { RunTaskCommandInput, Task } from '@aws-sdk/client-ecs';
import { isSameRun, sameCommand } from './running-tasks.ts';

const migrate = ['python', 'manage.py', 'migrate'];
const definition = 'arn:aws:ecs:us-east-1:123456789012:task-definition/app-migrate:7';

test.each([
  ['the same command', [{ name: 'app', command: migrate }], [{ name: 'app', command: migrate }], true],
  ['both on the definition command', [{ name: 'app' }], undefined, true],
  [
    'another command',
    [{ name: 'app', command: ['python', 'manage.py', 'collectstatic'] }],
    [{ name: 'app', command: migrate }],
    false,
  ],
  ['a command against the definition command', undefined, [{ name: 'app', command: migrate }], false],
  [
    'the command on another container',
    [{ name: 'sidecar', command: migrate }],
    [{ name: 'app', command: migrate }],
    false,
  ],
])('sameCommand: %s', (_, theirs, ours, expected) => {
  expect(sameCommand(theirs, ours, 'app')).toBe(expected);
});

const input = (
  environment: { name: string; value: string }[],
  taskDefinition = definition,
): RunTaskCommandInput => ({
  cluster: 'c',
  taskDefinition,
  overrides: { containerOverrides: [{ name: 'app', command: migrate, environment }] },
});
const running = (environment: { name: string; value: string }[]): Task => ({
  taskDefinitionArn: definition,
  // ECS lists every container, most with a name only.
  overrides: { containerOverrides: [{ name: 'sidecar' }, { name: 'app', command: migrate, environment }] },
});

test('isSameRun: same revision, command and environment (in any order) is the same run', () => {
  const env = [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ];
  expect(isSameRun(running(env), input([...env].reverse()))).toBe(true);
  expect(isSameRun(running(env), input([{ name: 'A', value: '1' }]))).toBe(false);
  expect(isSameRun(running(env), input(env, definition.replace(/:7$/, ':8')))).toBe(false);
});
