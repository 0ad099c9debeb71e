import * as core from '@actions/core';
import { ConfigurationError, DeploymentFailure } from '../lib/errors.ts';
import { booleanInput, optionalInput, quote } from '../lib/inputs.ts';
import { terraformJson } from '../lib/terraform-json.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { parsePlan, planDigest, plannedChanges } from './plan.ts';

const DIGEST = /^[0-9a-f]{64}$/;

export async function main(): Promise<void> {
  const dir = optionalInput('working-directory') ?? '.';
  const file = optionalInput('plan-file') ?? 'tfplan';
  const approved = optionalInput('approved-digest');
  // The apply job says it checks: an approved digest lost on the way (an output GitHub dropped,
  // an edited workflow) must refuse, never pass unchecked.
  if (booleanInput('expect-approval', false) && approved === undefined) {
    throw new ConfigurationError(
      'Input "approved-digest" is empty: no approved plan reached this job, so nothing was applied.',
    );
  }
  if (approved !== undefined && !DIGEST.test(approved)) {
    throw new ConfigurationError(`Input "approved-digest" must be 64 hex digits, got ${quote(approved)}.`);
  }
  const title = optionalInput('summary-title');
  // Never printed: a plan holds state and every planned value.
  const plan = await terraformJson(dir, ['show', '-json', file], parsePlan);
  const digest = planDigest(plan);
  const changes = plannedChanges(plan);
  core.setOutput('digest', digest);
  core.setOutput('changes', String(changes.length));
  // Not the digest: a hash of every planned value is not for the log.
  core.info(`Plan ${file}: ${changes.length} resource change(s).`);
  if (approved !== undefined) {
    if (digest !== approved) {
      throw new DeploymentFailure(
        'The plan changed since it was approved (state, code or providers moved): nothing was applied; run the workflow again to review the new plan.',
      );
    }
    core.info('The plan is the one that was approved.');
  }
  if (title !== undefined) {
    await writeSummaryTable(
      title,
      ['change', 'resource'],
      changes.map((c) => [c.actions, c.address]),
      changes.length === 0 ? ['No changes.'] : [],
    );
  }
}
