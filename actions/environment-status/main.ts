import * as core from '@actions/core';
import { ACTIVE_AT } from '../lib/activity.ts';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { ecsClient } from '../lib/aws.ts';
import { errorMessage } from '../lib/errors.ts';
import { renderMarkdown } from '../lib/cost/markdown.ts';
import { loadPrices } from '../lib/cost/prices.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { clusterNames, markActive, readEnvironment } from './read.ts';
import { costLine, statusOf, type EnvironmentStatus } from './status.ts';
import { getSettings } from './settings.ts';

/**
 * For each environment: running or paused, last activity, estimated cost, and what the janitor's
 * policy does with it (keep, pause, destroy). A deploy runs it for its own environment (the cost
 * in its summary and PR comment); the janitor for every workspace; a resume with record-activity.
 */
/** The environments on the shared stack: the account's clusters but the protected ones; 1 if unknown. */
async function countSharing(ecs: ECSClient, protectedNames: string[]): Promise<number> {
  try {
    return (await clusterNames(ecs)).filter((n) => !protectedNames.includes(n)).length || 1;
  } catch (error) {
    core.warning(
      `Could not count the clusters sharing the shared stack (${errorMessage(error)}); pricing all of it here. Set shared-by, or allow ecs:ListClusters.`,
    );
    return 1;
  }
}

export async function main(): Promise<void> {
  const settings = getSettings();
  if (settings.environments.length === 0) return noEnvironments();
  const ecs = ecsClient(settings.region);
  const now = new Date();
  const prices = loadPrices();
  const sharedBy = settings.sharedBy || (await countSharing(ecs, settings.protectedNames));
  const policy = { ...settings, now: now.getTime() };

  const statuses: EnvironmentStatus[] = [];
  let firstMarkdown: string | undefined;
  let firstLine = '';
  for (const name of settings.environments) {
    const reading = await readEnvironment(ecs, name);
    if (settings.recordActivity && reading.exists) {
      await markActive(ecs, Object.keys(reading.taskDefinitions), ACTIVE_AT, now);
      for (const tags of Object.values(reading.revisionTags)) tags[ACTIVE_AT] = now.toISOString();
      core.info(`${name}: marked active at ${now.toISOString()}.`);
    }
    const { status, estimate } = statusOf(reading, policy, prices, settings.region, sharedBy);
    statuses.push(status);
    if (status.costError) core.warning(`${name}: no cost estimate: ${status.costError}`);
    if (estimate && statuses.length === 1) {
      firstMarkdown = renderMarkdown(estimate);
      firstLine = costLine(estimate, settings.protectedNames.includes(name) ? 1 : sharedBy);
    }
    core.info(
      `${name}: ${status.state}, last activity ${status.lastActivity ?? 'unknown'}, ` +
        `${status.dailyCost ?? '?'} ${prices.currency}/day → ${status.verdict} (${status.reason}).`,
    );
  }

  core.setOutput('environments', JSON.stringify(statuses));
  core.setOutput(
    'to-pause',
    JSON.stringify(statuses.filter((s) => s.verdict === 'pause').map((s) => s.name)),
  );
  core.setOutput(
    'to-destroy',
    JSON.stringify(statuses.filter((s) => s.verdict === 'destroy').map((s) => s.name)),
  );
  core.setOutput('cost', firstLine);

  const hours = (h: number) => (h > 0 ? `${h} h` : 'never');
  const money = (x: number | undefined) => (x === undefined ? '' : `${x.toFixed(2)} ${prices.currency}`);
  await writeSummaryTable(
    'Environments',
    ['Environment', 'State', 'Last activity', 'Keep until', 'Per day', 'So far', 'Action'],
    statuses.map((s) => [
      s.name,
      s.state,
      s.lastActivity
        ? `${s.lastActivity.slice(0, 16).replace('T', ' ')} UTC (${s.idleHours} h ago)`
        : 'unknown',
      s.keepUntil,
      money(s.dailyCost),
      money(s.costSoFar),
      `${s.verdict}: ${s.reason}`,
    ]),
    [
      `Per day: list prices of ${prices.date} (actions/lib/cost/prices.json) for what each environment runs now, plus its 1/${sharedBy} share of the shared ALB, NAT and RDS (a protected environment's own stack in full); S3 and logs are usage-based, not counted. So far: that daily rate since the environment's first task definition was registered.`,
      `Policy: pause after ${hours(settings.pauseAfterHours)}, destroy after ${hours(settings.destroyAfterHours)} without activity (a deploy, a PR update or a resume).`,
    ],
  );
  if (firstMarkdown && settings.environments.length === 1 && process.env['GITHUB_STEP_SUMMARY']) {
    await core.summary.addRaw(firstMarkdown).write();
  }
}

/** A workspace list with no ad hoc environment in it: nothing to read, nothing to do. */
async function noEnvironments(): Promise<void> {
  const line =
    'No ad hoc environments among the workspaces (protected, kept and other-prefix ones are left out).';
  core.info(line);
  for (const output of ['environments', 'to-pause', 'to-destroy']) core.setOutput(output, '[]');
  core.setOutput('cost', '');
  await writeSummaryTable('Environments', ['Environment'], [], [line]);
}
