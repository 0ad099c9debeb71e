import * as core from '@actions/core';
import {
  DescribeTasksCommand,
  ListTasksCommand,
  type Deployment,
  type Service,
  type ServiceDeployment,
  type Task,
} from '@aws-sdk/client-ecs';
import { lastLogLines, logDestination } from '../lib/awslogs.ts';
import { describeServices } from '../lib/ecs-lookups.ts';
import { printUntrusted } from '../lib/output.ts';
import {
  CALL_TIMEOUT_MS,
  errorName,
  isTransient,
  sleep,
  TransientReads,
  withCallTimeout,
} from '../lib/poll.ts';
import { describeServiceDeployments, judge } from '../lib/service-deployments.ts';
import {
  assess,
  culprit,
  describeStop,
  ecsRollsBack,
  latestFailedStop,
  shortName,
  type Assessment,
} from './assess.ts';
import { taskDefinition, updateService, type Context, type Status, type Watch } from './context.ts';
import { followServiceDeployment } from './follow.ts';

/**
 * The watch loop: every service is updated at once, then one DescribeServices round a poll
 * moves each watch through rolling → (rolling-back) → done, printing events and progress,
 * reporting a failure as soon as ECS shows it.
 */

/**
 * One DescribeServices round (10 services a call, calls in parallel) a second: a steady state
 * or a failure is seen within about a second, at 2 calls a second for 12 services.
 */
const POLL_MS = 1000;
/**
 * Every this many polls, look for stopped tasks of a service even without a sign of one (ECS
 * stops counting failedTasks once a task of the deployment ran); services take turns.
 */
const SAFETY_POLLS = 60;
const LOG_LINES = 10;

export async function startUpdate(context: Context, w: Watch): Promise<void> {
  w.startedAt = Date.now();
  if (!w.updated) return;
  const started = await updateService(context, w.name, w.target, context.settings.forceNewDeployment);
  w.expected = {
    taskDefinition: w.target,
    ...(started.deploymentId && { deploymentId: started.deploymentId }),
  };
  if (started.serviceDeploymentArn) w.serviceDeploymentArn = started.serviceDeploymentArn;
}

/**
 * Watches every service to its end. DescribeServices errors that pass (throttling, 5xx, dropped
 * connections) are waited out with backoff until the timeout; on giving up, each service not
 * done is named with what ECS is still doing. Never throws: `results` are always written.
 */
export async function watchAll(context: Context, watches: Watch[]): Promise<void> {
  const deadline = Date.now() + context.settings.timeoutMs;
  const reads = new TransientReads('DescribeServices', {
    ...context.retry,
    warn: core.warning,
    info: core.info,
  });
  // Calls in flight end at the deadline or on cancel, so the loop never answers late.
  const signal = AbortSignal.any([
    ...(context.signal ? [context.signal] : []),
    AbortSignal.timeout(Math.max(1, context.settings.timeoutMs)),
  ]);
  try {
    for (let poll = 0; ; poll++) {
      const began = Date.now();
      const active = watches.filter((w) => w.phase !== 'done');
      if (active.length === 0) return;
      if (context.signal?.aborted) {
        cancelled(watches);
        return;
      }
      const described = await reads.read(
        () =>
          withCallTimeout(CALL_TIMEOUT_MS, signal, async (abortSignal) => {
            // v2: the service deployments our updates started, 20 a call, read beside DescribeServices.
            const arns = active.flatMap((w) => (w.serviceDeploymentArn ? [w.serviceDeploymentArn] : []));
            const [services, deployments] = await Promise.all([
              describeServices(
                context.ecs,
                context.settings.cluster,
                active.map((w) => w.name),
                abortSignal,
              ),
              arns.length > 0
                ? describeServiceDeployments(context.ecs, arns, abortSignal)
                : new Map<string, ServiceDeployment>(),
            ]);
            return { services, deployments };
          }),
        () => signal.aborted,
      );
      if (described) {
        const { services, deployments } = described.value;
        await Promise.all(
          active.map((w) =>
            step(
              context,
              w,
              services.get(w.name),
              poll + watches.indexOf(w),
              w.serviceDeploymentArn ? deployments.get(w.serviceDeploymentArn) : undefined,
            ),
          ),
        );
      }
      if (Date.now() >= deadline) {
        timeOut(watches, context.settings.timeoutMs, reads);
        return;
      }
      if (watches.some((w) => w.phase !== 'done')) {
        const wait = Math.max(POLL_MS - (Date.now() - began), reads.waitMs());
        await sleep(Math.max(0, Math.min(wait, deadline - Date.now())), context.signal);
      }
    }
  } catch (error) {
    abandoned(watches, error);
  }
}

