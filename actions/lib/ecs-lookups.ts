import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import { ConfigurationError } from './errors.ts';
import { chunks } from './poll.ts';

/** Fails naming the `cluster` input unless the cluster exists and is ACTIVE. */
export async function requireActiveCluster(ecs: ECSClient, cluster: string): Promise<void> {
  const { clusters = [], failures = [] } = await ecs.send(
    new DescribeClustersCommand({ clusters: [cluster] }),
  );
  const found = clusters[0];
  if (failures.length > 0 || !found) {
    throw new ConfigurationError(`Input "cluster": cluster "${cluster}" was not found.`);
  }
  if (found.status !== 'ACTIVE') {
    throw new ConfigurationError(`Input "cluster": cluster "${cluster}" is ${found.status}.`);
  }
}

/** DescribeServices by name, 10 a call (the API's limit), the calls in parallel; missing ones are absent. */
export async function describeServices(
  ecs: ECSClient,
  cluster: string,
  names: string[],
  signal?: AbortSignal,
): Promise<Map<string, Service>> {
  const pages = await Promise.all(
    chunks(names, 10).map((services) =>
      ecs.send(new DescribeServicesCommand({ cluster, services }), {
        ...(signal && { abortSignal: signal }),
      }),
    ),
  );
  const byName = new Map<string, Service>();
  for (const page of pages)
    for (const service of page.services ?? []) byName.set(service.serviceName!, service);
  return byName;
}
