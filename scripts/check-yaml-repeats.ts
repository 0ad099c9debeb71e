/**
 * CI check: no block of 6 or more lines repeats across the workflows and local actions
 * (`npm run check-yaml`). Each repeat found is printed with its places; exit 1 if any.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepeats, type YamlFile } from './yaml-repeats.ts';

const root = join(import.meta.dirname, '..');
const files: YamlFile[] = [
  ...readdirSync(join(root, '.github/workflows'))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join('.github/workflows', name)),
  ...readdirSync(join(root, '.github/actions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      ['action.yml', 'action.yaml']
        .map((file) => join('.github/actions', entry.name, file))
        .filter((path) => existsSync(join(root, path))),
    ),
].map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));

const repeats = findRepeats(files);
const total = files.reduce((n, f) => n + f.text.split('\n').length, 0);
if (repeats.length === 0) {
  console.log(
    `No block of 6 or more lines repeats in ${files.length} workflow and action files (${total} lines).`,
  );
} else {
  for (const r of repeats) {
    console.log(`${r.lines.length} lines repeated at ${r.places.join(', ')}:`);
    for (const line of r.lines) console.log(`    ${line}`);
  }
  console.log(
    `${repeats.length} repeated blocks in ${files.length} files (${total} lines): move each into one composite action or TypeScript.`,
  );
  process.exitCode = 1;
}
