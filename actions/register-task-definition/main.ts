import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { describeServices } from '../lib/ecs-lookups.ts';
import { ecsClient } from '../lib/aws.ts';
import { ConfigurationError } from '../lib/errors.ts';
import { checkEcsName, quote } from '../lib/inputs.ts';
import { MAX_IMAGE_LENGTH } from './image-ref.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { loadRegistrars, trustsRegistrar, untrustedWarning, type Registrars } from '../lib/registrars.ts';
import { parseTaskDefinitionRef } from '../lib/arn.ts';
import {
  describeTaskDefinition,
  newestTrustedRevision,
  type DescribedTaskDefinition,
} from '../lib/task-definitions.ts';
import { withReleaseTags, type ReleaseInfo } from '../lib/release-history.ts';
import { diffDefinitions } from '../lib/task-definition-diff.ts';
import { applyChanges, sameDefinition, toRegisterInput, type RegisterInput } from './render.ts';
import { generateSecrets, referencedSecrets } from './generated-secrets.ts';
import { getSettings, type Source } from './settings.ts';

interface Base {
  /** What to render from. */
  input: RegisterInput;
  /** What the family runs (its service's revision, else the newest trusted one), to compare with; undefined for a new family. */
  current?: { arn: string; input: RegisterInput };
  /** The family's newest trusted revision when it is not `current` (a deploy that never rolled out): reused when identical. */
  newest?: { arn: string; input: RegisterInput };
}

interface Result {
  family: string;
  arn: string;
  previousArn?: string;
  changed: boolean;
  images: string[];
  /** What the new revision changes against the one it replaces (diff.ts). */
  diff: string[];
  /** An already registered revision with this definition is used, none registered. */
  reused?: boolean;
}

export async function main(): Promise<void> {
  const settings = getSettings();
  const ecs = ecsClient(settings.region);
  // Everything is read and rendered before the first write, so a mistake changes nothing.
  const registrars = await loadRegistrars(settings.region, settings.trustedRegistrars);
  const bases = await loadBases(ecs, settings.source, settings.skipUnchanged, registrars, settings.cluster);
  const rendered = applyChanges(
    bases.map((base) => base.input),
    settings,
  );
  // Before the first registration: a revision whose secret is still empty would never start.
  const generated = await generateSecrets(settings.region, referencedSecrets(rendered), settings.dryRun);
  core.setOutput('generated-secrets', generated.join('\n'));
  const results = await Promise.all(
    bases.map((base, i) =>
      registerIfChanged(ecs, base, rendered[i]!, settings.skipUnchanged, settings.release, settings.dryRun),
    ),
  );

  for (const result of results) {
    core.info(describe(result, settings.dryRun));
    for (const line of result.diff) core.info(`  ${line}`);
  }
  core.setOutput('diff', results.flatMap((r) => r.diff.map((line) => `${r.family}: ${line}`)).join('\n'));
  const arns = Object.fromEntries(results.map((r) => [r.family, r.arn]));
  core.setOutput('task-definition-arn', results.at(-1)!.arn);
  core.setOutput('task-definition-arns', JSON.stringify(arns));
  core.setOutput('changed', String(results.some((r) => r.changed)));
  await writeSummaryTable(
    settings.dryRun ? 'Task definitions (dry run: nothing registered)' : 'Task definitions',
    ['Family', 'Revision', 'Changed', 'Images', 'Changes'],
    results.map((r) => [
      r.family,
      revisionChange(r),
      r.reused ? 'reused' : r.changed ? (settings.dryRun ? 'would be' : 'yes') : 'no',
      r.images.join(', '),
      r.diff.join('; '),
    ]),
    // The id a rollback names (release-history's release input).
    settings.release ? [`Release ${settings.release.release}.`] : [],
  );
}

async function loadBases(
  ecs: ECSClient,
  source: Source,
  compare: boolean,
  registrars: Registrars,
  cluster: string | undefined,
): Promise<Base[]> {
  const newest = (family: string, input: string) => newestTrustedRevision(ecs, family, registrars, input);
  if (source.kind === 'file') {
    const inputs = await readTaskDefinitionFile(source.path);
    return Promise.all(
      inputs.map(async (input) => {
        const latest = compare ? await newest(input.family!, 'task-definition-file') : undefined;
        return { input: toRegisterInput(input), ...(latest && { current: current(latest) }) };
      }),
    );
  }
  const bare = source.refs.filter(({ ref }) => ref.revision === undefined).map(({ ref }) => ref.family);
  const running = cluster ? await runningRevisions(ecs, cluster, bare, registrars) : new Map();
  return Promise.all(
    source.refs.map(async ({ text, ref }) => {
      // A bare family starts from the revision its service runs, else its newest revision this
      // deploy's role registered, never from one another tier slipped in above it; a named
      // revision is the caller's own choice.
      const base =
        ref.revision === undefined
          ? (running.get(ref.family) ?? (await newest(ref.family, 'task-definitions')))
          : await describeTaskDefinition(ecs, text);
      if (!base) {
        throw new ConfigurationError(`Input "task-definitions": task definition "${text}" was not found.`);
      }
      // Starting from an older revision still compares with what the family runs today.
      const latest =
        ref.revision === undefined || !compare ? base : await newest(ref.family, 'task-definitions');
      // A re-run after a deploy that registered but never rolled out finds its revision again.
      const newer =
        compare && running.has(ref.family) ? await newest(ref.family, 'task-definitions') : undefined;
      return {
        input: toRegisterInput(base.taskDefinition, base.tags),
        ...(latest && { current: current(latest) }),
        ...(newer &&
          newer.taskDefinition.taskDefinitionArn !== latest?.taskDefinition.taskDefinitionArn && {
            newest: current(newer),
          }),
      };
    }),
  );
}

