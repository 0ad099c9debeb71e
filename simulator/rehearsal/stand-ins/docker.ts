import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { appendKeyValues } from './files.ts';
import type { StandIn } from './index.ts';

/**
 * docker/build-push-action: nothing is built; the build is recorded (printed) and the digest is
 * the sha256 of what defines it (context, file, tags, build-args), so a rerun gives the same one.
 */
export const dockerBuildPush: StandIn = {
  describe: 'records the build and answers a deterministic digest (no image is built or pushed)',
  async run({ with: inputs, env, workspace, print }) {
    const context = resolve(workspace, inputs['context'] || '.');
    if (!existsSync(context)) {
      print(`::error::context ${inputs['context']} does not exist in the workspace`);
      return false;
    }
    const tags = (inputs['tags'] ?? '')
      .split(/[\n,]/)
      .map((t) => t.trim())
      .filter(Boolean);
    const definition = JSON.stringify([
      inputs['context'] ?? '.',
      inputs['file'] ?? '',
      tags,
      inputs['build-args'] ?? '',
    ]);
    const digest = `sha256:${createHash('sha256').update(definition).digest('hex')}`;
    print(
      `build ${inputs['context'] || '.'}${inputs['file'] ? ` -f ${inputs['file']}` : ''} → ${tags.join(', ') || '(no tags)'}`,
    );
    print(`${inputs['push'] === 'true' ? 'pushed' : 'not pushed'}: ${digest}`);
    await appendKeyValues(env['GITHUB_OUTPUT']!, {
      digest,
      imageid: digest,
      metadata: JSON.stringify({ 'containerimage.digest': digest, 'image.name': tags.join(',') }),
    });
    return true;
  },
};

/** docker/login-action and docker/setup-buildx-action: nothing to log in to or set up. */
export const dockerNoop: StandIn = {
  describe: 'does nothing (no registry, no builder here)',
  run: async () => true,
};
