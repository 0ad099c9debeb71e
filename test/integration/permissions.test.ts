import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../simulator/runner/run-action.ts';
import { rehearse, type RehearsalOptions } from '../../simulator/rehearsal/engine.ts';
import { oneOffTasksSucceed, startServices, type Services } from '../../simulator/rehearsal/services.ts';
import { errorAnnotations, servicesOptions } from '../helpers/rehearsal.ts';

/**
 * The roles users apply, enforced where the product runs: a permission taken from the preview
 * role fails the deploy at the step that needs it, naming the action; a pull-request job asking
 * for the production role is refused by STS's trust check.
 */

const PREVIEW = 'arn:aws:iam::123456789012:role/github-actions/github-actions-preview';
const PRODUCTION = 'arn:aws:iam::123456789012:role/github-actions/github-actions-production';

let dir: string;
let services: Services;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'permissions-'));
  services = await startServices();
});
afterAll(async () => {
  await services.stop();
  await rm(dir, { recursive: true, force: true });
});

const options = (name: string, overrides: Partial<RehearsalOptions>) =>
  servicesOptions(services, dir, name, overrides);

const errors = errorAnnotations;

test('without ecs:DescribeServiceDeployments the preview deploy fails at rolling-update with AccessDenied naming the action', async () => {
  oneOffTasksSucceed(services.emulator, 'pr-31');
  const deploy = (tag: string) =>
    options(`deploy-${tag}`, {
      terraformState: join(dir, 'pr-31-state'),
      inputs: {
        environment: 'pr-31',
        'image-tag': tag,
        'backend-config': 'bucket=acme-terraform-state\nkey=adhoc/terraform.tfstate\nregion=us-east-1',
        'aws-region': 'us-east-1',
        'role-to-assume': PREVIEW,
        // Every preview's settings (the name comes from the workspace).
        'var-file': 'envs/preview.tfvars',
        'terraform-version': '>=1.7',
      },
    });
  // With the role as bootstrap makes it, the preview comes up; then a new image rolls out.
  const created = await rehearse(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), deploy('v1'));
  expect(errors(created)).toEqual([]);
  services.emulator.iam.directory.removeAction('github-actions-preview', 'ecs:DescribeServiceDeployments');
  const result = await rehearse(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), deploy('v2'));
  expect(result.conclusion).toBe('failure');
  const denied = errors(result).find((a) => a.message.includes('AccessDeniedException'));
  expect(denied).toBeDefined();
  expect(denied!.step).toMatch(/roll/i);
  expect(denied!.message).toMatch(
    /assumed-role\/github-actions-preview\/ad-hoc-deploy-\d+ is not authorized to perform: ecs:DescribeServiceDeployments on resource: arn:aws:ecs:us-east-1:123456789012:service-deployment\/pr-31\/pr-31-[a-z]+\//,
  );
});

test('a pull-request job asking for the production role is refused by STS, as AWS refuses it, before any AWS call', async () => {
  const caller = join(dir, 'pr-asks-for-production.yml');
  // What a branch could add to the repository: a pull_request workflow naming the production role.
  await writeFile(
    caller,
    `on: pull_request
permissions: {}
jobs:
  steal:
    runs-on: ubuntu-latest
    permissions: { id-token: write, contents: read }
    steps:
      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3
        with:
          role-to-assume: ${PRODUCTION}
          aws-region: us-east-1
      - run: echo should never run
`,
  );
  const before = services.emulator.calls().length;
  const run = options('pr-asks', {
    event: { name: 'pull_request', payload: { action: 'opened', number: 9 } },
  });
  const result = await rehearse(caller, run);
  expect(result.conclusion).toBe('failure');
  expect(errors(result).map((a) => a.message)).toEqual([
    'Could not assume role with OIDC: Not authorized to perform sts:AssumeRoleWithWebIdentity',
  ]);
  const refused = services.emulator.stsRecord().refused.at(-1)!;
  expect(refused).toMatchObject({ roleArn: PRODUCTION, sub: 'repo:acme/webapp:pull_request' });
  expect(services.emulator.calls().length).toBe(before);
  expect(run.lines.join('\n')).toMatch(/Run echo should never run\n\s+skipped/);
});

test('the same job in the production environment of a reusable workflow of ours is trusted', async () => {
  const caller = join(dir, 'production-job.yml');
  await writeFile(
    caller,
    `on:
  push:
    branches: [main]
permissions: {}
jobs:
  deploy:
    uses: adhoc-actions/adhoc-actions/.github/workflows/app-update.yml@v1.0.0
    permissions: { id-token: write, contents: read }
    with:
      environment: prod
      image-tag: v5
      aws-region: us-east-1
      role-to-assume: ${PRODUCTION}
      github-environment: production
`,
  );
  const run = options('production-job', {
    event: { name: 'push', payload: { ref: 'refs/heads/main' } },
    approveEnvironments: true,
  });
  const result = await rehearse(caller, run);
  // Trusted: the role was assumed; the deploy then stops at what is missing here (no image
  // pushed, no prod cluster), not at STS.
  expect(services.emulator.stsRecord().assumed.at(-1)).toMatchObject({
    roleArn: PRODUCTION,
    sub: 'repo:acme/webapp:environment:production',
  });
  expect(result.conclusion).toBe('failure');
  expect(
    errors(result)
      .map((a) => a.message)
      .join('\n'),
  ).not.toMatch(/AssumeRoleWithWebIdentity/);
});
