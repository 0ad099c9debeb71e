import * as core from '@actions/core';
import { DeploymentFailure } from '../lib/errors.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { shortName } from './assess.ts';
import type { Watch } from './context.ts';

/** The `results` output, the job summary table, and the step's verdict. */
export async function report(watches: Watch[]): Promise<void> {
  const results = Object.fromEntries(
    watches.map((w) => [
      w.name,
      {
        status: w.status,
        taskDefinition: w.target,
        previousTaskDefinition: w.previous,
        seconds: w.seconds,
        ...(w.detail && { detail: w.detail }),
      },
    ]),
  );
  core.setOutput('results', JSON.stringify(results));
  await writeSummaryTable(
    'Rolling update',
    ['Service', 'Status', 'Task definition', 'Seconds', 'Detail'],
    watches.map((w) => [
      w.name,
      w.status,
      w.updated ? `${shortName(w.previous)} → ${shortName(w.target)}` : shortName(w.target),
      w.seconds,
      w.detail,
    ]),
  );
  const bad = watches.filter((w) => !['steady', 'updated', 'unchanged'].includes(w.status!));
  if (bad.length > 0) {
    throw new DeploymentFailure(
      `Rolling update failed for ${bad.length} of ${watches.length} services: ${bad.map((w) => `${w.name} ${w.status} (${w.detail})`).join('; ')}.`,
    );
  }
  core.info(`All ${watches.length} services are steady.`);
}
