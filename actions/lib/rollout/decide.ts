import type { Deployment, Service, ServiceDeployment, Task } from '@aws-sdk/client-ecs';
import { breakerCount } from './policy.ts';
import {
  hasTrafficStages,
  describeStage,
  judge,
  withoutDot,
  type PausedHook,
} from '../service-deployments.ts';
import {
  assess,
  describeStop,
  ecsRollsBack,
  latestFailedStop,
  shortName,
  type Assessment,
  type Expectation,
} from './assess.ts';

/**
 * Where every rollout is decided: rolling-update's watch of each service and
 * continue-deployment's follow of each service deployment. `decide` is pure: the loop
 * (loop.ts) feeds it what it read and carries out the calls it returns. Every ending a rollout
 * can have is reached here, and only here:
 *
 *   steady · paused · rolled-back (by us or by ECS) · failed (refused at the start, no rollback,
 *   no previous revision, replaced by another deploy, the rollback failed) · timed-out ·
 *   cancelled · unwatched
 */

/** A rollout's status: an ending, or (not watched: `wait: false`) updated or left unchanged. */
export type Status = Ending | 'updated' | 'unchanged';

export type Ending = 'steady' | 'paused' | 'rolled-back' | 'failed' | 'timed-out' | 'cancelled' | 'unwatched';

export interface Rollout {
  name: string;
  /** The revision being rolled out, and the one the service ran before. */
  target: string;
  previous: string;
  /** The deployment being watched: ours, then the rollback's. */
  expected: Expectation;
  phase: 'rolling' | 'rolling-back' | 'done';
  status?: Status;
  detail?: string;
  /** The last "waiting on" text, printed when it changes and named on timeout or cancel. */
  waiting?: string;
  startedAt: number;
  seconds?: number;
  /** Service events already printed. */
  seenEvents: ReadonlySet<string>;
  lastFailedTasks: number;
  lastRunning: number;
  /** The ECS service deployment of the rollout: when known, its status is the verdict (v2). */
  serviceDeploymentArn?: string;
  /** When the service deployment started (ms): the failure report's events count from then. */
  deploymentStartedAt?: number;
  /** Its last lifecycle stage seen, and each stage change with the time, for the summary. */
  stage?: string;
  stages?: string[];
  /** Where it waits for a ContinueServiceDeployment (`wait-until: paused`). */
  paused?: PausedHook;
  /** The hook a ContinueServiceDeployment already answered: pausing there again is ECS catching up. */
  answeredHook?: string;
  /** Looking for stopped tasks failed transiently: look again on the next poll. */
  recheck?: boolean;
  /** The PRIMARY deployment when last described: what ECS carries on with if the step gives up. */
  seen?: { running: number; desired: number; taskDefinition: string };
}

export interface DecideSettings {
  /** Roll back a failed rollout that ECS does not roll back itself. */
  rollback: boolean;
  /** Roll back at the first stopped task even when ECS's breaker or alarms would decide. */
  failFast: boolean;
  /** `paused`: a rollout paused at a PAUSE hook awaiting action has ended (for now). */
  waitUntil: 'steady' | 'paused';
  /**
   * continue-deployment: the step only follows what it asked ECS (CONTINUE or ROLLBACK), so a
   * rollback ECS did not make ends where the deployment did (SUCCESSFUL is steady) and a new
   * pause ends it even while rolling back.
   */
  follower?: boolean;
}

/** What the loop saw or did; `decide` turns each into the rollout's next state. */
export type Observation =
  | {
      kind: 'described';
      /** Whether DescribeServices was read this round (continue-deployment reads only deployments). */
      serviceRead: boolean;
      service?: Service;
      deployment?: ServiceDeployment;
      /** Not looked (undefined), the latest failed stop of ours (or none), or the look failed transiently. */
      stops?: { stopped?: Task } | 'unavailable';
    }
  /** The call that starts the rollout (UpdateService, ContinueServiceDeployment) was refused: `detail` says so. */
  | { kind: 'start-refused'; detail: string }
  /** Our rollback started, by the call that was made: UpdateService to the previous revision or StopServiceDeployment. */
  | { kind: 'rollback-started'; via: RollbackCall; deploymentId?: string }
  | { kind: 'rollback-refused'; via: RollbackCall; error: string; message: string }
  | { kind: 'cancelled' }
  | { kind: 'timed-out' }
  | { kind: 'unreadable'; error: string };

