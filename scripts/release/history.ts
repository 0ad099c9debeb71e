/** CHANGELOG.md as commit-and-tag-version writes it, and the sample history the rehearsal releases. */

/** The entry of `version` (`vX.Y.Z`): from its heading to the next version's heading. */
export function changelogEntry(changelog: string, version: string): string {
  const bare = version.replace(/^v/, '');
  const lines = changelog.split('\n');
  const heading = /^#{2,3} \[?v?(\d+\.\d+\.\d+)/;
  const start = lines.findIndex((l) => heading.exec(l)?.[1] === bare);
  if (start < 0) throw new Error(`CHANGELOG.md has no entry for ${version}`);
  const rest = lines.slice(start + 1).findIndex((l) => heading.test(l));
  const end = rest < 0 ? lines.length : start + 1 + rest;
  return lines.slice(start, end).join('\n').trim();
}

/** Conventional commits after a release: a feature and a fix make a minor release. */
export const SAMPLE_HISTORY = [
  'feat(rolling-update): follow ECS service deployments',
  'fix(slack-notify): escape mrkdwn in every inserted value',
  'docs: getting started on AWS',
  'chore: bump dev dependencies',
];
