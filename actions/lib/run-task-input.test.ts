import { describe, expect, test } from '@jest/globals';
import type { Service, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import { buildRunTaskInput, mainContainer, type OneOffTaskRequest } from './run-task-input.ts';
import { taskOutcome } from './task-outcome.ts';
import { parseStrategyItem } from './network.ts';

const definition: TaskDefinition = {
  family: 'app-migrate',
  revision: 4,
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/app-migrate:4',
  networkMode: 'awsvpc',
  containerDefinitions: [
    { name: 'sidecar', essential: false },
    { name: 'backend', essential: true },
  ],
};
const request = (overrides: Partial<OneOffTaskRequest> = {}): OneOffTaskRequest => ({
  cluster: 'app',
  environment: [],
  network: { subnets: ['subnet-1'], securityGroups: ['sg-1'] },
  startedBy: 'me',
  ...overrides,
});

describe('buildRunTaskInput', () => {
  test('the first essential container runs the command; environment goes where it is addressed', () => {
    const input = buildRunTaskInput(
      definition,
      request({
        command: ['python', 'manage.py', 'migrate'],
        environment: [
          { name: 'A', value: '1' },
          { container: 'sidecar', name: 'B', value: '2' },
        ],
      }),
    );
    expect(input.overrides?.containerOverrides).toEqual([
      {
        name: 'backend',
        command: ['python', 'manage.py', 'migrate'],
        environment: [{ name: 'A', value: '1' }],
      },
      { name: 'sidecar', environment: [{ name: 'B', value: '2' }] },
    ]);
    expect(input.taskDefinition).toBe(definition.taskDefinitionArn);
    expect(input.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] },
    });
  });

  test('a service gives its network and capacity provider strategy', () => {
    const service: Service = {
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-9'], securityGroups: ['sg-9'], assignPublicIp: 'ENABLED' },
      },
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      platformVersion: 'LATEST',
    };
    const input = buildRunTaskInput(
      definition,
      request({ network: { subnets: [], securityGroups: [], fromService: 'web' } }),
      service,
    );
    expect(input).toMatchObject({
      networkConfiguration: service.networkConfiguration,
      capacityProviderStrategy: service.capacityProviderStrategy,
      platformVersion: 'LATEST',
    });
    expect(input).not.toHaveProperty('launchType');
  });

  test('awsvpc without subnets names the inputs', () => {
    expect(() =>
      buildRunTaskInput(definition, request({ network: { subnets: [], securityGroups: [] } })),
    ).toThrow(
      'Task definition app-migrate uses awsvpc networking: give input "network-from-service" or "subnets".',
    );
  });

  test('unknown containers name the input', () => {
    expect(() => mainContainer(definition, 'web')).toThrow(
      'Input "container": "web" is not a container of app-migrate:4 (containers: sidecar, backend).',
    );
    expect(() =>
      buildRunTaskInput(definition, request({ environment: [{ container: 'x', name: 'A', value: '' }] })),
    ).toThrow('Input "environment": "x" is not a container of app-migrate.');
  });
});

describe('taskOutcome', () => {
  const arn = 'arn:aws:ecs:us-east-1:1:task/app/abc';
  test.each([
    [{ lastStatus: 'RUNNING' }, { stopped: false, lastStatus: 'RUNNING' }],
    [
      {
        lastStatus: 'STOPPED',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'backend', exitCode: 0 }],
      },
      { stopped: true, succeeded: true, exitCode: 0 },
    ],
    [
      {
        lastStatus: 'STOPPED',
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'backend', exitCode: 3 }],
      },
      {
        stopped: true,
        succeeded: false,
        exitCode: 3,
        message: 'Task abc failed: container "backend" exited with exit code 3.',
      },
    ],
    [
      {
        lastStatus: 'STOPPED',
        stoppedReason: 'OutOfMemoryError: Container killed due to memory usage',
        containers: [{ name: 'backend', exitCode: 137 }],
      },
      {
        stopped: true,
        succeeded: false,
        message:
          'Task abc failed: container "backend" exited with exit code 137 (OutOfMemoryError: Container killed due to memory usage).',
      },
    ],
    [
      {
        lastStatus: 'STOPPED',
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: denied',
        containers: [{ name: 'backend' }],
      },
      {
        stopped: true,
        succeeded: false,
        message: 'Task abc stopped before container "backend" finished: CannotPullContainerError: denied.',
      },
    ],
  ])('%o', (task, outcome) => {
    expect(taskOutcome({ taskArn: arn, ...task } as Task, 'backend')).toMatchObject(outcome);
  });
});

test.each([
  ['FARGATE_SPOT', { capacityProvider: 'FARGATE_SPOT' }],
  ['FARGATE:1:2', { capacityProvider: 'FARGATE', weight: 1, base: 2 }],
])('parseStrategyItem(%p)', (text, item) => {
  expect(parseStrategyItem(text)).toEqual(item);
});

test.each(['FARGATE:x', 'FARGATE:1:2:3', ':1', 'FARGATE:-1'])(
  'parseStrategyItem(%p) names the input',
  (text) => {
    expect(() => parseStrategyItem(text)).toThrow(/^Input "capacity-provider-strategy"/);
  },
);
