import { describe, expect, test } from '@jest/globals';
import type { DeploymentCircuitBreaker, Service } from '@aws-sdk/client-ecs';
import { breakerCount, breakerThreshold, describePolicy } from './policy.ts';

const breaker = (thresholdConfiguration?: DeploymentCircuitBreaker['thresholdConfiguration']) => ({
  enable: true,
  rollback: true,
  ...(thresholdConfiguration && { thresholdConfiguration }),
});

describe('breakerThreshold: the failed tasks at which ECS fails a deployment', () => {
  test.each([
    ['default (50 %, bounded): 2 desired → the floor of 3', undefined, 2, 3],
    ['default: 20 desired → 10', undefined, 20, 10],
    ['default: 1000 desired → the ceiling of 200', undefined, 1000, 200],
    [
      'BOUNDED_PERCENT 25: 10 desired → 3 (2.5 rounded up, then the floor)',
      { type: 'BOUNDED_PERCENT', value: 25 },
      10,
      3,
    ],
    ['UNBOUNDED_PERCENT 50: 2 desired → 1, no floor', { type: 'UNBOUNDED_PERCENT', value: 50 }, 2, 1],
    [
      'UNBOUNDED_PERCENT 50: 1000 desired → 500, no ceiling',
      { type: 'UNBOUNDED_PERCENT', value: 50 },
      1000,
      500,
    ],
    ['COUNT 5: as given', { type: 'COUNT', value: 5 }, 40, 5],
  ] as const)('%s', (_why, config, desired, expected) => {
    expect(breakerThreshold(breaker(config), desired)).toBe(expected);
  });
});

describe('describePolicy: what ECS decides a rollout by, in words', () => {
  const service = (deploymentConfiguration: Service['deploymentConfiguration']): Service => ({
    desiredCount: 4,
    deploymentConfiguration,
  });
  test('nothing set: the step decides alone', () => {
    expect(describePolicy(service({}))).toBe('');
  });
  test('breaker, alarms and early success together', () => {
    expect(
      describePolicy(
        service({
          deploymentCircuitBreaker: { ...breaker({ type: 'COUNT', value: 2 }), resetOnHealthyTask: false },
          alarms: { enable: true, rollback: true, alarmNames: ['api-5xx'] },
          earlySuccessCriteria: {
            enable: true,
            healthyPercent: 75,
            sourceServiceRevisionCleanup: 'DEFERRED',
          },
        }),
      ),
    ).toBe(
      'circuit breaker (rolls back): fails at 2 failed tasks (a count; a healthy task does not reset the count); alarms api-5xx (roll back); early success at 75 % healthy (old tasks removed after success)',
    );
  });
  test('the default threshold names its formula', () => {
    expect(describePolicy(service({ deploymentCircuitBreaker: breaker() }))).toBe(
      'circuit breaker (rolls back): fails at 3 failed tasks (50 % of 4 desired, bounded 3–200)',
    );
  });
});

test("breakerCount prefers the service deployment's own count", () => {
  const s: Service = { desiredCount: 4, deploymentConfiguration: { deploymentCircuitBreaker: breaker() } };
  expect(breakerCount(s, { failureCount: 2, threshold: 7 }, 1)).toBe(
    'the circuit breaker has counted 2 of 7 failed tasks',
  );
  expect(breakerCount(s, undefined, 1)).toBe('the circuit breaker has counted 1 of 3 failed tasks');
  expect(breakerCount({ desiredCount: 4 }, undefined, 1)).toBe('');
});
