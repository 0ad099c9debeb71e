import { cp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
import type { StandIn } from './index.ts';

/**
 * actions/checkout: the caller's repository is a folder of this checkout (default
 * examples/django-repo) copied into the workspace, with the Terraform root (default
 * terraform/examples/ad-hoc) as its `terraform/` and any more roots where they belong (the prod
 * example as `terraform/prod`), as the README tells callers to lay it out. The
 * root's module sources — `git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/
 * modules/<name>?ref=vX.Y.Z`, as a user's copy has them (or a relative `../../modules/...`) — point
 * at this checkout's modules, which is what that tag holds when the rehearsal runs a release.
 */
export const checkout: StandIn = {
  describe: 'copies the example caller repository into the workspace',
  async run({ with: inputs, workspace, run, print }) {
    const target = resolve(workspace, inputs['path'] ?? '');
    await mkdir(target, { recursive: true });
    const { callerRepo, terraformRoot, repoRoot } = run.options;
    print(`copying ${callerRepo} to ${target}`);
    await cp(callerRepo, target, { recursive: true });
    const roots = {
      ...(terraformRoot !== '' && { terraform: terraformRoot }),
      ...run.options.terraformRoots,
    };
    for (const [folder, root] of Object.entries(roots)) {
      const dir = join(target, folder);
      print(`copying ${root} to ${dir} (module sources → ${join(repoRoot, 'terraform/modules')})`);
      await cp(root, dir, {
        recursive: true,
        filter: (src) => !/\/\.terraform(\/|$|\.lock)/.test(src),
      });
      for (const file of await readdir(dir)) {
        if (!file.endsWith('.tf')) continue;
        const text = await readFile(join(dir, file), 'utf8');
        await writeFile(
          join(dir, file),
          text
            .replace(
              /source\s*=\s*"git::https:\/\/github\.com\/adhoc-actions\/adhoc-actions\.git\/\/terraform\/modules\/([\w-]+)\?ref=[^"]*"/g,
              (_m, name: string) => `source = "${join(repoRoot, 'terraform/modules', name)}"`,
            )
            .replace(
              /source\s*=\s*"(?:\.\.\/)+modules\//g,
              `source = "${join(repoRoot, 'terraform/modules')}/`,
            ),
        );
      }
    }
    // A repository, as actions/checkout leaves one: `git rev-parse HEAD` names the commit (one
    // commit of what was copied; its sha is not the event's, which no stand-in can forge).
    const git = (...args: string[]) =>
      execFileAsync(
        'git',
        [
          '-C',
          target,
          '-c',
          'user.name=rehearsal',
          '-c',
          'user.email=rehearsal@localhost',
          '-c',
          'commit.gpgsign=false',
          ...args,
        ],
        {
          env: {
            ...process.env,
            GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
            GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
          },
        },
      );
    await git('init', '-q');
    await git('add', '-A');
    // The commit differs with the ref checked out (the event's sha), as each push's does.
    await git(
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      `rehearsal checkout of ${inputs['ref'] || run.options.event?.payload['after'] || 'HEAD'}`,
    );
    if (inputs['persist-credentials'] !== 'false')
      print('(persist-credentials: no credentials to persist here)');
    return true;
  },
};
