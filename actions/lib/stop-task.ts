import { StopTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { errorName, isTransient, sleep } from './poll.ts';
import { taskId } from './task-outcome.ts';

/**
 * StopTask when `stop`; says what happened to the task. StopTask is idempotent, so a transient
 * error is retried a few times; the call never carries the (maybe aborted) watch signal.
 */
export async function stopOnExit(
  ecs: ECSClient,
  cluster: string,
  taskArn: string,
  stop: boolean,
  reason: string,
): Promise<string> {
  if (!stop) {
    return `the task was left running to finish (stop-on-cancel: false): follow ${taskId(taskArn)} in cluster ${cluster}; the next run of the same command waits for it (if-running: wait)`;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
      return 'the task was stopped';
    } catch (error) {
      if (!isTransient(error) || attempt >= 5) {
        return `StopTask failed (${errorName(error)}): the task may still be running, stop ${taskId(taskArn)} in cluster ${cluster} by hand`;
      }
      await sleep(Math.min(8000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }
}
