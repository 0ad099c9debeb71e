import type { Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import type { Rollout } from './decide.ts';

/**
 * How often the watch loop reads, and which services it describes: the cost of watching.
 * Many rollouts in one account share ECS's rate limits (a token bucket per action group,
 * 20 reads a second sustained), so a round reads only what can change a decision:
 *
 * - A round a second while anything moves; after QUIET_ROUNDS rounds without a change, slower,
 *   up to SLOW_MS: a crash or a steady state is still seen within SLOW_MS.
 * - With service deployments (v2), DescribeServiceDeployments is the verdict and runs every
 *   round; DescribeServices only for a rollout whose service deployment changed, that is rolling
 *   back, that has no service deployment (v1), or that was not described for SERVICE_EVERY_MS
 *   (its events) or is due its safety look for stopped tasks (SAFETY_MS).
 * - When ECS throttles a round's calls (other rollouts share the account's buckets), the wait
 *   grows 1.5×, up to BUSY_MAX_MS, and comes back a quarter second a clean round: many watchers
 *   settle at the rate the account sustains instead of retrying into it. Waits are jittered
 *   ±10 % so watchers started together do not read together.
 *
 * Pure: the loop tells it what it read and when; it answers with a delay and a list.
 */

export const FAST_MS = 1000;
export const SLOW_MS = 2000;
/** The longest wait while ECS throttles. */
export const BUSY_MAX_MS = 3000;
const BUSY_EASE_MS = 250;
const BUSY_GROWTH = 1.5;
/** Rounds without a change before the loop slows down. */
export const QUIET_ROUNDS = 3;
/** A v2 rollout's service is described at least this often: its events reach the log. */
export const SERVICE_EVERY_MS = 30_000;
/**
 * Look for stopped tasks of a service at least this often even without a sign of one (ECS stops
 * counting failedTasks once a task of the deployment ran); rollouts take turns a second apart.
 */
export const SAFETY_MS = 60_000;

/** What of a service deployment can change a decision; a new mark asks for DescribeServices. */
export function deploymentMark(d: ServiceDeployment | undefined): string {
  if (!d) return 'none';
  const revision = (r: {
    runningTaskCount?: number;
    pendingTaskCount?: number;
    requestedTaskCount?: number;
  }) => [r.runningTaskCount, r.pendingTaskCount, r.requestedTaskCount];
  return JSON.stringify([
    d.status,
    d.lifecycleStage,
    d.targetServiceRevision && revision(d.targetServiceRevision),
    (d.sourceServiceRevisions ?? []).map(revision),
    d.deploymentCircuitBreaker?.status,
    d.deploymentCircuitBreaker?.failureCount,
    d.alarms?.status,
    (d.lifecycleHookDetails ?? []).map((h) => h.status),
  ]);
}

/** What of a service can change a decision (v1 reads only this). */
export function serviceMark(s: Service | undefined): string {
  if (!s) return 'none';
  return JSON.stringify([
    s.status,
    s.events?.[0]?.id,
    (s.deployments ?? []).map((d) => [
      d.id,
      d.status,
      d.rolloutState,
      d.runningCount,
      d.pendingCount,
      d.failedTasks,
    ]),
  ]);
}

interface Pace {
  deployment?: string;
  service?: string;
  describedAt?: number;
  safetyAt: number;
}

export class Cadence {
  private readonly paces = new Map<string, Pace>();
  private quietRounds = 0;
  /** The wait throttling has imposed (0: none). */
  private busyMs = 0;
  private readonly random: () => number;

  /** `startedAt`: when the watch began; each rollout's first safety look comes a second before the last's. */
  constructor(rollouts: Rollout[], startedAt: number, random: () => number = Math.random) {
    this.random = random;
    rollouts.forEach((r, i) => this.paces.set(r.name, { safetyAt: startedAt - i * 1000 }));
  }

  /** Whether this round describes the service of `rollout`, given the service deployment just read. */
  describesService(rollout: Rollout, deployment: ServiceDeployment | undefined, now: number): boolean {
    const pace = this.pace(rollout);
    return (
      !rollout.serviceDeploymentArn ||
      // Not found (yet): the service says what ECS does.
      !deployment ||
      rollout.phase === 'rolling-back' ||
      rollout.recheck === true ||
      pace.describedAt === undefined ||
      now - pace.describedAt >= SERVICE_EVERY_MS ||
      this.safetyDue(rollout, now) ||
      deploymentMark(deployment) !== pace.deployment
    );
  }

  /** Whether the rollout is due its look for stopped tasks without a sign of one. */
  safetyDue(rollout: Rollout, now: number): boolean {
    return now - this.pace(rollout).safetyAt >= SAFETY_MS;
  }

  lookedForStops(rollout: Rollout, now: number): void {
    this.pace(rollout).safetyAt = now;
  }

  /** Records a round's reads of `rollout` (service undefined: not described this round); true when something changed. */
  read(
    rollout: Rollout,
    reads: { service?: Service; serviceRead: boolean; deployment?: ServiceDeployment },
    now: number,
  ): boolean {
    const pace = this.pace(rollout);
    let changed = false;
    if (rollout.serviceDeploymentArn) {
      const mark = deploymentMark(reads.deployment);
      changed ||= mark !== pace.deployment;
      pace.deployment = mark;
    }
    if (reads.serviceRead) {
      const mark = serviceMark(reads.service);
      changed ||= mark !== pace.service;
      pace.service = mark;
      pace.describedAt = now;
    }
    return changed;
  }

  /**
   * Ends a round: `moved` when any rollout changed or ended, `throttled` when ECS throttled any
   * of its calls. Answers the wait before the next round.
   */
  endRound(moved: boolean, throttled = false): number {
    this.quietRounds = moved ? 0 : this.quietRounds + 1;
    const wanted = roundDelay(this.quietRounds);
    this.busyMs = throttled
      ? Math.min(BUSY_MAX_MS, BUSY_GROWTH * Math.max(wanted, this.busyMs))
      : Math.max(0, this.busyMs - BUSY_EASE_MS);
    return Math.round(Math.max(wanted, this.busyMs) * (0.9 + 0.2 * this.random()));
  }

  private pace(rollout: Rollout): Pace {
    let pace = this.paces.get(rollout.name);
    if (!pace) {
      pace = { safetyAt: Number.NEGATIVE_INFINITY };
      this.paces.set(rollout.name, pace);
    }
    return pace;
  }
}

/** A second between rounds, then 1.5× longer each quiet round, never more than SLOW_MS. */
export function roundDelay(quietRounds: number): number {
  if (quietRounds < QUIET_ROUNDS) return FAST_MS;
  return Math.min(SLOW_MS, Math.round(FAST_MS * 1.5 ** (quietRounds - QUIET_ROUNDS + 1)));
}
