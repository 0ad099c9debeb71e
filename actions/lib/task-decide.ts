import type { Task } from '@aws-sdk/client-ecs';
import { taskOutcome, type TaskOutcome } from './task-outcome.ts';

/**
 * Every ending of a one-off task's watch, decided in one pure place (the loop in
 * one-off-task.ts only reads, stops and sleeps): what the loop saw, the task's last status, and
 * what to do next. A task is not a service, so this is not rollout/decide.ts, but it is shaped
 * the same way and table-tested the same way.
 */

export type TaskObservation =
  | { kind: 'described'; task: Task | undefined; missingReason?: string }
  | { kind: 'cancelled' }
  | { kind: 'timed-out'; timeoutMs: number; outages: string[] }
  /** A read that waiting will not fix (access denied, a bug): its error's name and message. */
  | { kind: 'unreadable'; name: string; message: string };

export type TaskDecision =
  /** Still going (the loop prints the status when `state.lastStatus` changed). */
  | { kind: 'wait' }
  /** It stopped: drain its log, then the outcome is the step's result. */
  | { kind: 'stopped'; outcome: Extract<TaskOutcome, { stopped: true }> }
  /** The step gives up: StopTask with `stopReason` (when stop-on-cancel), then fail with `failure` and what became of the task. */
  | { kind: 'give-up'; stopReason: string; failure: string }
  /** Nothing left to stop: fail with `failure`. */
  | { kind: 'fail'; failure: string };

export interface TaskWatchState {
  id: string;
  container: string;
  lastStatus: string;
}

/** Cancel, timeout and an unreadable task always give up. */
export function decideTask(
  state: TaskWatchState,
  observation: Exclude<TaskObservation, { kind: 'described' }>,
): { state: TaskWatchState; decision: Extract<TaskDecision, { kind: 'give-up' }> };
export function decideTask(
  state: TaskWatchState,
  observation: TaskObservation,
): { state: TaskWatchState; decision: TaskDecision };
export function decideTask(
  state: TaskWatchState,
  observation: TaskObservation,
): { state: TaskWatchState; decision: TaskDecision } {
  const { id } = state;
  switch (observation.kind) {
    case 'cancelled':
      return {
        state,
        decision: {
          kind: 'give-up',
          stopReason: 'Cancelled: the GitHub Actions job was cancelled',
          failure: `Cancelled while task ${id} was running`,
        },
      };
    case 'timed-out': {
      const minutes = Math.round(observation.timeoutMs / 6000) / 10;
      const outages = observation.outages.map((o) => `; ${o}`).join('');
      return {
        state,
        decision: {
          kind: 'give-up',
          stopReason: 'Timed out: timeout-minutes of the step passed',
          failure: `Task ${id} did not finish within ${minutes} minute${minutes === 1 ? '' : 's'} (last status ${state.lastStatus || 'unknown'}${outages})`,
        },
      };
    }
    case 'unreadable':
      return {
        state,
        decision: {
          kind: 'give-up',
          stopReason: `Abandoned: the step could not watch it (${observation.name})`,
          failure: `Could not watch task ${id}: ${observation.message}`,
        },
      };
    case 'described': {
      if (!observation.task) {
        return {
          state,
          decision: {
            kind: 'fail',
            failure: `Task ${id} disappeared: DescribeTasks says ${observation.missingReason ?? 'nothing'}.`,
          },
        };
      }
      const outcome = taskOutcome(observation.task, state.container);
      const next = { ...state, lastStatus: observation.task.lastStatus ?? '' };
      return { state: next, decision: outcome.stopped ? { kind: 'stopped', outcome } : { kind: 'wait' } };
    }
  }
}
