import { clientException, invalidParameter } from '../errors.ts';
import type { Operations } from '../protocol.ts';
import type { EmulatorState, Json, TaskDefinitionRecord } from '../state.ts';

const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;
const ARN = /^arn:aws[a-z-]*:ecs:[^:]*:\d+:task-definition\/([^:]+):(\d+)$/;
/** Fields that only DescribeTaskDefinition returns; registering them is a caller's bug. */
const DESCRIBE_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
];

type Tags = TaskDefinitionRecord['tags'];

/** `registeredBy` is who signed the request, as ECS records it (an assumed-role ARN for a role session). */
export function registerTaskDefinition(
  state: EmulatorState,
  input: Json,
  registeredBy: string,
): TaskDefinitionRecord {
  const { tags = [], ...definition } = input as Json & { tags?: Tags };
  const family = definition['family'];
  if (typeof family !== 'string' || !FAMILY.test(family)) {
    throw clientException(
      'Family contains invalid characters or is too long. Up to 255 letters, numbers, hyphens and underscores are allowed.',
    );
  }
  const misplaced = DESCRIBE_ONLY.find((field) => field in definition);
  if (misplaced) throw clientException(`Unknown parameter in input: "${misplaced}".`);
  const containers = definition['containerDefinitions'];
  if (!Array.isArray(containers) || containers.length === 0) {
    throw clientException('Container list cannot be empty.');
  }
  for (const container of containers as Json[]) {
    if (typeof container['name'] !== 'string' || typeof container['image'] !== 'string') {
      throw clientException('Container.name and Container.image should not be null or empty.');
    }
  }
  for (const tag of tags) {
    if (!tag.key || tag.key.length > 128 || (tag.value ?? '').length > 256) {
      throw invalidParameter(
        `Tag ${JSON.stringify(tag)} is invalid: keys are 1-128 characters, values up to 256.`,
      );
    }
  }
  const revisions = state.taskDefinitions.get(family) ?? [];
  const revision = revisions.length + 1;
  const fargate = ((definition['requiresCompatibilities'] as string[] | undefined) ?? []).includes('FARGATE');
  const record: TaskDefinitionRecord = {
    definition: {
      ...fillDefaults(structuredClone(definition)),
      family,
      taskDefinitionArn: state.arn('ecs', `task-definition/${family}:${revision}`),
      revision,
      status: 'ACTIVE',
      requiresAttributes: [],
      compatibilities: fargate ? ['EC2', 'FARGATE'] : ['EC2'],
      registeredAt: state.now(),
      registeredBy,
    },
    tags: structuredClone(tags),
  };
  state.taskDefinitions.set(family, [...revisions, record]);
  return record;
}

/**
 * What real ECS stores for fields a registration leaves out (seen in DescribeTaskDefinition
 * responses): written apart from the action's own list on purpose, so a default the action
 * forgets shows up as a needless new revision in the integration tests.
 */
function fillDefaults(definition: Json): Json {
  const networkMode = (definition['networkMode'] as string | undefined) ?? 'bridge';
  const containers = (definition['containerDefinitions'] as Json[]).map((given) => {
    const container: Json = {
      cpu: 0,
      essential: true,
      portMappings: [],
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
      ...given,
    };
    container['portMappings'] = (container['portMappings'] as Json[]).map((mapping) => ({
      ...(networkMode !== 'bridge' && { hostPort: mapping['containerPort'] }),
      protocol: 'tcp',
      ...mapping,
    }));
    if (container['healthCheck']) {
      container['healthCheck'] = {
        interval: 30,
        timeout: 5,
        retries: 3,
        ...(container['healthCheck'] as Json),
      };
    }
    return container;
  });
  return {
    volumes: [],
    placementConstraints: [],
    ...definition,
    networkMode,
    containerDefinitions: containers,
  };
}

/** Resolves `family`, `family:revision` or an ARN like ECS: a bare family means its latest ACTIVE revision. */
export function findTaskDefinition(state: EmulatorState, ref: unknown): TaskDefinitionRecord | undefined {
  if (typeof ref !== 'string') return undefined;
  const arn = ARN.exec(ref);
  const [family, revision] = arn ? [arn[1]!, arn[2]] : ref.split(':');
  const revisions = state.taskDefinitions.get(family ?? '') ?? [];
  if (revision === undefined) return revisions.findLast((r) => r.definition.status === 'ACTIVE');
  return revisions[Number(revision) - 1];
}

