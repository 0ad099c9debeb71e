import * as core from '@actions/core';
import { ecsClient } from '../lib/aws.ts';
import { nameFromArn } from '../lib/arn.ts';
import { loadRegistrars, trustsRegistrar, untrustedWarning, type Registrars } from '../lib/registrars.ts';
import { loadRevisions } from '../lib/release-history.ts';
import { computeHistory, selectRelease, type Release, type Revision } from '../lib/releases.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { serviceFamilies } from './services.ts';
import { getSettings } from './settings.ts';

/** Releases shown in the summary. */
const SHOWN = 10;

export async function main(): Promise<void> {
  const settings = getSettings();
  const ecs = ecsClient(settings.region);
  const registrars = await loadRegistrars(settings.region, settings.trustedRegistrars);
  const revisions = await loadRevisions(ecs, settings.familyPrefix);
  const history = computeHistory(trustedRevisions(revisions, registrars));
  const where = `cluster ${nameFromArn(settings.cluster)} (families ${settings.familyPrefix}*)`;
  const target = selectRelease(history, settings.release, where);
  const current = history.releases[0]!;

  const arns = Object.fromEntries(Object.entries(target.families).map(([family, r]) => [family, r.arn]));
  core.info(`Release ${target.id} (released ${target.releasedAt}; newest is ${current.id}):`);
  for (const [family, r] of Object.entries(target.families)) core.info(`  ${family}: revision ${r.revision}`);
  core.setOutput('task-definitions', JSON.stringify(arns));
  core.setOutput('services', serviceFamilies(Object.keys(arns)).join('\n'));
  core.setOutput('release', target.id);
  core.setOutput('current', current.id);
  core.setOutput('releases', JSON.stringify(history.releases.map(describe)));
  await writeSummaryTable(
    `Releases of ${nameFromArn(settings.cluster)}`,
    ['', 'Release', 'Released at', 'Commit', 'Actor', 'Registered'],
    history.releases
      .slice(0, SHOWN)
      .map((r) => [
        r === target ? 'target' : r === current ? 'newest' : '',
        r.id,
        r.releasedAt,
        r.commit?.slice(0, 12),
        r.actor,
        r.own.map((family) => `${family}:${r.families[family]!.revision}`).join(', '),
      ]),
    history.neverReleased.length > 0
      ? [`Never reached steady (not offered): ${history.neverReleased.join(', ')}.`]
      : [],
  );
}

function describe(r: Release) {
  return {
    id: r.id,
    commit: r.commit,
    actor: r.actor,
    image: r.image,
    releasedAt: r.releasedAt,
    families: Object.fromEntries(Object.entries(r.families).map(([family, rev]) => [family, rev.arn])),
  };
}

/**
 * A release counts only revisions the environment's own role registered: another tier that can
 * register into a family and copy a release's tags cannot make its revision a rollback target.
 * An untrusted revision in a family this role also writes is a warning (someone wrote into it);
 * a family with none of ours is another environment the prefix happens to match (`prod-` and an
 * ad hoc `prod-x`), left out with one line.
 */
function trustedRevisions(revisions: Revision[], registrars: Registrars): Revision[] {
  const trusted = new Set(revisions.filter((r) => trustsRegistrar(registrars, r.registeredBy)));
  const ours = new Set([...trusted].map((r) => r.family));
  const foreign = new Set<string>();
  for (const r of revisions) {
    if (trusted.has(r)) continue;
    if (ours.has(r.family)) core.warning(untrustedWarning(r.arn, r.registeredBy, registrars));
    else foreign.add(r.family);
  }
  if (foreign.size > 0) {
    core.info(
      `Left out, registered only by other roles (another environment's families): ${[...foreign].sort().join(', ')}.`,
    );
  }
  return [...trusted];
}
