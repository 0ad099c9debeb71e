import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rehearse, type RehearsalOptions } from '../../simulator/rehearsal/engine.ts';
import { startServices, type Services } from '../../simulator/rehearsal/services.ts';
import { errorAnnotations, servicesOptions } from '../helpers/rehearsal.ts';

/**
 * The image claim of issue 21.1: a branch's job pushes its own image under the tag main's build
 * will look for (`sha-<next commit on main>`), and main's build, finding the tag, promotes it to
 * staging and production. Rehearsed with the roles bootstrap makes (rendered from Terraform):
 * the preview role pushes only to the preview twins, the build role trusts only main's build.yml,
 * and main's build never takes an image it finds by tag.
 */

const BUILD = 'arn:aws:iam::123456789012:role/github-actions/github-actions-build';
const PREVIEW = 'arn:aws:iam::123456789012:role/github-actions/github-actions-preview';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const NEXT_ON_MAIN = 'a'.repeat(40);

let dir: string;
let services: Services;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'image-claim-'));
  services = await startServices();
});
afterAll(async () => {
  await services.stop();
  await rm(dir, { recursive: true, force: true });
});

const options = (name: string, overrides: Partial<RehearsalOptions>) =>
  servicesOptions(services, dir, name, overrides);

const errors = (result: Awaited<ReturnType<typeof rehearse>>) =>
  errorAnnotations(result).map((a) => a.message);

/** What a branch could add to the repository: a pull_request workflow pushing `tag`. */
async function branchPushing(file: string, role: string, repository: string, tag: string): Promise<string> {
  const caller = join(dir, file);
  await writeFile(
    caller,
    `on: pull_request
permissions: {}
jobs:
  claim:
    runs-on: ubuntu-latest
    permissions: { id-token: write, contents: read }
    steps:
      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0
      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3
        with:
          role-to-assume: ${role}
          aws-region: us-east-1
      - uses: docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a # v7.3.0
        with:
          context: .
          tags: ${REGISTRY}/${repository}:${tag}
          push: true
`,
  );
  return caller;
}

const pr = { name: 'pull_request', payload: { action: 'opened', number: 66 } };

test("a branch's job cannot push the tag main will build into the repositories production deploys from", async () => {
  const caller = await branchPushing('claim.yml', PREVIEW, 'backend', `sha-${NEXT_ON_MAIN}`);
  const result = await rehearse(caller, options('claim', { event: pr }));
  expect(result.conclusion).toBe('failure');
  expect(errors(result)).toEqual([
    expect.stringMatching(
      /^denied: User: arn:aws:sts::123456789012:assumed-role\/github-actions-preview\/.+ is not authorized to perform: ecr:\w+ on resource: arn:aws:ecr:us-east-1:123456789012:repository\/backend /,
    ),
  ]);
  expect(services.emulator.ecr.repositories.get('backend')?.size ?? 0).toBe(0);

  // Its own preview twin is where it may push.
  const allowed = await branchPushing('own.yml', PREVIEW, 'backend-preview', `sha-${NEXT_ON_MAIN}`);
  const own = await rehearse(allowed, options('own', { event: pr }));
  expect(errors(own)).toEqual([]);
  expect(own.conclusion).toBe('success');
});

test('nor assume the build role: it trusts only build.yml of a release, on main', async () => {
  const caller = await branchPushing('as-build.yml', BUILD, 'backend', `sha-${NEXT_ON_MAIN}`);
  const result = await rehearse(caller, options('as-build', { event: pr }));
  expect(result.conclusion).toBe('failure');
  expect(errors(result)).toEqual([
    'Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity',
  ]);
  expect(services.emulator.stsRecord().refused.at(-1)).toMatchObject({
    roleArn: BUILD,
    sub: 'repo:acme/webapp:pull_request',
  });
});

async function mainBuild(file: string, role: string, release: boolean) {
  const caller = join(dir, file);
  await writeFile(
    caller,
    `on:
  push:
    branches: [main]
permissions: {}
jobs:
  build:
    uses: adhoc-actions/adhoc-actions/.github/workflows/build.yml@v1.0.0
    permissions: { id-token: write, contents: read }
    with:
      release: ${release}
      aws-region: us-east-1
      role-to-assume: ${role}
`,
  );
  const result = await rehearse(
    caller,
    options(file.replace('.yml', ''), {
      event: { name: 'push', payload: { ref: 'refs/heads/main', after: NEXT_ON_MAIN } },
    }),
  );
  expect(errors(result)).toEqual([]);
  expect(result.conclusion).toBe('success');
  return result.jobs['build']!.outputs;
}

test("main's build never takes an image it finds by tag: a planted sha-<commit> is not what it outputs", async () => {
  // The commit main will build, as a branch can know it: build it once where branches build.
  const preview = await mainBuild('branch-build.yml', PREVIEW, false);
  expect(preview['backend-repository']).toBe('backend-preview');
  const tag = preview['tag']!;
  expect(tag).toMatch(/^sha-[0-9a-f]{40}$/);
  // An image under that very tag in the repository production deploys from (planted by hand:
  // no branch can push there any more).
  const planted = `sha256:${'6'.repeat(64)}`;
  services.emulator.pushImage('backend', planted, {}, [tag]);
  const describes = services.emulator.calls('DescribeImages').length;

  const built = await mainBuild('main-build.yml', BUILD, true);

  expect(built['backend-repository']).toBe('backend');
  expect(built['backend-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(built['backend-digest']).not.toBe(planted);
  expect(built['tag']).toMatch(new RegExp(`^${tag}-\\d+-\\d+$`));
  expect(services.emulator.calls('DescribeImages')).toHaveLength(describes); // never looked
  expect(services.emulator.stsRecord().assumed.at(-1)).toMatchObject({
    roleArn: BUILD,
    sub: 'repo:acme/webapp:ref:refs/heads/main',
  });
});