/** `turn` counts polls, offset per service so their safety checks do not all fall on one poll. */
async function step(
  context: Context,
  w: Watch,
  service: Service | undefined,
  turn: number,
  serviceDeployment?: ServiceDeployment,
): Promise<void> {
  if (!service || service.status !== 'ACTIVE') {
    finish(w, 'failed', `the service is ${service?.status ?? 'gone'}`);
    core.error(`${w.name}: the service is ${service?.status ?? 'gone'}.`);
    return;
  }
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  w.seen = {
    running: primary?.runningCount ?? service.runningCount ?? 0,
    desired: primary?.desiredCount ?? service.desiredCount ?? 0,
    taskDefinition: primary?.taskDefinition ?? service.taskDefinition ?? '',
  };
  if (serviceDeployment) {
    // Progress in words (and what a timeout or cancel names) still comes from DescribeServices.
    const progress = assess(service, w.expected);
    const paused = judge(serviceDeployment).state === 'paused';
    if (progress.state === 'waiting' && progress.waitingOn !== w.waiting && !paused) {
      w.waiting = progress.waitingOn;
      core.info(`${w.name}: ${w.waiting}`);
    }
    const ours =
      service.deployments?.find((d) => d.id === w.expected.deploymentId) ??
      service.deployments?.find((d) => d.status === 'PRIMARY');
    await followServiceDeployment(context, w, service, serviceDeployment, stopsLikely(w, ours, turn));
    return;
  }
  printEvents(w, service);
  const assessment = assess(service, w.expected);
  if (assessment.state === 'waiting' && assessment.waitingOn !== w.waiting) {
    w.waiting = assessment.waitingOn;
    core.info(`${w.name}: ${w.waiting}`);
  }
  if (w.phase === 'rolling') {
    const deployment = assessment.state === 'steady' ? undefined : assessment.deployment;
    const suspicious = stopsLikely(w, deployment, turn);
    let stopped: Task | undefined;
    if (assessment.state !== 'steady' && (suspicious || assessment.state === 'failed')) {
      try {
        stopped = await failedStop(context, w);
        w.recheck = false;
      } catch (error) {
        // ListTasks/DescribeTasks failing for a while: look again on the next poll.
        if (!isTransient(error)) throw error;
        w.recheck = true;
      }
    }
    if (assessment.state === 'failed' || (stopped && !ecsDecides(context, service))) {
      await fail(context, w, assessment, stopped);
      return;
    }
    if (stopped) await reportCrash(context, w, stopped);
  } else if (w.phase === 'rolling-back' && assessment.state === 'failed') {
    finish(w, 'failed', `${w.detail}; the rollback failed too: ${assessment.reason}`);
    core.error(
      `${w.name}: the rollback to ${shortName(w.expected.taskDefinition)} failed: ${assessment.reason}`,
    );
    return;
  }
  if (assessment.state === 'steady') {
    if (w.phase === 'rolling') {
      finish(w, 'steady');
      core.info(`${w.name}: steady on ${shortName(w.target)} after ${w.seconds} s.`);
    } else {
      finish(w, 'rolled-back', w.detail);
      core.info(
        `${w.name}: rolled back, steady on ${shortName(w.expected.taskDefinition)} after ${w.seconds} s.`,
      );
    }
  }
}

export function finish(w: Watch, status: Status, detail?: string): void {
  w.phase = 'done';
  w.status = status;
  if (detail !== undefined) w.detail = detail;
  w.seconds = Math.round((Date.now() - w.startedAt) / 100) / 10;
}

/**
 * Service events since the update, oldest first (ECS lists them newest first). Events quote
 * names and reasons that others chose, so they are printed with workflow commands stopped.
 */
export function printEvents(w: Watch, service: Service): void {
  const fresh = (service.events ?? []).filter((e) => !w.seenEvents.has(e.id!)).reverse();
  for (const event of fresh) w.seenEvents.add(event.id!);
  printUntrusted(fresh.map((event) => event.message ?? ''));
}

