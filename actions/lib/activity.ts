import { TAGS, TAG_PREFIX } from './releases.ts';

/**
 * When an environment was last used, and what the janitor does about it. Pure: the action reads
 * ECS, this decides. Activity is recorded by the deploys themselves (rolling-update tags each
 * revision it releases `released-at`; a resume tags the running revisions `active-at`), never
 * the Terraform state's modification time, which an app deploy does not touch.
 */

export const ACTIVE_AT = `${TAG_PREFIX}active-at`;
/** Cluster tags set by the environment module (variables paused and keep_until). */
export const PAUSED_TAG = `${TAG_PREFIX}paused`;
export const KEEP_UNTIL_TAG = `${TAG_PREFIX}keep-until`;

export type State = 'running' | 'paused' | 'missing';
export type Verdict = 'keep' | 'pause' | 'destroy';

export interface RunningRevision {
  registeredAt: number;
  tags: Record<string, string>;
}

/** The newest released-at / active-at mark of the revisions the services run, else their registration. */
export function lastActivity(revisions: RunningRevision[]): number | undefined {
  const times = revisions.flatMap((r) => {
    const marks = [r.tags[TAGS.releasedAt], r.tags[ACTIVE_AT]]
      .map((v) => (v ? Date.parse(v) : NaN))
      .filter((t) => Number.isFinite(t));
    return marks.length > 0 ? marks : r.registeredAt > 0 ? [r.registeredAt] : [];
  });
  return times.length > 0 ? Math.max(...times) : undefined;
}

/** Paused when the module says so or when nothing is asked to run. */
export function stateOf(
  clusterExists: boolean,
  clusterTags: Record<string, string>,
  desiredCounts: number[],
): State {
  if (!clusterExists) return 'missing';
  if (clusterTags[PAUSED_TAG] === 'true') return 'paused';
  return desiredCounts.length > 0 && desiredCounts.every((n) => n === 0) ? 'paused' : 'running';
}

export interface Policy {
  now: number;
  /** 0: never. */
  pauseAfterHours: number;
  /** 0: never. */
  destroyAfterHours: number;
  keep: string[];
  protectedNames: string[];
}

export interface Facts {
  name: string;
  state: State;
  lastActivity?: number;
  /** YYYY-MM-DD from the cluster's keep-until tag. */
  keepUntil?: string;
}

const HOUR = 3_600_000;

export function idleHours(facts: Facts, now: number): number | undefined {
  return facts.lastActivity === undefined ? undefined : Math.floor((now - facts.lastActivity) / HOUR);
}

/** keep / pause / destroy, with the reason the summary shows. */
export function decide(facts: Facts, policy: Policy): { verdict: Verdict; reason: string } {
  const keep = (reason: string) => ({ verdict: 'keep' as const, reason });
  if (policy.protectedNames.includes(facts.name)) return keep('protected');
  if (policy.keep.includes(facts.name)) return keep('listed in keep');
  if (facts.state === 'missing') return keep('no cluster: nothing to pause or destroy');
  const today = new Date(policy.now).toISOString().slice(0, 10);
  if (facts.keepUntil && facts.keepUntil >= today) return keep(`keep-until ${facts.keepUntil}`);
  const idle = idleHours(facts, policy.now);
  if (idle === undefined) return keep('no activity recorded yet');
  if (policy.destroyAfterHours > 0 && idle >= policy.destroyAfterHours) {
    return { verdict: 'destroy', reason: `idle ${idle} h ≥ ${policy.destroyAfterHours} h` };
  }
  if (policy.pauseAfterHours > 0 && idle >= policy.pauseAfterHours) {
    if (facts.state === 'paused') return keep(`already paused, idle ${idle} h`);
    return { verdict: 'pause', reason: `idle ${idle} h ≥ ${policy.pauseAfterHours} h` };
  }
  return keep(`active ${idle} h ago`);
}
