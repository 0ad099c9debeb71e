/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) and prints
 * its table. Each measures ours against the alternative in the same run, so the ratios hold on
 * any machine, however loaded.
 */
import { readdir } from 'node:fs/promises';

const dir = new URL('.', import.meta.url);
const only = process.argv.slice(2);
const files = (await readdir(dir)).filter(
  (file) => file.endsWith('.bench.ts') && (only.length === 0 || only.some((name) => file.startsWith(name))),
);
for (const file of files.sort()) {
  const module = (await import(new URL(file, dir).href)) as { default: () => Promise<void> };
  await module.default();
}
