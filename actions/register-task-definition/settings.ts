import { regionInput } from '../lib/aws.ts';
import { DIGEST, TAG, isRepository, parseImage } from './image-ref.ts';
import { ConfigurationError } from '../lib/errors.ts';
import {
  booleanInput,
  clusterInput,
  ECS_NAME,
  exclusiveInputs,
  multilineInput,
  optionalInput,
  quote,
} from '../lib/inputs.ts';
import { parseTaskDefinitionRef, type TaskDefinitionRef } from '../lib/arn.ts';
import { parseEnvironmentLines, parseKeyValueLines, type EnvironmentSetting } from '../lib/key-value.ts';
import { releaseInfo } from '../lib/release-history.ts';
import { trustedRegistrarsInput } from '../lib/registrars.ts';
import type { ReleaseInfo } from '../lib/release-history.ts';

export type Source =
  { kind: 'refs'; refs: { text: string; ref: TaskDefinitionRef }[] } | { kind: 'file'; path: string };

export interface ImageOverride {
  /** A container name, or `*` for every container. */
  container: string;
  image: string;
}

export interface Settings {
  region: string;
  source: Source;
  images: ImageOverride[];
  imageTag?: { tag: string; repository?: string };
  environment: EnvironmentSetting[];
  skipUnchanged: boolean;
  /** Tags every revision registered with this release (release history); none outside a workflow. */
  release?: ReleaseInfo;
  /** Roles besides the caller's own whose revisions a family may start from. */
  trustedRegistrars: string[];
  /** Every read and check, the diff printed, nothing registered. */
  dryRun: boolean;
  /** Where each bare family's service runs: its running revision is the base. */
  cluster?: string;
}

const CONTAINER_NAME = /^(\*|[A-Za-z0-9_-]{1,255})$/;

export function getSettings(): Settings {
  exclusiveInputs(['task-definitions', 'task-definition-file']);
  exclusiveInputs(['images', 'image-tag']);
  const imageTag = optionalInput('image-tag');
  const repository = optionalInput('repository');
  if (repository !== undefined && imageTag === undefined) {
    throw new ConfigurationError('Input "repository" is only used with "image-tag".');
  }
  if (imageTag !== undefined && !TAG.test(imageTag) && !DIGEST.test(imageTag)) {
    throw new ConfigurationError(
      `Input "image-tag": ${quote(imageTag)} is neither an image tag nor a digest sha256:<64 hex digits>.`,
    );
  }
  if (repository !== undefined && !isRepository(repository)) {
    throw new ConfigurationError(
      `Input "repository": ${quote(repository)} is not a repository name (registry/path, without tag or digest).`,
    );
  }
  return {
    region: regionInput(),
    source: source(),
    images: images(),
    ...(imageTag !== undefined && { imageTag: { tag: imageTag, ...(repository && { repository }) } }),
    environment: parseEnvironmentLines('environment', multilineInput('environment')),
    skipUnchanged: booleanInput('skip-unchanged', true),
    trustedRegistrars: trustedRegistrarsInput(),
    dryRun: booleanInput('dry-run', false),
    ...clusterSetting(),
    ...releaseSetting(),
  };
}

function clusterSetting(): { cluster?: string } {
  return optionalInput('cluster') === undefined ? {} : { cluster: clusterInput('cluster') };
}

function source(): Source {
  const path = optionalInput('task-definition-file');
  if (path !== undefined) return { kind: 'file', path };
  const lines = multilineInput('task-definitions');
  if (lines.length === 0) {
    throw new ConfigurationError('Input "task-definitions" or "task-definition-file" is required.');
  }
  const refs = lines.map((text) => {
    const ref = parseTaskDefinitionRef(text);
    if (!ref || !ECS_NAME.test(ref.family)) {
      throw new ConfigurationError(
        `Input "task-definitions": ${quote(text)} is not a family, family:revision or task definition ARN.`,
      );
    }
    return { text, ref };
  });
  const families = refs.map(({ ref }) => ref.family);
  const repeated = families.find((family, i) => families.indexOf(family) !== i);
  if (repeated) {
    throw new ConfigurationError(`Input "task-definitions": family "${repeated}" is given twice.`);
  }
  return { kind: 'refs', refs };
}

function images(): ImageOverride[] {
  return parseKeyValueLines('images', multilineInput('images'), 'CONTAINER=IMAGE').map(({ key, value }) => {
    if (!CONTAINER_NAME.test(key)) {
      throw new ConfigurationError(`Input "images": ${quote(key)} is not a container name.`);
    }
    if (!parseImage(value)) {
      throw new ConfigurationError(
        `Input "images": ${quote(value)} is not an image for "${key}" (repository[:tag][@sha256:<64 hex digits>]).`,
      );
    }
    return { container: key, image: value };
  });
}

function releaseSetting(): { release?: ReleaseInfo } {
  const release = releaseInfo(optionalInput('release'), process.env);
  return release ? { release } : {};
}
