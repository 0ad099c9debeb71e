import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { ROOT } from '../../simulator/runner/run-action.ts';
import { checkAll } from '../../scripts/release/main.ts';
import { releaseTag } from '../../scripts/release/version.ts';

const run = promisify(execFile);
const version = releaseTag(ROOT);

describe('releases', () => {
  it('every workflow, example, module source and doc snippet calls this repository at the release it ships in', () => {
    // A user who pins ad-hoc-deploy.yml@vX.Y.Z must run actions and modules of vX.Y.Z only:
    // a floating ref (@v1, @main, an older release) anywhere in a released file fails here.
    expect(checkAll(ROOT, version)).toEqual([]);
  });

  it('rehearses a release from conventional commits: tags, changelog entry, rewritten references', async () => {
    const { stdout } = await run('node', ['scripts/release/main.ts', 'rehearse'], { cwd: ROOT });
    const [major, minor] = version.slice(1).split('.').map(Number) as [number, number];
    const next = `v${major}.${minor + 1}.0`;
    expect(stdout).toContain(`Tags it would publish: ${next}, v${major} (moved)`);
    const entry = stdout.slice(stdout.indexOf('CHANGELOG entry:'), stdout.indexOf('References rewritten'));
    expect(entry).toMatch(new RegExp(`## \\[${next.slice(1).replace(/\./g, '\\.')}\\]`));
    expect(entry).toContain('**rolling-update:** follow ECS service deployments');
    expect(entry).toContain('**slack-notify:** escape mrkdwn in every inserted value');
    expect(entry).not.toContain('bump dev dependencies'); // chores are not user-facing
    expect(stdout).toMatch(new RegExp(`\\.github/\\S+:\\d+ rolling-update@\\S+ → ${next}`));
    expect(stdout).toMatch(
      new RegExp(`terraform/examples/ad-hoc/main\\.tf:\\d+ terraform/modules/environment@\\S+ → ${next}`),
    );
    expect(stdout).toContain(`Every reference names ${next}.`);
  }, 60_000);
});
