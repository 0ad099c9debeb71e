import { shortName } from '../lib/rollout/assess.ts';
import { ENDED_WELL, type Watch } from './context.ts';

/**
 * Where a rollout left each service: which revision it runs, and whether that is the new one,
 * the one it ran before, or unknown (ECS still deploying). After a failed multi-service rollout
 * some services may be back on the old version and others on the new: the step, the summary and
 * Slack say so, and name the way back to one version.
 */
export interface EndState {
  /** service → `family:revision` it runs (or is still deploying), and which version that is. */
  runs: Record<string, { revision: string; version: 'new' | 'previous' | 'deploying' }>;
  mixed: boolean;
  /** One line for the closing error and Slack; empty when every service is on the new version. */
  line: string;
}

export function endState(watches: Watch[]): EndState {
  const runs: EndState['runs'] = {};
  for (const w of watches) {
    if (w.status === 'rolled-back') runs[w.name] = { revision: shortName(w.previous), version: 'previous' };
    else if (ENDED_WELL.has(w.status)) runs[w.name] = { revision: shortName(w.target), version: 'new' };
    else {
      // failed (no rollback), timed out, cancelled, unwatched: what ECS was last seen running.
      const seen = w.seen?.taskDefinition || w.target;
      runs[w.name] = {
        revision: shortName(seen),
        version:
          seen === w.previous
            ? 'previous'
            : seen === w.target && w.seen?.running === w.seen?.desired
              ? 'new'
              : 'deploying',
      };
    }
  }
  const versions = new Set(Object.values(runs).map((r) => r.version));
  if (versions.size === 1 && versions.has('new')) return { runs, mixed: false, line: '' };
  const mixed = versions.size > 1;
  const list = Object.entries(runs)
    .map(
      ([name, r]) =>
        `${name} runs ${r.revision} (${r.version === 'deploying' ? 'ECS still deploying' : r.version})`,
    )
    .join(', ');
  const onNew = watches.filter((w) => runs[w.name]!.version !== 'previous' && w.previous !== w.target);
  const fix = mixed
    ? ` Mixed versions: to put every service back on the previous release, roll back (rollback.yml, release previous${onNew.length > 0 ? `: ${onNew.map((w) => `${w.name} to ${shortName(w.previous)}`).join(', ')}` : ''}); or fix the failure and deploy again.`
    : '';
  return { runs, mixed, line: `End state: ${list}.${fix}` };
}
