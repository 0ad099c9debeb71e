import * as core from '@actions/core';
import { DeploymentFailure } from '../lib/errors.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { shortName } from '../lib/rollout/assess.ts';
import { ENDED_WELL, type Watch } from './context.ts';
import { endState } from './end-state.ts';

/** Services whose rollout did not end well: the step fails, and the failure report covers them. */
export function failedWatches(watches: Watch[]): Watch[] {
  return watches.filter((w) => !ENDED_WELL.has(w.status));
}

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
        ...(w.serviceDeploymentArn && { serviceDeploymentArn: w.serviceDeploymentArn }),
        ...(w.stages && { stages: w.stages }),
      },
    ]),
  );
  core.setOutput('results', JSON.stringify(results));
  const end = endState(watches);
  core.setOutput('end-state', end.line);
  // continue-deployment's input: service → where it waits for a ContinueServiceDeployment.
  const paused = watches.filter((w) => w.paused);
  core.setOutput('paused', JSON.stringify(Object.fromEntries(paused.map((w) => [w.name, w.paused]))));
  await writeSummaryTable(
    'Rolling update',
    ['Service', 'Status', 'Task definition', 'Runs now', 'Seconds', 'Stages', 'Detail'],
    watches.map((w) => [
      w.name,
      w.status,
      w.updated ? `${shortName(w.previous)} → ${shortName(w.target)}` : shortName(w.target),
      `${end.runs[w.name]!.revision} (${end.runs[w.name]!.version})`,
      w.seconds,
      w.stages?.join(' → '),
      w.detail,
    ]),
    end.line ? [end.line] : [],
  );
  const bad = failedWatches(watches);
  if (bad.length > 0) {
    throw new DeploymentFailure(
      `Rolling update failed for ${bad.length} of ${watches.length} services: ${bad.map((w) => `${w.name} ${w.status} (${w.detail})`).join('; ')}. ${end.line}`,
    );
  }
  if (paused.length > 0) {
    core.info(
      `${paused.length} of ${watches.length} services are paused for a ContinueServiceDeployment; the others are steady.`,
    );
  } else core.info(`All ${watches.length} services are steady.`);
}
