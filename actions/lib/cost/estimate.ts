/**
 * Estimated cost of one environment from what it runs. Pure: the caller supplies the price table
 * and a plain description of the environment, read from Terraform values or, at deploy time, from
 * DescribeServices + DescribeTaskDefinition.
 */

export interface UnitPrices {
  vcpuHour: number;
  gbHour: number;
}

export interface RegionPrices {
  fargate: UnitPrices;
  fargateSpot: UnitPrices;
  alb: { hour: number; lcuHour: number };
  natGateway: { hour: number; gb: number };
  publicIpv4Hour: number;
  rdsPostgresHour: Record<string, number>;
  rdsGp3GbMonth: number;
  route53ZoneMonth: number;
  secretsManagerSecretMonth: number;
  logsIngestionGb: number;
  s3StandardGbMonth: number;
  unconfirmed: string[];
}

export interface PriceTable {
  date: string;
  currency: string;
  hoursPerMonth: number;
  sources: string[];
  notes: string[];
  regions: Record<string, RegionPrices>;
}

export type CapacityProvider = 'FARGATE' | 'FARGATE_SPOT';

export interface StrategyItem {
  capacityProvider: CapacityProvider;
  weight: number;
  base?: number;
}

export interface ServiceSpec {
  name: string;
  /** ECS CPU units (1024 = 1 vCPU). */
  cpu: number;
  /** MiB. */
  memory: number;
  desiredCount: number;
  /** Upper bound when autoscaling owns the count; priced apart as a ceiling, not in the total. */
  maxCount?: number;
  /** The service's capacity provider strategy; the environment's when absent. */
  capacityProviderStrategy?: StrategyItem[];
}

/** What the environments on one shared stack share; each environment carries 1/environments of it. */
export interface SharedSpec {
  environments: number;
  albs: number;
  /** Public IPv4 addresses of the ALBs (one per subnet/AZ). */
  albPublicIps: number;
  natGateways: number;
  rds: { instanceClass: string; multiAz: boolean; storageGb: number };
  route53Zones: number;
  secretsManagerSecrets: number;
}

export interface EnvironmentSpec {
  name: string;
  region: string;
  services: ServiceSpec[];
  capacityProviderStrategy: StrategyItem[];
  /** Tasks in public subnets get a public IPv4 each (no NAT gateway). */
  tasksHavePublicIp: boolean;
  /** The shared stack it runs on (prod owns its own: environments = 1). */
  shared: SharedSpec;
  /** Further usage-based charges to name (e.g. Container Insights). */
  usageNotes?: string[];
}

export interface CostLine {
  /** 'environment': what this environment runs; 'shared': its share of the shared stack. */
  kind: 'environment' | 'shared';
  item: string;
  detail: string;
  hourly: number;
  daily: number;
  monthly: number;
}

export interface Estimate {
  environment: string;
  region: string;
  currency: string;
  pricesDate: string;
  sources: string[];
  unconfirmed: string[];
  lines: CostLine[];
  environmentTotal: { daily: number; monthly: number };
  sharedTotal: { daily: number; monthly: number };
  total: { daily: number; monthly: number };
  usageBased: string[];
}

export class CostInputError extends Error {}

/**
 * Tasks per capacity provider, as ECS places them: `base` tasks first on the provider that has a
 * base, the rest split by weight. Fractions are kept (an average over placements), which is what an
 * estimate of a steady state needs.
 */
export function splitTasks(desired: number, strategy: StrategyItem[]): Record<CapacityProvider, number> {
  const split: Record<CapacityProvider, number> = { FARGATE: 0, FARGATE_SPOT: 0 };
  let rest = desired;
  for (const s of strategy) {
    const base = Math.min(s.base ?? 0, rest);
    split[s.capacityProvider] += base;
    rest -= base;
  }
  if (rest === 0) return split;
  const weights = strategy.reduce((sum, s) => sum + s.weight, 0);
  if (weights <= 0)
    throw new CostInputError('capacity provider strategy: weights sum to 0 beyond the base tasks');
  for (const s of strategy) split[s.capacityProvider] += (rest * s.weight) / weights;
  return split;
}

function validate(env: EnvironmentSpec, table: PriceTable): RegionPrices {
  const prices = table.regions[env.region];
  if (!prices) {
    throw new CostInputError(
      `region: no prices for "${env.region}" (the table has ${Object.keys(table.regions).join(', ')})`,
    );
  }
  const strategies = [env.capacityProviderStrategy, ...env.services.map((s) => s.capacityProviderStrategy)];
  for (const strategy of strategies) {
    if (strategy === undefined) continue;
    if (strategy.length === 0) throw new CostInputError('capacity provider strategy: empty');
    for (const s of strategy) {
      if (s.capacityProvider !== 'FARGATE' && s.capacityProvider !== 'FARGATE_SPOT') {
        throw new CostInputError(
          `capacity provider: "${String(s.capacityProvider)}" is not FARGATE or FARGATE_SPOT`,
        );
      }
      if (!(s.weight >= 0) || !((s.base ?? 0) >= 0)) {
        throw new CostInputError(`capacity provider ${s.capacityProvider}: weight and base must be >= 0`);
      }
    }
  }
  for (const s of env.services) {
    if (!(s.cpu > 0) || !(s.memory > 0) || !(s.desiredCount >= 0)) {
      throw new CostInputError(`service ${s.name}: cpu and memory must be > 0 and desired count >= 0`);
    }
  }
  if (!(env.shared.environments >= 1) || !Number.isInteger(env.shared.environments)) {
    throw new CostInputError(`environments: must be a whole number >= 1, got ${env.shared.environments}`);
  }
  if (prices.rdsPostgresHour[env.shared.rds.instanceClass] === undefined) {
    throw new CostInputError(
      `rds instance class: no price for "${env.shared.rds.instanceClass}" in ${env.region} (the table has ${Object.keys(prices.rdsPostgresHour).join(', ')})`,
    );
  }
  return prices;
}

