import * as core from '@actions/core';
import { optionalInput, requiredInput, splitLines } from '../lib/inputs.ts';
import { parseKeyValueLines } from '../lib/key-value.ts';
import { renderSummary } from './render.ts';

export async function main(): Promise<void> {
  const html = renderSummary({
    title: requiredInput('title'),
    rows: parseKeyValueLines('rows', splitLines(core.getInput('rows')), 'Label=value').map(toRow),
    links: parseKeyValueLines('links', splitLines(core.getInput('links')), 'Label=URL').map(toRow),
    text: optionalInput('text') ?? '',
  });
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.info('No job summary here (GITHUB_STEP_SUMMARY is not set).');
    return;
  }
  // A summary that cannot be written never fails the job it reports on.
  try {
    await core.summary.addRaw(html).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}

const toRow = ({ key, value }: { key: string; value: string }) => ({ label: key, value });
