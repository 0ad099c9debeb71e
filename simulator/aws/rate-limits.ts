import { AwsError } from './errors.ts';

/**
 * ECS's API rate limits, as AWS applies them: a token bucket per group of actions, per account
 * and Region. A call takes a token; an empty bucket answers ThrottlingException "Rate exceeded";
 * the bucket refills at the sustained rate up to its burst. Figures from AWS's "Request
 * throttling for the Amazon ECS API" (ECS API Reference), table "Request token bucket sizes and
 * refill rates". StopServiceDeployment is not in that table: it is given the service modify
 * group's figures, the nearest kind.
 */

export interface Bucket {
  /** Bucket maximum capacity: the burst. */
  burst: number;
  /** Bucket refill rate: the sustained calls a second. */
  refill: number;
}

interface Group extends Bucket {
  actions: string[];
}

export const ECS_RATE_LIMITS: Record<string, Group> = {
  'cluster read': { burst: 50, refill: 20, actions: ['DescribeClusters', 'ListClusters'] },
  'service read': { burst: 100, refill: 20, actions: ['DescribeServices', 'ListServices'] },
  'service modify': {
    burst: 50,
    refill: 5,
    actions: ['CreateService', 'DeleteService', 'UpdateService', 'StopServiceDeployment'],
  },
  'service deployment': {
    burst: 50,
    refill: 20,
    actions: ['DescribeServiceDeployments', 'ListServiceDeployments'],
  },
  'service revision': { burst: 50, refill: 20, actions: ['DescribeServiceRevisions'] },
  'cluster resource read': { burst: 100, refill: 20, actions: ['DescribeTasks', 'ListTasks'] },
  'cluster resource modify': { burst: 100, refill: 40, actions: ['RunTask', 'StopTask'] },
  'task definition read': {
    burst: 50,
    refill: 20,
    actions: ['DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'],
  },
  'task definition modify': {
    burst: 20,
    refill: 1,
    actions: ['RegisterTaskDefinition', 'DeregisterTaskDefinition'],
  },
};

/** One account's buckets; `take` throws the throttle AWS answers when a group's bucket is empty. */
export class RateLimiter {
  private readonly groupOf = new Map<string, string>();
  private readonly buckets = new Map<string, { tokens: number; at: number } & Bucket>();
  /** Calls refused, by action: what a bench reports. */
  readonly throttled = new Map<string, number>();

  constructor(groups: Record<string, Group>) {
    for (const [name, { burst, refill, actions }] of Object.entries(groups)) {
      this.buckets.set(name, { burst, refill, tokens: burst, at: Date.now() });
      for (const action of actions) this.groupOf.set(action, name);
    }
  }

  take(action: string, now = Date.now()): void {
    const group = this.groupOf.get(action);
    const bucket = group && this.buckets.get(group);
    if (!bucket) return;
    // Calls may arrive stamped a little out of order: time never runs back for a bucket.
    bucket.tokens = Math.min(
      bucket.burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * bucket.refill,
    );
    bucket.at = Math.max(bucket.at, now);
    if (bucket.tokens < 1) {
      this.throttled.set(action, (this.throttled.get(action) ?? 0) + 1);
      throw new AwsError('ThrottlingException', 'Rate exceeded');
    }
    bucket.tokens -= 1;
  }
}
