import { describe, expect, test } from '@jest/globals';
import { generationFor, redisAuthValue, referencedSecrets, secretArnOf } from './generated-secrets.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:adhoc/feature-abc/redis-auth-AbCdEf';

describe('secretArnOf: the secret an ECS valueFrom names', () => {
  test.each([
    [ARN, ARN],
    [`${ARN}:url::`, ARN],
    [`${ARN}:password:AWSCURRENT:`, ARN],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/adhoc/key', undefined],
    ['adhoc/feature-abc/redis-auth', undefined],
  ])('%s', (valueFrom, expected) => {
    expect(secretArnOf(valueFrom)).toBe(expected);
  });
});

test('referencedSecrets: every container of every revision, once each, SSM left out', () => {
  expect(
    referencedSecrets([
      {
        family: 'a',
        containerDefinitions: [
          { name: 'x', secrets: [{ name: 'REDIS_URL', valueFrom: `${ARN}:url::` }] },
          { name: 'y', secrets: [{ name: 'K', valueFrom: 'arn:aws:ssm:us-east-1:1:parameter/k' }] },
        ],
      },
      {
        family: 'b',
        containerDefinitions: [{ name: 'z', secrets: [{ name: 'P', valueFrom: `${ARN}:password::` }] }],
      },
    ]),
  ).toEqual([ARN]);
});

describe('generationFor: what a described secret asks the deploy for', () => {
  const tags = (address = 'feature-abc-redis.adhoc.internal:6379') => [
    { Key: 'adhoc-actions:generate', Value: 'redis-auth' },
    { Key: 'adhoc-actions:redis-address', Value: address },
  ];
  test.each([
    ['no tag: not ours to fill', { Tags: [] }, { kind: 'none' }],
    [
      'a value already: left as it is',
      { Tags: tags(), VersionIdsToStages: { v1: ['AWSCURRENT'] } },
      { kind: 'none' },
    ],
    [
      'old versions but none current (AWSCURRENT taken away): empty',
      { Tags: tags(), VersionIdsToStages: { v0: ['AWSPREVIOUS'] } },
      { kind: 'redis-auth', address: 'feature-abc-redis.adhoc.internal:6379' },
    ],
    [
      'empty and tagged: a Redis AUTH password',
      { Tags: tags(), VersionIdsToStages: {} },
      { kind: 'redis-auth', address: 'feature-abc-redis.adhoc.internal:6379' },
    ],
    [
      'an address that is not host:port: refused',
      { Tags: tags('h/$(id):1') },
      { kind: 'refused', reason: 'adhoc-actions:redis-address is "h/$(id):1", not host:port' },
    ],
    [
      'an unknown kind: refused',
      { Tags: [{ Key: 'adhoc-actions:generate', Value: 'x' }] },
      { kind: 'refused', reason: 'adhoc-actions:generate is "x"; only redis-auth is known' },
    ],
  ] as [string, Parameters<typeof generationFor>[0], unknown][])('%s', (_why, secret, expected) => {
    expect(generationFor(secret)).toEqual(expected);
  });
});

test('redisAuthValue: the password and the backend URL with it', () => {
  expect(JSON.parse(redisAuthValue('ab12', 'h.internal:6379'))).toEqual({
    password: 'ab12',
    url: 'redis://:ab12@h.internal:6379/0',
  });
});
