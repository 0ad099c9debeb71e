import { describe, expect, it } from '@jest/globals';
import { CostInputError, estimate, splitTasks, type EnvironmentSpec, type PriceTable } from './estimate.ts';
import { prod } from './examples.ts';
import { loadPrices } from './prices.ts';

// Round figures so each expectation can be checked by hand.
const table: PriceTable = {
  date: '2026-01-01',
  currency: 'USD',
  hoursPerMonth: 730,
  sources: ['test'],
  notes: [],
  regions: {
    'test-1': {
      fargate: { vcpuHour: 0.04, gbHour: 0.004 },
      fargateSpot: { vcpuHour: 0.012, gbHour: 0.0012 },
      alb: { hour: 0.02, lcuHour: 0.008 },
      natGateway: { hour: 0.045, gb: 0.045 },
      publicIpv4Hour: 0.005,
      rdsPostgresHour: { 'db.t4g.micro': 0.016, 'db.t4g.medium': 0.065 },
      rdsGp3GbMonth: 0.1,
      route53ZoneMonth: 0.5,
      secretsManagerSecretMonth: 0.4,
      logsIngestionGb: 0.5,
      s3StandardGbMonth: 0.023,
      unconfirmed: [],
    },
  },
};

function env(over: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return {
    name: 'e',
    region: 'test-1',
    services: [{ name: 'web', cpu: 1024, memory: 2048, desiredCount: 2 }],
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    tasksHavePublicIp: false,
    shared: {
      environments: 1,
      albs: 0,
      albPublicIps: 0,
      natGateways: 0,
      rds: { instanceClass: 'db.t4g.micro', multiAz: false, storageGb: 0 },
      route53Zones: 0,
      secretsManagerSecrets: 0,
    },
    ...over,
  };
}

const line = (e: ReturnType<typeof estimate>, item: string) => {
  const found = e.lines.find((l) => l.item === item);
  if (!found) throw new Error(`no line ${item}`);
  return found;
};

