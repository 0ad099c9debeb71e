import * as core from '@actions/core';
import { ecrClient, regionInput } from '../lib/aws.ts';
import { DeploymentFailure } from '../lib/errors.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { applyAllowList, blockedMessage, blocks, summaryRows, SUMMARY_HEADER } from './gate.ts';
import { scanResult } from './scan.ts';
import { getSettings } from './settings.ts';

export async function main(): Promise<void> {
  const settings = getSettings();
  const ecr = ecrClient(regionInput());
  const deadline = Date.now() + settings.timeoutMs;
  // The first image that fails the step stops the others' waits, so the step ends at once.
  const stop = new AbortController();
  const results = await Promise.all(
    settings.images.map((ref) =>
      scanResult(ecr, ref, deadline, stop.signal).catch((error: unknown) => {
        stop.abort(error);
        throw error;
      }),
    ),
  );

  const today = new Date().toISOString().slice(0, 10);
  const findings = applyAllowList(
    results.flatMap((r) => ('findings' in r ? r.findings : [])),
    settings.allowList,
    today,
  );
  const unusable = results.flatMap((r) => ('unusable' in r ? [`${r.image}: ${r.unusable}`] : []));
  const blocking = findings.filter((f) => blocks(f, settings.threshold));
  // A scan that cannot say anything blocks a gated deploy: no answer is not a clean answer.
  const blocked = blocking.length > 0 || (unusable.length > 0 && settings.threshold !== 'none');

  core.setOutput('findings', JSON.stringify(findings));
  core.setOutput('blocked', String(blocked));
  await writeSummaryTable(
    `Image scan: ${findings.length} finding(s), threshold ${settings.threshold}${blocked ? ' — blocked' : ''}`,
    SUMMARY_HEADER,
    summaryRows(findings, settings.threshold),
    unusable.map((line) => `No scan result for ${line}`),
  );
  for (const line of unusable) core.warning(`No scan result for ${line}`);
  if (blocking.length > 0) throw new DeploymentFailure(blockedMessage(blocking, settings.threshold));
  if (blocked) throw new DeploymentFailure(`Image scan gave no result for ${unusable.join('; ')}.`);
  core.info(`Image scan gate passed for ${results.map((r) => r.image).join(', ')}.`);
}
