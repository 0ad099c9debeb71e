import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  ListTasksCommand,
  type ECSClient,
  type Service,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { lastLogLines, logDestination } from './awslogs.ts';
import { describeServices } from './ecs-lookups.ts';
import { errorMessage } from './errors.ts';
import { describeServiceDeployments } from './service-deployments.ts';
import { STORE_INPUT, type ReportKeeper } from './report-store.ts';
import { writeSummaryTable } from './summary.ts';
import { taskId } from './task-outcome.ts';

/**
 * The failure report: what ECS knew when a rollout or a one-off task failed, read at once
 * because ECS forgets stopped tasks after about an hour. Schema (version 1), as JSON:
 *
 * { version: 1, action, createdAt (ISO), cluster,
 *   services?: [{ name, deploymentStartedAt (ISO),
 *     deployments: [{ serviceDeploymentArn, status, statusReason, lifecycleStage, startedAt,
 *                     finishedAt, stoppedAt }],   // as DescribeServiceDeployments says at capture
 *     stagesSeen: string[],                       // "HH:MM:SS STAGE" as the watch loop saw them
 *     events: [{ createdAt, message }],           // service events since the deploy started
 *     stoppedTasks: StoppedTask[] }],             // of the new revisions only
 *   task?: StoppedTask,                           // a one-off task (migration)
 *   errors: string[] }                            // reads that failed while capturing
 *
 * StoppedTask: { taskArn, taskDefinitionArn, lastStatus, stoppedReason, stopCode, stoppedAt,
 *   containers: [{ name, exitCode, reason, logLines (the last 50) }] }
 */

export const REPORT_VERSION = 1;
export const LOG_LINES = 50;
/** Stopped tasks read per service: a crash loop leaves many, the newest tell the story. */
export const MAX_TASKS = 10;

export interface ContainerReport {
  name: string;
  exitCode?: number;
  reason?: string;
  logLines: string[];
}

export interface StoppedTask {
  taskArn: string;
  taskDefinitionArn?: string;
  lastStatus?: string;
  stoppedReason?: string;
  stopCode?: string;
  stoppedAt?: string;
  containers: ContainerReport[];
}

export interface ServiceReport {
  name: string;
  deploymentStartedAt: string;
  deployments: {
    serviceDeploymentArn: string;
    status?: string;
    statusReason?: string;
    lifecycleStage?: string;
    startedAt?: string;
    finishedAt?: string;
    stoppedAt?: string;
  }[];
  stagesSeen: string[];
  events: { createdAt?: string; message: string }[];
  stoppedTasks: StoppedTask[];
}

export interface FailureReport {
  version: number;
  action: string;
  createdAt: string;
  cluster: string;
  services?: ServiceReport[];
  task?: StoppedTask;
  errors: string[];
}

export interface ServiceToCapture {
  name: string;
  startedAt: number;
  /** The new revisions: only their stopped tasks are the failure's. */
  taskDefinitions: string[];
  serviceDeploymentArn?: string;
  stagesSeen?: string[];
}

export interface Readers {
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  /** The task definition of an ARN (for its awslogs configuration); undefined when unknown. */
  taskDefinition: (arn: string) => Promise<TaskDefinition | undefined>;
}

const iso = (d?: Date) => (d ? new Date(d).toISOString() : undefined);

/** Records a failed read instead of throwing: capturing must never hide the failure itself. */
async function attempt<T>(errors: string[], what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    errors.push(`${what}: ${errorMessage(error).split('\n')[0]}`);
    return undefined;
  }
}

/** A stopped task with each container's exit code and last log lines. */
export async function stoppedTask(readers: Readers, task: Task, errors: string[]): Promise<StoppedTask> {
  const definition = task.taskDefinitionArn
    ? await attempt(errors, `DescribeTaskDefinition ${task.taskDefinitionArn}`, () =>
        readers.taskDefinition(task.taskDefinitionArn!),
      )
    : undefined;
  const containers = await Promise.all(
    (task.containers ?? []).map(async (c) => {
      const destination =
        definition && c.name ? logDestination(definition, c.name, task.taskArn!) : undefined;
      const logLines = destination
        ? ((await attempt(errors, `GetLogEvents ${destination.group} ${destination.stream}`, () =>
            lastLogLines(readers.logs, destination, LOG_LINES),
          )) ?? [])
        : [];
      return {
        name: c.name ?? '',
        ...(c.exitCode !== undefined && { exitCode: c.exitCode }),
        ...(c.reason && { reason: c.reason }),
        logLines,
      };
    }),
  );
  return {
    taskArn: task.taskArn ?? '',
    ...(task.taskDefinitionArn && { taskDefinitionArn: task.taskDefinitionArn }),
    ...(task.lastStatus && { lastStatus: task.lastStatus }),
    ...(task.stoppedReason && { stoppedReason: task.stoppedReason }),
    ...(task.stopCode && { stopCode: task.stopCode }),
    ...(task.stoppedAt && { stoppedAt: iso(task.stoppedAt)! }),
    containers,
  };
}

