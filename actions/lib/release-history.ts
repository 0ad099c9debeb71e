import * as core from '@actions/core';
import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  TagResourceCommand,
  type ECSClient,
  type Tag,
} from '@aws-sdk/client-ecs';
import { parseTaskDefinitionRef } from './arn.ts';
import { ConfigurationError } from './errors.ts';
import { quote } from './inputs.ts';
import { chunks, errorName, isTransient, sleep } from './poll.ts';
import { TAG_PREFIX, TAGS, type Revision } from './releases.ts';

/** ECS tag values hold at most 256 characters. */
const TAG_VALUE_LIMIT = 256;

export interface ReleaseInfo {
  release: string;
  commit?: string;
  actor?: string;
}

/** What an ECS tag value may hold; `previous` names a target, so it cannot be an id. */
const RELEASE_ID = /^[A-Za-z0-9+\-=._:/@]{1,128}$/;

/**
 * The release a deploy records: the `release` input, else `<commit 12>-<run id>` in a
 * workflow (unique per run, sortable by nobody but readable), else none (nothing is tagged).
 */
export function releaseInfo(
  input: string | undefined,
  env: Record<string, string | undefined>,
): ReleaseInfo | undefined {
  const commit = env['GITHUB_SHA'] || undefined;
  const release = input ?? (commit && `${commit.slice(0, 12)}-${env['GITHUB_RUN_ID'] ?? 'local'}`);
  if (release === undefined) return undefined;
  if (!RELEASE_ID.test(release) || release === 'previous') {
    throw new ConfigurationError(
      `Input "release": ${quote(release)} is not a release id (1-128 letters, digits and + - = . _ : / @; not "previous").`,
    );
  }
  const actor = env['GITHUB_ACTOR'] || undefined;
  return { release, ...(commit && { commit }), ...(actor && { actor }) };
}

/**
 * The tags of a revision registered for `info`: tags carried over from the revision it was
 * rendered from keep everything but our own (an old release id or released-at must not stick).
 */
export function withReleaseTags(
  tags: Tag[] | undefined,
  info: ReleaseInfo,
  image: string | undefined,
): Tag[] {
  const mine: Tag[] = [
    { key: TAGS.release, value: info.release },
    ...(info.commit ? [{ key: TAGS.commit, value: info.commit }] : []),
    ...(info.actor ? [{ key: TAGS.actor, value: info.actor }] : []),
    ...(image ? [{ key: TAGS.image, value: image }] : []),
  ].map((t) => ({ key: t.key, value: t.value.slice(0, TAG_VALUE_LIMIT) }));
  return [...(tags ?? []).filter((t) => !t.key?.startsWith(TAG_PREFIX)), ...mine];
}

/**
 * Marks each revision as having reached steady (released-at = now). History is a record, not a
 * gate: a failure to tag is a warning, never a failed deploy.
 */
export async function recordReleased(ecs: ECSClient, arns: string[], now = new Date()): Promise<void> {
  const value = now.toISOString();
  const outcomes = await Promise.allSettled(
    [...new Set(arns)].map((resourceArn) =>
      ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: TAGS.releasedAt, value }] })),
    ),
  );
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'rejected') {
      core.warning(
        `Release history: could not tag ${[...new Set(arns)][i]} as released (${errorName(outcome.reason)}); a rollback will not offer this release. The deploy role needs ecs:TagResource.`,
      );
    }
  });
}

/** One read, retried on throttling and 5xx with a doubling backoff (5 tries, ~8 s at most). */
export async function retried<T>(read: () => Promise<T>, baseMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 5 || !isTransient(error)) throw error;
      await sleep(baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    }
  }
}

export interface LoadOptions {
  /** Newest revisions read per family: bounds the calls for a family with thousands. */
  perFamily?: number;
  /** DescribeTaskDefinition calls in flight at once. */
  parallel?: number;
}

/** Every revision (ACTIVE and INACTIVE) of the families starting with `prefix`, with tags. */
export async function loadRevisions(
  ecs: ECSClient,
  prefix: string,
  options: LoadOptions = {},
): Promise<Revision[]> {
  const perFamily = options.perFamily ?? 50;
  // ListTaskDefinitions filters by one whole family name, not a prefix: find the families first.
  const families = await listFamilies(ecs, prefix);
  const arns = (
    await Promise.all(
      families.flatMap((family) => ['ACTIVE', 'INACTIVE'].map((status) => listArns(ecs, family, status))),
    )
  ).flat();
  const byFamily = new Map<string, { arn: string; revision: number }[]>();
  for (const arn of arns) {
    const ref = parseTaskDefinitionRef(arn);
    if (ref?.revision === undefined) continue;
    byFamily.set(ref.family, [...(byFamily.get(ref.family) ?? []), { arn, revision: ref.revision }]);
  }
  const wanted = [...byFamily.values()].flatMap((list) =>
    list.sort((a, b) => b.revision - a.revision).slice(0, perFamily),
  );
  const revisions: Revision[] = [];
  for (const batch of chunks(wanted, options.parallel ?? 10)) {
    revisions.push(...(await Promise.all(batch.map(({ arn }) => describe(ecs, arn)))));
  }
  return revisions;
}

async function listFamilies(ecs: ECSClient, familyPrefix: string): Promise<string[]> {
  const families: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await retried(() =>
      ecs.send(
        new ListTaskDefinitionFamiliesCommand({
          familyPrefix,
          status: 'ALL',
          ...(nextToken && { nextToken }),
        }),
      ),
    );
    families.push(...(page.families ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return families;
}

/** The revisions of one family (ListTaskDefinitions' familyPrefix is the whole family name). */
async function listArns(ecs: ECSClient, family: string, status: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await retried(() =>
      ecs.send(
        new ListTaskDefinitionsCommand({
          familyPrefix: family,
          status: status as 'ACTIVE',
          ...(nextToken && { nextToken }),
        }),
      ),
    );
    arns.push(...(page.taskDefinitionArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

async function describe(ecs: ECSClient, arn: string): Promise<Revision> {
  const response = await retried(() =>
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })),
  );
  const definition = response.taskDefinition!;
  return {
    family: definition.family!,
    revision: definition.revision!,
    arn: definition.taskDefinitionArn ?? arn,
    status: definition.status ?? 'ACTIVE',
    registeredAt: definition.registeredAt ? new Date(definition.registeredAt).getTime() : 0,
    ...(definition.registeredBy && { registeredBy: definition.registeredBy }),
    tags: Object.fromEntries((response.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
  };
}
