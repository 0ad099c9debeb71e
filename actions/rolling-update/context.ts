import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient, TaskDefinition } from '@aws-sdk/client-ecs';
import type { Rollout, Status } from '../lib/rollout/decide.ts';
import type { EcsGateway } from '../lib/rollout/gateway.ts';
import { describeTaskDefinition } from '../lib/task-definitions.ts';
import type { ServiceLine } from './plan.ts';
import type { ReportKeeper } from '../lib/report-store.ts';
import type { Settings } from './settings.ts';

/** What one rolling-update run knows, and the ECS calls its stages share. */

export type { Status };

/** Endings on the new version: any other fails the step (and the failure report covers it). */
export const ENDED_WELL: ReadonlySet<Status | undefined> = new Set<Status>([
  'steady',
  'paused',
  'updated',
  'unchanged',
]);

/** One service's rollout (decided by lib/rollout), with the line of `services` it came from. */
export interface Watch extends Rollout {
  line: ServiceLine;
  /** ECS's own policy for the service, in words (policy.ts); '' when the step decides alone. */
  policy: string;
  /** Whether UpdateService is called (false: the service already runs the target; it is only followed). */
  updated: boolean;
}

export interface Context {
  settings: Settings;
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  gateway: EcsGateway;
  taskDefinitions: Map<string, Promise<TaskDefinition | undefined>>;
  /** Aborted when the job is cancelled (SIGINT/SIGTERM): stop watching, say what was left. */
  signal?: AbortSignal;
  /** Keeps a failure report in its tier's store (input failure-report-location). */
  keepReport: ReportKeeper | undefined;
}

/** DescribeTaskDefinition once per ARN or name: the target's log configuration is needed again on failure. */
export function taskDefinition(
  context: Pick<Context, 'ecs' | 'taskDefinitions'>,
  ref: string,
): Promise<TaskDefinition | undefined> {
  let found = context.taskDefinitions.get(ref);
  if (!found) {
    found = describeTaskDefinition(context.ecs, ref).then((d) => d?.taskDefinition);
    context.taskDefinitions.set(ref, found);
  }
  return found;
}
