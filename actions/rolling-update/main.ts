import * as core from '@actions/core';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  UpdateServiceCommand,
  type ECSClient,
  type Service,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { nameFromArn } from '../lib/arn.ts';
import { ecsClient, logsClient } from '../lib/aws.ts';
import { lastLogLines, logDestination } from '../lib/awslogs.ts';
import { ConfigurationError, DeploymentFailure } from '../lib/errors.ts';
import { chunks, sleep } from '../lib/poll.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { describeTaskDefinition } from '../lib/task-definitions.ts';
import {
  assess,
  culprit,
  describeStop,
  latestFailedStop,
  ourDeployment,
  shortName,
  type Assessment,
  type Expectation,
} from './assess.ts';
import { chooseTarget, type ServiceLine } from './plan.ts';
import { getSettings, type Settings } from './settings.ts';

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

type Status = 'steady' | 'rolled-back' | 'failed' | 'timed-out' | 'updated' | 'unchanged';

interface Watch {
  line: ServiceLine;
  name: string;
  previous: string;
  target: string;
  updated: boolean;
  expected: Expectation;
  phase: 'rolling' | 'rolling-back' | 'done';
  status?: Status;
  detail?: string;
  /** The last "waiting on" text, printed when it changes and named on timeout. */
  waiting?: string;
  startedAt: number;
  seconds?: number;
  seenEvents: Set<string>;
  lastFailedTasks: number;
  lastRunning: number;
  /** Stopped tasks already looked at. */
  checkedTasks: Set<string>;
}

interface Context {
  settings: Settings;
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  taskDefinitions: Map<string, Promise<TaskDefinition | undefined>>;
}

export async function main(): Promise<void> {
  const settings = getSettings();
  const context: Context = {
    settings,
    ecs: ecsClient(settings.region),
    logs: logsClient(settings.region),
    taskDefinitions: new Map(),
  };
  // Every read and check happens before the first UpdateService, so a mistake changes nothing.
  const watches = await plan(context);
  const clusterName = nameFromArn(settings.cluster);
  core.info(
    `Updating ${watches.length} service${watches.length === 1 ? '' : 's'} in cluster ${clusterName}:`,
  );
  for (const w of watches) {
    core.info(
      `  ${w.name}: ${w.updated ? `${shortName(w.previous)} → ${shortName(w.target)}` : `stays on ${shortName(w.target)}`}${settings.forceNewDeployment && w.updated ? ' (new deployment forced)' : ''}`,
    );
  }
  await Promise.all(watches.map((w) => update(context, w)));

  if (settings.wait) await watchAll(context, watches);
  else {
    for (const w of watches) {
      w.phase = 'done';
      w.status = w.updated ? 'updated' : 'unchanged';
      w.seconds = 0;
    }
  }
  await report(watches);
}