/** A one-off task's stop data and containers, described again now that it has failed. */
export async function captureTask(
  readers: Readers,
  cluster: string,
  taskArn: string,
  errors: string[],
): Promise<StoppedTask> {
  const described = await attempt(errors, `DescribeTasks ${taskId(taskArn)}`, () =>
    readers.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] })),
  );
  const task = described?.tasks?.[0];
  if (!task) return { taskArn, containers: [] };
  return stoppedTask(readers, task, errors);
}

/** Everything ECS still knows about the failed services, read in parallel. */
export async function captureServices(
  readers: Readers,
  cluster: string,
  services: ServiceToCapture[],
  errors: string[],
): Promise<ServiceReport[]> {
  const described: Map<string, Service> =
    (await attempt(errors, 'DescribeServices', () =>
      describeServices(
        readers.ecs,
        cluster,
        services.map((s) => s.name),
      ),
    )) ?? new Map();
  const arns = services.flatMap((s) => (s.serviceDeploymentArn ? [s.serviceDeploymentArn] : []));
  const deployments =
    (arns.length > 0
      ? await attempt(errors, 'DescribeServiceDeployments', () =>
          describeServiceDeployments(readers.ecs, arns),
        )
      : undefined) ?? new Map();
  return Promise.all(
    services.map(async (s): Promise<ServiceReport> => {
      const events = (described.get(s.name)?.events ?? [])
        .filter((e) => !e.createdAt || new Date(e.createdAt).getTime() >= s.startedAt - 1000)
        .map((e) => ({ ...(e.createdAt && { createdAt: iso(e.createdAt)! }), message: e.message ?? '' }))
        .reverse();
      const d = s.serviceDeploymentArn ? deployments.get(s.serviceDeploymentArn) : undefined;
      return {
        name: s.name,
        deploymentStartedAt: new Date(s.startedAt).toISOString(),
        deployments: d
          ? [
              {
                serviceDeploymentArn: d.serviceDeploymentArn!,
                ...(d.status && { status: d.status }),
                ...(d.statusReason && { statusReason: d.statusReason }),
                ...(d.lifecycleStage && { lifecycleStage: d.lifecycleStage }),
                ...(d.startedAt && { startedAt: iso(d.startedAt)! }),
                ...(d.finishedAt && { finishedAt: iso(d.finishedAt)! }),
                ...(d.stoppedAt && { stoppedAt: iso(d.stoppedAt)! }),
              },
            ]
          : [],
        stagesSeen: s.stagesSeen ?? [],
        events,
        stoppedTasks: await stoppedTasksOf(readers, cluster, s, errors),
      };
    }),
  );
}

async function stoppedTasksOf(
  readers: Readers,
  cluster: string,
  s: ServiceToCapture,
  errors: string[],
): Promise<StoppedTask[]> {
  const listed = await attempt(errors, `ListTasks ${s.name}`, () =>
    readers.ecs.send(new ListTasksCommand({ cluster, serviceName: s.name, desiredStatus: 'STOPPED' })),
  );
  const taskArns = listed?.taskArns ?? [];
  if (taskArns.length === 0) return [];
  const tasks =
    (
      await attempt(errors, `DescribeTasks ${s.name}`, () =>
        readers.ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(0, 100) })),
      )
    )?.tasks ?? [];
  const ours = tasks
    .filter((t) => t.taskDefinitionArn && s.taskDefinitions.includes(t.taskDefinitionArn))
    // Crashes first, then the newest: a rollback's scale-in also stops tasks of the new revision.
    .sort(
      (a, b) =>
        Number(crashed(b)) - Number(crashed(a)) ||
        new Date(b.stoppedAt ?? 0).getTime() - new Date(a.stoppedAt ?? 0).getTime(),
    )
    .slice(0, MAX_TASKS);
  return Promise.all(ours.map((t) => stoppedTask(readers, t, errors)));
}

