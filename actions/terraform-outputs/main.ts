import * as core from '@actions/core';
import { optionalInput, requiredInput } from '../lib/inputs.ts';
import { terraformJson } from '../lib/terraform-json.ts';
import { mapOutputs, parseMappings } from './mapping.ts';

export async function main(): Promise<void> {
  const mappings = parseMappings('outputs', requiredInput('outputs'));
  const dir = optionalInput('working-directory') ?? '.';
  const values = mapOutputs(await terraformJson(dir, ['output', '-json']), mappings);
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value);
  core.info(`Step outputs from terraform output: ${Object.keys(values).join(', ')}.`);
}
