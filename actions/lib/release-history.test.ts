import { describe, expect, test } from '@jest/globals';
import { releaseInfo, withReleaseTags } from './release-history.ts';

describe('releaseInfo', () => {
  test.each([
    { input: undefined, env: {}, expected: undefined },
    {
      input: undefined,
      env: { GITHUB_SHA: '0123456789abcdef0123', GITHUB_RUN_ID: '42', GITHUB_ACTOR: 'alice' },
      expected: { release: '0123456789ab-42', commit: '0123456789abcdef0123', actor: 'alice' },
    },
    { input: 'v1.2.3', env: {}, expected: { release: 'v1.2.3' } },
  ])('$input with $env', ({ input, env, expected }) => {
    expect(releaseInfo(input, env)).toEqual(expected);
  });

  test.each(['previous', 'a b', 'x'.repeat(129), 'v1;rm'])('refuses %j in one line', (input) => {
    expect(() => releaseInfo(input, {})).toThrow(/^Input "release": .* is not a release id/);
  });
});

describe('withReleaseTags', () => {
  test('keeps the user tags, replaces ours (a carried-over released-at must not stick), cuts the image', () => {
    const carried = [
      { key: 'team', value: 'web' },
      { key: 'adhoc-actions:release', value: 'old' },
      { key: 'adhoc-actions:released-at', value: '2026-01-01T00:00:00.000Z' },
    ];
    expect(withReleaseTags(carried, { release: 'v2', commit: 'abc', actor: 'bob' }, 'i'.repeat(300))).toEqual(
      [
        { key: 'team', value: 'web' },
        { key: 'adhoc-actions:release', value: 'v2' },
        { key: 'adhoc-actions:commit', value: 'abc' },
        { key: 'adhoc-actions:actor', value: 'bob' },
        { key: 'adhoc-actions:image', value: 'i'.repeat(256) },
      ],
    );
  });
});