function describe(state: EmulatorState, ref: unknown): TaskDefinitionRecord {
  const record = findTaskDefinition(state, ref);
  if (!record) throw clientException('Unable to describe task definition.');
  return record;
}

export const taskDefinitionOperations: Operations = {
  RegisterTaskDefinition(state, input, caller) {
    const record = registerTaskDefinition(state, input, caller.arn);
    return { taskDefinition: record.definition, tags: record.tags };
  },

  DescribeTaskDefinition(state, input) {
    const record = describe(state, input['taskDefinition']);
    const include = (input['include'] as string[] | undefined) ?? [];
    return { taskDefinition: record.definition, ...(include.includes('TAGS') && { tags: record.tags }) };
  },

  DeregisterTaskDefinition(state, input) {
    const ref = input['taskDefinition'];
    if (typeof ref !== 'string' || !(ARN.test(ref) || /^[^:]+:\d+$/.test(ref))) {
      throw clientException('The specified task definition identifier is invalid. Specify a valid revision.');
    }
    const record = describe(state, ref);
    record.definition.status = 'INACTIVE';
    record.definition['deregisteredAt'] = state.now();
    return { taskDefinition: record.definition };
  },

  // Up to 10 INACTIVE revisions (family:revision or ARN); an ACTIVE one is a failure, not an
  // error. A deleted revision is DELETE_IN_PROGRESS and no longer described or listed as
  // ACTIVE or INACTIVE (API reference: DeleteTaskDefinitions).
  DeleteTaskDefinitions(state, input) {
    const refs = (input['taskDefinitions'] as unknown[] | undefined) ?? [];
    if (refs.length < 1 || refs.length > 10) {
      throw invalidParameter('taskDefinitions must list 1 to 10 task definition revisions.');
    }
    const deleted: Json[] = [];
    const failures: Json[] = [];
    for (const ref of refs) {
      const record =
        typeof ref === 'string' && (ARN.test(ref) || /^[^:]+:\d+$/.test(ref))
          ? findTaskDefinition(state, ref)
          : undefined;
      if (!record) failures.push({ arn: String(ref), reason: 'TASK_DEFINITION_NOT_FOUND' });
      else if (record.definition.status !== 'INACTIVE') {
        failures.push({
          arn: record.definition.taskDefinitionArn,
          reason:
            'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
        });
      } else {
        record.definition.status = 'DELETE_IN_PROGRESS';
        deleted.push(record.definition);
      }
    }
    return { taskDefinitions: deleted, failures };
  },

  // familyPrefix here is the FULL family name (API reference: "limits the listed task
  // definitions to task definition revisions that belong to that family"), not a prefix.
  ListTaskDefinitions(state, input) {
    const family = input['familyPrefix'] as string | undefined;
    const status = (input['status'] as string | undefined) ?? 'ACTIVE';
    const arns = [...state.taskDefinitions.entries()]
      .filter(([name]) => family === undefined || name === family)
      .flatMap(([, revisions]) => revisions)
      .filter((r) => r.definition.status === status)
      .map((r) => r.definition.taskDefinitionArn);
    if (input['sort'] === 'DESC') arns.reverse();
    return paginate(arns, input, 'taskDefinitionArns', 100);
  },

  // Here familyPrefix is a prefix. status ACTIVE: families with an ACTIVE revision; INACTIVE:
  // families with none; ALL (the default): every family.
  ListTaskDefinitionFamilies(state, input) {
    const prefix = (input['familyPrefix'] as string | undefined) ?? '';
    const status = (input['status'] as string | undefined) ?? 'ALL';
    const families = [...state.taskDefinitions.entries()]
      .filter(([name]) => name.startsWith(prefix))
      .filter(([, revisions]) => {
        const active = revisions.some((r) => r.definition.status === 'ACTIVE');
        return status === 'ALL' || (status === 'ACTIVE') === active;
      })
      .map(([name]) => name)
      .sort();
    return paginate(families, input, 'families', 100);
  },
};

/** ECS-style pagination: an opaque token (the offset here) and maxResults up to a limit. */
export function paginate<T>(items: T[], input: Json, key: string, limit: number): Json {
  const max = Math.min(Number(input['maxResults'] ?? limit), limit);
  const start = Number(input['nextToken'] ?? 0);
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? String(start + max) : undefined;
  return { [key]: page, ...(next && { nextToken: next }) };
}
