import type { Task } from '@aws-sdk/client-ecs';

export type TaskOutcome =
  | { stopped: false; lastStatus: string }
  | { stopped: true; succeeded: boolean; exitCode?: number; stoppedReason: string; message: string };

/** What a described task means for the step: still going, succeeded, or failed and why. */
export function taskOutcome(task: Task, container: string): TaskOutcome {
  const lastStatus = task.lastStatus ?? 'UNKNOWN';
  if (lastStatus !== 'STOPPED') return { stopped: false, lastStatus };
  const id = taskId(task.taskArn ?? '');
  const main = task.containers?.find((c) => c.name === container);
  const stoppedReason = task.stoppedReason ?? '';
  const exitCode = main?.exitCode;
  if (exitCode === 0) {
    return {
      stopped: true,
      succeeded: true,
      exitCode,
      stoppedReason,
      message: `Task ${id} finished: container "${container}" exited with exit code 0.`,
    };
  }
  const why = [stoppedReason, main?.reason].filter(
    (text) => text && !/^Essential container in task exited$/.test(text),
  );
  const detail = why.length > 0 ? ` (${why.join('; ')})` : '';
  const message =
    exitCode === undefined
      ? `Task ${id} stopped before container "${container}" finished: ${why.join('; ') || task.stopCode || 'no reason given'}.`
      : `Task ${id} failed: container "${container}" exited with exit code ${exitCode}${detail}.`;
  return {
    stopped: true,
    succeeded: false,
    ...(exitCode !== undefined && { exitCode }),
    stoppedReason,
    message,
  };
}

export function taskId(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}