async function plan(context: Context): Promise<Watch[]> {
  const { settings, ecs } = context;
  const { clusters = [], failures = [] } = await ecs.send(
    new DescribeClustersCommand({ clusters: [settings.cluster] }),
  );
  const cluster = clusters[0];
  if (failures.length > 0 || !cluster) {
    throw new ConfigurationError(`Input "cluster": cluster "${settings.cluster}" was not found.`);
  }
  if (cluster.status !== 'ACTIVE') {
    throw new ConfigurationError(`Input "cluster": cluster "${settings.cluster}" is ${cluster.status}.`);
  }
  const described = await describeServices(
    ecs,
    settings.cluster,
    settings.services.map((s) => s.service),
  );
  const missing = settings.services.filter((s) => !described.has(s.service)).map((s) => `"${s.service}"`);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Input "services": ${missing.length === 1 ? 'service' : 'services'} ${missing.join(', ')} not found in cluster "${settings.cluster}".`,
    );
  }
  return Promise.all(
    settings.services.map(async (line): Promise<Watch> => {
      const service = described.get(line.service)!;
      if (service.status !== 'ACTIVE') {
        throw new ConfigurationError(
          `Input "services": service "${line.service}" is ${service.status}, not ACTIVE.`,
        );
      }
      const controller = service.deploymentController?.type ?? 'ECS';
      if (controller !== 'ECS') {
        throw new ConfigurationError(
          `Input "services": service "${line.service}" uses the ${controller} deployment controller; rolling-update drives ECS rolling updates only.`,
        );
      }
      const current = service.taskDefinition!;
      const target = chooseTarget(line, current, settings.taskDefinitions, settings.forceNewDeployment);
      const definition = await taskDefinition(context, target.taskDefinition);
      const input = target.source === 'task-definitions' ? 'task-definitions' : 'services';
      if (!definition) {
        throw new ConfigurationError(
          `Input "${input}": task definition "${target.taskDefinition}" (service "${line.service}") was not found.`,
        );
      }
      if (definition.status !== 'ACTIVE') {
        throw new ConfigurationError(
          `Input "${input}": task definition "${shortName(definition.taskDefinitionArn)}" (service "${line.service}") is ${definition.status}.`,
        );
      }
      const arn = definition.taskDefinitionArn!;
      const updated = arn !== current || settings.forceNewDeployment;
      return {
        line,
        name: line.service,
        previous: current,
        target: arn,
        updated,
        // Not updated: follow whatever the service is doing with that definition until steady.
        expected: { taskDefinition: arn },
        phase: 'rolling',
        ...(!updated && { detail: 'already on this task definition' }),
        startedAt: Date.now(),
        seenEvents: new Set((service.events ?? []).map((e) => e.id!)),
        lastFailedTasks: ourDeployment(service, { taskDefinition: arn })?.failedTasks ?? 0,
        lastRunning: 0,
        checkedTasks: new Set(),
      };
    }),
  );
}

/** DescribeTaskDefinition once per ARN or name: the target's log configuration is needed again on failure. */
function taskDefinition(context: Context, ref: string): Promise<TaskDefinition | undefined> {
  let found = context.taskDefinitions.get(ref);
  if (!found) {
    found = describeTaskDefinition(context.ecs, ref).then((d) => d?.taskDefinition);
    context.taskDefinitions.set(ref, found);
  }
  return found;
}

async function describeServices(
  ecs: ECSClient,
  cluster: string,
  names: string[],
): Promise<Map<string, Service>> {
  const pages = await Promise.all(
    chunks(names, 10).map((services) => ecs.send(new DescribeServicesCommand({ cluster, services }))),
  );
  const byName = new Map<string, Service>();
  for (const page of pages)
    for (const service of page.services ?? []) byName.set(service.serviceName!, service);
  return byName;
}

async function update(context: Context, w: Watch): Promise<void> {
  w.startedAt = Date.now();
  if (!w.updated) return;
  w.expected = {
    taskDefinition: w.target,
    deploymentId: await updateService(context, w.name, w.target, context.settings.forceNewDeployment),
  };
}

/** UpdateService; the id of the PRIMARY deployment it created. */
async function updateService(
  context: Context,
  service: string,
  taskDefinition: string,
  forceNewDeployment: boolean,
): Promise<string | undefined> {
  const response = await context.ecs.send(
    new UpdateServiceCommand({
      cluster: context.settings.cluster,
      service,
      taskDefinition,
      forceNewDeployment,
    }),
  );
  return response.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
}

async function watchAll(context: Context, watches: Watch[]): Promise<void> {
  const deadline = Date.now() + context.settings.timeoutMs;
  for (let poll = 0; ; poll++) {
    const began = Date.now();
    const active = watches.filter((w) => w.phase !== 'done');
    if (active.length === 0) return;
    const described = await describeServices(
      context.ecs,
      context.settings.cluster,
      active.map((w) => w.name),
    );
    await Promise.all(active.map((w) => step(context, w, described.get(w.name), poll + watches.indexOf(w))));
    if (Date.now() >= deadline) {
      timeOut(watches, context.settings.timeoutMs);
      return;
    }
    const rest = watches.some((w) => w.phase !== 'done');
    if (rest) await sleep(Math.max(0, Math.min(POLL_MS - (Date.now() - began), deadline - Date.now())));
  }
}

/** `turn` counts polls, offset per service so their safety checks do not all fall on one poll. */
async function step(context: Context, w: Watch, service: Service | undefined, turn: number): Promise<void> {
  if (!service || service.status !== 'ACTIVE') {
    finish(w, 'failed', `the service is ${service?.status ?? 'gone'}`);
    core.error(`${w.name}: the service is ${service?.status ?? 'gone'}.`);
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
    const failedTasks = deployment?.failedTasks ?? 0;
    const runningCount = deployment?.runningCount ?? 0;
    // Look for stopped tasks only when something suggests one: the describe call stays the only one.
    const suspicious =
      failedTasks > w.lastFailedTasks ||
      runningCount < w.lastRunning ||
      turn % SAFETY_POLLS === SAFETY_POLLS - 1;
    w.lastFailedTasks = failedTasks;
    w.lastRunning = runningCount;
    const stopped =
      assessment.state !== 'steady' && (suspicious || assessment.state === 'failed')
        ? await failedStop(context, w)
        : undefined;
    if (assessment.state === 'failed' || stopped) {
      await fail(context, w, assessment, stopped);
      return;
    }
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

function finish(w: Watch, status: Status, detail?: string): void {
  w.phase = 'done';
  w.status = status;
  if (detail !== undefined) w.detail = detail;
  w.seconds = Math.round((Date.now() - w.startedAt) / 100) / 10;
}

/** Service events since the update, oldest first (ECS lists them newest first). */
function printEvents(w: Watch, service: Service): void {
  const fresh = (service.events ?? []).filter((e) => !w.seenEvents.has(e.id!)).reverse();
  for (const event of fresh) {
    w.seenEvents.add(event.id!);
    core.info(event.message ?? '');
  }
}

/** The latest failed stop of the deployment being watched; DescribeTasks only for stopped tasks not seen yet. */
async function failedStop(context: Context, w: Watch): Promise<Task | undefined> {
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

async function lastLines(context: Context, task: Task): Promise<{ container: string; lines: string[] }> {
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
  const logs = stopped ? await lastLines(context, stopped) : { container: '', lines: [] };
  const tail =
    logs.lines.length > 0
      ? `\nLast ${logs.lines.length} log lines of ${logs.container}:\n${logs.lines.map((l) => `  ${l}`).join('\n')}`
      : '';
  core.error(`${w.name}: the deployment of ${shortName(w.target)} failed: ${why}${tail}`);
  w.detail = why;

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
  w.phase = 'rolling-back';
  w.detail = `rolled back to ${shortName(w.previous)}: ${why}`;
  w.expected = {
    taskDefinition: w.previous,
    deploymentId: await updateService(context, w.name, w.previous, false),
  };
  w.waiting = undefined;
}

function timeOut(watches: Watch[], timeoutMs: number): void {
  for (const w of watches) {
    if (w.phase === 'done') continue;
    const waiting = `waits on ${w.waiting ?? 'its deployment'}`;
    finish(w, 'timed-out', w.phase === 'rolling-back' ? `${w.detail}; the rollback ${waiting}` : waiting);
  }
  const late = watches.filter((w) => w.status === 'timed-out');
  core.error(
    `Timed out after ${timeoutMs / 60_000} minutes: ${late.map((w) => `${w.name} ${w.detail}`).join('; ')}.`,
  );
}

async function report(watches: Watch[]): Promise<void> {
  const results = Object.fromEntries(
    watches.map((w) => [
      w.name,
      {
        status: w.status,
        taskDefinition: w.target,
        previousTaskDefinition: w.previous,
        seconds: w.seconds,
        ...(w.detail && { detail: w.detail }),
      },
    ]),
  );
  core.setOutput('results', JSON.stringify(results));
  await writeSummaryTable(
    'Rolling update',
    ['Service', 'Status', 'Task definition', 'Seconds', 'Detail'],
    watches.map((w) => [
      w.name,
      w.status,
      w.updated ? `${shortName(w.previous)} → ${shortName(w.target)}` : shortName(w.target),
      w.seconds,
      w.detail,
    ]),
  );
  const bad = watches.filter((w) => !['steady', 'updated', 'unchanged'].includes(w.status!));
  if (bad.length > 0) {
    throw new DeploymentFailure(
      `Rolling update failed for ${bad.length} of ${watches.length} services: ${bad.map((w) => `${w.name} ${w.status} (${w.detail})`).join('; ')}.`,
    );
  }
  core.info(`All ${watches.length} services are steady.`);
}