describe('estimate', () => {
  it('prices on-demand tasks by vCPU and GB hours', () => {
    // 1 vCPU × 0.04 + 2 GB × 0.004 = 0.048/h per task; × 2 tasks = 0.096/h;
    // day 0.096 × 24 = 2.304; month 0.096 × 730 = 70.08.
    const web = line(estimate(env(), table), 'Fargate: web');
    expect(web.hourly).toBeCloseTo(0.096, 10);
    expect(web.daily).toBeCloseTo(2.304, 10);
    expect(web.monthly).toBeCloseTo(70.08, 10);
  });

  it('prices Spot tasks at the Spot rates', () => {
    // 1 × 0.012 + 2 × 0.0012 = 0.0144/h per task; × 2 = 0.0288/h; month 0.0288 × 730 = 21.024.
    const e = estimate(
      env({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }),
      table,
    );
    expect(line(e, 'Fargate: web').monthly).toBeCloseTo(21.024, 10);
    expect(line(e, 'Fargate: web').detail).toContain('2 Spot');
  });

  it('places base tasks first, then splits the rest by weight', () => {
    // 5 tasks, FARGATE base 1 weight 1, SPOT weight 3: FARGATE 1 + 4 × 1/4 = 2, SPOT 4 × 3/4 = 3.
    // 2 × 0.048 + 3 × 0.0144 = 0.1392/h; month 0.1392 × 730 = 101.616.
    const strategy = [
      { capacityProvider: 'FARGATE' as const, weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT' as const, weight: 3 },
    ];
    expect(splitTasks(5, strategy)).toEqual({ FARGATE: 2, FARGATE_SPOT: 3 });
    const e = estimate(
      env({
        capacityProviderStrategy: strategy,
        services: [{ name: 'web', cpu: 1024, memory: 2048, desiredCount: 5 }],
      }),
      table,
    );
    expect(line(e, 'Fargate: web').monthly).toBeCloseTo(101.616, 10);
    // A base larger than the desired count covers every task.
    expect(
      splitTasks(1, [{ capacityProvider: 'FARGATE', weight: 1, base: 2 }, ...strategy.slice(1)]),
    ).toEqual({
      FARGATE: 1,
      FARGATE_SPOT: 0,
    });
  });

  it('charges a public IPv4 per task when tasks run in public subnets', () => {
    // 2 tasks × 0.005/h = 0.01/h; month 7.3.
    const e = estimate(env({ tasksHavePublicIp: true }), table);
    expect(line(e, 'Public IPv4 (tasks)').monthly).toBeCloseTo(7.3, 10);
  });

  it('costs nothing of its own when paused (desired 0), while its shared share remains', () => {
    const paused = env({
      tasksHavePublicIp: true,
      services: [{ name: 'web', cpu: 1024, memory: 2048, desiredCount: 0 }],
      shared: { ...env().shared, albs: 1 },
    });
    const e = estimate(paused, table);
    expect(e.environmentTotal).toEqual({ daily: 0, monthly: 0 });
    expect(line(e, 'Fargate: web').detail).toContain('paused');
    // ALB 0.02 + one LCU 0.008 = 0.028/h → month 20.44; RDS micro 0.016 × 730 = 11.68; total 32.12.
    expect(e.sharedTotal.monthly).toBeCloseTo(32.12, 10);
  });

  it('states the share of the shared ALB, NAT, RDS, zone and secret apart, divided by the environments', () => {
    // 4 environments share: ALB (0.02 + 0.008 + 2 IPv4 × 0.005) = 0.038/h → month 27.74 / 4 = 6.935;
    // NAT (0.045 + its IPv4 0.005) = 0.05/h → 36.5 / 4 = 9.125;
    // RDS micro 0.016 × 730 = 11.68 + 20 GB × 0.1 = 2 → 13.68 / 4 = 3.42;
    // zone 0.5 + secret 0.4 = 0.9 / 4 = 0.225. Shared total 6.935 + 9.125 + 3.42 + 0.225 = 19.705.
    const e = estimate(
      env({
        shared: {
          environments: 4,
          albs: 1,
          albPublicIps: 2,
          natGateways: 1,
          rds: { instanceClass: 'db.t4g.micro', multiAz: false, storageGb: 20 },
          route53Zones: 1,
          secretsManagerSecrets: 1,
        },
      }),
      table,
    );
    expect(line(e, 'Load balancer').monthly).toBeCloseTo(6.935, 10);
    expect(line(e, 'NAT gateway').monthly).toBeCloseTo(9.125, 10);
    expect(line(e, 'RDS PostgreSQL').monthly).toBeCloseTo(3.42, 10);
    expect(line(e, 'DNS and secrets').monthly).toBeCloseTo(0.225, 10);
    expect(e.sharedTotal.monthly).toBeCloseTo(19.705, 10);
    expect(e.total.monthly).toBeCloseTo(70.08 + 19.705, 10);
    expect(e.lines.filter((l) => l.kind === 'shared').every((l) => l.detail.startsWith('1/4 of'))).toBe(true);
    expect(e.usageBased.join(' ')).toMatch(/S3.*CloudWatch Logs.*NAT gateway traffic/);
  });

  it('bills Multi-AZ RDS instance and storage twice', () => {
    // 2 × (0.065 × 730 + 20 × 0.1) = 2 × (47.45 + 2) = 98.9.
    const shared = { ...env().shared, rds: { instanceClass: 'db.t4g.medium', multiAz: true, storageGb: 20 } };
    expect(line(estimate(env({ shared }), table), 'RDS PostgreSQL').monthly).toBeCloseTo(98.9, 10);
  });

  it('refuses an unknown region with one line naming it, and other bad input', () => {
    expect(() => estimate(env({ region: 'ap-south-1' }), table)).toThrow(
      new CostInputError('region: no prices for "ap-south-1" (the table has test-1)'),
    );
    expect(() =>
      estimate(env({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 0 }] }), table),
    ).toThrow(/weights sum to 0/);
    const shared = { ...env().shared, rds: { instanceClass: 'db.x9.huge', multiAz: false, storageGb: 20 } };
    expect(() => estimate(env({ shared }), table)).toThrow(/rds instance class: no price for "db.x9.huge"/);
    expect(() => estimate(env({ shared: { ...env().shared, environments: 0 } }), table)).toThrow(
      /environments/,
    );
  });

  it('prices the prod example from the shipped table', () => {
    // us-east-1 on-demand 0.04048/vCPU-h, 0.004445/GB-h; every prod task is within FARGATE base 2.
    // 0.5 vCPU/1 GB task: 0.02024 + 0.004445 = 0.024685/h; 0.25/0.5: 0.01012 + 0.0022225 = 0.0123425/h.
    // gunicorn 2 + celery 1 = 3 × 0.024685 = 0.074055; beat 1 + frontend 2 + redis 1 = 4 × 0.0123425 = 0.04937.
    // 0.123425/h × 730 = 90.10025 a month.
    const prices = loadPrices();
    const e = estimate(prod('us-east-1'), prices);
    expect(e.environmentTotal.monthly).toBeCloseTo(90.10025, 8);
    expect(e.pricesDate).toBe(prices.date);
    // Autoscaling ceiling, gunicorn 2 → 10 with FARGATE base 2, then 1:1 with Spot: 6 on-demand + 4 Spot.
    // Spot task 0.5 × 0.01214 + 1 × 0.00133 = 0.0074/h. At 10: 6 × 0.024685 + 4 × 0.0074 = 0.17771/h;
    // at 2: 0.04937/h; difference 0.12834/h × 730 = 93.6882 → "93.69".
    expect(e.usageBased).toContain('gunicorn autoscaling up to 10 tasks: at most 93.69 USD/month more');
    expect(e.usageBased.join(' ')).toContain('Container Insights');
    expect(e.total.monthly).toBeCloseTo(e.environmentTotal.monthly + e.sharedTotal.monthly, 10);
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']) {
      expect(estimate(prod(region), prices).total.monthly).toBeGreaterThan(0);
    }
  });
});