/** A task stopped by its own failure rather than by the scheduler scaling in. */
const crashed = (t: Task) =>
  t.stopCode !== 'ServiceSchedulerInitiated' &&
  (t.stopCode !== undefined ||
    (t.containers ?? []).some((c) => c.exitCode !== undefined && c.exitCode !== 0));

/** `$RUNNER_TEMP/adhoc-actions-failure-<action>-<timestamp>.json`, else in os.tmpdir(). */
export function reportPath(action: string, now = new Date()): string {
  const dir = process.env['RUNNER_TEMP'] || tmpdir();
  return join(dir, `adhoc-actions-failure-${action}-${now.toISOString().replace(/[:.]/g, '-')}.json`);
}

/** Summary bounds: the JSON file has it all, the summary stays readable and under GitHub's 1 MiB. */
export const SUMMARY_LINES = 10;
export const SUMMARY_EVENTS = 20;
export const SUMMARY_CELL = 300;

const clip = (text: string) => (text.length > SUMMARY_CELL ? `${text.slice(0, SUMMARY_CELL - 1)}…` : text);

/** Rows of the summary table: one a container of each stopped task. */
export function summaryRows(report: FailureReport): (string | number | undefined)[][] {
  const tasks = [
    ...(report.services ?? []).flatMap((s) => s.stoppedTasks.map((t) => [s.name, t] as const)),
    ...(report.task ? [['(one-off task)', report.task] as const] : []),
  ];
  return tasks.flatMap(([where, t]) =>
    t.containers.map((c) => [
      where,
      taskId(t.taskArn),
      clip(t.stoppedReason ?? ''),
      t.stopCode,
      c.name,
      c.exitCode,
      clip([c.reason, ...c.logLines.slice(-SUMMARY_LINES)].filter(Boolean).join(' ⏎ ')),
    ]),
  );
}

export function summaryNotes(report: FailureReport, path: string): string[] {
  const events = (report.services ?? []).flatMap((s) =>
    s.events.map((e) => `${s.name} ${e.createdAt ?? ''} ${e.message}`),
  );
  const deployments = (report.services ?? []).flatMap((s) =>
    s.deployments.map(
      (d) =>
        `${s.name}: service deployment ${d.status ?? '?'} at ${d.lifecycleStage ?? '?'}: ${d.statusReason ?? ''}`,
    ),
  );
  return [
    `Full report (JSON, every container's last ${LOG_LINES} log lines): ${path}`,
    ...deployments.map(clip),
    ...events.slice(-SUMMARY_EVENTS).map((e) => clip(`Event: ${e}`)),
    ...(events.length > SUMMARY_EVENTS
      ? [`${events.length - SUMMARY_EVENTS} earlier events are in the file.`]
      : []),
    ...report.errors.map((e) => clip(`Could not read: ${e}`)),
  ];
}

/**
 * Writes the report file, the `failure-report` output and a summary section; with `keep` (a
 * protected environment's tier store, report-store.ts) the report is also kept there and
 * `failure-report-url` links it. Never throws: the step must fail with its own error, not with
 * the report's.
 */
export async function writeFailureReport(
  report: FailureReport,
  keep?: ReportKeeper,
): Promise<string | undefined> {
  const path = reportPath(report.action);
  const body = `${JSON.stringify(report, null, 2)}\n`;
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, body);
  } catch (error) {
    core.warning(`Could not write the failure report ${path}: ${errorMessage(error)}`);
    return undefined;
  }
  core.setOutput('failure-report', path);
  let where = path;
  if (keep) {
    try {
      const stored = await keep(path, body);
      core.setOutput('failure-report-url', stored.url);
      where = `${stored.uri} (readable in its own account only)`;
    } catch (error) {
      // Never an artifact instead: the store is there because the repository's readers may not see it.
      core.warning(
        `Could not keep the failure report in ${STORE_INPUT}: ${errorMessage(error)}. It is only on this runner: ${path}`,
      );
    }
  }
  core.info(`Failure report: ${where}`);
  await writeSummaryTable(
    'Failure report',
    [
      'Service',
      'Task',
      'Stopped reason',
      'Stop code',
      'Container',
      'Exit code',
      `Last ${SUMMARY_LINES} log lines`,
    ],
    summaryRows(report),
    summaryNotes(report, where),
  );
  return path;
}

export function newReport(action: string, cluster: string): FailureReport {
  return { version: REPORT_VERSION, action, createdAt: new Date().toISOString(), cluster, errors: [] };
}
