import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { runAction } from '../../simulator/runner/run-action.ts';

/**
 * doctor against the emulator as bootstrap and shared leave an account (the roles rendered from
 * the Terraform), and a local GitHub API: all green; then a permission taken away, an
 * environment without reviewers and a missing label each become one line with its fix.
 */

const ACCOUNT = '123456789012';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/github-actions/${name}`;
let emulator: Emulator;
let github: Server;
let githubUrl: string;
const environments: Record<string, unknown> = {
  production: {
    name: 'production',
    protection_rules: [{ type: 'required_reviewers', reviewers: [{ type: 'User' }] }],
  },
  staging: {
    name: 'staging',
    protection_rules: [{ type: 'required_reviewers', reviewers: [{ type: 'Team' }] }],
  },
};
const labels = new Set(['preview', 'keep-preview']);

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.account.buckets.set('acme-terraform-state', { versioning: 'Enabled' });
  emulator.account.zones.set('Z0123456789ABCDEFGHIJ', { name: 'dev.example.com' });
  emulator.account.addCertificate(emulator.state, '*.dev.example.com');
  emulator.createSecret('adhoc/django-secret-key', 'x'.repeat(64));
  github = createServer((request, response) => {
    const auth = request.headers.authorization === 'Bearer ghs_doctor';
    const environment = /^\/repos\/acme\/webapp\/environments\/([^/]+)$/.exec(request.url ?? '')?.[1];
    const label = /^\/repos\/acme\/webapp\/labels\/([^/]+)$/.exec(request.url ?? '')?.[1];
    const found = !auth
      ? undefined
      : environment
        ? environments[environment]
        : label && labels.has(decodeURIComponent(label))
          ? { name: label }
          : undefined;
    response
      .writeHead(!auth ? 401 : found ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(found ?? { message: 'Not Found' }));
  });
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
  githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emulator.stop();
  await new Promise((resolve) => github.close(resolve));
});

const doctor = () =>
  runAction(
    'doctor',
    {
      repository: 'acme/webapp',
      'preview-role': role('github-actions-preview'),
      'production-role': role('github-actions-production'),
      'plan-role': role('github-actions-plan'),
      'build-role': role('github-actions-build'),
      'review-role': role('github-actions-review'),
      'state-bucket': 'acme-terraform-state',
      'hosted-zone-id': 'Z0123456789ABCDEFGHIJ',
      domain: 'dev.example.com',
      variables: JSON.stringify({
        AWS_REGION: 'us-east-1',
        STATE_BUCKET: 'acme-terraform-state',
        PREVIEW_ROLE_ARN: 'a',
        PRODUCTION_ROLE_ARN: 'b',
        PLAN_ROLE_ARN: 'c',
        BUILD_ROLE_ARN: 'd',
        REVIEW_ROLE_ARN: 'e',
      }),
      'github-token': 'ghs_doctor',
      'github-api-url': githubUrl,
    },
    // Run as the preview role: a doctor job in the repository uses it.
    { env: emulator.env() },
  );

test('all green for the account bootstrap and shared make and a repository set up as Getting started says', async () => {
  const run = await doctor();
  const failures = run.lines.filter((l) => l.startsWith('✗'));
  expect(failures).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(run.outputs['missing']).toBe('0');
  for (const name of [
    'github-actions-preview',
    'github-actions-production',
    'github-actions-plan',
    'github-actions-build',
    'github-actions-review',
  ]) {
    expect(run.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^✓ permissions of ${name}: all \\d+ calls allowed$`)),
    );
    expect(run.lines).toContainEqual(expect.stringMatching(new RegExp(`^✓ trust of ${name}: `)));
  }
  expect(run.summary).toContain('| ✅ | GitHub OIDC provider |');
});

