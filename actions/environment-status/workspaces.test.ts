import { describe, expect, test } from '@jest/globals';
import { adHocWorkspaces } from './workspaces.ts';

const LIST = '  default\n* feature-a\n  pr-12\n  prod\n  pr-13\n  staging\n  qa-kept\n';
const FILTER = {
  prefix: '',
  keep: [] as string[],
  protectedNames: ['prod', 'production', 'staging', 'default'],
};

describe("adHocWorkspaces: the janitor's candidates from terraform workspace list", () => {
  test.each([
    ['every unprotected workspace, the starred one too', FILTER, ['feature-a', 'pr-12', 'pr-13', 'qa-kept']],
    ['a prefix keeps only its own', { ...FILTER, prefix: 'pr-' }, ['pr-12', 'pr-13']],
    ['a kept name is never a candidate', { ...FILTER, keep: ['qa-kept', 'pr-12'] }, ['feature-a', 'pr-13']],
    [
      'a protected name added by the user',
      { ...FILTER, protectedNames: [...FILTER.protectedNames, 'feature-a'] },
      ['pr-12', 'pr-13', 'qa-kept'],
    ],
    ['a prefix that matches a protected name still leaves it out', { ...FILTER, prefix: 'pro' }, []],
  ])('%s', (_why, filter, expected) => {
    expect(adHocWorkspaces(LIST, filter)).toEqual(expected);
  });

  test('a protected name in another case is still protected', () => {
    expect(adHocWorkspaces('* default\n  Staging\n  PROD\n  pr-1\n', FILTER)).toEqual(['pr-1']);
  });

  test('only default: nothing to do', () => {
    expect(adHocWorkspaces('* default\n', FILTER)).toEqual([]);
  });

  test('a workspace that cannot be a cluster name is refused, named', () => {
    expect(() => adHocWorkspaces('  default\n  bad.name\n', FILTER)).toThrow('Input "workspaces"');
  });
});
