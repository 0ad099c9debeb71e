import type { DeploymentCircuitBreaker, Service } from '@aws-sdk/client-ecs';

/**
 * ECS's own rollout policy for a service, in words: the circuit breaker (with its threshold
 * configuration), deployment alarms, and early success criteria. With a breaker or alarms set to
 * roll back, ECS decides when a rollout has failed (decide.ts follows it), so the step says at
 * the start what ECS will decide by, and at a crash how far the breaker has counted.
 */

/**
 * The failed-task count at which the breaker fails a deployment of `desired` tasks, as ECS
 * computes it: a percentage of the desired count (BOUNDED_PERCENT, the default at 50, kept
 * within 3 – 200; UNBOUNDED_PERCENT without those bounds) or a COUNT as given.
 */
export function breakerThreshold(breaker: DeploymentCircuitBreaker, desired: number): number {
  const { type, value } = thresholdOf(breaker);
  if (type === 'COUNT') return value;
  const share = Math.ceil((desired * value) / 100);
  return type === 'UNBOUNDED_PERCENT' ? Math.max(1, share) : Math.min(Math.max(share, 3), 200);
}

/** The breaker's threshold configuration, ECS's defaults filled in. */
function thresholdOf(breaker: DeploymentCircuitBreaker) {
  const { type = 'BOUNDED_PERCENT', value = 50 } = breaker.thresholdConfiguration ?? {};
  return { type, value };
}

/** `circuit breaker (rollback): fails at 3 failed tasks (50 % of 4, bounded 3–200); …`, or '' when ECS has none. */
export function describePolicy(service: Service): string {
  const config = service.deploymentConfiguration;
  const parts: string[] = [];
  const breaker = config?.deploymentCircuitBreaker;
  if (breaker?.enable) {
    const desired = service.desiredCount ?? 0;
    const { type, value } = thresholdOf(breaker);
    const how =
      type === 'COUNT'
        ? 'a count'
        : `${value} % of ${desired} desired${type === 'BOUNDED_PERCENT' ? ', bounded 3–200' : ''}`;
    const reset = breaker.resetOnHealthyTask === false ? '; a healthy task does not reset the count' : '';
    parts.push(
      `circuit breaker (${breaker.rollback ? 'rolls back' : 'no rollback'}): fails at ${breakerThreshold(breaker, desired)} failed tasks (${how}${reset})`,
    );
  }
  const alarms = config?.alarms;
  if (alarms?.enable && (alarms.alarmNames?.length ?? 0) > 0) {
    parts.push(`alarms ${alarms.alarmNames!.join(', ')} (${alarms.rollback ? 'roll back' : 'no rollback'})`);
  }
  const early = config?.earlySuccessCriteria;
  if (early?.enable) {
    parts.push(
      `early success at ${early.healthyPercent ?? '?'} % healthy (old tasks removed ${early.sourceServiceRevisionCleanup === 'DEFERRED' ? 'after' : 'before'} success)`,
    );
  }
  return parts.join('; ');
}

/** `the circuit breaker has counted 1 of 3 failed tasks`, from a service deployment's own count when ECS gives it. */
export function breakerCount(
  service: Service | undefined,
  counted: { failureCount?: number; threshold?: number } | undefined,
  failedTasks: number | undefined,
): string {
  const breaker = service?.deploymentConfiguration?.deploymentCircuitBreaker;
  if (!breaker?.enable) return '';
  const threshold = counted?.threshold || breakerThreshold(breaker, service?.desiredCount ?? 0);
  const count = counted?.threshold ? (counted.failureCount ?? 0) : (failedTasks ?? 0);
  return `the circuit breaker has counted ${count} of ${threshold} failed tasks`;
}
