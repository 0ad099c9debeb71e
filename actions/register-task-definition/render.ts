import type {
  ContainerDefinition,
  RegisterTaskDefinitionCommandInput,
  Tag,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ConfigurationError } from '../lib/errors.ts';
import { withEcsDefaults } from './ecs-defaults.ts';
import { withTagOrDigest } from './image-ref.ts';
import type { EnvironmentSetting } from '../lib/key-value.ts';
import type { ImageOverride } from './settings.ts';

export type RegisterInput = RegisterTaskDefinitionCommandInput;

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition rejects. */
const DESCRIBE_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

export interface Changes {
  images: ImageOverride[];
  /** A tag or a digest (`sha256:...`) for every container whose image is from `repository`. */
  imageTag?: { tag: string; repository?: string };
  environment: EnvironmentSetting[];
}

/**
 * The registration input for a described (or file) task definition: describe-only fields
 * dropped, every other field kept as it is, even ones this code does not know.
 */
export function toRegisterInput(definition: TaskDefinition | RegisterInput, tags?: Tag[]): RegisterInput {
  const input = structuredClone(definition) as Record<string, unknown>;
  for (const field of DESCRIBE_ONLY) delete input[field];
  if (tags && tags.length > 0) input['tags'] = tags;
  return input as unknown as RegisterInput;
}

/** Applies images, image tag and environment to every definition, or throws naming the input. */
export function applyChanges(definitions: RegisterInput[], changes: Changes): RegisterInput[] {
  const rendered = definitions.map((definition) => structuredClone(definition));
  const containers = rendered.flatMap((definition) => definition.containerDefinitions ?? []);
  const names = new Set(containers.map((container) => container.name));
  const known = () => [...names].join(', ') || 'none';

  for (const { container, image } of changes.images) {
    if (container !== '*' && !names.has(container)) {
      throw new ConfigurationError(
        `Input "images": container "${container}" is not in ${familiesOf(definitions)} (containers: ${known()}).`,
      );
    }
    for (const c of containers) if (container === '*' || c.name === container) c.image = image;
  }

  if (changes.imageTag) {
    const { tag, repository } = changes.imageTag;
    const matching = containers.filter(
      (c) => c.image !== undefined && (repository === undefined || fromRepository(c.image, repository)),
    );
    if (matching.length === 0) {
      throw new ConfigurationError(
        `Input "repository": no container of ${familiesOf(definitions)} has an image from "${repository ?? ''}".`,
      );
    }
    for (const c of matching) c.image = withTagOrDigest(imageRepository(c.image!), tag);
  }

  for (const setting of changes.environment) {
    if (setting.container !== undefined && !names.has(setting.container)) {
      throw new ConfigurationError(
        `Input "environment": container "${setting.container}" is not in ${familiesOf(definitions)} (containers: ${known()}).`,
      );
    }
    for (const c of containers) {
      if (setting.container === undefined || c.name === setting.container) setVariable(c, setting);
    }
  }
  return rendered;
}

function familiesOf(definitions: RegisterInput[]): string {
  const families = definitions.map((d) => `"${d.family}"`);
  return families.length === 1 ? `task definition ${families[0]}` : `task definitions ${families.join(', ')}`;
}

function setVariable(container: ContainerDefinition, { name, value }: EnvironmentSetting): void {
  const environment = (container.environment ??= []);
  const existing = environment.find((variable) => variable.name === name);
  if (existing) existing.value = value;
  else environment.push({ name, value });
}

/** `registry/path/name:tag` or `...@sha256:...` → `registry/path/name`. */
export function imageRepository(image: string): string {
  const digest = image.indexOf('@');
  const withoutDigest = digest >= 0 ? image.slice(0, digest) : image;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** True when the image's repository is `repository`, given in full or as its path after the registry. */
function fromRepository(image: string, repository: string): boolean {
  const own = imageRepository(image);
  return own === repository || own.endsWith(`/${repository}`);
}

/** True when registering `next` would give the same task definition as `current`. */
export function sameDefinition(current: RegisterInput, next: RegisterInput): boolean {
  const canonical = (input: RegisterInput) => JSON.stringify(normalize(withEcsDefaults(withoutTags(input))));
  return canonical(current) === canonical(next);
}

function withoutTags(input: RegisterInput): RegisterInput {
  const { tags: _tags, ...rest } = input;
  return rest;
}

/** Lists whose order ECS does not keep or care about. */
const UNORDERED = new Set(['environment', 'secrets', 'environmentFiles', 'volumes']);

/**
 * A canonical form for comparison: keys sorted, empty values dropped (ECS returns `[]` for
 * fields a file leaves out), unordered lists sorted, numbers as strings (ECS stores task-level
 * cpu and memory as strings, files often give numbers).
 */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalize(item)).filter((item) => item !== undefined);
    if (items.length === 0) return undefined;
    return UNORDERED.has(key) ? items.sort(byJson) : items;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, item]) => [k, normalize(item, k)] as const)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  if (value === null || value === '') return undefined;
  return typeof value === 'number' ? String(value) : value;
}

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
