import * as core from '@actions/core';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput,
  type Service,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { lastLogLines, logDestination, type LogDestination } from './awslogs.ts';
import { describeServices, requireActiveCluster } from './ecs-lookups.ts';
import { ConfigurationError, DeploymentFailure, errorMessage } from './errors.ts';
import { LogTailer } from './log-tail.ts';
import { printUntrusted } from './output.ts';
import {
  CALL_TIMEOUT_MS,
  isTransient,
  sleep,
  TransientReads,
  withCallTimeout,
  type RetryOptions,
} from './poll.ts';
import { isSameRun, sameCommandTasks, type IfRunning } from './running-tasks.ts';
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
  try {
    return await watchTask(ecs, logs, task, taskArn, options, deadline);
  } catch (error) {
    if (error instanceof DeploymentFailure) throw error;
    // A read that will not succeed by waiting (access denied, a bug): never leave the task unwatched.
    const note = await stopOnExit(
      ecs,
      cluster,
      taskArn,
      options.stopOnCancel,
      `Abandoned: the step could not watch it (${errorName(error)})`,
    );
    throw new DeploymentFailure(`Could not watch task ${id}: ${errorMessage(error)}; ${note}.`);
  }
}

async function watchTask(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  task: PreparedTask,
  taskArn: string,
  options: WatchOptions,
  deadline: number,
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
  // Calls in flight end at the deadline or on cancel, so giving up is never late.
  const signal = AbortSignal.any([
    ...(options.signal ? [options.signal] : []),
    AbortSignal.timeout(Math.max(1, deadline - Date.now())),
  ]);
  const abandon = () => signal.aborted;
  let lastStatus = '';
  let describedAt = 0;
  for (;;) {
    if (options.signal?.aborted) {
      const note = await stopOnExit(
        ecs,
        cluster,
        taskArn,
        options.stopOnCancel,
        'Cancelled: the GitHub Actions job was cancelled',
      );
      throw new DeploymentFailure(`Cancelled while task ${id} was running; ${note}.`);
    }
    if (Date.now() >= deadline) {
      const note = await stopOnExit(
        ecs,
        cluster,
        taskArn,
        options.stopOnCancel,
        'Timed out: timeout-minutes of the step passed',
      );
      const outage = [taskReads, logReads]
        .filter((r) => r.failures > 0)
        .map((r) => `${r.what} failing: ${errorName(r.lastError)}`);
      throw new DeploymentFailure(
        `Task ${id} did not finish within ${Math.round(options.timeoutMs / 6000) / 10} minutes (last status ${lastStatus || 'unknown'}${outage.map((o) => `; ${o}`).join('')}); ${note}.`,
      );
    }
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
        const current = described.value.tasks?.[0];
        if (!current)
          throw new DeploymentFailure(
            `Task ${id} disappeared: DescribeTasks says ${described.value.failures?.[0]?.reason}.`,
          );
        const outcome = taskOutcome(current, task.container);
        // The last lines were written before the stop: print them first.
        if (outcome.stopped && tailer) await drain(tailer, logReads, drainGraceMs, deadline, destination!);
        if (current.lastStatus !== lastStatus) {
          lastStatus = current.lastStatus ?? '';
          core.info(`Task ${id}: ${lastStatus}`);
        }
        if (outcome.stopped) {
          const lastLines =
            tailer || !destination || outcome.succeeded
              ? recent
              : await lastLogLines(logs, destination, LAST_LINES).catch(() => []);
          return { taskArn, container: task.container, ...outcome, lastLines };
        }
      }
    }
    if (tailer) {
      await logReads.read(
        () => withCallTimeout(CALL_TIMEOUT_MS, signal, (abortSignal) => tailer.poll(abortSignal)),
        abandon,
      );
    }
    const wait = Math.max(Math.min(logPollMs, pollMs), Math.min(taskReads.waitMs(), logReads.waitMs()));
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())), options.signal);
  }
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

/**
 * RunTask, unless a task of the same family, container and command is running already: with
 * if-running "fail" that is an error; with "wait" the very same run (revision, command and
 * environment) is followed as this run's own, another one is waited out before starting.
 */
