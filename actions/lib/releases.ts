import { ConfigurationError } from './errors.ts';

/**
 * Release history computed from tags on task definition revisions (pure: no AWS here).
 * register-task-definition tags each revision it registers with the release id; rolling-update
 * tags a revision released-at when a service running it reaches steady.
 */

export const TAG_PREFIX = 'adhoc-actions:';
export const TAGS = {
  release: `${TAG_PREFIX}release`,
  commit: `${TAG_PREFIX}commit`,
  actor: `${TAG_PREFIX}actor`,
  image: `${TAG_PREFIX}image`,
  releasedAt: `${TAG_PREFIX}released-at`,
} as const;

export interface Revision {
  family: string;
  revision: number;
  arn: string;
  status: string;
  /** Milliseconds since the epoch; orders releases (tags can be rewritten, this cannot). */
  registeredAt: number;
  /** Who registered it (ECS registeredBy): only the environment's own deploy role counts. */
  registeredBy?: string;
  tags: Record<string, string>;
}

export interface Release {
  id: string;
  commit?: string;
  actor?: string;
  /** The distinct images of the revisions this release registered. */
  image?: string;
  /** The latest released-at of its own revisions (ISO). */
  releasedAt: string;
  registeredAt: number;
  /** Every family of the environment: its own revision, else the one the last release left running. */
  families: Record<string, Revision>;
  /** Families this release registered a revision for. */
  own: string[];
}

export interface History {
  /** Releases that reached steady, newest first. */
  releases: Release[];
  /** Release ids registered but never steady (a failed rollout): never a rollback target. */
  neverReleased: string[];
}

export function computeHistory(revisions: Revision[]): History {
  const byRelease = new Map<string, Revision[]>();
  for (const r of revisions) {
    const id = r.tags[TAGS.release];
    if (id) byRelease.set(id, [...(byRelease.get(id) ?? []), r]);
  }
  const ordered = [...byRelease.entries()]
    .map(([id, own]) => ({ id, own, at: Math.min(...own.map((r) => r.registeredAt)) }))
    .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));

  // A family a release did not register keeps what the last steady release before it ran: a
  // failed release's revisions never ran for long, so they are never carried over.
  const running = new Map<string, Revision>();
  const releases: Release[] = [];
  const neverReleased: string[] = [];
  for (const { id, own, at } of ordered) {
    const released = own.map((r) => r.tags[TAGS.releasedAt]).filter((t): t is string => !!t);
    if (released.length === 0) {
      neverReleased.push(id);
      continue;
    }
    // Two revisions of one family in a release (a re-run): the newest counts.
    const mine = new Map<string, Revision>();
    for (const r of own) if ((mine.get(r.family)?.revision ?? 0) < r.revision) mine.set(r.family, r);
    for (const [family, r] of mine) running.set(family, r);
    const first = [...mine.values()].sort((a, b) => a.family.localeCompare(b.family))[0]!;
    const images = [...new Set([...mine.values()].map((r) => r.tags[TAGS.image]).filter(Boolean))];
    releases.push({
      id,
      ...(first.tags[TAGS.commit] && { commit: first.tags[TAGS.commit] }),
      ...(first.tags[TAGS.actor] && { actor: first.tags[TAGS.actor] }),
      ...(images.length > 0 && { image: images.join(', ') }),
      releasedAt: released.sort().at(-1)!,
      registeredAt: at,
      families: Object.fromEntries([...running.entries()].sort(([a], [b]) => a.localeCompare(b))),
      own: [...mine.keys()].sort(),
    });
  }
  return { releases: releases.reverse(), neverReleased };
}

/**
 * The release `wanted` names: `previous` (the one before the newest) or an id. Every problem
 * is one line naming the input, thrown before anything is deployed.
 */
export function selectRelease(history: History, wanted: string, where: string): Release {
  const { releases, neverReleased } = history;
  const known = releases.map((r) => r.id);
  if (releases.length === 0) {
    throw new ConfigurationError(
      `Input "release": no release of ${where} has reached steady yet, so there is nothing to go back to.`,
    );
  }
  let target: Release | undefined;
  if (wanted === 'previous') {
    target = releases[1];
    if (!target) {
      throw new ConfigurationError(
        `Input "release": ${where} has no previous release; the only one is ${releases[0]!.id}.`,
      );
    }
  } else {
    target = releases.find((r) => r.id === wanted);
    if (!target) {
      const failed = neverReleased.includes(wanted)
        ? ' never reached steady (its rollout failed), so it'
        : '';
      throw new ConfigurationError(
        `Input "release": release ${JSON.stringify(wanted)}${failed} is not a release of ${where}; known releases, newest first: ${listIds(known)}.`,
      );
    }
  }
  const gone = Object.values(target.families).filter((r) => r.status !== 'ACTIVE');
  if (gone.length > 0) {
    throw new ConfigurationError(
      `Input "release": release ${target.id} needs ${gone.map((r) => `${r.family}:${r.revision}`).join(', ')}, deregistered (INACTIVE) since, by Terraform or a person; it cannot be deployed again.`,
    );
  }
  return target;
}

function listIds(ids: string[]): string {
  const shown = ids.slice(0, 10).join(', ');
  return ids.length > 10 ? `${shown} and ${ids.length - 10} older` : shown;
}
