import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import semver from 'semver';
import { appendFile } from 'node:fs/promises';
import type { StandIn } from './index.ts';

/**
 * hashicorp/setup-terraform: nothing is downloaded; the terraform already on PATH must satisfy
 * terraform_version (the same semver range the action resolves), and the rehearsal's wrapper
 * (bin/terraform) goes first on PATH.
 */
export const setupTerraform: StandIn = {
  describe: "checks the terraform on PATH against terraform_version and puts the rehearsal's wrapper first",
  async run({ with: inputs, env, run, print }) {
    const wanted = inputs['terraform_version'] || 'latest';
    let version: string;
    try {
      version = (
        JSON.parse(execFileSync('terraform', ['version', '-json'], { env, encoding: 'utf8' })) as {
          terraform_version: string;
        }
      ).terraform_version;
    } catch (error) {
      print(`::error::terraform is not on PATH: ${(error as Error).message.split('\n')[0]}`);
      return false;
    }
    if (wanted !== 'latest' && !semver.satisfies(version, wanted)) {
      print(
        `::error::terraform ${version} on PATH does not satisfy terraform_version '${wanted}' (setup-terraform would install another version)`,
      );
      return false;
    }
    print(`terraform ${version} satisfies '${wanted}'`);
    if (inputs['terraform_wrapper'] !== 'false')
      print('(terraform_wrapper: the rehearsal never wraps stdout)');
    await appendFile(
      env['GITHUB_PATH']!,
      `${join(run.options.repoRoot, 'simulator/rehearsal/stand-ins/bin')}\n`,
    );
    return true;
  },
};
