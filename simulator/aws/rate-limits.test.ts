import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { DescribeClustersCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from './index.ts';
import { ECS_RATE_LIMITS, RateLimiter } from './rate-limits.ts';

/** ECS's rate limits: a token bucket per group of actions, refused as AWS refuses. */

test('a bucket allows its burst at once, then its refill rate', () => {
  const limiter = new RateLimiter({ reads: { burst: 3, refill: 2, actions: ['DescribeServices'] } });
  const at = Date.now() + 1000;
  for (let i = 0; i < 3; i++) limiter.take('DescribeServices', at);
  expect(() => limiter.take('DescribeServices', at)).toThrow('Rate exceeded');
  // Half a second refills one token at 2 a second; never more than the burst.
  limiter.take('DescribeServices', at + 500);
  expect(() => limiter.take('DescribeServices', at + 500)).toThrow('Rate exceeded');
  limiter.take('DescribeServices', at + 60_000);
  limiter.take('DescribeServices', at + 60_000);
  limiter.take('DescribeServices', at + 60_000);
  expect(() => limiter.take('DescribeServices', at + 60_000)).toThrow('Rate exceeded');
  expect(limiter.throttled.get('DescribeServices')).toBe(3);
  // An action in no group is not limited.
  for (let i = 0; i < 10; i++) limiter.take('TagResource', at);
});

test('the documented groups: the actions a rollout watch reads and writes', () => {
  const groupOf = (action: string) =>
    Object.entries(ECS_RATE_LIMITS).find(([, g]) => g.actions.includes(action))?.[0];
  expect(groupOf('DescribeServices')).toBe('service read');
  expect(ECS_RATE_LIMITS['service read']).toMatchObject({ burst: 100, refill: 20 });
  expect(groupOf('DescribeServiceDeployments')).toBe('service deployment');
  expect(ECS_RATE_LIMITS['service deployment']).toMatchObject({ burst: 50, refill: 20 });
  expect(groupOf('UpdateService')).toBe('service modify');
  expect(ECS_RATE_LIMITS['service modify']).toMatchObject({ burst: 50, refill: 5 });
  expect(groupOf('RegisterTaskDefinition')).toBe('task definition modify');
});

let emulator: Emulator;
let ecs: ECSClient;
beforeEach(async () => {
  emulator = await startEmulator();
  emulator.createCluster('app');
  ecs = new ECSClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: OPERATOR_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterEach(async () => {
  ecs.destroy();
  await emulator.stop();
});

test('over HTTP: past the burst, ThrottlingException "Rate exceeded", other groups unaffected', async () => {
  emulator.setRateLimits({
    'service read': { burst: 2, refill: 0.001, actions: ['DescribeServices'] },
    'cluster read': { burst: 50, refill: 20, actions: ['DescribeClusters'] },
  });
  const describe = () => ecs.send(new DescribeServicesCommand({ cluster: 'app', services: ['web'] }));
  await describe();
  await describe();
  await expect(describe()).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
  await expect(ecs.send(new DescribeClustersCommand({ clusters: ['app'] }))).resolves.toBeDefined();
  expect(emulator.throttledCalls()).toEqual({ DescribeServices: 1 });
  expect(emulator.calls('DescribeServices').at(-1)?.error).toBe('ThrottlingException');
});

test("setRateLimits() sets ECS's documented figures; null lifts them", async () => {
  emulator.setRateLimits();
  const burst = () =>
    Promise.allSettled(
      Array.from({ length: 200 }, () => ecs.send(new DescribeClustersCommand({ clusters: ['app'] }))),
    );
  // Cluster reads: a burst of 50, then 20 a second: 200 calls are refused some unless they take 7.5 s.
  expect((await burst()).filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
  emulator.setRateLimits(null);
  expect((await burst()).filter((r) => r.status === 'rejected')).toHaveLength(0);
});
