import { describe, expect, test } from '@jest/globals';
import { checkRoleArn, needsRefresh, REFRESH_MARGIN_MS } from './role-session.ts';

const session = (msLeft: number) => ({
  accessKeyId: 'ASIA',
  secretAccessKey: 's',
  sessionToken: 't',
  expiration: new Date(1_000_000 + msLeft),
});

describe('role sessions', () => {
  test('renewed before the SDK would call them expired, not on every call', () => {
    expect(needsRefresh(undefined, 1_000_000)).toBe(true);
    expect(needsRefresh(session(60 * 60_000), 1_000_000)).toBe(false);
    expect(needsRefresh(session(REFRESH_MARGIN_MS + 1), 1_000_000)).toBe(false);
    expect(needsRefresh(session(5 * 60_000 + 1), 1_000_000)).toBe(true);
  });

  test('role-to-assume must be an IAM role ARN', () => {
    expect(checkRoleArn('role-to-assume', 'arn:aws:iam::123456789012:role/ci/deploy')).toBe(
      'arn:aws:iam::123456789012:role/ci/deploy',
    );
    expect(() => checkRoleArn('role-to-assume', 'arn:aws:iam::123456789012:user/bob')).toThrow(
      'Input "role-to-assume": "arn:aws:iam::123456789012:user/bob" is not an IAM role ARN',
    );
  });
});