/**
 * The revision each family's service (named like the family) runs in `cluster`, when a trusted
 * registrar registered it; a service running another tier's revision is warned about and left
 * out, so its family falls back to the newest trusted revision.
 */
async function runningRevisions(
  ecs: ECSClient,
  cluster: string,
  families: string[],
  registrars: Registrars,
): Promise<Map<string, DescribedTaskDefinition>> {
  const found = new Map<string, DescribedTaskDefinition>();
  for (const service of (await describeServices(ecs, cluster, families)).values()) {
    const arn = service.taskDefinition;
    const family = parseTaskDefinitionRef(arn ?? '')?.family;
    if (service.status !== 'ACTIVE' || !arn || !family || family !== service.serviceName) continue;
    const described = await describeTaskDefinition(ecs, arn);
    if (!described) continue;
    if (trustsRegistrar(registrars, described.taskDefinition.registeredBy)) found.set(family, described);
    else core.warning(untrustedWarning(arn, described.taskDefinition.registeredBy, registrars));
  }
  return found;
}

function current(described: DescribedTaskDefinition) {
  return {
    arn: described.taskDefinition.taskDefinitionArn!,
    input: toRegisterInput(described.taskDefinition, described.tags),
  };
}

async function readTaskDefinitionFile(path: string): Promise<RegisterInput[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(
      `Input "task-definition-file": cannot read ${quote(path)}: ${(error as Error).message}`,
    );
  }
  const definitions = Array.isArray(parsed) ? parsed : [parsed];
  for (const definition of definitions) {
    const { family, containerDefinitions } = (definition ?? {}) as RegisterInput;
    if (typeof family !== 'string' || !Array.isArray(containerDefinitions)) {
      throw new ConfigurationError(
        `Input "task-definition-file": ${quote(path)} must hold a task definition (or a list of them) with "family" and "containerDefinitions".`,
      );
    }
    // What RegisterTaskDefinition would refuse, refused before anything is registered.
    checkEcsName('task-definition-file', family, 'a task definition family');
    for (const container of containerDefinitions) {
      checkEcsName('task-definition-file', String(container?.name), 'a container');
      if (typeof container.image !== 'string' || container.image.length > MAX_IMAGE_LENGTH) {
        throw new ConfigurationError(
          `Input "task-definition-file": container "${container.name}" needs an image of at most ${MAX_IMAGE_LENGTH} characters.`,
        );
      }
    }
  }
  return definitions as RegisterInput[];
}

async function registerIfChanged(
  ecs: ECSClient,
  base: Base,
  input: RegisterInput,
  skipUnchanged: boolean,
  release: ReleaseInfo | undefined,
  dryRun: boolean,
): Promise<Result> {
  const family = input.family!;
  const images = (input.containerDefinitions ?? []).map((c) => `${c.name}=${c.image}`);
  const previousArn = base.current?.arn;
  if (skipUnchanged && base.current && sameDefinition(base.current.input, input)) {
    return { family, arn: base.current.arn, previousArn, changed: false, images, diff: [] };
  }
  const diff = diffDefinitions(base.current?.input, input);
  if (skipUnchanged && base.newest && sameDefinition(base.newest.input, input)) {
    return { family, arn: base.newest.arn, previousArn, changed: true, images, diff, reused: true };
  }
  // A dry run stops here: the family keeps what it has (its output is the revision it replaces).
  if (dryRun) return { family, arn: previousArn ?? '', previousArn, changed: true, images, diff };
  // Release tags go on the registration only: compared above, they would make every deploy a change.
  const tags = release && withReleaseTags(input.tags, release, input.containerDefinitions?.[0]?.image);
  const response = await ecs.send(new RegisterTaskDefinitionCommand(tags ? { ...input, tags } : input));
  return {
    family,
    arn: response.taskDefinition!.taskDefinitionArn!,
    previousArn,
    changed: true,
    images,
    diff,
  };
}

function revision(arn: string | undefined): string {
  return arn?.slice(arn.lastIndexOf(':') + 1) ?? '—';
}

function revisionChange(result: Result): string {
  if (!result.changed) return revision(result.arn);
  // A dry run registers nothing: the new revision has no number yet.
  const next = !result.reused && result.arn === (result.previousArn ?? '') ? 'new' : revision(result.arn);
  return `${revision(result.previousArn)} → ${next}`;
}

function describe(result: Result, dryRun: boolean): string {
  if (!result.changed) return `${result.family}: unchanged, keeping revision ${revision(result.arn)}`;
  if (result.reused)
    return `${result.family}: revision ${revision(result.arn)} already has this definition (the service runs ${revision(result.previousArn)}): using it, none registered`;
  return dryRun
    ? `${result.family}: would register a revision after ${revision(result.previousArn)} (dry run) (${result.images.join(', ')})`
    : `${result.family}: registered revision ${revisionChange(result)} (${result.images.join(', ')})`;
}
