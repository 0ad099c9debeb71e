import * as core from '@actions/core';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  type ECSClient,
  type RunTaskCommandInput,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { lastLogLines, logDestination, type LogDestination } from './awslogs.ts';
import { describeServices, requireActiveCluster } from './ecs-lookups.ts';
import { ConfigurationError, DeploymentFailure, errorMessage } from './errors.ts';
import { LogTailer } from './log-tail.ts';
import { printUntrusted } from './output.ts';
import {
  CALL_TIMEOUT_MS,
  errorName,
  sleep,
  TransientReads,
  withCallTimeout,
  type RetryOptions,
} from './poll.ts';
import { startOrFollow, type IfRunning } from './running-tasks.ts';
import { stopOnExit } from './stop-task.ts';
import { buildRunTaskInput, mainContainer, type OneOffTaskRequest } from './run-task-input.ts';
import { describeTaskDefinition } from './task-definitions.ts';
import { decideTask, type TaskDecision, type TaskObservation, type TaskWatchState } from './task-decide.ts';
import { taskId } from './task-outcome.ts';
import { watchUntil, type WatchRound } from './watch-until.ts';

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
  /** A task of the same family and command already running: wait for it (default) or fail. */
  ifRunning?: IfRunning;
  /** Backoff of reads during an outage (tests shorten it). */
  retry?: Pick<RetryOptions, 'baseMs' | 'maxMs'>;
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

/**
 * Runs a prepared task (or follows the same one already running) and waits for it, streaming
 * its log. Transient read errors are waited out until the timeout; giving up (timeout, cancel,
 * an error that will not pass) stops the task and throws a DeploymentFailure saying so.
 */
export async function runOneOffTask(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  task: PreparedTask,
  options: WatchOptions,
): Promise<OneOffResult> {
  const deadline = Date.now() + options.timeoutMs;
  const cluster = task.input.cluster!;
  const { taskArn, followed } = await startOrFollow(ecs, task, options, deadline);
  options.onStarted?.(taskArn);
  const id = taskId(taskArn);
  core.info(
    `${followed ? 'Following' : 'Started'} task ${id} (${task.definition.family}:${task.definition.revision}, container "${task.container}") in cluster ${cluster}.`,
  );
  const state: TaskWatchState = { id, container: task.container, lastStatus: '' };
  try {
    return await watchTask(ecs, logs, task, taskArn, options, deadline, state);
  } catch (error) {
    if (error instanceof DeploymentFailure) throw error;
    // A read that will not succeed by waiting (access denied, a bug): never leave the task unwatched.
    const unreadable = { kind: 'unreadable', name: errorName(error), message: errorMessage(error) } as const;
    return await act(ecs, task, taskArn, options, decideTask(state, unreadable).decision);
  }
}

/** Carries out a decision that ends the watch: StopTask (when stop-on-cancel), then the failure. */
async function act(
  ecs: ECSClient,
  task: PreparedTask,
  taskArn: string,
  options: WatchOptions,
  decision: Extract<TaskDecision, { kind: 'give-up' | 'fail' }>,
): Promise<never> {
  if (decision.kind === 'fail') throw new DeploymentFailure(decision.failure);
  const note = await stopOnExit(ecs, task.input.cluster!, taskArn, options.stopOnCancel, decision.stopReason);
  throw new DeploymentFailure(`${decision.failure}; ${note}.`);
}

