import { describe, expect, test } from '@jest/globals';
import type { Task } from '@aws-sdk/client-ecs';
import { assess, describeStop, isFailedStop, latestFailedStop, shortName } from './assess.ts';
import { ARN, deployment, service } from './fixtures.ts';

const expected = { taskDefinition: ARN(3), deploymentId: 'ecs-svc/3' };

describe('assess', () => {
  test('steady: our deployment alone, COMPLETED, running = desired', () => {
    expect(
      assess(service([deployment(3, { runningCount: 2, rolloutState: 'COMPLETED' })]), expected),
    ).toEqual({
      state: 'steady',
    });
  });

  test('waiting, in words: new tasks and old ones still to stop', () => {
    const old = deployment(2, { status: 'ACTIVE', runningCount: 2, rolloutState: 'COMPLETED' });
    const result = assess(service([deployment(3, { runningCount: 1, pendingCount: 1 }), old]), expected);
    expect(result).toMatchObject({
      state: 'waiting',
      waitingOn: '1/2 running on web:3 (1 pending); web:2 still has 2 tasks to stop',
    });
  });

  test('counts right but not COMPLETED yet: waits on ECS', () => {
    const result = assess(service([deployment(3, { runningCount: 2 })]), expected);
    expect(result).toMatchObject({
      waitingOn: '2/2 running on web:3; ECS to mark the deployment COMPLETED (IN_PROGRESS)',
    });
  });

  test('rolloutState FAILED with the circuit breaker rolling back', () => {
    const failed = deployment(3, {
      status: 'ACTIVE',
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/2.',
    });
    const result = assess(service([deployment(2), failed]), expected);
    expect(result).toEqual({
      state: 'failed',
      reason: 'rolloutState FAILED: ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/2.',
      deployment: failed,
      rollback: { taskDefinition: ARN(2), deploymentId: 'ecs-svc/2' },
    });
  });

  test('our deployment gone behind another one', () => {
    expect(assess(service([deployment(4, { id: 'ecs-svc/4' })]), expected)).toMatchObject({
      state: 'failed',
      reason: 'another deployment replaced ours: the service now deploys web:4',
      replacedBy: { taskDefinition: ARN(4), deploymentId: 'ecs-svc/4' },
    });
  });
});

describe('stopped tasks', () => {
  const task = (fields: Partial<Task>): Task => ({
    taskArn: 'arn:aws:ecs:us-east-1:1:task/app/abc123',
    desiredStatus: 'STOPPED',
    startedBy: 'ecs-svc/3',
    containers: [
      { name: 'sidecar', exitCode: 0 },
      { name: 'app', exitCode: 1 },
    ],
    ...fields,
  });

  test.each([
    ['EssentialContainerExited', 'Essential container in task exited', true],
    ['TaskFailedToStart', 'CannotPullContainerError: not found', true],
    ['ServiceSchedulerInitiated', 'Task failed ELB health checks in (target-group x)', true],
    ['ServiceSchedulerInitiated', 'Scaling activity initiated by (deployment ecs-svc/4)', false],
    ['UserInitiated', 'Task stopped by user', false],
    ['SpotInterruption', 'Your Spot Task was interrupted.', false],
  ] as const)('%s / %s is a failure: %p', (stopCode, stoppedReason, failed) => {
    expect(isFailedStop(task({ stopCode, stoppedReason }))).toBe(failed);
  });

  test('describeStop names the reason, the stop code and the container that exited non-zero', () => {
    expect(
      describeStop(
        task({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }),
      ),
    ).toBe(
      'task abc123 stopped: Essential container in task exited (EssentialContainerExited); container "app" exited with code 1',
    );
  });

  test('latestFailedStop keeps to the deployment and takes the newest', () => {
    const older = task({ stopCode: 'EssentialContainerExited', stoppingAt: new Date(1000), taskArn: 'a/1' });
    const newer = task({ stopCode: 'EssentialContainerExited', stoppingAt: new Date(2000), taskArn: 'a/2' });
    const other = task({
      stopCode: 'EssentialContainerExited',
      stoppingAt: new Date(3000),
      startedBy: 'ecs-svc/2',
    });
    expect(latestFailedStop([older, other, newer], 'ecs-svc/3')).toBe(newer);
    expect(latestFailedStop([other], 'ecs-svc/3')).toBeUndefined();
  });

  test('shortName', () => {
    expect(shortName(ARN(3))).toBe('web:3');
    expect(shortName(undefined)).toBe('?');
  });
});
