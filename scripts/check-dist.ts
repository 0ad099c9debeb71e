/** Fails when dist/ or action-docs.md differ from a fresh build of the committed source. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from './build.ts';
import { ROOT } from './actions.ts';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const fresh = await mkdtemp(join(tmpdir(), 'check-dist-'));
try {
  await build(fresh);
  const differing: string[] = [];
  const names = new Set([...(await files(join(ROOT, 'dist'))), ...(await files(join(fresh, 'dist')))]);
  for (const name of [...[...names].map((n) => join('dist', n)), 'action-docs.md']) {
    const [committed, built] = await Promise.all(
      [ROOT, fresh].map((dir) => readFile(join(dir, name), 'utf8').catch(() => undefined)),
    );
    if (committed !== built) differing.push(name);
  }
  if (differing.length > 0) {
    console.error(
      `These differ from a fresh build; run \`npm run build\` and commit:\n  ${differing.join('\n  ')}`,
    );
    process.exitCode = 1;
  } else {
    console.log('dist/ and action-docs.md match a fresh build.');
  }
} finally {
  await rm(fresh, { recursive: true, force: true });
}
