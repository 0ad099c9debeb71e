/**
 * The release steps, the same in the release workflow and in a local rehearsal:
 *
 *   node scripts/release/main.ts state      "publish vX.Y.Z" when package.json's version has no
 *                                           tag yet (a release PR was merged), else "prepare"
 *   node scripts/release/main.ts prepare    conventional commits since the last tag → version bump
 *                                           and CHANGELOG entry (commit-and-tag-version), then every
 *                                           reference to this repository pinned at the new version;
 *                                           prints the version, or nothing when nothing is releasable
 *   node scripts/release/main.ts pin        pin every reference at package.json's version
 *   node scripts/release/main.ts check      fail listing references that do not name that version
 *   node scripts/release/main.ts notes V    the CHANGELOG entry of V (the GitHub release's notes)
 *   node scripts/release/main.ts rehearse   all of it on a sample history of conventional commits
 *                                           in a temporary repository: tags, entry, rewritten refs
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { floatingReferences, isReleasedReferenceFile, majorTag, pinReferences } from './references.ts';
import { changelogEntry, SAMPLE_HISTORY } from './history.ts';
import { releaseTag } from './version.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUMP = join(ROOT, 'node_modules/.bin/commit-and-tag-version');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function releasedFiles(dir: string): string[] {
  return git(dir, 'ls-files').split('\n').filter(isReleasedReferenceFile);
}

/** Pins every reference in `dir` at `version`; returns "file:line target@version" for each change. */
export function pinAll(dir: string, version: string): string[] {
  const changes: string[] = [];
  for (const file of releasedFiles(dir)) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const pinned = pinReferences(text, version);
    if (pinned === text) continue;
    writeFileSync(path, pinned);
    for (const r of floatingReferences(text, version))
      changes.push(`${file}:${r.line} ${r.target}@${r.ref} → ${version}`);
  }
  return changes;
}

/** References in `dir` that do not name `version`, as "file:line target@ref". */
export function checkAll(dir: string, version: string): string[] {
  return releasedFiles(dir).flatMap((file) =>
    floatingReferences(readFileSync(join(dir, file), 'utf8'), version).map(
      (r) => `${file}:${r.line} ${r.target}@${r.ref}`,
    ),
  );
}

function tagExists(dir: string, tag: string): boolean {
  return git(dir, 'tag', '--list', tag) === tag;
}

/** Bumps package.json and writes the CHANGELOG entry from conventional commits; undefined when nothing is releasable. */
export function prepare(dir: string): { version: string; entry: string; pinned: string[] } | undefined {
  const before = releaseTag(dir);
  const lastTag = tagExists(dir, before) ? before : undefined;
  const commits = lastTag
    ? git(dir, 'log', '--format=%s', `${lastTag}..HEAD`)
    : git(dir, 'log', '--format=%s');
  if (!commits.split('\n').some((s) => /^(feat|fix|perf|revert)(\(.+\))?!?:|^[a-z]+(\(.+\))?!:/.test(s))) {
    return undefined;
  }
  execFileSync(BUMP, ['--skip.commit', '--skip.tag', '--tag-prefix', 'v'], { cwd: dir, stdio: 'ignore' });
  const version = releaseTag(dir);
  const entry = changelogEntry(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'), version);
  return { version, entry, pinned: pinAll(dir, version) };
}

/** A throwaway repository: the released files of this checkout, tagged, then the sample commits. */
function rehearsalRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'adhoc-release-'));
  for (const file of [...releasedFiles(ROOT), 'package.json', '.versionrc.json']) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  const version = releaseTag(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(
    dir,
    '-c',
    'user.name=rehearsal',
    '-c',
    'user.email=rehearsal@localhost',
    'commit',
    '-qm',
    `chore(release): ${version}`,
  );
  git(dir, 'tag', version);
  SAMPLE_HISTORY.forEach((message, i) => {
    writeFileSync(join(dir, `change-${i}.txt`), message);
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=rehearsal', '-c', 'user.email=rehearsal@localhost', 'commit', '-qm', message);
  });
  return dir;
}

function main(argv: string[]): number {
  const [command, arg] = argv;
  switch (command) {
    case 'state': {
      const version = releaseTag(ROOT);
      console.log(tagExists(ROOT, version) ? 'prepare' : `publish ${version}`);
      return 0;
    }
    case 'prepare': {
      const result = prepare(ROOT);
      if (result) console.log(result.version);
      return 0;
    }
    case 'pin':
      for (const change of pinAll(ROOT, releaseTag(ROOT))) console.log(change);
      return 0;
    case 'check': {
      const version = releaseTag(ROOT);
      const floating = checkAll(ROOT, version);
      for (const f of floating) console.error(`${f}: not pinned at ${version}`);
      if (floating.length === 0) console.log(`Every reference names ${version}.`);
      return floating.length === 0 ? 0 : 1;
    }
    case 'notes':
      if (!arg) throw new Error('notes needs a version, e.g. v1.2.0');
      console.log(changelogEntry(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), arg));
      return 0;
    case 'rehearse': {
      const dir = rehearsalRepository();
      try {
        const from = releaseTag(dir);
        console.log(`Rehearsal in ${dir}: released ${from}, then ${SAMPLE_HISTORY.length} commits:`);
        for (const m of SAMPLE_HISTORY) console.log(`  ${m}`);
        const result = prepare(dir);
        if (!result) {
          console.log('Nothing releasable.');
          return 0;
        }
        console.log(`\nTags it would publish: ${result.version}, ${majorTag(result.version)} (moved)`);
        console.log(`\nCHANGELOG entry:\n${result.entry}`);
        console.log(`\nReferences rewritten (${result.pinned.length}):`);
        for (const p of result.pinned) console.log(`  ${p}`);
        const left = checkAll(dir, result.version);
        console.log(
          left.length === 0
            ? `\nEvery reference names ${result.version}.`
            : `\nStill floating:\n${left.join('\n')}`,
        );
        return left.length === 0 ? 0 : 1;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    default:
      console.error('usage: node scripts/release/main.ts state|prepare|pin|check|notes <vX.Y.Z>|rehearse');
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