test('a permission taken from a role is one line naming the role, the action and the fix', async () => {
  emulator.iam.directory.removeAction('github-actions-preview', 'ecs:DescribeServiceDeployments');
  delete environments['staging'];
  labels.delete('keep-preview');
  const run = await doctor();
  expect(run.exitCode).toBe(1);
  const failures = run.lines.filter((l) => l.startsWith('✗'));
  expect(failures).toEqual([
    expect.stringMatching(
      /^✗ permissions of github-actions-preview: \d+ of \d+ calls denied: ecs:DescribeServiceDeployments on arn:aws:ecs:us-east-1:123456789012:service-deployment\/pr-1\/pr-1-\w+\/1234567890.* → allow them to github-actions-preview: apply terraform\/examples\/bootstrap/,
    ),
    '✗ GitHub environment staging: missing → create it (Settings → Environments) with required reviewers',
    '✗ label keep-preview: missing → create the label keep-preview (Issues → Labels)',
  ]);
  expect(run.errors.at(-1)).toMatch(
    /^3 thing\(s\) missing before the first deploy: permissions of github-actions-preview, GitHub environment staging, label keep-preview\.$/,
  );
});

/**
 * Two accounts (the default layout, terraform/examples/bootstrap-two-accounts): doctor checks
 * the account it runs in, the preview/build account for doctor.yml, and names the roles of the
 * production account as checked from there, with that account's credentials.
 */
test('two accounts: the preview account all green, the production account checked from its own credentials', async () => {
  const [production, preview] = ['111111111111', '222222222222'];
  const inAccount = (account: string, name: string) => `arn:aws:iam::${account}:role/github-actions/${name}`;
  const there = emulator.inAccount(preview);
  there.account.buckets.set('acme-preview-terraform-state', { versioning: 'Enabled' });
  there.account.zones.set('Z0123456789ABCDEFGHIJ', { name: 'dev.example.com' });
  there.account.addCertificate(there.state, '*.dev.example.com');
  there.createSecret('adhoc/django-secret-key', 'x'.repeat(64));
  const inputs = {
    repository: 'acme/webapp',
    'hosted-zone-id': 'Z0123456789ABCDEFGHIJ',
    domain: 'dev.example.com',
    'github-token': 'ghs_doctor',
    'github-api-url': githubUrl,
  };
  const fromPreview = await runAction(
    'doctor',
    {
      ...inputs,
      'preview-role': inAccount(preview, 'github-actions-preview'),
      'build-role': inAccount(preview, 'github-actions-build'),
      'production-role': inAccount(production, 'github-actions-production'),
      'plan-role': inAccount(production, 'github-actions-plan'),
      'review-role': inAccount(production, 'github-actions-review'),
      'state-bucket': 'acme-preview-terraform-state',
    },
    { env: there.env({ role: inAccount(preview, 'github-actions-preview') }) },
  );
  // (GitHub's settings are the first test's; the one before took some away.)
  const awsFailures = (lines: string[]) =>
    lines.filter((l) => l.startsWith('✗') && !/^✗ (GitHub environment|label|variable) /.test(l));
  expect(awsFailures(fromPreview.lines)).toEqual([]);
  for (const name of ['github-actions-preview', 'github-actions-build'])
    expect(fromPreview.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^✓ permissions of ${name}: all \\d+ calls allowed$`)),
    );
  expect(fromPreview.lines).toContainEqual(
    `✓ roles in account ${production}: not checked from account ${preview} (github-actions-production, github-actions-plan, github-actions-review): run doctor with that account's credentials and those roles`,
  );

  const home = emulator.inAccount(production);
  home.account.buckets.set('acme-prod-terraform-state', { versioning: 'Enabled' });
  home.account.zones.set('Z0123456789ABCDEFGHIJ', { name: 'dev.example.com' });
  home.account.addCertificate(home.state, '*.dev.example.com');
  home.createSecret('adhoc/django-secret-key', 'x'.repeat(64));
  const fromProduction = await runAction(
    'doctor',
    {
      ...inputs,
      'production-role': inAccount(production, 'github-actions-production'),
      'plan-role': inAccount(production, 'github-actions-plan'),
      'review-role': inAccount(production, 'github-actions-review'),
      'state-bucket': 'acme-prod-terraform-state',
      // The images production reads are the build account's.
      'release-registry': `${preview}.dkr.ecr.us-east-1.amazonaws.com`,
    },
    // An administrator of the production account, as `npm run doctor` runs.
    { env: home.env({ role: null }) },
  );
  expect(awsFailures(fromProduction.lines)).toEqual([]);
  for (const name of ['github-actions-production', 'github-actions-plan', 'github-actions-review'])
    expect(fromProduction.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^✓ permissions of ${name}: all \\d+ calls allowed$`)),
    );
});