export type RollbackCall = 'update-service' | 'stop-service-deployment';

/** What the loop carries out, in order. */
export type Call =
  /** A line for the log; `logsOf` appends the last log lines of that task's culprit container. */
  | { call: 'say'; level: 'info' | 'warning' | 'error'; text: string; logsOf?: Task }
  /** Service events: names and reasons others chose, printed with workflow commands stopped. */
  | { call: 'print-untrusted'; lines: string[] }
  /** UpdateService back to `taskDefinition`; answers with rollback-started or rollback-refused. */
  | { call: 'update-service'; taskDefinition: string }
  /** StopServiceDeployment ROLLBACK; answers the same way. */
  | { call: 'stop-service-deployment'; serviceDeploymentArn: string };

export interface Decision<R extends Rollout> {
  state: R;
  calls: Call[];
}

export function decide<R extends Rollout>(
  rollout: R,
  observation: Observation,
  settings: DecideSettings,
  now: number,
): Decision<R> {
  const d = new Decider(rollout, settings, now);
  if (rollout.phase !== 'done') d.apply(observation);
  return { state: d.state, calls: d.calls };
}

/**
 * Whether the loop should look for a stopped task of ours before deciding this round:
 * something suggests one (failed tasks up, fewer running), a transient error left a look
 * pending, the cadence asks (`lookDue`: its safety turn, or a task the service deployment lost,
 * cadence.ts), or the verdict is a failure that
 * the stopped task explains. ListTasks stays out of the rounds that need none.
 */
export function needsStops(
  rollout: Rollout,
  service: Service | undefined,
  deployment: ServiceDeployment | undefined,
  lookDue: boolean,
): boolean {
  if (rollout.phase !== 'rolling' || !service || service.status !== 'ACTIVE') return false;
  if (deployment) {
    const verdict = judge(deployment).state;
    if (verdict === 'failed' || verdict === 'rolling-back' || verdict === 'rolled-back') return true;
    return verdict === 'waiting' && stopsLikely(rollout, watched(service, rollout.expected), lookDue);
  }
  const assessment = assess(service, rollout.expected);
  if (assessment.state === 'steady') return false;
  return assessment.state === 'failed' || stopsLikely(rollout, assessment.deployment, lookDue);
}

/** The latest failed stop among freshly described stopped tasks that belongs to this rollout. */
export function failedStopOf(rollout: Rollout, tasks: Task[], now: number): Task | undefined {
  // Without a deployment of ours (nothing updated), only stops since the watch began count.
  const since = rollout.expected.deploymentId ? 0 : rollout.startedAt;
  return latestFailedStop(
    tasks.filter(
      (t) =>
        t.taskDefinitionArn === rollout.expected.taskDefinition && (t.stoppingAt?.getTime() ?? now) >= since,
    ),
    rollout.expected.deploymentId,
  );
}

/** What ECS was last seen doing with a service the step stops watching: it carries on without us. */
export function stillDeploying(rollout: Rollout): string {
  const { name, seen, stage } = rollout;
  if (seen)
    return `ECS is still deploying ${name} (${seen.running}/${seen.desired} on ${shortName(seen.taskDefinition)})`;
  if (stage) return `ECS is still deploying ${name} (at ${stage})`;
  return `ECS is still deploying ${name} (not described since the update)`;
}

/** The one line that closes a watch given up on: cancelled, timed out, or unreadable. */
export function closingLine(
  observation: Extract<Observation, { kind: 'cancelled' | 'timed-out' | 'unreadable' }>,
  ended: Rollout[],
  context: { timeoutMs: number; outage?: string },
): string {
  switch (observation.kind) {
    case 'cancelled':
      return `Cancelled; ECS carries on with the deployments of ${ended.map((r) => `${r.name} (${r.detail})`).join('; ')}.`;
    case 'timed-out': {
      const outage = context.outage ? ` (${context.outage})` : '';
      return `Timed out after ${context.timeoutMs / 60_000} minutes${outage}: ${ended.map((r) => `${r.name} ${r.detail}`).join('; ')}.`;
    }
    case 'unreadable':
      return `Stopped watching: ${observation.error}. ${ended.map((r) => stillDeploying(r)).join('; ')}.`;
  }
}

