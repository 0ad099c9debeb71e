import * as core from '@actions/core';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { lastLogLines, logDestination } from './awslogs.ts';
import { describeServices, requireActiveCluster } from './ecs-lookups.ts';
import { ConfigurationError, DeploymentFailure } from './errors.ts';
import { LogTailer } from './log-tail.ts';
import { printUntrusted } from './output.ts';
import { sleep } from './poll.ts';
import { buildRunTaskInput, mainContainer, type OneOffTaskRequest } from './run-task-input.ts';
import { describeTaskDefinition } from './task-definitions.ts';
import { taskId, taskOutcome } from './task-outcome.ts';

/**
 * One-off tasks (migrate, collectstatic, psql): RunTask, the container's log lines live in the
 * job log, and the container's exit code as the result. run-migration-task and create-database
 * (ecs-task mode) both run their tasks through here.
 */

export interface PreparedTask {
  input: RunTaskCommandInput;
  definition: TaskDefinition;
  container: string;
}

export interface WatchOptions {
  streamLogs: boolean;
  timeoutMs: number;
  stopOnCancel: boolean;
  /** Aborted when the job is cancelled (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Called once the task exists, so its ARN is an output even if the step then fails. */
  onStarted?: (taskArn: string) => void;
  /** Where log lines go; default: the job log, with workflow commands off. */
  onLines?: (lines: string[]) => void;
  /** DescribeTasks every `pollMs`, GetLogEvents every `logPollMs` (default 0.5 s both). */
  pollMs?: number;
  logPollMs?: number;
  /** After the task stops, how long to wait for late log lines (default 0.5 s). */
  drainGraceMs?: number;
}

export interface OneOffResult {
  taskArn: string;
  container: string;
  succeeded: boolean;
  exitCode?: number;
  stoppedReason: string;
  message: string;
  /** The container's last log lines (up to LAST_LINES): what a failure left behind. */
  lastLines: string[];
}

const LAST_LINES = 10;

/** Reads everything RunTask will need and checks it, so a mistake fails before anything runs. */
export async function prepareOneOffTask(
  ecs: ECSClient,
  taskDefinition: string,
  request: OneOffTaskRequest,
): Promise<PreparedTask> {
  // The cluster first: a missing one would otherwise surface as a missing service.
  await requireActiveCluster(ecs, request.cluster);
  const [described, service] = await Promise.all([
    describeTaskDefinition(ecs, taskDefinition),
    request.network.fromService
      ? describeService(ecs, request.cluster, request.network.fromService)
      : undefined,
  ]);
  if (!described) {
    throw new ConfigurationError(
      `Input "task-definition": task definition "${taskDefinition}" was not found.`,
    );
  }
  const definition = described.taskDefinition;
  return {
    input: buildRunTaskInput(definition, request, service),
    definition,
    container: mainContainer(definition, request.container),
  };
}

async function describeService(ecs: ECSClient, cluster: string, name: string): Promise<Service> {
  const service = (await describeServices(ecs, cluster, [name])).get(name);
  if (service?.status !== 'ACTIVE') {
    throw new ConfigurationError(
      `Input "network-from-service": service "${name}" was not found in cluster "${cluster}".`,
    );
  }
  return service;
}

/** Runs a prepared task and waits for it, streaming its log. Throws DeploymentFailure on cancel or timeout. */
export async function runOneOffTask(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  task: PreparedTask,
  options: WatchOptions,
): Promise<OneOffResult> {
  const { pollMs = 500, logPollMs = 500, drainGraceMs = 500 } = options;
  const response = await ecs.send(new RunTaskCommand(task.input));
  const failures = response.failures ?? [];
  const taskArn = response.tasks?.[0]?.taskArn;
  if (!taskArn) {
    const reasons = failures.map((f) => [f.reason, f.detail, f.arn].filter(Boolean).join(' ')).join('; ');
    throw new DeploymentFailure(`RunTask started no task: ${reasons || 'no failure given'}.`);
  }
  options.onStarted?.(taskArn);
  const id = taskId(taskArn);
  const cluster = task.input.cluster!;
  const destination = logDestination(task.definition, task.container, taskArn);
  core.info(
    `Started task ${id} (${task.definition.family}:${task.definition.revision}, container "${task.container}") in cluster ${cluster}.`,
  );
  if (destination) core.info(`Logs: ${destination.group} ${destination.stream}`);
  else if (options.streamLogs)
    core.warning(`Container "${task.container}" does not use the awslogs driver: no logs to stream.`);

  const recent: string[] = [];
  const print = options.onLines ?? ((lines: string[]) => printUntrusted(lines));
  const tailer =
    options.streamLogs && destination
      ? new LogTailer(logs, destination, (lines) => {
          recent.push(...lines.slice(-LAST_LINES));
          recent.splice(0, recent.length - LAST_LINES);
          print(lines);
        })
      : undefined;
  const deadline = Date.now() + options.timeoutMs;
  let lastStatus = '';
  let describedAt = 0;
  for (;;) {
    if (options.signal?.aborted) {
      await stopOnExit(
        ecs,
        cluster,
        taskArn,
        options.stopOnCancel,
        'Cancelled: the GitHub Actions job was cancelled',
      );
      throw new DeploymentFailure(
        `Cancelled while task ${id} was running; ${stopNote(options.stopOnCancel)}.`,
      );
    }
    if (Date.now() > deadline) {
      await stopOnExit(
        ecs,
        cluster,
        taskArn,
        options.stopOnCancel,
        'Timed out: timeout-minutes of the step passed',
      );
      throw new DeploymentFailure(
        `Task ${id} did not finish within ${Math.round(options.timeoutMs / 6000) / 10} minutes (last status ${lastStatus}); ${stopNote(options.stopOnCancel)}.`,
      );
    }
    if (Date.now() - describedAt >= pollMs) {
      describedAt = Date.now();
      const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
      const current = described.tasks?.[0];
      if (!current)
        throw new DeploymentFailure(
          `Task ${id} disappeared: DescribeTasks says ${described.failures?.[0]?.reason}.`,
        );
      const outcome = taskOutcome(current, task.container);
      // The last lines were written before the stop: print them first.
      if (outcome.stopped) await tailer?.drain(drainGraceMs);
      if (current.lastStatus !== lastStatus) {
        lastStatus = current.lastStatus ?? '';
        core.info(`Task ${id}: ${lastStatus}`);
      }
      if (outcome.stopped) {
        const lastLines =
          tailer || !destination || outcome.succeeded
            ? recent
            : await lastLogLines(logs, destination, LAST_LINES);
        return { taskArn, container: task.container, ...outcome, lastLines };
      }
    }
    await tailer?.poll();
    await sleep(Math.min(logPollMs, pollMs), options.signal);
  }
}

function stopNote(stopOnCancel: boolean): string {
  return stopOnCancel ? 'the task was stopped' : 'the task was left running (stop-on-cancel: false)';
}

async function stopOnExit(ecs: ECSClient, cluster: string, taskArn: string, stop: boolean, reason: string) {
  if (!stop) return;
  await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
}
