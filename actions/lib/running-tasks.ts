import {
  DescribeTasksCommand,
  ListTasksCommand,
  type ContainerOverride,
  type ECSClient,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { chunks } from './poll.ts';

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
