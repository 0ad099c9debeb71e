import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigurationError } from './errors.ts';
import { oneLine, quote } from './inputs.ts';

const run = promisify(execFile);

/**
 * What a `terraform … -json` command prints in `dir`, parsed, and never printed: outputs and
 * plans may hold values users keep out of logs. A failing command or output that is not JSON is
 * one ConfigurationError naming the command.
 */
export async function terraformJson(
  dir: string,
  args: string[],
  parse: (text: string) => unknown = JSON.parse,
): Promise<unknown> {
  const command = `terraform ${args.join(' ')}`;
  let stdout: string;
  try {
    ({ stdout } = await run('terraform', args, { cwd: dir, maxBuffer: 256 * 1024 * 1024 }));
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new ConfigurationError(`${command} failed in ${quote(dir)}: ${oneLine(stderr?.trim() || message)}`);
  }
  try {
    return parse(stdout);
  } catch {
    throw new ConfigurationError(`${command} in ${quote(dir)} printed no JSON.`);
  }
}
