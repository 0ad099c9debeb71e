/**
 * What the Terraform example roots run, as plain data for estimate(). Mirrors
 * terraform/examples/{ad-hoc,prod} and the module defaults (task_sizes 256/512, desired 1,
 * FARGATE_SPOT); examples.test.ts fails when those Terraform values drift from these.
 */
import type { EnvironmentSpec, ServiceSpec, SharedSpec } from './estimate.ts';

const small = { cpu: 256, memory: 512 };

function services(
  sizes: Record<string, { cpu: number; memory: number }>,
  counts: Record<string, number>,
): ServiceSpec[] {
  // beat and redis always run one task (terraform/modules/environment/ecs.tf).
  return ['gunicorn', 'celery', 'beat', 'frontend', 'redis'].map((name) => ({
    name,
    ...(sizes[name] ?? small),
    desiredCount: counts[name] ?? 1,
  }));
}

/** terraform/examples/shared with its defaults: 2 AZs, no NAT (tasks get public IPs), db.t4g.micro. */
export function adHocShared(environments: number): SharedSpec {
  return {
    environments,
    albs: 1,
    albPublicIps: 2,
    natGateways: 0,
    rds: { instanceClass: 'db.t4g.micro', multiAz: false, storageGb: 20 },
    // The Cloud Map private namespace is a Route 53 private zone; RDS keeps its master password in
    // Secrets Manager. The public zone of the domain exists before and is not counted.
    route53Zones: 1,
    secretsManagerSecrets: 1,
  };
}

export function adHoc(region: string, environments: number): EnvironmentSpec {
  return {
    name: 'ad-hoc (feature-abc)',
    region,
    services: services({}, {}),
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
    tasksHavePublicIp: true,
    shared: adHocShared(environments),
  };
}

/** terraform/examples/prod: its own shared stack, NAT, db.t4g.medium Multi-AZ, FARGATE base 2. */
export function prod(region: string): EnvironmentSpec {
  return {
    name: 'prod',
    region,
    // gunicorn_scaling max_count 10, celery_scaling max_count 6.
    services: services(
      { gunicorn: { cpu: 512, memory: 1024 }, celery: { cpu: 512, memory: 1024 } },
      { gunicorn: 2, celery: 1, frontend: 2 },
    ).map((s) => ({
      ...s,
      ...(s.name === 'gunicorn' ? { maxCount: 10 } : s.name === 'celery' ? { maxCount: 6 } : {}),
    })),
    capacityProviderStrategy: [
      { capacityProvider: 'FARGATE', weight: 1, base: 2 },
      { capacityProvider: 'FARGATE_SPOT', weight: 1 },
    ],
    tasksHavePublicIp: false,
    shared: {
      environments: 1,
      albs: 1,
      albPublicIps: 2,
      natGateways: 1,
      rds: { instanceClass: 'db.t4g.medium', multiAz: true, storageGb: 20 },
      route53Zones: 1,
      secretsManagerSecrets: 1,
    },
    usageNotes: ['Container Insights (container_insights = true): CloudWatch metrics and logs by usage'],
  };
}

export const EXAMPLES = ['ad-hoc', 'prod'] as const;
export type ExampleName = (typeof EXAMPLES)[number];
