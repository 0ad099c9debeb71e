import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateServiceCommand, type ECSClient, type TaskDefinition } from '@aws-sdk/client-ecs';
import type { RetryOptions } from '../lib/poll.ts';
import { describeTaskDefinition } from '../lib/task-definitions.ts';
import type { PausedHook } from '../lib/service-deployments.ts';
import type { Expectation } from './assess.ts';
import type { ServiceLine } from './plan.ts';
import type { Settings } from './settings.ts';

/** What one rolling-update run knows, and the ECS calls its stages share. */

export type Status =
  | 'steady'
  | 'paused'
  | 'rolled-back'
  | 'failed'
  | 'timed-out'
  | 'cancelled'
  | 'unwatched'
  | 'updated'
  | 'unchanged';

/** Endings on the new version: any other fails the step (and the failure report covers it). */
export const ENDED_WELL: ReadonlySet<Status | undefined> = new Set<Status>([
  'steady',
  'paused',
  'updated',
  'unchanged',
]);

export interface Watch {
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
  /** The ECS service deployment our UpdateService started: when known, it is the truth (v2). */
  serviceDeploymentArn?: string;
  /** Its last lifecycle stage seen, and each stage change with the time, for the summary. */
  stage?: string;
  stages?: string[];
  /** Where it waits for ContinueServiceDeployment (`wait-until: paused`). */
  paused?: PausedHook;
  /** Looking for stopped tasks failed transiently: look again on the next poll. */
  recheck?: boolean;
  /** The PRIMARY deployment when last described: what ECS carries on with if the step gives up. */
  seen?: { running: number; desired: number; taskDefinition: string };
}

export interface Context {
  settings: Settings;
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  taskDefinitions: Map<string, Promise<TaskDefinition | undefined>>;
  /** Aborted when the job is cancelled (SIGINT/SIGTERM): stop watching, say what was left. */
  signal?: AbortSignal;
  /** Backoff of DescribeServices during an outage (default 0.5 s doubling to 10 s). */
  retry?: Pick<RetryOptions, 'baseMs' | 'maxMs'>;
}

/** DescribeTaskDefinition once per ARN or name: the target's log configuration is needed again on failure. */
export function taskDefinition(context: Context, ref: string): Promise<TaskDefinition | undefined> {
  let found = context.taskDefinitions.get(ref);
  if (!found) {
    found = describeTaskDefinition(context.ecs, ref).then((d) => d?.taskDefinition);
    context.taskDefinitions.set(ref, found);
  }
  return found;
}

/** UpdateService; the id of the PRIMARY deployment it created, and the service deployment it started. */
export async function updateService(
  context: Context,
  service: string,
  taskDefinition: string,
  forceNewDeployment: boolean,
): Promise<{ deploymentId?: string; serviceDeploymentArn?: string }> {
  const response = await context.ecs.send(
    new UpdateServiceCommand({
      cluster: context.settings.cluster,
      service,
      taskDefinition,
      forceNewDeployment,
    }),
  );
  const deploymentId = response.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
  const serviceDeploymentArn = response.service?.currentServiceDeployment;
  return { ...(deploymentId && { deploymentId }), ...(serviceDeploymentArn && { serviceDeploymentArn }) };
}
