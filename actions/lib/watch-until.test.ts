import { describe, expect, test } from '@jest/globals';
import { watchUntil } from './watch-until.ts';

describe('watchUntil: the loop every watcher runs', () => {
  test('rounds until one is done; the next waits what the round asked', async () => {
    const rounds: number[] = [];
    const end = await watchUntil({ deadline: Date.now() + 60_000 }, async () => {
      rounds.push(rounds.length + 1);
      return { done: rounds.length === 3, waitMs: 1 };
    });
    expect(end).toBe('done');
    expect(rounds).toEqual([1, 2, 3]);
  });

  test("a cancel ends the wait at once and no round runs after it; the round's signal aborts too", async () => {
    const cancel = new AbortController();
    const signals: AbortSignal[] = [];
    const end = await watchUntil(
      { deadline: Date.now() + 3_600_000, signal: cancel.signal },
      async (signal) => {
        signals.push(signal);
        // The job is cancelled while the watch waits an hour: only the cancel can end that wait.
        setTimeout(() => cancel.abort(), 1);
        return { done: false, waitMs: 3_600_000 };
      },
    );
    expect(end).toBe('cancelled');
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
  });

  test('the deadline ends it, even when a round asks to wait past it', async () => {
    let rounds = 0;
    const end = await watchUntil({ deadline: Date.now() + 20 }, async () => {
      rounds++;
      return { done: false, waitMs: 3_600_000 };
    });
    expect(end).toBe('timed-out');
    expect(rounds).toBe(1);
  });

  test('a deadline already passed runs no round; a job already cancelled neither', async () => {
    let rounds = 0;
    const round = async () => {
      rounds++;
      return { done: true, waitMs: 0 };
    };
    expect(await watchUntil({ deadline: Date.now() - 1 }, round)).toBe('timed-out');
    expect(await watchUntil({ deadline: Date.now() + 60_000, signal: AbortSignal.abort() }, round)).toBe(
      'cancelled',
    );
    expect(rounds).toBe(0);
  });
});