function stopsLikely(rollout: Rollout, deployment: Deployment | undefined, lookDue: boolean): boolean {
  return (
    rollout.recheck === true ||
    (deployment?.failedTasks ?? 0) > rollout.lastFailedTasks ||
    (deployment?.runningCount ?? 0) < rollout.lastRunning ||
    lookDue
  );
}

/** The deployment a v2 rollout's counters come from: ours by id, else the PRIMARY. */
function watched(service: Service, expected: Expectation): Deployment | undefined {
  return (
    service.deployments?.find((d) => d.id === expected.deploymentId) ??
    service.deployments?.find((d) => d.status === 'PRIMARY')
  );
}

/** ` to web:2`; nothing when the revision before is unknown (continue-deployment). */
const backTo = (previous: string) => (previous ? ` to ${shortName(previous)}` : '');

/** One decision: a copy of the rollout changed step by step, and the calls it asks for. */
class Decider<R extends Rollout> {
  state: R;
  readonly calls: Call[] = [];
  private readonly settings: DecideSettings;
  private readonly now: number;

  constructor(rollout: R, settings: DecideSettings, now: number) {
    this.settings = settings;
    this.now = now;
    this.state = { ...rollout, ...(rollout.stages && { stages: [...rollout.stages] }) };
  }

  apply(observation: Observation): void {
    switch (observation.kind) {
      case 'described':
        return this.described(observation);
      case 'start-refused':
        this.finish('failed', observation.detail);
        // Nothing ran: no time to count.
        this.state.seconds = 0;
        this.say('error', `${this.state.name}: ${this.state.detail}.`);
        return;
      case 'rollback-started':
        return this.rollbackStarted(observation.via, observation.deploymentId);
      case 'rollback-refused':
        return this.rollbackRefused(observation.via, observation.error, observation.message);
      case 'cancelled':
        return this.finish(
          'cancelled',
          `cancelled while it waited on ${this.state.waiting ?? 'its deployment'}; ${stillDeploying(this.state)}`,
        );
      case 'timed-out': {
        const waiting = `waits on ${this.state.waiting ?? 'its deployment'}`;
        const detail =
          this.state.phase === 'rolling-back' ? `${this.state.detail}; the rollback ${waiting}` : waiting;
        return this.finish('timed-out', `${detail}; ${stillDeploying(this.state)}`);
      }
      case 'unreadable':
        return this.finish(
          'unwatched',
          `could not watch it (${observation.error}); ${stillDeploying(this.state)}`,
        );
    }
  }

  private say(level: 'info' | 'warning' | 'error', text: string, logsOf?: Task): void {
    this.calls.push({ call: 'say', level, text, ...(logsOf && { logsOf }) });
  }

  private finish(status: Ending, detail?: string): void {
    this.state.phase = 'done';
    this.state.status = status;
    if (detail !== undefined) this.state.detail = detail;
    this.state.seconds = Math.round((this.now - this.state.startedAt) / 100) / 10;
  }

  private wait(on: string, text = `${this.state.name}: ${on}`): void {
    if (on === this.state.waiting) return;
    this.state.waiting = on;
    this.say('info', text);
  }

  private described(o: Extract<Observation, { kind: 'described' }>): void {
    const { name } = this.state;
    if (o.serviceRead && (!o.service || o.service.status !== 'ACTIVE')) {
      const what = `the service is ${o.service?.status ?? 'gone'}`;
      this.finish('failed', what);
      this.say('error', `${name}: ${what}.`);
      return;
    }
    if (o.stops === 'unavailable') this.state.recheck = true;
    else if (o.stops) this.state.recheck = false;
    const stopped = o.stops === 'unavailable' ? undefined : o.stops?.stopped;
    // One reading of the deployments list this round, for the counters, the wait and (v1) the verdict.
    const assessment = o.service && assess(o.service, this.state.expected);
    if (o.service) this.observeService(o.service, o.deployment, assessment!);
    if (o.deployment) return this.followServiceDeployment(o.deployment, o.service, assessment, stopped);
    if (!o.service) {
      // Only service deployments are read (continue-deployment) and ECS no longer knows this one.
      this.finish('failed', 'the service deployment was not found');
      this.say('error', `${name}: the service deployment was not found.`);
      return;
    }
    this.followDeployments(assessment!, o.service, stopped);
  }

