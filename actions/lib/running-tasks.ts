import {
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  type ContainerOverride,
  type ECSClient,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import * as core from '@actions/core';
import { DeploymentFailure } from './errors.ts';
import type { PreparedTask, WatchOptions } from './one-off-task.ts';
import { chunks, errorName, TransientReads } from './poll.ts';
import { stopOnExit } from './stop-task.ts';
import { taskId } from './task-outcome.ts';
import { watchUntil, type WatchRound } from './watch-until.ts';

/**
 * Never two migrations at once: before RunTask, find one-off tasks of the same cluster, family,
 * container and command that are still running (a cancelled job or an abandoned watch may have
 * left one). Matching is by what ECS records for every task (family and overrides), so tasks
 * started by hand or by older versions are found too; service tasks never match.
 */

export type IfRunning = 'wait' | 'fail';

/** Running one-off tasks of `family` whose `container` runs the same command as `input` would. */
export async function sameCommandTasks(
  ecs: ECSClient,
  input: RunTaskCommandInput,
  family: string,
  container: string,
): Promise<Task[]> {
  const cluster = input.cluster!;
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(
      new ListTasksCommand({ cluster, family, desiredStatus: 'RUNNING', ...(nextToken && { nextToken }) }),
    );
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  if (arns.length === 0) return [];
  const pages = await Promise.all(
    chunks(arns, 100).map((tasks) => ecs.send(new DescribeTasksCommand({ cluster, tasks }))),
  );
  return pages
    .flatMap((page) => page.tasks ?? [])
    .filter(
      (task) =>
        !task.group?.startsWith('service:') &&
        task.lastStatus !== 'STOPPED' &&
        sameCommand(task.overrides?.containerOverrides, input.overrides?.containerOverrides, container),
    );
}

/** The container's command override, or none (the definition's own command) on both sides. */
export function sameCommand(
  theirs: ContainerOverride[] | undefined,
  ours: ContainerOverride[] | undefined,
  container: string,
): boolean {
  const command = (overrides: ContainerOverride[] | undefined) =>
    JSON.stringify(overrides?.find((o) => o.name === container)?.command ?? null);
  return command(theirs) === command(ours);
}

/**
 * The very task this run would start (same revision, same command and environment): following
 * it to its end is as good as starting it, and starts nothing twice.
 */
export function isSameRun(task: Task, input: RunTaskCommandInput): boolean {
  return (
    task.taskDefinitionArn === input.taskDefinition &&
    normalize(task.overrides?.containerOverrides) === normalize(input.overrides?.containerOverrides)
  );
}

/** Overrides compared by what they change: name-only entries dropped, environment sorted. */
function normalize(overrides: ContainerOverride[] | undefined): string {
  return JSON.stringify(
    (overrides ?? [])
      .map((o) => ({
        name: o.name,
        command: o.command ?? null,
        environment: [...(o.environment ?? [])].map((e) => `${e.name}=${e.value}`).sort(),
      }))
      .filter((o) => o.command !== null || o.environment.length > 0)
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
  );
}

/**
 * RunTask, unless a task of the same family, container and command is running already: with
 * if-running "fail" that is an error; with "wait" the very same run (revision, command and
 * environment) is followed as this run's own, another one is waited out before starting.
 */
export async function startOrFollow(
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
  let following: string | undefined;
  /** One look at the tasks running the same command: none (start), ours (follow) or another's (wait). */
  const look = async (): Promise<WatchRound> => {
    const found = await reads.read(() =>
      sameCommandTasks(ecs, task.input, task.definition.family!, task.container),
    );
    if (found) {
      const running = found.value;
      if (running.length === 0) return { done: true, waitMs: 0 };
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
        following = same.taskArn!;
        return { done: true, waitMs: 0 };
      }
      if (names !== waitingFor) {
        waitingFor = names;
        core.info(
          `Task ${described} already runs the same command in cluster ${cluster}: waiting for it to stop before starting (if-running: wait).`,
        );
      }
    }
    return { done: false, waitMs: Math.max(options.pollMs ?? 1000, reads.waitMs()) };
  };
  const end = await watchUntil({ deadline, ...(options.signal && { signal: options.signal }) }, look);
  if (end === 'cancelled') {
    throw new DeploymentFailure(
      waitingFor
        ? `Cancelled while waiting for task ${waitingFor} to stop; started no task.`
        : 'Cancelled before the task started; started no task.',
    );
  }
  if (end === 'timed-out') {
    throw new DeploymentFailure(
      waitingFor
        ? `Task ${waitingFor} still runs the same command after ${Math.round(options.timeoutMs / 6000) / 10} minutes; started no task.`
        : `Could not list the running tasks before the timeout (${errorName(reads.lastError)}); started no task.`,
    );
  }
  if (following) return { taskArn: following, followed: true };
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