const DAY = 24;

export function estimate(env: EnvironmentSpec, table: PriceTable): Estimate {
  const prices = validate(env, table);
  const month = table.hoursPerMonth;
  const lines: CostLine[] = [];
  const add = (kind: CostLine['kind'], item: string, detail: string, hourly: number): void => {
    lines.push({ kind, item, detail, hourly, daily: hourly * DAY, monthly: hourly * month });
  };

  let tasks = 0;
  const scaling: string[] = [];
  for (const s of env.services) {
    const strategy = s.capacityProviderStrategy ?? env.capacityProviderStrategy;
    const split = splitTasks(s.desiredCount, strategy);
    const vcpu = s.cpu / 1024;
    const gb = s.memory / 1024;
    const perTask = (p: UnitPrices): number => vcpu * p.vcpuHour + gb * p.gbHour;
    const cost = (n: Record<CapacityProvider, number>): number =>
      n.FARGATE * perTask(prices.fargate) + n.FARGATE_SPOT * perTask(prices.fargateSpot);
    const hourly = cost(split);
    if (s.maxCount !== undefined && s.maxCount > s.desiredCount) {
      const extra = (cost(splitTasks(s.maxCount, strategy)) - hourly) * month;
      scaling.push(
        `${s.name} autoscaling up to ${s.maxCount} tasks: at most ${extra.toFixed(2)} ${table.currency}/month more`,
      );
    }
    const where = [
      split.FARGATE > 0 ? `${round(split.FARGATE)} on-demand` : '',
      split.FARGATE_SPOT > 0 ? `${round(split.FARGATE_SPOT)} Spot` : '',
    ].filter(Boolean);
    const detail =
      s.desiredCount === 0
        ? `${vcpu} vCPU / ${gb} GB × 0 tasks (paused)`
        : `${vcpu} vCPU / ${gb} GB × ${s.desiredCount} (${where.join(', ')})`;
    add('environment', `Fargate: ${s.name}`, detail, hourly);
    tasks += s.desiredCount;
  }
  if (env.tasksHavePublicIp) {
    add('environment', 'Public IPv4 (tasks)', `${tasks} task address(es)`, tasks * prices.publicIpv4Hour);
  }

  const sh = env.shared;
  const n = sh.environments;
  const share = `1/${n} of`;
  add(
    'shared',
    'Load balancer',
    `${share} ${sh.albs} ALB (hour + 1 LCU) and ${sh.albPublicIps} public IPv4`,
    (sh.albs * (prices.alb.hour + prices.alb.lcuHour) + sh.albPublicIps * prices.publicIpv4Hour) / n,
  );
  if (sh.natGateways > 0) {
    add(
      'shared',
      'NAT gateway',
      `${share} ${sh.natGateways} NAT gateway(s) and their public IPv4 (traffic extra)`,
      (sh.natGateways * (prices.natGateway.hour + prices.publicIpv4Hour)) / n,
    );
  }
  const copies = sh.rds.multiAz ? 2 : 1;
  const rdsHourly =
    copies *
    ((prices.rdsPostgresHour[sh.rds.instanceClass] ?? 0) + (sh.rds.storageGb * prices.rdsGp3GbMonth) / month);
  add(
    'shared',
    'RDS PostgreSQL',
    `${share} ${sh.rds.instanceClass}${sh.rds.multiAz ? ' Multi-AZ' : ''} + ${sh.rds.storageGb} GB gp3`,
    rdsHourly / n,
  );
  add(
    'shared',
    'DNS and secrets',
    `${share} ${sh.route53Zones} Route 53 zone(s) and ${sh.secretsManagerSecrets} Secrets Manager secret(s)`,
    (sh.route53Zones * prices.route53ZoneMonth +
      sh.secretsManagerSecrets * prices.secretsManagerSecretMonth) /
      month /
      n,
  );

  const sum = (kind?: CostLine['kind']): { daily: number; monthly: number } => {
    const chosen = lines.filter((l) => kind === undefined || l.kind === kind);
    return {
      daily: chosen.reduce((a, l) => a + l.daily, 0),
      monthly: chosen.reduce((a, l) => a + l.monthly, 0),
    };
  };

  return {
    environment: env.name,
    region: env.region,
    currency: table.currency,
    pricesDate: table.date,
    sources: table.sources,
    unconfirmed: prices.unconfirmed,
    lines,
    environmentTotal: sum('environment'),
    sharedTotal: sum('shared'),
    total: sum(),
    usageBased: [
      `S3 bucket: ${prices.s3StandardGbMonth} ${table.currency}/GB-month stored, plus requests`,
      `CloudWatch Logs: ${prices.logsIngestionGb} ${table.currency}/GB ingested`,
      `ALB LCUs beyond one per hour: ${prices.alb.lcuHour} ${table.currency}/LCU-hour`,
      ...(sh.natGateways > 0
        ? [`NAT gateway traffic: ${prices.natGateway.gb} ${table.currency}/GB processed`]
        : []),
      ...scaling,
      ...(env.usageNotes ?? []),
    ],
  };
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}
