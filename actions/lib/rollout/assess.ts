import type { Container, Deployment, Service, Task } from '@aws-sdk/client-ecs';

/** What the watch loop expects of a service: a deployment of this task definition, alone and steady. */
export interface Expectation {
  taskDefinition: string;
  /** The deployment UpdateService created (undefined when nothing was updated). */
  deploymentId?: string;
}

export type Assessment =
  | { state: 'steady' }
  | { state: 'waiting'; waitingOn: string; deployment?: Deployment }
  | {
      state: 'failed';
      reason: string;
      deployment?: Deployment;
      /** ECS's circuit breaker is already rolling back to this deployment. */
      rollback?: { taskDefinition: string; deploymentId: string };
      /** Our deployment is gone and this one is PRIMARY (a rollback, or someone else's deploy). */
      replacedBy?: { taskDefinition: string; deploymentId: string };
    };

/** `family:revision` of a task definition ARN (or the text itself): how people name revisions. */
export function shortName(taskDefinition: string | undefined): string {
  if (!taskDefinition) return '?';
  return taskDefinition.slice(taskDefinition.lastIndexOf('/') + 1);
}

/** The deployment a watch follows: the one UpdateService created, else the PRIMARY of the expected definition. */
export function ourDeployment(service: Service, expected: Expectation): Deployment | undefined {
  const deployments = service.deployments ?? [];
  return (
    (expected.deploymentId && deployments.find((d) => d.id === expected.deploymentId)) ||
    deployments.find((d) => d.status === 'PRIMARY' && d.taskDefinition === expected.taskDefinition)
  );
}

/**
 * Turns a described service into steady / waiting (on what) / failed (why). Steady is what
 * DESIGN.md says: the expected deployment is the only one, COMPLETED, and running = desired.
 */
export function assess(service: Service, expected: Expectation): Assessment {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const ours = ourDeployment(service, expected);
  if (!ours) {
    if (primary && primary.taskDefinition !== expected.taskDefinition) {
      return {
        state: 'failed',
        reason: `another deployment replaced ours: the service now deploys ${shortName(primary.taskDefinition)}`,
        replacedBy: { taskDefinition: primary.taskDefinition!, deploymentId: primary.id! },
      };
    }
    return { state: 'waiting', waitingOn: 'its deployment to appear' };
  }
  if (ours.rolloutState === 'FAILED') {
    const rollingBack = primary && primary !== ours && primary.taskDefinition !== ours.taskDefinition;
    return {
      state: 'failed',
      reason: `rolloutState FAILED: ${ours.rolloutStateReason ?? 'no reason given'}`,
      deployment: ours,
      ...(rollingBack && {
        rollback: { taskDefinition: primary.taskDefinition!, deploymentId: primary.id! },
      }),
    };
  }
  const desired = service.desiredCount ?? 0;
  if (
    deployments.length === 1 &&
    (ours.rolloutState === undefined || ours.rolloutState === 'COMPLETED') &&
    ours.runningCount === desired &&
    service.runningCount === desired
  ) {
    return { state: 'steady' };
  }
  return { state: 'waiting', waitingOn: waitingOn(service, ours), deployment: ours };
}

/** What a service still waits on, in words: `1/2 running on web:3 (1 pending); web:2 has 2 tasks to stop`. */
export function waitingOn(service: Service, ours: Deployment): string {
  const desired = service.desiredCount ?? 0;
  const parts = [`${ours.runningCount ?? 0}/${desired} running on ${shortName(ours.taskDefinition)}`];
  if (ours.pendingCount) parts[0] += ` (${ours.pendingCount} pending)`;
  if (ours.failedTasks) parts[0] += ` (${ours.failedTasks} failed)`;
  for (const old of service.deployments ?? []) {
    if (old === ours) continue;
    const tasks = (old.runningCount ?? 0) + (old.pendingCount ?? 0);
    if (tasks === 0) continue;
    parts.push(`${shortName(old.taskDefinition)} still has ${tasks} task${tasks === 1 ? '' : 's'} to stop`);
  }
  if (parts.length === 1 && ours.runningCount === desired) {
    parts.push(`ECS to mark the deployment COMPLETED (${ours.rolloutState ?? 'no rollout state'})`);
  }
  return parts.join('; ');
}

/**
 * A task of a deployment that stopped because something is wrong with it: it could not start,
 * its essential container exited, or it failed its health checks. Scale-in, replacement by a
 * newer deployment, a user's StopTask and Spot interruptions are not failures.
 */
export function isFailedStop(task: Task): boolean {
  if (task.desiredStatus !== 'STOPPED') return false;
  if (task.stopCode === 'TaskFailedToStart' || task.stopCode === 'EssentialContainerExited') return true;
  return task.stopCode === 'ServiceSchedulerInitiated' && /health ?checks?/i.test(task.stoppedReason ?? '');
}

/** The container that explains a stop: a non-zero exit code first, then one with a reason. */
export function culprit(task: Task): Container | undefined {
  const containers = task.containers ?? [];
  return (
    containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0) ??
    containers.find((c) => c.reason) ??
    containers.find((c) => c.exitCode !== undefined) ??
    containers[0]
  );
}

/** `task 0a1b… stopped: <reason> (<stop code>); container "web" exited with code 1`. */
export function describeStop(task: Task): string {
  const id = task.taskArn?.slice(task.taskArn.lastIndexOf('/') + 1) ?? '?';
  let text = `task ${id} stopped: ${task.stoppedReason ?? 'no reason given'}`;
  if (task.stopCode) text += ` (${task.stopCode})`;
  const container = culprit(task);
  if (container?.exitCode !== undefined)
    text += `; container "${container.name}" exited with code ${container.exitCode}`;
  else if (container) text += `; container "${container.name}" has no exit code`;
  if (container?.reason) text += ` (${container.reason})`;
  return text;
}

/** The most recent failed stop of a deployment among described tasks. */
export function latestFailedStop(tasks: Task[], deploymentId: string | undefined): Task | undefined {
  const stamp = (t: Task) => (t.stoppingAt ?? t.stoppedAt ?? t.createdAt)?.getTime() ?? 0;
  return tasks
    .filter((t) => (deploymentId === undefined || t.startedBy === deploymentId) && isFailedStop(t))
    .sort((a, b) => stamp(b) - stamp(a))[0];
}

/**
 * ECS rolls this service's failed deployments back itself: its circuit breaker or its alarms are
 * set to roll back. Then ECS's thresholds (the user's) decide when a rollout has failed, and one
 * stopped task is only a sign.
 */
export function ecsRollsBack(service: Service): boolean {
  const config = service.deploymentConfiguration;
  return Boolean(
    (config?.deploymentCircuitBreaker?.enable && config.deploymentCircuitBreaker.rollback) ||
    (config?.alarms?.enable && config.alarms.rollback),
  );
}