/** The latest failed stop of the deployment being watched; DescribeTasks only for stopped tasks not seen yet. */
export async function failedStop(context: Context, w: Watch): Promise<Task | undefined> {
  const { ecs, settings } = context;
  const { taskArns = [] } = await ecs.send(
    new ListTasksCommand({ cluster: settings.cluster, serviceName: w.name, desiredStatus: 'STOPPED' }),
  );
  const fresh = taskArns.filter((arn) => !w.checkedTasks.has(arn));
  if (fresh.length === 0) return undefined;
  const { tasks = [] } = await ecs.send(
    new DescribeTasksCommand({ cluster: settings.cluster, tasks: fresh }),
  );
  for (const task of tasks) w.checkedTasks.add(task.taskArn!);
  // Without a deployment of ours (nothing updated), only stops since the watch began count.
  const since = w.expected.deploymentId ? 0 : w.startedAt;
  return latestFailedStop(
    tasks.filter(
      (t) =>
        t.taskDefinitionArn === w.expected.taskDefinition && (t.stoppingAt?.getTime() ?? Date.now()) >= since,
    ),
    w.expected.deploymentId,
  );
}

export async function lastLines(
  context: Context,
  task: Task,
): Promise<{ container: string; lines: string[] }> {
  const container = culprit(task)?.name;
  if (!container || !task.taskDefinitionArn || !task.taskArn) return { container: '', lines: [] };
  try {
    const definition = await taskDefinition(context, task.taskDefinitionArn);
    const destination = definition && logDestination(definition, container, task.taskArn);
    if (!destination) return { container, lines: [] };
    return { container, lines: await lastLogLines(context.logs, destination, LOG_LINES) };
  } catch (error) {
    core.warning(`Could not read the logs of container ${container}: ${(error as Error).message}`);
    return { container, lines: [] };
  }
}

/** Reports a failed deployment at once, then rolls back (or follows ECS's rollback). */
async function fail(
  context: Context,
  w: Watch,
  assessment: Assessment,
  stopped: Task | undefined,
): Promise<void> {
  const reasons: string[] = [];
  if (assessment.state === 'failed') reasons.push(assessment.reason);
  if (stopped) reasons.push(describeStop(stopped));
  const why = reasons.map((r) => r.replace(/\.$/, '')).join('; ');
  await reportFailure(context, w, why, stopped);

  // ECS rolling back: follow it. A deployment that vanished behind one of the previous
  // definition is the same thing seen late (ECS dropped the failed deployment already).
  const replacedBy = assessment.state === 'failed' ? assessment.replacedBy : undefined;
  const ecsRollback =
    assessment.state === 'failed'
      ? (assessment.rollback ?? (replacedBy?.taskDefinition === w.previous ? replacedBy : undefined))
      : undefined;
  if (ecsRollback) {
    w.phase = 'rolling-back';
    w.expected = ecsRollback;
    w.detail = `rolled back by the ECS circuit breaker to ${shortName(ecsRollback.taskDefinition)}: ${why}`;
    core.info(
      `${w.name}: the ECS circuit breaker is rolling back to ${shortName(ecsRollback.taskDefinition)}.`,
    );
    return;
  }
  if (replacedBy || !context.settings.rollback || w.previous === w.target) {
    // Never roll back over someone else's newer deployment.
    const note =
      context.settings.rollback && !replacedBy ? ' (no previous task definition to roll back to)' : '';
    finish(w, 'failed', `${why}${note}`);
    return;
  }
  core.info(`${w.name}: rolling back to ${shortName(w.previous)}.`);
  let deploymentId: string | undefined;
  try {
    deploymentId = (await updateService(context, w.name, w.previous, false)).deploymentId;
  } catch (error) {
    finish(
      w,
      'failed',
      `${why}; the rollback to ${shortName(w.previous)} could not start (${errorName(error)})`,
    );
    core.error(`${w.name}: ${w.detail}; ${stillDeploying(w)}.`);
    return;
  }
  w.phase = 'rolling-back';
  w.detail = `rolled back to ${shortName(w.previous)}: ${why}`;
  w.expected = { taskDefinition: w.previous, ...(deploymentId && { deploymentId }) };
  w.waiting = undefined;
}

/** What ECS was last seen doing with a service the step stops watching: it carries on without us. */
export function stillDeploying(w: Watch): string {
  if (!w.seen) return `ECS is still deploying ${w.name} (not described since the update)`;
  return `ECS is still deploying ${w.name} (${w.seen.running}/${w.seen.desired} on ${shortName(w.seen.taskDefinition)})`;
}

