import type { Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import { ecsRollsBack } from './assess.ts';
import type { Rollout } from './decide.ts';

/**
 * How often the watch loop reads, and which services it describes: the cost of watching.
 * Many rollouts in one account share ECS's rate limits (a token bucket per action group,
 * 20 reads a second sustained), so a round reads only what can change a decision:
 *
 * - A round a second while anything moves; after QUIET_ROUNDS rounds without a change, slower,
 *   up to SLOW_MS: a crash or a steady state is still seen within SLOW_MS.
 * - With service deployments (v2), DescribeServiceDeployments is the verdict and runs every
 *   round; DescribeServices only where ECS decides the ending (a circuit breaker or alarms that
 *   roll back, and no `fail-fast`) and nothing asks for it: the service deployment changed (and,
 *   when a task of the new revision went away, FOLLOW_UPS rounds after: the two APIs may lag each
 *   other, and a replacement could hide the stop by the next read), rolling back, no service
 *   deployment (v1), not described for SERVICE_EVERY_MS (its events), or its safety look for
 *   stopped tasks is due (SAFETY_MS). Where the step itself must catch the first failed task,
 *   the service's failedTasks counter is read every round, as before.
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
/** Rounds a service is still described after a task of the new revision went away. */
export const FOLLOW_UPS = 1;
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
  /** Described rounds still owed after a task of the new revision went away. */
  followUps: number;
  /** The new revision's running and pending tasks when last read. */
  target?: { running: number; pending: number };
  /** Looks for stopped tasks still owed after a task of the new revision went away. */
  lostLooks: number;
  /** From the last DescribeServices: ECS rolls a failure back itself (breaker or alarms). */
  ecsDecides: boolean;
}

export class Cadence {
  private readonly paces = new Map<string, Pace>();
  private quietRounds = 0;
  /** The wait throttling has imposed (0: none). */
  private busyMs = 0;
  private readonly random: () => number;

  private readonly failFast: boolean;

  /**
   * `startedAt`: when the watch began; each rollout's first safety look comes a second before
   * the last's (60 apart at most: they keep taking turns). `failFast`: the step, not ECS, ends
   * a failing rollout at its first stopped task.
   */
  constructor(
    rollouts: Rollout[],
    startedAt: number,
    { failFast = false, random = Math.random }: { failFast?: boolean; random?: () => number } = {},
  ) {
    this.random = random;
    this.failFast = failFast;
    rollouts.forEach((r, i) => this.paces.set(r.name, fresh(startedAt - (i % 60) * 1000)));
  }

  /** Whether this round describes the service of `rollout`, given the service deployment just read. */
  describesService(rollout: Rollout, deployment: ServiceDeployment | undefined, now: number): boolean {
    const pace = this.pace(rollout);
    return (
      !rollout.serviceDeploymentArn ||
      !pace.ecsDecides ||
      pace.followUps > 0 ||
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

  /** Whether a task of the new revision went away and was not looked for yet (a sign needsStops cannot see). */
  taskLost(rollout: Rollout): boolean {
    return this.pace(rollout).lostLooks > 0;
  }

  lookedForStops(rollout: Rollout, now: number): void {
    const pace = this.pace(rollout);
    pace.safetyAt = now;
    pace.lostLooks = Math.max(0, pace.lostLooks - 1);
  }

  /** Records a round's reads of `rollout` (service undefined: not described this round); true when something changed. */
  read(
    rollout: Rollout,
    reads: { service?: Service; serviceRead: boolean; deployment?: ServiceDeployment },
    now: number,
  ): boolean {
    const pace = this.pace(rollout);
    let changed = false;
    if (reads.serviceRead) {
      const mark = serviceMark(reads.service);
      changed ||= mark !== pace.service;
      pace.service = mark;
      pace.describedAt = now;
      pace.followUps = Math.max(0, pace.followUps - 1);
      pace.ecsDecides = !this.failFast && reads.service !== undefined && ecsRollsBack(reads.service);
    }
    if (rollout.serviceDeploymentArn) {
      const mark = deploymentMark(reads.deployment);
      changed ||= mark !== pace.deployment;
      pace.deployment = mark;
      const revision = reads.deployment?.targetServiceRevision;
      const target = { running: revision?.runningTaskCount ?? 0, pending: revision?.pendingTaskCount ?? 0 };
      // Fewer running, or fewer started at all (pending → running keeps the sum): a task went away.
      const lost =
        pace.target !== undefined &&
        (target.running < pace.target.running ||
          target.running + target.pending < pace.target.running + pace.target.pending);
      // This round's describe already counts as one: FOLLOW_UPS more after it.
      if (lost) {
        pace.followUps = FOLLOW_UPS;
        // ECS may list the stopped task a little after the counts drop: look each described round.
        pace.lostLooks = FOLLOW_UPS + 1;
      }
      pace.target = target;
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
      pace = fresh(Number.NEGATIVE_INFINITY);
      this.paces.set(rollout.name, pace);
    }
    return pace;
  }
}

const fresh = (safetyAt: number): Pace => ({ safetyAt, followUps: 0, lostLooks: 0, ecsDecides: false });

/** A second between rounds, then 1.5× longer each quiet round, never more than SLOW_MS. */
export function roundDelay(quietRounds: number): number {
  if (quietRounds < QUIET_ROUNDS) return FAST_MS;
  return Math.min(SLOW_MS, Math.round(FAST_MS * 1.5 ** (quietRounds - QUIET_ROUNDS + 1)));
}
