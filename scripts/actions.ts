import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = new URL('..', import.meta.url).pathname;

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

export interface ActionMetadata {
  /** Folder name: the `uses: <org>/adhoc-actions/<name>@vX.Y.Z` path. */
  name: string;
  title: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}

/** Every action of the repo: a root folder with an action.yml (its TypeScript is actions/<name>/). */
export async function listActions(): Promise<ActionMetadata[]> {
  const entries = await readdir(ROOT, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && existsSync(join(ROOT, e.name, 'action.yml')))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const yml = parse(await readFile(join(ROOT, name, 'action.yml'), 'utf8')) as Omit<
        ActionMetadata,
        'title'
      > & {
        name: string;
      };
      return { ...yml, title: yml.name, name, inputs: yml.inputs ?? {}, outputs: yml.outputs ?? {} };
    }),
  );
}
