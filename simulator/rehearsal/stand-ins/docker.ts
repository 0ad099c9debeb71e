import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { appendKeyValues } from './files.ts';
import { emulatorControl } from './emulator-control.ts';
import type { StandIn } from './index.ts';

/** What a docker push to ECR is authorized as (the layer upload and the manifest). */
const PUSH_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
];

/**
 * docker/build-push-action: nothing is built; the digest is the sha256 of what defines the build
 * (context, file, tags, build-args), so a rerun gives the same one. With push, each ECR tag is
 * pushed to the emulator's registry as the job's role (IAM judges the push) into an immutable
 * repository (a tag already on other bytes is refused, as ECR refuses it).
 */
export const dockerBuildPush: StandIn = {
  describe:
    "records the build, answers a deterministic digest and pushes it to the emulator's ECR as the job's role",
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
    if (inputs['push'] === 'true') {
      for (const tag of tags) {
        const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+):(.+)$/.exec(tag);
        if (!match || !env['AWS_ENDPOINT_URL_ECR']) continue;
        const [, account, region, repository, name] = match as unknown as [
          string,
          string,
          string,
          string,
          string,
        ];
        const resource = `arn:aws:ecr:${region}:${account}:repository/${repository}`;
        const denied = await emulatorControl(
          env,
          'authorize',
          env['AWS_ACCESS_KEY_ID'] ?? '',
          PUSH_ACTIONS.map((action) => ({ action, resource })),
        );
        if (denied) {
          print(`::error::denied: ${String(denied)}`);
          return false;
        }
        // Into the registry the tag names (its account's), whoever pushes.
        const refused = await emulatorControl(
          { ...env, EMULATOR_ACCOUNT: account },
          'putImage',
          repository,
          digest,
          name,
        );
        if (refused) {
          print(`::error::failed to push ${tag}: ${String(refused)}`);
          return false;
        }
      }
    }
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