/** A read failed in a way waiting will not fix: say where each service was, and carry on to the report. */
function abandoned(watches: Watch[], error: unknown): void {
  const left = watches.filter((w) => w.phase !== 'done');
  for (const w of left)
    finish(w, 'unwatched', `could not watch it (${errorName(error)}); ${stillDeploying(w)}`);
  core.error(`Stopped watching: ${errorName(error)}. ${left.map((w) => stillDeploying(w)).join('; ')}.`);
}

/** The job was cancelled: ECS carries on with every deployment (and its circuit breaker); say where each was. */
function cancelled(watches: Watch[]): void {
  for (const w of watches) {
    if (w.phase !== 'done')
      finish(
        w,
        'cancelled',
        `cancelled while it waited on ${w.waiting ?? 'its deployment'}; ${stillDeploying(w)}`,
      );
  }
  const left = watches.filter((w) => w.status === 'cancelled');
  core.error(
    `Cancelled; ECS carries on with the deployments of ${left.map((w) => `${w.name} (${w.detail})`).join('; ')}.`,
  );
}

function timeOut(watches: Watch[], timeoutMs: number, reads: TransientReads): void {
  for (const w of watches) {
    if (w.phase === 'done') continue;
    const waiting = `waits on ${w.waiting ?? 'its deployment'}`;
    const detail = w.phase === 'rolling-back' ? `${w.detail}; the rollback ${waiting}` : waiting;
    finish(w, 'timed-out', `${detail}; ${stillDeploying(w)}`);
  }
  const late = watches.filter((w) => w.status === 'timed-out');
  const outage = reads.failures > 0 ? ` (DescribeServices failing: ${errorName(reads.lastError)})` : '';
  core.error(
    `Timed out after ${timeoutMs / 60_000} minutes${outage}: ${late.map((w) => `${w.name} ${w.detail}`).join('; ')}.`,
  );
}

/**
 * Whether a stopped task of the deployment is worth looking for now: something suggests one
 * (failed tasks up, fewer running), a transient error left a look pending, or it is this
 * service's turn for the safety check. The describe call stays the only one otherwise.
 */
export function stopsLikely(w: Watch, deployment: Deployment | undefined, turn: number): boolean {
  const failedTasks = deployment?.failedTasks ?? 0;
  const runningCount = deployment?.runningCount ?? 0;
  const likely =
    w.recheck ||
    failedTasks > w.lastFailedTasks ||
    runningCount < w.lastRunning ||
    turn % SAFETY_POLLS === SAFETY_POLLS - 1;
  w.lastFailedTasks = failedTasks;
  w.lastRunning = runningCount;
  return likely;
}

/** The last log lines of the task's culprit container, as lines to append to a report; '' when none. */
async function logTail(context: Context, stopped: Task): Promise<string> {
  const logs = await lastLines(context, stopped);
  if (logs.lines.length === 0) return '';
  return `\nLast ${logs.lines.length} log lines of ${logs.container}:\n${logs.lines.map((l) => `  ${l}`).join('\n')}`;
}

/** ECS decides this rollout (its breaker or alarms roll back), unless fail-fast preempts it. */
export function ecsDecides(context: Context, service: Service): boolean {
  return !context.settings.failFast && ecsRollsBack(service);
}

/**
 * A task of the rollout stopped while ECS's own policy decides: shown at once, with its reason
 * and last log lines, as a warning; ECS retries or rolls back at the thresholds the user set.
 */
export async function reportCrash(context: Context, w: Watch, stopped: Task): Promise<void> {
  const tail = await logTail(context, stopped);
  core.warning(
    `${w.name}: a task of ${shortName(w.target)} stopped: ${describeStop(stopped).replace(/\.$/, '')}. ECS's circuit breaker (or alarms) decides whether the rollout fails and rolls it back; fail-fast: true rolls back at the first stop instead.${tail}`,
  );
}

/** The failure line, at once: why, and the last log lines of the task that stopped. */
export async function reportFailure(
  context: Context,
  w: Watch,
  why: string,
  stopped: Task | undefined,
): Promise<void> {
  const tail = stopped ? await logTail(context, stopped) : '';
  core.error(`${w.name}: the deployment of ${shortName(w.target)} failed: ${why}${tail}`);
  w.detail = why;
}
