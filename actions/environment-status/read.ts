import {
  DescribeClustersCommand,
  ListClustersCommand,
  ListServicesCommand,
  TagResourceCommand,
  type ECSClient,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { nameFromArn } from '../lib/arn.ts';
import { describeServices } from '../lib/ecs-lookups.ts';
import { describeTaskDefinition } from '../lib/task-definitions.ts';

/** What ECS says about one environment: its cluster, services and the revisions they run. */
export interface Reading {
  name: string;
  exists: boolean;
  clusterTags: Record<string, string>;
  services: Service[];
  /** By ARN: the revisions the services run. */
  taskDefinitions: Record<string, TaskDefinition>;
  revisionTags: Record<string, Record<string, string>>;
  /** Registration of the first revision of its families (Terraform's): when it was created. */
  createdAt?: number;
}

const tagMap = (tags: { key?: string; value?: string }[] = []) =>
  Object.fromEntries(tags.map((t) => [t.key ?? '', t.value ?? '']));

export async function readEnvironment(ecs: ECSClient, name: string): Promise<Reading> {
  const { clusters = [] } = await ecs.send(
    new DescribeClustersCommand({ clusters: [name], include: ['TAGS'] }),
  );
  const cluster = clusters.find((c) => c.status === 'ACTIVE');
  const reading: Reading = {
    name,
    exists: cluster !== undefined,
    clusterTags: tagMap(cluster?.tags),
    services: [],
    taskDefinitions: {},
    revisionTags: {},
  };
  if (!cluster) return reading;
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListServicesCommand({ cluster: name, maxResults: 100, nextToken }));
    arns.push(...(page.serviceArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  reading.services = [...(await describeServices(ecs, name, arns.map(nameFromArn))).values()].filter(
    (s) => s.status === 'ACTIVE',
  );
  const running = [...new Set(reading.services.flatMap((s) => (s.taskDefinition ? [s.taskDefinition] : [])))];
  for (const arn of running) {
    const described = await describeTaskDefinition(ecs, arn);
    if (!described) continue;
    reading.taskDefinitions[arn] = described.taskDefinition;
    reading.revisionTags[arn] = tagMap(described.tags);
  }
  const families = [...new Set(Object.values(reading.taskDefinitions).map((d) => d.family!))];
  const firsts = await Promise.all(families.map((family) => describeTaskDefinition(ecs, `${family}:1`)));
  const created = firsts.flatMap((d) =>
    d?.taskDefinition.registeredAt ? [d.taskDefinition.registeredAt.getTime()] : [],
  );
  if (created.length > 0) reading.createdAt = Math.min(...created);
  return reading;
}

/** The ECS clusters of the account and region, by name (to divide the shared stack among them). */
export async function clusterNames(ecs: ECSClient): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListClustersCommand({ nextToken }));
    names.push(...(page.clusterArns ?? []).map(nameFromArn));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

/** Marks the revisions an environment runs as active now (a resume, so the janitor starts over). */
export async function markActive(ecs: ECSClient, arns: string[], key: string, now: Date): Promise<void> {
  await Promise.all(
    arns.map((resourceArn) =>
      ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key, value: now.toISOString() }] })),
    ),
  );
}