  /** What every described service adds: what it runs, its new events, the failure counters. */
  private observeService(
    service: Service,
    deployment: ServiceDeployment | undefined,
    assessment: Assessment,
  ): void {
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
    this.state.seen = {
      running: primary?.runningCount ?? service.runningCount ?? 0,
      desired: primary?.desiredCount ?? service.desiredCount ?? 0,
      taskDefinition: primary?.taskDefinition ?? service.taskDefinition ?? '',
    };
    const fresh = (service.events ?? []).filter((e) => !this.state.seenEvents.has(e.id!)).reverse();
    if (fresh.length > 0) {
      this.state.seenEvents = new Set([...this.state.seenEvents, ...fresh.map((e) => e.id!)]);
      this.calls.push({ call: 'print-untrusted', lines: fresh.map((e) => e.message ?? '') });
    }
    // The counters that say a stopped task is likely (needsStops) move on every round they are read.
    const counted = deployment
      ? watched(service, this.state.expected)
      : this.state.phase === 'rolling'
        ? countedDeployment(assessment)
        : undefined;
    if (deployment || this.state.phase === 'rolling') {
      this.state.lastFailedTasks = counted?.failedTasks ?? 0;
      this.state.lastRunning = counted?.runningCount ?? 0;
    }
  }

  // ── v1: the service's deployments (rolloutState, counts) are the verdict ──────────────

  private followDeployments(assessment: Assessment, service: Service, stopped: Task | undefined): void {
    const { name } = this.state;
    if (assessment.state === 'waiting') this.wait(assessment.waitingOn);
    if (this.state.phase === 'rolling') {
      if (assessment.state === 'failed' || (stopped && !this.ecsDecides(service))) {
        return this.failed(assessment, stopped);
      }
      if (stopped) {
        const ours = assessment.state === 'steady' ? undefined : assessment.deployment;
        this.crashed(stopped, breakerCount(service, undefined, ours?.failedTasks));
      }
    } else if (assessment.state === 'failed') {
      this.finish('failed', `${this.state.detail}; the rollback failed too: ${assessment.reason}`);
      this.say(
        'error',
        `${name}: the rollback to ${shortName(this.state.expected.taskDefinition)} failed: ${assessment.reason}`,
      );
      return;
    }
    if (assessment.state !== 'steady') return;
    if (this.state.phase === 'rolling') {
      this.finish('steady');
      this.say('info', `${name}: steady on ${shortName(this.state.target)} after ${this.state.seconds} s.`);
    } else {
      this.finish('rolled-back');
      this.say(
        'info',
        `${name}: rolled back, steady on ${shortName(this.state.expected.taskDefinition)} after ${this.state.seconds} s.`,
      );
    }
  }

  /** Reports a failed deployment at once, then rolls back, follows ECS's rollback, or ends failed. */
  private failed(assessment: Assessment, stopped: Task | undefined): void {
    const { name, previous, target } = this.state;
    const why = this.report(assessment.state === 'failed' ? assessment.reason : undefined, stopped);
    // ECS rolling back: follow it. A deployment that vanished behind one of the previous
    // definition is the same thing seen late (ECS dropped the failed deployment already).
    const replacedBy = assessment.state === 'failed' ? assessment.replacedBy : undefined;
    const ecsRollback =
      assessment.state === 'failed'
        ? (assessment.rollback ?? (replacedBy?.taskDefinition === previous ? replacedBy : undefined))
        : undefined;
    if (ecsRollback) {
      this.state.phase = 'rolling-back';
      this.state.expected = ecsRollback;
      this.state.detail = `rolled back by the ECS circuit breaker to ${shortName(ecsRollback.taskDefinition)}: ${why}`;
      this.say(
        'info',
        `${name}: the ECS circuit breaker is rolling back to ${shortName(ecsRollback.taskDefinition)}.`,
      );
      return;
    }
    if (replacedBy || !this.settings.rollback || previous === target) {
      // Never roll back over someone else's newer deployment.
      const note =
        this.settings.rollback && !replacedBy ? ' (no previous task definition to roll back to)' : '';
      this.finish('failed', `${why}${note}`);
      return;
    }
    this.say('info', `${name}: rolling back to ${shortName(previous)}.`);
    this.calls.push({ call: 'update-service', taskDefinition: previous });
  }

