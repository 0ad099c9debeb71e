import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.ts';
import { oneLine, optionalInput, quote, requiredInput } from '../lib/inputs.ts';
import { mapOutputs, parseMappings } from './mapping.ts';

const run = promisify(execFile);

/** `terraform output -json` of the root, never printed: a root's outputs may hold values users keep out of logs. */
async function terraformOutputs(dir: string): Promise<unknown> {
  let stdout: string;
  try {
    ({ stdout } = await run('terraform', ['output', '-json'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new ConfigurationError(
      `terraform output -json failed in ${quote(dir)}: ${oneLine(stderr?.trim() || message)}`,
    );
  }
  try {
    return JSON.parse(stdout);
  } catch {
    throw new ConfigurationError(`terraform output -json in ${quote(dir)} printed no JSON.`);
  }
}

export async function main(): Promise<void> {
  const mappings = parseMappings('outputs', requiredInput('outputs'));
  const dir = optionalInput('working-directory') ?? '.';
  const values = mapOutputs(await terraformOutputs(dir), mappings);
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value);
  core.info(`Step outputs from terraform output: ${Object.keys(values).join(', ')}.`);
}
