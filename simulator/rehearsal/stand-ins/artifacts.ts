import { cp, mkdir, readdir } from 'node:fs/promises';
import { appendKeyValues } from './files.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StandIn } from './index.ts';

/**
 * actions/upload-artifact@v4+: a folder per artifact; a name uploaded twice in one run fails, as in
 * v4. Outputs artifact-id and artifact-url as the action does (the id is the upload's number here).
 */
export const uploadArtifact: StandIn = {
  describe: "copies the files to the rehearsal's artifacts folder",
  async run({ with: inputs, env, workspace, run, print }) {
    const name = inputs['name'] || 'artifact';
    const target = join(run.artifactsDir, name);
    if (existsSync(target)) {
      print(`::error::Failed to CreateArtifact: an artifact named ${name} already exists in this run`);
      return false;
    }
    const paths = (inputs['path'] ?? '')
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    const found = paths.filter((p) => existsSync(resolve(workspace, p)));
    if (found.length === 0) {
      const message = `No files were found with the provided path: ${paths.join(', ')}`;
      const ifMissing = inputs['if-no-files-found'] || 'warn';
      if (ifMissing === 'error') {
        print(`::error::${message}`);
        return false;
      }
      if (ifMissing === 'warn') print(`::warning::${message}. No artifacts will be uploaded.`);
      return true;
    }
    await mkdir(target, { recursive: true });
    for (const p of found)
      await cp(resolve(workspace, p), join(target, p.split('/').pop()!), { recursive: true });
    const id = String((await readdir(run.artifactsDir)).length);
    const server = env['GITHUB_SERVER_URL'] ?? 'https://github.com';
    await appendKeyValues(env['GITHUB_OUTPUT']!, {
      'artifact-id': id,
      'artifact-url': `${server}/${env['GITHUB_REPOSITORY'] ?? ''}/actions/runs/${env['GITHUB_RUN_ID'] ?? ''}/artifacts/${id}`,
    });
    print(`uploaded ${found.join(', ')} as ${name}`);
    return true;
  },
};

export const downloadArtifact: StandIn = {
  describe: "copies an artifact from the rehearsal's artifacts folder",
  async run({ with: inputs, workspace, run, print }) {
    const name = inputs['name'] ?? '';
    const source = join(run.artifactsDir, name);
    if (name === '' || !existsSync(source)) {
      print(`::error::Unable to download artifact(s): Artifact not found for name: ${name}`);
      return false;
    }
    const target = resolve(workspace, inputs['path'] ?? '');
    await mkdir(target, { recursive: true });
    await cp(source, target, { recursive: true });
    print(`downloaded ${name} (${(await readdir(source)).join(', ')}) to ${target}`);
    return true;
  },
};