  // ── v2: the service deployment's status is the verdict ────────────────────────────────

  private followServiceDeployment(
    deployment: ServiceDeployment,
    service: Service | undefined,
    progress: Assessment | undefined,
    stopped: Task | undefined,
  ): void {
    const { name, previous, target } = this.state;
    if (deployment.startedAt) this.state.deploymentStartedAt = new Date(deployment.startedAt).getTime();
    this.stageSeen(deployment);
    const verdict = judge(deployment);
    // Progress in words (and what a timeout or cancel names) still comes from DescribeServices.
    if (progress?.state === 'waiting' && verdict.state !== 'paused') this.wait(progress.waitingOn);

    if (this.state.phase === 'rolling-back') {
      if (verdict.state === 'rolled-back') {
        this.finish('rolled-back');
        this.say('info', `${name}: rolled back${backTo(previous)} after ${this.state.seconds} s.`);
      } else if (this.settings.follower && verdict.state === 'steady') {
        // ECS completed the deployment instead: it runs the target, steady.
        this.finish('steady', `${this.state.detail}; ECS completed the deployment instead`);
        this.say('info', `${name}: steady on ${shortName(target)}: ${this.state.detail}.`);
      } else if (
        this.settings.follower &&
        verdict.state === 'paused' &&
        verdict.hook.hookId !== this.state.answeredHook
      ) {
        this.pausedAt(verdict.hook);
      } else if (verdict.state === 'failed' || verdict.state === 'steady') {
        const why = verdict.state === 'failed' ? verdict.reason : 'the rollback did not happen';
        this.finish('failed', `${this.state.detail}; ${why}`);
        this.say('error', `${name}: ${this.state.detail}`);
      }
      return;
    }

    switch (verdict.state) {
      case 'steady':
        this.finish('steady');
        this.say(
          'info',
          `${name}: steady on ${shortName(target)} after ${this.state.seconds} s (service deployment SUCCESSFUL).`,
        );
        return;
      case 'paused': {
        const { hook } = verdict;
        if (hook.hookId === this.state.answeredHook) return;
        if (this.settings.waitUntil === 'paused') return this.pausedAt(hook);
        const on = waitsOn(hook);
        this.wait(on, `${name}: paused; waits on ${on}.`);
        return;
      }
      case 'waiting':
        // ECS keeps a crashing rolling update IN_PROGRESS: a stopped task of ours is the failure.
        if (stopped && service && this.ecsDecides(service))
          this.crashed(stopped, breakerCount(service, deployment.deploymentCircuitBreaker, undefined));
        else if (stopped) this.failedOurs(stopped);
        return;
      case 'rolling-back':
      case 'rolled-back':
      case 'failed': {
        const why = this.report(`${deployment.status}: ${verdict.reason}`, stopped);
        if (deployment.status?.startsWith('ROLLBACK_')) {
          this.state.phase = 'rolling-back';
          this.state.detail = `rolled back by ECS: ${why}`;
          this.say('info', `${name}: ECS is rolling back${backTo(previous)}; following it.`);
        }
        if (verdict.state === 'rolled-back') {
          this.finish('rolled-back');
          // The same line whether a poll saw ROLLBACK_IN_PROGRESS first or only the end (timing).
          this.say('info', `${name}: rolled back${backTo(previous)} after ${this.state.seconds} s.`);
        } else if (verdict.state === 'failed') this.finish('failed');
      }
    }
  }

  /** Paused at a PAUSE hook awaiting action: the rollout ends here (for now), named. */
  private pausedAt(hook: PausedHook): void {
    this.state.paused = hook;
    // After a ContinueServiceDeployment, a pause at another hook is the next one.
    const again = this.state.answeredHook !== undefined ? ' again' : '';
    this.finish('paused', `paused${again} at ${hook.stage}`);
    this.say(
      'info',
      `${this.state.name}: paused${again} at ${hook.stage} after ${this.state.seconds} s; it waits on ${waitsOn(hook)}.`,
    );
  }

  /** A stopped task failed a rollout ECS does not decide: roll back through ECS when allowed. */
  private failedOurs(stopped: Task): void {
    const why = this.report(undefined, stopped);
    if (!this.settings.rollback) return this.finish('failed', why);
    this.calls.push({
      call: 'stop-service-deployment',
      serviceDeploymentArn: this.state.serviceDeploymentArn!,
    });
  }

