import { sleep } from './poll.ts';

/**
 * The loop every watcher runs (rolling-update's and continue-deployment's rollouts,
 * run-migration-task's and create-database's one-off tasks): rounds until one says it is done,
 * the job is cancelled or the deadline passes, whichever comes first. What a round reads and
 * decides is the watcher's own (rollout/decide.ts, task-decide.ts); the pace, the deadline and
 * the cancel are this one piece of code.
 */

export interface WatchRound {
  done: boolean;
  /** How long to wait before the next round (never past the deadline; a cancel ends it). */
  waitMs: number;
}

export type WatchEnd = 'done' | 'cancelled' | 'timed-out';

export interface WatchUntilOptions {
  deadline: number;
  /** Aborted when the job is cancelled (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

/**
 * Runs `round` until it is done. Each round gets a signal that aborts at the deadline or on the
 * job's cancel, so a call in flight ends then and the watch is never late to give up.
 */
export async function watchUntil(
  options: WatchUntilOptions,
  round: (signal: AbortSignal) => Promise<WatchRound>,
): Promise<WatchEnd> {
  const signal = AbortSignal.any([
    ...(options.signal ? [options.signal] : []),
    AbortSignal.timeout(Math.max(1, options.deadline - Date.now())),
  ]);
  for (;;) {
    if (options.signal?.aborted) return 'cancelled';
    if (Date.now() >= options.deadline) return 'timed-out';
    const { done, waitMs } = await round(signal);
    if (done) return 'done';
    await sleep(Math.max(0, Math.min(waitMs, options.deadline - Date.now())), options.signal);
  }
}
