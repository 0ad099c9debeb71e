import * as core from '@actions/core';
import { optionalInput, requiredInput } from '../lib/inputs.ts';
import { parseKeyValueLines } from '../lib/key-value.ts';
import { writeSummary } from '../lib/summary.ts';
import { renderSummary } from './render.ts';

export async function main(): Promise<void> {
  const html = renderSummary({
    title: requiredInput('title'),
    rows: parseKeyValueLines('rows', lines('rows'), 'Label=value').map(toRow),
    links: parseKeyValueLines('links', lines('links'), 'Label=URL').map(toRow),
    text: optionalInput('text') ?? '',
  });
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.info('No job summary here (GITHUB_STEP_SUMMARY is not set).');
    return;
  }
  await writeSummary(() => core.summary.addRaw(html));
}

const toRow = ({ key, value }: { key: string; value: string }) => ({ label: key, value });

/** Every non-empty line: a label may start with `#` (`# of services=3`). */
const lines = (input: string) =>
  core
    .getInput(input)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
