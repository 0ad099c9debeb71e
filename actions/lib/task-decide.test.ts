import { describe, expect, test } from '@jest/globals';
import type { Task } from '@aws-sdk/client-ecs';
import { decideTask, type TaskDecision, type TaskObservation } from './task-decide.ts';

const STATE = { id: 'abc123', container: 'web', lastStatus: 'RUNNING' };
const task = (over: Partial<Task>): Task => ({
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/pr-1/abc123',
  lastStatus: 'RUNNING',
  containers: [{ name: 'web' }],
  ...over,
});
const stopped = (exitCode: number | undefined, stoppedReason = 'Essential container in task exited') =>
  task({
    lastStatus: 'STOPPED',
    stoppedReason,
    containers: [{ name: 'web', ...(exitCode !== undefined && { exitCode }) }],
  });

describe("decideTask: every ending of a one-off task's watch", () => {
  test.each<[string, TaskObservation, TaskDecision, string]>([
    ['still running: wait', { kind: 'described', task: task({}) }, { kind: 'wait' }, 'RUNNING'],
    [
      'a new status: wait, with the status remembered for the log',
      { kind: 'described', task: task({ lastStatus: 'DEPROVISIONING' }) },
      { kind: 'wait' },
      'DEPROVISIONING',
    ],
    [
      'exit code 0: stopped, succeeded',
      { kind: 'described', task: stopped(0) },
      {
        kind: 'stopped',
        outcome: {
          stopped: true,
          succeeded: true,
          exitCode: 0,
          stoppedReason: 'Essential container in task exited',
          message: 'Task abc123 finished: container "web" exited with exit code 0.',
        },
      },
      'STOPPED',
    ],
    [
      'exit code 1: stopped, failed, with the code',
      { kind: 'described', task: stopped(1) },
      {
        kind: 'stopped',
        outcome: {
          stopped: true,
          succeeded: false,
          exitCode: 1,
          stoppedReason: 'Essential container in task exited',
          message: 'Task abc123 failed: container "web" exited with exit code 1.',
        },
      },
      'STOPPED',
    ],
    [
      'stopped before the container ran: failed, with the reason',
      { kind: 'described', task: stopped(undefined, 'CannotPullContainerError: pull access denied') },
      {
        kind: 'stopped',
        outcome: {
          stopped: true,
          succeeded: false,
          stoppedReason: 'CannotPullContainerError: pull access denied',
          message:
            'Task abc123 stopped before container "web" finished: CannotPullContainerError: pull access denied.',
        },
      },
      'STOPPED',
    ],
    [
      'gone from DescribeTasks: fail, nothing to stop',
      { kind: 'described', task: undefined, missingReason: 'MISSING' },
      { kind: 'fail', failure: 'Task abc123 disappeared: DescribeTasks says MISSING.' },
      'RUNNING',
    ],
    [
      'the job cancelled: give up, stopping the task',
      { kind: 'cancelled' },
      {
        kind: 'give-up',
        stopReason: 'Cancelled: the GitHub Actions job was cancelled',
        failure: 'Cancelled while task abc123 was running',
      },
      'RUNNING',
    ],
    [
      'timed out during an outage: give up, naming the last status and the outage',
      {
        kind: 'timed-out',
        timeoutMs: 90_000,
        outages: ['DescribeTasks for task abc123 failing: ThrottlingException'],
      },
      {
        kind: 'give-up',
        stopReason: 'Timed out: timeout-minutes of the step passed',
        failure:
          'Task abc123 did not finish within 1.5 minutes (last status RUNNING; DescribeTasks for task abc123 failing: ThrottlingException)',
      },
      'RUNNING',
    ],
    [
      'a read that waiting will not fix: give up, stopping the task',
      {
        kind: 'unreadable',
        name: 'AccessDeniedException',
        message: 'not authorized to perform ecs:DescribeTasks',
      },
      {
        kind: 'give-up',
        stopReason: 'Abandoned: the step could not watch it (AccessDeniedException)',
        failure: 'Could not watch task abc123: not authorized to perform ecs:DescribeTasks',
      },
      'RUNNING',
    ],
  ])('%s', (_why, observation, decision, lastStatus) => {
    const next = decideTask(STATE, observation);
    expect(next.decision).toEqual(decision);
    expect(next.state.lastStatus).toBe(lastStatus);
  });

  test('timed out before any read: the last status is unknown', () => {
    const { decision } = decideTask(
      { ...STATE, lastStatus: '' },
      { kind: 'timed-out', timeoutMs: 60_000, outages: [] },
    );
    expect(decision.failure).toBe('Task abc123 did not finish within 1 minute (last status unknown)');
  });
});
