import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json } from '../expressions.ts';
import type { StandIn } from './index.ts';

/**
 * actions/github-script: the script runs in its own Node process (its own process.env) with a
 * `github` client that records every REST call and answers with plausible shapes, the `context`
 * of the run, and a small `core`. The calls are kept in the rehearsal's result.
 */
export const githubScript: StandIn = {
  describe: 'runs the script against a recording GitHub API (no request leaves the machine)',
  async run({ with: inputs, env, workingDirectory, run, print }) {
    const calls = join(env['RUNNER_TEMP']!, `github-calls-${Date.now()}.json`);
    const script = join(env['RUNNER_TEMP']!, `github-script-${Date.now()}.js`);
    await writeFile(script, inputs['script'] ?? '');
    const child = spawn(
      join(run.options.repoRoot, 'node_modules/node/bin/node'),
      [join(run.options.repoRoot, 'simulator/rehearsal/stand-ins/github-script-child.ts'), script, calls],
      {
        env: { ...env, RESULT_ENCODING: inputs['result-encoding'] || 'json' },
        cwd: workingDirectory,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines = (chunk: string) =>
      chunk
        .split('\n')
        .filter((l) => l !== '')
        .forEach(print);
    child.stdout.setEncoding('utf8').on('data', lines);
    child.stderr.setEncoding('utf8').on('data', lines);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const recorded = JSON.parse(await readFile(calls, 'utf8').catch(() => '[]')) as {
      method: string;
      params: Json;
    }[];
    run.githubCalls.push(...recorded);
    for (const call of recorded)
      print(`[rehearsal] github.${call.method}(${JSON.stringify(call.params).slice(0, 200)})`);
    return code === 0;
  },
};
