import { describe, expect, test } from '@jest/globals';
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { describeStage, judge, type Verdict } from './service-deployments.ts';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/app/web/123';
const deployment = (fields: Partial<ServiceDeployment>): ServiceDeployment => ({
  serviceDeploymentArn: ARN,
  status: 'IN_PROGRESS',
  lifecycleStage: 'SCALE_UP',
  ...fields,
});
const expires = new Date('2026-11-23T21:00:00Z');

describe('judge', () => {
  test.each<[string, Partial<ServiceDeployment>, Verdict]>([
    [
      'SUCCESSFUL is steady, whatever still drains',
      { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' },
      { state: 'steady' },
    ],
    [
      'IN_PROGRESS waits, naming the stage',
      { lifecycleStage: 'BAKE_TIME' },
      { state: 'waiting', stage: 'BAKE_TIME' },
    ],
    ['PENDING waits', { status: 'PENDING', lifecycleStage: undefined }, { state: 'waiting' }],
    [
      'a PAUSE hook awaiting action is paused, with what continue-deployment needs',
      {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [
          { hookId: 'h0', targetType: 'PAUSE', status: 'SUCCEEDED' },
          {
            hookId: 'h1',
            targetType: 'PAUSE',
            status: 'AWAITING_ACTION',
            expiresAt: expires,
            timeoutAction: 'ROLLBACK',
          },
        ],
      },
      {
        state: 'paused',
        hook: {
          serviceDeploymentArn: ARN,
          hookId: 'h1',
          stage: 'POST_TEST_TRAFFIC_SHIFT',
          expiresAt: '2026-11-23T21:00:00.000Z',
          timeoutAction: 'ROLLBACK',
        },
      },
    ],
    [
      'a Lambda hook in progress is not a pause',
      { lifecycleHookDetails: [{ hookId: 'l', targetType: 'AWS_LAMBDA', status: 'IN_PROGRESS' }] },
      { state: 'waiting', stage: 'SCALE_UP' },
    ],
    [
      'ROLLBACK_IN_PROGRESS from the circuit breaker is rolling back, with its reason',
      { status: 'ROLLBACK_IN_PROGRESS', statusReason: 'circuit breaker threshold was exceeded.' },
      { state: 'rolling-back', reason: 'circuit breaker threshold was exceeded' },
    ],
    [
      'ROLLBACK_REQUESTED without a status reason takes the rollback reason',
      { status: 'ROLLBACK_REQUESTED', rollback: { reason: 'alarm api-5xx' } },
      { state: 'rolling-back', reason: 'alarm api-5xx' },
    ],
    [
      'ROLLBACK_SUCCESSFUL is rolled back',
      { status: 'ROLLBACK_SUCCESSFUL', statusReason: 'hook timed out' },
      { state: 'rolled-back', reason: 'hook timed out' },
    ],
    [
      'ROLLBACK_FAILED is a failure',
      { status: 'ROLLBACK_FAILED', statusReason: 'no room' },
      { state: 'failed', reason: 'the rollback failed: no room' },
    ],
    [
      'STOPPED is a failure',
      { status: 'STOPPED', statusReason: 'Stopped by a newer service deployment.' },
      {
        state: 'failed',
        reason: 'the service deployment was stopped: Stopped by a newer service deployment',
      },
    ],
    [
      'STOP_REQUESTED is a failure',
      { status: 'STOP_REQUESTED' },
      { state: 'failed', reason: 'the service deployment was stopped' },
    ],
  ])('%s', (_, fields, verdict) => {
    expect(judge(deployment(fields))).toEqual(verdict);
  });
});

describe('describeStage', () => {
  test('bake time, canary and linear steps in words', () => {
    expect(
      describeStage(
        deployment({ lifecycleStage: 'BAKE_TIME', deploymentConfiguration: { bakeTimeInMinutes: 5 } }),
      ),
    ).toBe('BAKE_TIME (bake time, 5 min left)');
    expect(
      describeStage(
        deployment({
          lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
          deploymentConfiguration: {
            strategy: 'CANARY',
            canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
          },
        }),
      ),
    ).toBe('PRODUCTION_TRAFFIC_SHIFT (production traffic moving to the new revision, canary 10% for 3 min)');
    expect(describeStage(deployment({ lifecycleStage: 'TEST_TRAFFIC_SHIFT' }))).toBe(
      'TEST_TRAFFIC_SHIFT (test traffic moving to the new revision)',
    );
  });
});
