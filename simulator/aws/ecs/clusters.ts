import { AwsError, clusterNotFound } from '../errors.ts';
import { listServiceRecords } from './services.ts';
import { paginate } from './task-definitions.ts';
import type { Operations } from '../protocol.ts';
import type { ClusterRecord, EmulatorState, Json } from '../state.ts';

const nameOf = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

export function createCluster(
  state: EmulatorState,
  name: string,
  capacityProviders = ['FARGATE', 'FARGATE_SPOT'],
): ClusterRecord {
  const cluster: ClusterRecord = {
    clusterArn: state.arn('ecs', `cluster/${name}`),
    clusterName: name,
    status: 'ACTIVE',
    capacityProviders,
    tags: [],
  };
  state.clusters.set(name, cluster);
  return cluster;
}

/** The cluster a request names (name or ARN, `default` when absent); ClusterNotFoundException if none. */
export function findCluster(state: EmulatorState, ref: unknown): ClusterRecord {
  const cluster = state.clusters.get(nameOf(typeof ref === 'string' && ref !== '' ? ref : 'default'));
  if (!cluster || cluster.status !== 'ACTIVE') throw clusterNotFound();
  return cluster;
}

export const clusterOperations: Operations = {
  ListClusters(state, input) {
    const arns = [...state.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.clusterArn);
    return paginate(arns, input, 'clusterArns', 100);
  },

  DescribeClusters(state, input) {
    const refs = (input['clusters'] as string[] | undefined) ?? ['default'];
    const clusters: Json[] = [];
    const failures: Json[] = [];
    for (const ref of refs) {
      const cluster = state.clusters.get(nameOf(ref));
      if (cluster) {
        const { tags, ...rest } = cluster;
        const include = (input['include'] as string[] | undefined) ?? [];
        clusters.push({ ...rest, ...(include.includes('TAGS') && { tags }) });
      } else {
        failures.push({
          arn: ref.startsWith('arn:') ? ref : state.arn('ecs', `cluster/${ref}`),
          reason: 'MISSING',
        });
      }
    }
    return { clusters, failures };
  },

  /** As ECS: refused while services are ACTIVE or DRAINING or tasks run; then INACTIVE. */
  DeleteCluster(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const mine = (arn: string) => arn === cluster.clusterArn;
    if (listServiceRecords(state).some((s) => mine(s.clusterArn) && s.status !== 'INACTIVE'))
      throw new AwsError(
        'ClusterContainsServicesException',
        'The Cluster cannot be deleted while Services are active.',
      );
    if ([...state.tasks.values()].some((t) => mine(t.clusterArn) && t.lastStatus !== 'STOPPED'))
      throw new AwsError(
        'ClusterContainsTasksException',
        'The Cluster cannot be deleted while Tasks are active.',
      );
    cluster.status = 'INACTIVE';
    const { tags: _tags, ...rest } = cluster;
    return { cluster: rest };
  },
};
