import {
  decide,
  idleHours,
  KEEP_UNTIL_TAG,
  lastActivity,
  stateOf,
  type Policy,
  type State,
  type Verdict,
} from '../lib/activity.ts';
import { estimate, type Estimate, type PriceTable } from '../lib/cost/estimate.ts';
import { adHocShared, prod } from '../lib/cost/examples.ts';
import { servicesFromEcs } from '../lib/cost/from-ecs.ts';
import type { Reading } from './read.ts';

/** One environment's line in the janitor's table (and the `environments` output). Pure. */
export interface EnvironmentStatus {
  name: string;
  state: State;
  /** ISO. */
  lastActivity?: string;
  idleHours?: number;
  keepUntil?: string;
  dailyCost?: number;
  monthlyCost?: number;
  /** The daily rate of today's size times the days since the environment was created. */
  costSoFar?: number;
  createdAt?: string;
  verdict: Verdict;
  reason: string;
  /** Why no cost could be computed (an unpriced capacity provider, an unknown region…). */
  costError?: string;
}

const DAY = 86_400_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function statusOf(
  reading: Reading,
  policy: Policy,
  prices: PriceTable,
  region: string,
  sharedBy: number,
): { status: EnvironmentStatus; estimate?: Estimate } {
  const state = stateOf(
    reading.exists,
    reading.clusterTags,
    reading.services.map((s) => s.desiredCount ?? 0),
  );
  const revisions = Object.keys(reading.taskDefinitions).map((arn) => ({
    registeredAt: reading.taskDefinitions[arn]!.registeredAt?.getTime() ?? 0,
    tags: reading.revisionTags[arn] ?? {},
  }));
  const last = lastActivity(revisions);
  const keepUntil = reading.clusterTags[KEEP_UNTIL_TAG] || undefined;
  const facts = {
    name: reading.name,
    state,
    ...(last !== undefined && { lastActivity: last }),
    ...(keepUntil && { keepUntil }),
  };
  const { verdict, reason } = decide(facts, policy);
  const status: EnvironmentStatus = {
    name: reading.name,
    state,
    ...(last !== undefined && {
      lastActivity: new Date(last).toISOString(),
      idleHours: idleHours(facts, policy.now),
    }),
    ...(keepUntil && { keepUntil }),
    ...(reading.createdAt && { createdAt: new Date(reading.createdAt).toISOString() }),
    verdict,
    reason,
  };
  if (!reading.exists) return { status };
  try {
    const protectedStack = policy.protectedNames.includes(reading.name);
    const cost = estimate(
      {
        name: reading.name,
        region,
        services: servicesFromEcs(reading.services, reading.taskDefinitions),
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        tasksHavePublicIp: reading.services.some(
          (s) => s.networkConfiguration?.awsvpcConfiguration?.assignPublicIp === 'ENABLED',
        ),
        // A protected environment runs on its own stack (terraform/examples/prod), previews share one.
        shared: protectedStack ? prod(region).shared : adHocShared(Math.max(1, sharedBy)),
      },
      prices,
    );
    status.dailyCost = round2(cost.total.daily);
    status.monthlyCost = round2(cost.total.monthly);
    if (reading.createdAt)
      status.costSoFar = round2((cost.total.daily * (policy.now - reading.createdAt)) / DAY);
    return { status, estimate: cost };
  } catch (error) {
    status.costError = (error as Error).message;
    return { status };
  }
}

/** One line for a PR comment or Slack. */
export function costLine(e: Estimate, sharedBy: number): string {
  const c = e.currency;
  const m = (x: number) => `${x.toFixed(2)} ${c}`;
  return (
    `Estimated ${m(e.total.daily)}/day (${m(e.total.monthly)}/month): ${m(e.environmentTotal.daily)}/day for what ` +
    `${e.environment} runs + ${m(e.sharedTotal.daily)}/day, its 1/${Math.max(1, sharedBy)} share of the shared stack; ` +
    `S3 and logs by usage; list prices of ${e.pricesDate}.`
  );
}
