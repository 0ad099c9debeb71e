import { describe, expect, test } from '@jest/globals';
import { decide, lastActivity, stateOf, type Facts, type Policy } from './activity.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const hoursAgo = (h: number) => NOW - h * 3_600_000;
const policy: Policy = {
  now: NOW,
  pauseAfterHours: 24,
  destroyAfterHours: 72,
  keep: [],
  protectedNames: ['prod'],
};
const facts = (extra: Partial<Facts>): Facts => ({ name: 'pr-7', state: 'running', ...extra });

describe('lastActivity', () => {
  test('the newest released-at or active-at mark wins over registration times', () => {
    expect(
      lastActivity([
        { registeredAt: hoursAgo(1), tags: { 'adhoc-actions:released-at': '2026-11-20T12:00:00Z' } },
        { registeredAt: hoursAgo(2), tags: { 'adhoc-actions:active-at': '2026-11-22T12:00:00Z' } },
      ]),
    ).toBe(Date.parse('2026-11-22T12:00:00Z'));
  });
  test('unmarked revisions count from their registration; none at all is unknown', () => {
    expect(lastActivity([{ registeredAt: hoursAgo(5), tags: {} }])).toBe(hoursAgo(5));
    expect(
      lastActivity([{ registeredAt: hoursAgo(5), tags: { 'adhoc-actions:released-at': 'garbage' } }]),
    ).toBe(hoursAgo(5));
    expect(lastActivity([])).toBeUndefined();
  });
});

test('stateOf: the paused tag, or every desired count at 0; no cluster is missing', () => {
  expect(stateOf(true, { 'adhoc-actions:paused': 'true' }, [1, 1])).toBe('paused');
  expect(stateOf(true, {}, [0, 0, 0])).toBe('paused');
  expect(stateOf(true, {}, [0, 1])).toBe('running');
  expect(stateOf(true, {}, [])).toBe('running');
  expect(stateOf(false, {}, [])).toBe('missing');
});

describe('decide (pause after 24 h, destroy after 72 h)', () => {
  test.each([
    [facts({ lastActivity: hoursAgo(23.9) }), 'keep', 'active 23 h ago'],
    [facts({ lastActivity: hoursAgo(24) }), 'pause', 'idle 24 h ≥ 24 h'],
    [facts({ lastActivity: hoursAgo(30), state: 'paused' }), 'keep', 'already paused, idle 30 h'],
    [facts({ lastActivity: hoursAgo(72) }), 'destroy', 'idle 72 h ≥ 72 h'],
    [facts({ lastActivity: hoursAgo(100), state: 'paused' }), 'destroy', 'idle 100 h ≥ 72 h'],
    [facts({ lastActivity: hoursAgo(100), keepUntil: '2026-11-23' }), 'keep', 'keep-until 2026-11-23'],
    [facts({ lastActivity: hoursAgo(100), keepUntil: '2026-11-22' }), 'destroy', 'idle 100 h ≥ 72 h'],
    [facts({ name: 'prod', lastActivity: hoursAgo(1000) }), 'keep', 'protected'],
    [
      facts({ state: 'missing', lastActivity: hoursAgo(1000) }),
      'keep',
      'no cluster: nothing to pause or destroy',
    ],
    [facts({}), 'keep', 'no activity recorded yet'],
  ])('%o → %s (%s)', (f, verdict, reason) => {
    expect(decide(f, policy)).toEqual({ verdict, reason });
  });
  test('0 turns a step off; keep names an environment outright', () => {
    const idle = facts({ lastActivity: hoursAgo(500) });
    expect(decide(idle, { ...policy, destroyAfterHours: 0 }).verdict).toBe('pause');
    expect(decide(idle, { ...policy, destroyAfterHours: 0, pauseAfterHours: 0 }).verdict).toBe('keep');
    expect(decide(idle, { ...policy, keep: ['pr-7'] })).toEqual({
      verdict: 'keep',
      reason: 'listed in keep',
    });
  });
});
