import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { ConfigurationError, DeploymentFailure } from '../lib/errors.ts';
import { quote } from '../lib/inputs.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { getSettings } from './settings.ts';
import { judge, readK6Summary } from './verdict.ts';

export async function main(): Promise<void> {
  const settings = getSettings();
  let json: unknown;
  try {
    json = JSON.parse(await readFile(settings.summaryFile, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(
      `Input "summary-file": could not read k6's summary export ${quote(settings.summaryFile)}: ${(error as Error).message}`,
    );
  }
  const k6 = readK6Summary(json);
  if ('missing' in k6) {
    throw new DeploymentFailure(
      `k6's summary export has no ${k6.missing}: the load test made no requests, or k6 stopped before its summary.`,
    );
  }
  const verdict = judge(k6, settings);
  await writeSummaryTable(`Load test of ${settings.url}`, ['Measure', 'Result'], verdict.rows);
  core.setOutput('passed', String(verdict.passed));
  core.setOutput('p95-ms', String(k6.p95));
  core.setOutput('error-rate', String(k6.errorRate));
  // One error line per crossed threshold, then the step fails without a line of its own.
  for (const line of verdict.errors) core.error(line);
  if (!verdict.passed) process.exitCode = core.ExitCode.Failure;
}