async function watchTask(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  task: PreparedTask,
  taskArn: string,
  options: WatchOptions,
  deadline: number,
  state: TaskWatchState,
): Promise<OneOffResult> {
  const { pollMs = 500, logPollMs = 500, drainGraceMs = 500 } = options;
  const id = taskId(taskArn);
  const cluster = task.input.cluster!;
  const destination = logDestination(task.definition, task.container, taskArn);
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
  const retry = { ...options.retry, warn: core.warning, info: core.info };
  const taskReads = new TransientReads(`DescribeTasks for task ${id}`, retry);
  const logReads = new TransientReads(`CloudWatch Logs (GetLogEvents) for task ${id}`, retry);
  let describedAt = 0;
  let result: OneOffResult | undefined;

  /** Hands one observation to decideTask; the task's ending, when it is one. */
  const decided = async (observation: TaskObservation): Promise<OneOffResult | undefined> => {
    const before = state.lastStatus;
    const next = decideTask(state, observation);
    Object.assign(state, next.state);
    const { decision } = next;
    if (decision.kind === 'give-up' || decision.kind === 'fail')
      return act(ecs, task, taskArn, options, decision);
    // The last lines were written before the stop: print them first.
    if (decision.kind === 'stopped' && tailer)
      await drain(tailer, logReads, drainGraceMs, deadline, destination!);
    if (state.lastStatus !== before) core.info(`Task ${id}: ${state.lastStatus}`);
    if (decision.kind !== 'stopped') return undefined;
    const { outcome } = decision;
    const lastLines =
      tailer || !destination || outcome.succeeded
        ? recent
        : await lastLogLines(logs, destination, LAST_LINES).catch(() => []);
    return { taskArn, container: task.container, ...outcome, lastLines };
  };

  /** One round: DescribeTasks when due, its observation decided, then the logs. */
  const decideRound = async (signal: AbortSignal): Promise<WatchRound> => {
    const abandon = () => signal.aborted;
    if (Date.now() - describedAt >= pollMs) {
      const described = await taskReads.read(
        () =>
          withCallTimeout(CALL_TIMEOUT_MS, signal, (abortSignal) =>
            ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }), { abortSignal }),
          ),
        abandon,
      );
      if (described) {
        describedAt = Date.now();
        result = await decided({
          kind: 'described',
          task: described.value.tasks?.[0],
          ...(described.value.failures?.[0]?.reason && { missingReason: described.value.failures[0].reason }),
        });
        if (result) return { done: true, waitMs: 0 };
      }
    }
    if (tailer) {
      await logReads.read(
        () => withCallTimeout(CALL_TIMEOUT_MS, signal, (abortSignal) => tailer.poll(abortSignal)),
        abandon,
      );
    }
    const waitMs = Math.max(Math.min(logPollMs, pollMs), Math.min(taskReads.waitMs(), logReads.waitMs()));
    return { done: false, waitMs };
  };

  const end = await watchUntil({ deadline, ...(options.signal && { signal: options.signal }) }, decideRound);
  if (end === 'done') return result!;
  const outages = [taskReads, logReads]
    .filter((r) => r.failures > 0)
    .map((r) => `${r.what} failing: ${errorName(r.lastError)}`);
  // A cancel or the deadline always ends the watch with a give-up (decideTask).
  return (await decided(
    end === 'cancelled'
      ? { kind: 'cancelled' }
      : { kind: 'timed-out', timeoutMs: options.timeoutMs, outages },
  ))!;
}

/**
 * After the task stopped: read to the end, then again after `graceMs` in case the last lines
 * were still being ingested, until a poll brings nothing (at most 6 reads). An outage is waited
 * out until the step's timeout, or 30 s after the stop when that is later.
 */
async function drain(
  tailer: LogTailer,
  reads: TransientReads,
  graceMs: number,
  deadline: number,
  destination: LogDestination,
): Promise<void> {
  const until = Math.max(deadline, Date.now() + 30_000);
  const signal = AbortSignal.timeout(until - Date.now());
  let polls = 0;
  while (Date.now() < until) {
    const got = await reads.read(
      () => withCallTimeout(CALL_TIMEOUT_MS, signal, (abortSignal) => tailer.poll(abortSignal)),
      () => signal.aborted,
    );
    if (got) {
      polls++;
      if ((polls > 1 && got.value === 0) || polls >= 6) return;
      await sleep(graceMs);
    } else await sleep(Math.max(50, Math.min(reads.waitMs(), until - Date.now())));
  }
  core.warning(
    `The last log lines may be missing: CloudWatch Logs kept failing (${errorName(reads.lastError)}); read them in ${destination.group} ${destination.stream}.`,
  );
}