  private stageSeen(deployment: ServiceDeployment): void {
    const stage = deployment.lifecycleStage;
    if (!stage || stage === this.state.stage) return;
    this.state.stage = stage;
    if (!hasTrafficStages(deployment)) return;
    const at = new Date(this.now).toISOString().slice(11, 19);
    this.state.stages = [...(this.state.stages ?? []), `${at} ${stage}`];
    this.say('info', `${this.state.name}: ${at} UTC ${describeStage(deployment)}`);
  }

  // ── both ──────────────────────────────────────────────────────────────────────────────

  /** ECS decides this rollout (its breaker or alarms roll back), unless fail-fast preempts it. */
  private ecsDecides(service: Service): boolean {
    return !this.settings.failFast && ecsRollsBack(service);
  }

  /** The failure line, at once: why, and the last log lines of the task that stopped. */
  private report(reason: string | undefined, stopped: Task | undefined): string {
    const why = [reason, stopped && describeStop(stopped)]
      .filter((r): r is string => Boolean(r))
      .map(withoutDot)
      .join('; ');
    this.say(
      'error',
      `${this.state.name}: the deployment of ${shortName(this.state.target)} failed: ${why}`,
      stopped,
    );
    this.state.detail = why;
    return why;
  }

  /**
   * A task of the rollout stopped while ECS's own policy decides: shown at once, with its reason
   * and last log lines, as a warning; ECS retries or rolls back at the thresholds the user set.
   */
  private crashed(stopped: Task, counted: string): void {
    const count = counted ? ` (${counted})` : '';
    this.say(
      'warning',
      `${this.state.name}: a task of ${shortName(this.state.target)} stopped: ${withoutDot(describeStop(stopped))}. ECS's circuit breaker (or alarms) decides whether the rollout fails and rolls it back${count}; fail-fast: true rolls back at the first stop instead.`,
      stopped,
    );
  }

  private rollbackStarted(via: RollbackCall, deploymentId: string | undefined): void {
    const { name, previous } = this.state;
    const why = this.state.detail ?? '';
    this.state.phase = 'rolling-back';
    this.state.waiting = undefined;
    if (via === 'stop-service-deployment') {
      this.state.detail = `rolled back to ${shortName(previous)} (StopServiceDeployment ROLLBACK): ${why}`;
      this.say(
        'info',
        `${name}: rolling back to ${shortName(previous)} through ECS (StopServiceDeployment ROLLBACK).`,
      );
    } else {
      this.state.detail = `rolled back to ${shortName(previous)}: ${why}`;
      this.state.expected = { taskDefinition: previous, ...(deploymentId && { deploymentId }) };
    }
  }

  private rollbackRefused(via: RollbackCall, error: string, message: string): void {
    const { name, previous } = this.state;
    const why = this.state.detail ?? '';
    if (via === 'stop-service-deployment') {
      // ECS started its own rollback first (circuit breaker, alarms): follow it, never double it.
      if (/ROLLBACK_(REQUESTED|IN_PROGRESS)/.test(message)) {
        this.state.phase = 'rolling-back';
        this.state.detail = `rolled back by ECS: ${why}`;
        this.state.waiting = undefined;
        this.say('info', `${name}: ECS is already rolling back${backTo(previous)}; following it.`);
        return;
      }
      this.finish('failed', `${why}; the rollback could not start (${error})`);
      this.say('error', `${name}: ${this.state.detail}.`);
      return;
    }
    this.finish('failed', `${why}; the rollback to ${shortName(previous)} could not start (${error})`);
    this.say('error', `${name}: ${this.state.detail}; ${stillDeploying(this.state)}.`);
  }
}

const waitsOn = (hook: PausedHook) =>
  `a ContinueServiceDeployment at ${hook.stage} (hook ${hook.hookId}, ${hook.timeoutAction ?? 'ROLLBACK'} at ${hook.expiresAt ?? 'its timeout'})`;

/** The deployment whose counters a v1 watch follows: ours unless steady. */
function countedDeployment(assessment: Assessment): Deployment | undefined {
  return assessment.state === 'steady' ? undefined : assessment.deployment;
}