async function startOrFollow(
  ecs: ECSClient,
  task: PreparedTask,
  options: WatchOptions,
  deadline: number,
): Promise<{ taskArn: string; followed: boolean }> {
  const cluster = task.input.cluster!;
  const reads = new TransientReads('ListTasks/DescribeTasks for running tasks', {
    ...options.retry,
    warn: core.warning,
    info: core.info,
  });
  let waitingFor = '';
  for (;;) {
    if (options.signal?.aborted)
      throw new DeploymentFailure(`Cancelled while waiting for task ${waitingFor} to stop; started no task.`);
    if (Date.now() >= deadline) {
      throw new DeploymentFailure(
        waitingFor
          ? `Task ${waitingFor} still runs the same command after ${Math.round(options.timeoutMs / 6000) / 10} minutes; started no task.`
          : `Could not list the running tasks before the timeout (${errorName(reads.lastError)}); started no task.`,
      );
    }
    const found = await reads.read(() =>
      sameCommandTasks(ecs, task.input, task.definition.family!, task.container),
    );
    if (found) {
      const running = found.value;
      if (running.length === 0) break;
      const names = running.map((t) => taskId(t.taskArn ?? '')).join(', ');
      const described = running
        .map(
          (t) =>
            `${taskId(t.taskArn ?? '')} (${shortDefinition(t.taskDefinitionArn)}, ${t.lastStatus}, started by ${t.startedBy ?? 'unknown'})`,
        )
        .join(', ');
      if (options.ifRunning === 'fail') {
        throw new DeploymentFailure(
          `Input "if-running" is fail and task ${described} already runs the same command in cluster ${cluster}; started no task.`,
        );
      }
      const same = running.find((t) => isSameRun(t, task.input));
      if (same) {
        core.info(
          `Task ${taskId(same.taskArn!)} already runs this same task (started by ${same.startedBy ?? 'unknown'}): following it instead of starting a second one.`,
        );
        return { taskArn: same.taskArn!, followed: true };
      }
      if (names !== waitingFor) {
        waitingFor = names;
        core.info(
          `Task ${described} already runs the same command in cluster ${cluster}: waiting for it to stop before starting (if-running: wait).`,
        );
      }
    }
    await sleep(Math.max(options.pollMs ?? 1000, reads.waitMs()), options.signal);
  }
  if (waitingFor) core.info(`Task ${waitingFor} stopped: starting this run's task.`);
  const response = await ecs.send(new RunTaskCommand(task.input));
  const failures = response.failures ?? [];
  const taskArn = response.tasks?.[0]?.taskArn;
  if (!taskArn) {
    const reasons = failures.map((f) => [f.reason, f.detail, f.arn].filter(Boolean).join(' ')).join('; ');
    throw new DeploymentFailure(`RunTask started no task: ${reasons || 'no failure given'}.`);
  }
  // Two runs that looked at the same moment both started one: the later one steps back before
  // its container can have done anything, and follows (or waits for) the first.
  const ours = response.tasks![0]!;
  const others = await sameCommandTasks(ecs, task.input, task.definition.family!, task.container).catch(
    () => [],
  );
  const first = others.find((t) => t.taskArn !== taskArn && startedBefore(t, ours));
  if (!first) return { taskArn, followed: false };
  core.info(`Task ${taskId(first.taskArn!)} started the same command a moment earlier: stopping ours.`);
  await stopOnExit(ecs, cluster, taskArn, true, `Duplicate: task ${taskId(first.taskArn!)} runs it`);
  return startOrFollow(ecs, task, options, deadline);
}

/** Creation order, the ARN breaking a tie, so two runs agree which task came first. */
function startedBefore(a: Task, b: Task): boolean {
  const at = (t: Task) => t.createdAt?.getTime() ?? 0;
  return at(a) < at(b) || (at(a) === at(b) && (a.taskArn ?? '') < (b.taskArn ?? ''));
}

function shortDefinition(arn: string | undefined): string {
  return arn?.slice(arn.lastIndexOf('/') + 1) ?? 'unknown';
}

function errorName(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  return `${error.name}: ${error.message.split('\n')[0]}`;
}

/**
 * StopTask when `stop`; says what happened to the task. StopTask is idempotent, so a transient
 * error is retried a few times; the call never carries the (maybe aborted) watch signal.
 */
async function stopOnExit(
  ecs: ECSClient,
  cluster: string,
  taskArn: string,
  stop: boolean,
  reason: string,
): Promise<string> {
  if (!stop) return 'the task was left running (stop-on-cancel: false)';
  for (let attempt = 1; ; attempt++) {
    try {
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
      return 'the task was stopped';
    } catch (error) {
      if (!isTransient(error) || attempt >= 5) {
        return `StopTask failed (${errorName(error)}): the task may still be running, stop ${taskId(taskArn)} in cluster ${cluster} by hand`;
      }
      await sleep(Math.min(8000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }
}
