import { expect, test } from '@jest/globals';
import { DEFAULT_POLICY, retryDelay } from './slack.ts';

const policy = { ...DEFAULT_POLICY, baseDelayMs: 100, maxRetryAfterMs: 30_000 };

test('backs off exponentially without Retry-After', () => {
  expect([1, 2, 3].map((n) => retryDelay(n, null, policy))).toEqual([100, 200, 400]);
});

test('honours Retry-After in seconds or as a date, capped', () => {
  expect(retryDelay(1, '2', policy)).toBe(2000);
  expect(retryDelay(1, '3600', policy)).toBe(30_000);
  const inFive = new Date(Date.now() + 5000).toUTCString();
  expect(retryDelay(1, inFive, policy)).toBeGreaterThan(3000);
  expect(retryDelay(1, inFive, policy)).toBeLessThanOrEqual(5000);
  expect(retryDelay(1, 'garbage', policy)).toBe(100);
  expect(retryDelay(1, '-5', policy)).toBe(0);
});
