import type { Deployment, Service } from '@aws-sdk/client-ecs';

/** What the rollout unit tests describe ECS with: service `web` of 2 tasks, revisions `web:<n>`. */

export const ARN = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${revision}`;

export function deployment(revision: number, fields: Partial<Deployment> = {}): Deployment {
  return {
    id: `ecs-svc/${revision}`,
    status: 'PRIMARY',
    taskDefinition: ARN(revision),
    desiredCount: 2,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    ...fields,
  };
}

export function service(deployments: Deployment[], fields: Partial<Service> = {}): Service {
  const runningCount = deployments.reduce((n, d) => n + (d.runningCount ?? 0), 0);
  return { serviceName: 'web', status: 'ACTIVE', desiredCount: 2, runningCount, deployments, ...fields };
}
