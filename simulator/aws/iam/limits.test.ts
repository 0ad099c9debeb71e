import { describe, expect, test } from '@jest/globals';
import { IAM_LIMITS, limitsExceeded, policySize } from './limits.ts';
import rendered from './roles.json' with { type: 'json' };

const statement = (sid: string, chars: number) => ({
  Sid: sid,
  Effect: 'Allow',
  Action: ['s3:GetObject'],
  Resource: [`arn:aws:s3:::${'b'.repeat(chars)}`],
});

describe('IAM limits', () => {
  test('the roles bootstrap makes fit: each policy, the inline total, the attachments and the trust', () => {
    for (const root of Object.values(rendered.roots)) expect(limitsExceeded(root)).toEqual([]);
  });

  // The deploy roles once held 14,143 and 16,337 characters inline: AWS refuses that apply.
  test('what IAM would refuse is named, one line each', () => {
    const big = { Version: '2012-10-17', Statement: [statement('A', 6_000), statement('B', 5_000)] };
    expect(policySize(big)).toBeGreaterThan(IAM_LIMITS.inlinePerRole);
    expect(
      limitsExceeded({
        roles: {
          'arn:aws:iam::1:role/r': {
            trust: { Statement: [statement('T', 2_100)] },
            inline: { deploy: big },
            managed: Array.from({ length: 11 }, (_, i) => `arn:aws:iam::1:policy/p${i}`),
          },
        },
        policies: {
          'arn:aws:iam::1:policy/p0': { Version: '2012-10-17', Statement: [statement('P', 6_200)] },
        },
      }),
    ).toEqual([
      expect.stringMatching(
        /^policy arn:aws:iam::1:policy\/p0: \d+ characters, over IAM's 6144 for a managed policy$/,
      ),
      expect.stringMatching(
        /^role arn:aws:iam::1:role\/r: \d+ characters of inline policy, over IAM's 10240 a role$/,
      ),
      "role arn:aws:iam::1:role/r: 11 managed policies, over IAM's 10 a role",
      expect.stringMatching(
        /^role arn:aws:iam::1:role\/r: a trust policy of \d+ characters, over IAM's 2048$/,
      ),
    ]);
  });
});
