import { expect, test } from '@jest/globals';
import { isTransient, TransientReads } from './poll.ts';

const awsError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

test.each([
  [awsError('ThrottlingException', 400), true],
  [awsError('ServiceUnavailableException', 503), true],
  [awsError('ServerException', 500), true],
  [awsError('SomethingNew', 502), true],
  [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
  [awsError('TimeoutError'), true],
  [awsError('AccessDeniedException', 400), false],
  [awsError('InvalidParameterException', 400), false],
  ['a string', false],
])('isTransient(%p) is %p', (error, expected) => {
  expect(isTransient(error)).toBe(expected);
});

test('an outage prints one warning and one recovery line, and backs off capped', async () => {
  const warnings: string[] = [];
  const infos: string[] = [];
  const reads = new TransientReads('DescribeTasks', {
    baseMs: 100,
    maxMs: 400,
    random: () => 1,
    warn: (l) => warnings.push(l),
    info: (l) => infos.push(l),
  });
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    expect(await reads.read(() => Promise.reject(awsError('ServerException', 500)))).toBeUndefined();
    waits.push(reads.waitMs());
    // Skipped while backing off: the read is not even called.
    let called = false;
    await reads.read(async () => (called = true));
    expect(called).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, reads.waitMs() + 1));
  }
  // 100, 200, 400, then capped at 400 (random 1 = the ceiling itself).
  expect(waits.map((w) => Math.round(w / 100) * 100)).toEqual([100, 200, 400, 400, 400]);
  expect(reads.failures).toBe(5);
  expect(await reads.read(async () => 42)).toEqual({ value: 42 });
  expect(warnings).toEqual([
    'DescribeTasks failed (ServerException: ServerException happened); retrying with backoff until the timeout.',
  ]);
  expect(infos).toEqual([expect.stringMatching(/^DescribeTasks answers again after [\d.]+ s of errors/)]);
  expect(reads.failures).toBe(0);
});

test('an error no wait will fix is thrown at once; an abandoned read is no outage', async () => {
  const warnings: string[] = [];
  const reads = new TransientReads('GetLogEvents', { warn: (l) => warnings.push(l) });
  await expect(reads.read(() => Promise.reject(awsError('AccessDeniedException', 400)))).rejects.toThrow(
    'AccessDeniedException happened',
  );
  expect(
    await reads.read(
      () => Promise.reject(awsError('AbortError')),
      () => true,
    ),
  ).toBeUndefined();
  expect(warnings).toEqual([]);
  expect(reads.waitMs()).toBe(0);
});
