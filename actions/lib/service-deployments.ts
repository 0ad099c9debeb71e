import {
  DescribeServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { chunks } from './poll.ts';

/**
 * ECS service deployments as the truth of a rollout (deploy engine v2): what one
 * DescribeServiceDeployments answer means for the step, and the batched read itself.
 */

/** DescribeServiceDeployments takes at most this many ARNs a call. */
export const DESCRIBE_LIMIT = 20;

export interface PausedHook {
  serviceDeploymentArn: string;
  hookId: string;
  stage: string;
  /** ISO 8601; when ECS takes the hook's timeout action. */
  expiresAt?: string;
  /** What ECS does then: CONTINUE or ROLLBACK. */
  timeoutAction?: string;
  testUrl?: string;
}

export type Verdict =
  | { state: 'steady' }
  | { state: 'waiting'; stage?: string }
  | { state: 'paused'; hook: PausedHook }
  /** ECS is rolling back (circuit breaker, alarms, a hook's timeout, a StopServiceDeployment). */
  | { state: 'rolling-back'; reason: string }
  | { state: 'rolled-back'; reason: string }
  | { state: 'failed'; reason: string };

/** A reason as a clause: without its full stop. */
export const withoutDot = (text: string) => text.replace(/\.$/, '');

/** What a service deployment's status, hooks and reasons mean for whoever waits on it. */
export function judge(deployment: ServiceDeployment): Verdict {
  const reason = withoutDot(deployment.statusReason ?? deployment.rollback?.reason ?? '');
  switch (deployment.status) {
    case 'SUCCESSFUL':
      return { state: 'steady' };
    case 'ROLLBACK_REQUESTED':
    case 'ROLLBACK_IN_PROGRESS':
      return { state: 'rolling-back', reason: reason || 'ECS is rolling the deployment back' };
    case 'ROLLBACK_SUCCESSFUL':
      return { state: 'rolled-back', reason: reason || 'ECS rolled the deployment back' };
    case 'ROLLBACK_FAILED':
      return { state: 'failed', reason: `the rollback failed${reason ? `: ${reason}` : ''}` };
    case 'STOP_REQUESTED':
    case 'STOPPED':
      return { state: 'failed', reason: `the service deployment was stopped${reason ? `: ${reason}` : ''}` };
    default: {
      const hook = deployment.lifecycleHookDetails?.find(
        (h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION',
      );
      if (hook?.hookId && deployment.serviceDeploymentArn) {
        return {
          state: 'paused',
          hook: {
            serviceDeploymentArn: deployment.serviceDeploymentArn,
            hookId: hook.hookId,
            stage: deployment.lifecycleStage ?? 'unknown stage',
            ...(hook.expiresAt && { expiresAt: hook.expiresAt.toISOString() }),
            ...(hook.timeoutAction && { timeoutAction: hook.timeoutAction }),
          },
        };
      }
      return { state: 'waiting', ...(deployment.lifecycleStage && { stage: deployment.lifecycleStage }) };
    }
  }
}

const STAGE_TEXT: Record<string, string> = {
  RECONCILE_SERVICE: 'reconciling revisions',
  PRE_SCALE_UP: 'before scale-up',
  SCALE_UP: 'starting the new revision',
  POST_SCALE_UP: 'new revision running, no traffic yet',
  TEST_TRAFFIC_SHIFT: 'test traffic moving to the new revision',
  POST_TEST_TRAFFIC_SHIFT: 'test traffic on the new revision',
  PRODUCTION_TRAFFIC_SHIFT: 'production traffic moving to the new revision',
  POST_PRODUCTION_TRAFFIC_SHIFT: 'production traffic shifted',
  BAKE_TIME: 'bake time',
  CLEAN_UP: 'stopping the old revision',
};

/** A stage in words, with what the configuration says about its length. */
export function describeStage(deployment: ServiceDeployment): string {
  const stage = deployment.lifecycleStage ?? '';
  const config = deployment.deploymentConfiguration;
  let text = `${stage} (${STAGE_TEXT[stage] ?? 'in progress'}`;
  if (stage === 'BAKE_TIME' && config?.bakeTimeInMinutes !== undefined) {
    text += `, ${config.bakeTimeInMinutes} min left`;
  }
  if (stage === 'PRODUCTION_TRAFFIC_SHIFT' && config?.strategy === 'CANARY' && config.canaryConfiguration) {
    const { canaryPercent, canaryBakeTimeInMinutes } = config.canaryConfiguration;
    text += `, canary ${canaryPercent ?? '?'}% for ${canaryBakeTimeInMinutes ?? 0} min`;
  }
  if (stage === 'PRODUCTION_TRAFFIC_SHIFT' && config?.strategy === 'LINEAR' && config.linearConfiguration) {
    const { stepPercent, stepBakeTimeInMinutes } = config.linearConfiguration;
    text += `, ${stepPercent ?? '?'}% every ${stepBakeTimeInMinutes ?? 0} min`;
  }
  return `${text})`;
}

/** Whether stage changes are worth printing: a rolling update only scales up and cleans up. */
export const hasTrafficStages = (deployment: ServiceDeployment) =>
  (deployment.deploymentConfiguration?.strategy ?? 'ROLLING') !== 'ROLLING';

/** DescribeServiceDeployments for every ARN, 20 a call, calls in parallel; unknown ARNs are left out. */
export async function describeServiceDeployments(
  ecs: ECSClient,
  arns: string[],
  abortSignal?: AbortSignal,
): Promise<Map<string, ServiceDeployment>> {
  const answers = await Promise.all(
    chunks([...new Set(arns)], DESCRIBE_LIMIT).map((batch) =>
      ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: batch }),
        abortSignal ? { abortSignal } : {},
      ),
    ),
  );
  const found = new Map<string, ServiceDeployment>();
  for (const { serviceDeployments = [] } of answers) {
    for (const d of serviceDeployments) found.set(d.serviceDeploymentArn!, d);
  }
  return found;
}
