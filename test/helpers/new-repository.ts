import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../simulator/runner/run-action.ts';
import type { RehearsalOptions, RehearsalResult } from '../../simulator/rehearsal/engine.ts';
import { startServices, type Services } from '../../simulator/rehearsal/services.ts';
import type { ProductCall } from '../../actions/doctor/checks.ts';

/**
 * What test/integration/new-repository-*.test.ts share: a new application repository laid out as README "Getting started" step 5 says: the callers of
 * examples/django-repo, terraform/examples/ad-hoc as terraform/, the prod example as
 * terraform/prod, the repository variables of step 4, and the roles bootstrap makes (enforced).
 * Its own workflow files run, from the events GitHub would send them.
 */

export const ACCOUNT = '123456789012';
export const VARS = {
  AWS_REGION: 'us-east-1',
  STATE_BUCKET: 'acme-terraform-state',
  PREVIEW_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-preview`,
  PRODUCTION_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-production`,
  PLAN_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-plan`,
  BUILD_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-build`,
  REVIEW_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-review`,
  SLACK_CHANNEL: 'deploys',
};
export const CALLERS = join(ROOT, 'examples/django-repo/.github/workflows');

/** The machine one test file plays GitHub and AWS on; `stop` when it is done. */
export async function newRepository() {
  const dir = await mkdtemp(join(tmpdir(), 'new-repository-'));
  const services: Services = await startServices();
  // The state bucket bootstrap made: protected environments keep their failure reports in it.
  services.emulator.account.buckets.set(VARS.STATE_BUCKET, { versioning: 'Enabled' });
  return {
    dir,
    services,
    stop: async () => {
      await services.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
export type NewRepository = Awaited<ReturnType<typeof newRepository>>;

export function run(
  { dir, services }: NewRepository,
  name: string,
  event: RehearsalOptions['event'],
  overrides: Partial<RehearsalOptions> = {},
): RehearsalOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    repoRoot: ROOT,
    callerRepo: join(ROOT, 'examples/django-repo'),
    terraformRoot: join(ROOT, 'terraform/examples/ad-hoc'),
    terraformRoots: { 'terraform/prod': join(ROOT, 'terraform/examples/prod') },
    inputs: {},
    // What a repository has: its Slack token (no database password: the environments make theirs).
    secrets: { SLACK_TOKEN: services.secrets['SLACK_TOKEN']! },
    vars: VARS,
    approveEnvironments: false,
    awsEnv: services.emulator.env({ role: null }),
    redirects: services.redirects,
    workDir: join(dir, name),
    terraformState: join(dir, 'terraform-state'),
    print: (line) => lines.push(line),
    lines,
    event,
    ...overrides,
  };
}

export const errors = (result: RehearsalResult) => result.annotations.filter((a) => a.level === 'error');

/** A failed rehearsal's log, where jest shows it: the reason is in the step's lines. */
export function showLogOnFailure(result: RehearsalResult, lines: string[]): void {
  if (errors(result).length > 0) console.error(lines.join('\n').slice(-12_000));
}

export function pullRequest(action: string, labels: string[], number = 42) {
  return {
    name: 'pull_request',
    payload: {
      action,
      number,
      pull_request: {
        number,
        state: action === 'closed' ? 'closed' : 'open',
        labels: labels.map((name) => ({ name })),
        head: { ref: 'feature/login', sha: '4242424242424242424242424242424242424242' },
        base: { ref: 'main' },
      },
    },
  };
}

/** Where doctor keeps every call the product makes, by the role that makes it. */
export const PRODUCT_CALLS = join(ROOT, 'actions/doctor/product-calls.json');

export type { ProductCall };

/** The state buckets of the tests' layouts: one account's, and the production and preview accounts'. */
const STATE_BUCKETS = [VARS.STATE_BUCKET, 'acme-prod-terraform-state', 'acme-preview-terraform-state'];

/** A recorded ARN made generic: account, region, environment names and ids as doctor fills them. */
function template(text: string): string {
  return (
    text
      .replace(/(secret:[\w/+=.@-]+)-(?:[A-Za-z0-9]{6}|\?{6})\b/g, '$1-{suffix}')
      .replace(/(task-definition\/[\w-]+):\d+/g, '$1:{revision}')
      // The images are in the release registry's account (the build account, with two).
      .replace(/(arn:aws:ecr:[^:]+:)\d{12}:/g, '$1{registry}:')
      // The one account, or either of the two (a role's calls are in its own account).
      .replace(/\b(?:123456789012|111111111111|222222222222)\b/g, '{account}')
      .replace(/us-east-1/g, '{region}')
      .replace(/\bpr-\d+\b/g, '{environment}')
      .replace(/\bpr_\d+\b/g, '{database}')
      .replace(/\b[0-9a-f]{32}\b/g, '{task}')
      .replace(/(service-deployment\/[^/]+\/[^/]+\/)\d+/g, '$1{deployment}')
      .replace(/sha256:[0-9a-f]{64}/g, 'sha256:{digest}')
      .replace(/(failure-reports\/[^/]+\/)\d+-\d+\/[^/]+$/, '$1{run}/{report}')
      .replace(new RegExp(`:::(?:${STATE_BUCKETS.join('|')})/`), ':::{state-bucket}/')
  );
}

/** The condition keys the roles' policies test; the rest (dates, request tags) vary per run. */
const CONTEXT_KEYS = new Set([
  'ecs:cluster',
  'ecs:service',
  'ecs:CreateAction',
  'iam:PassedToService',
  'aws:ResourceTag/adhoc-actions:environment',
  's3:if-none-match',
  's3:prefix',
]);

/** The calls a flow made, by role kind, in doctor's form (sorted, without repeats). */
export function callsMade({ services }: NewRepository): ProductCall[] {
  const kinds: Record<string, ProductCall['role']> = {
    'github-actions-preview': 'preview',
    'github-actions-production': 'production',
    'github-actions-plan': 'plan',
    'github-actions-build': 'build',
    'github-actions-review': 'review',
  };
  const seen = new Map<string, ProductCall>();
  for (const { roleArn, request, decision } of services.emulator.iam.decisions) {
    const role = kinds[roleArn.split('/').pop()!];
    if (!role || decision !== 'allowed') continue;
    const context = Object.fromEntries(
      Object.entries(request.context ?? {})
        .filter(([key]) => CONTEXT_KEYS.has(key))
        .map(([key, value]) => [
          key,
          Array.isArray(value) ? value.map((v) => template(String(v))) : template(String(value)),
        ]),
    );
    const call: ProductCall = {
      role,
      action: request.action,
      resource: template(request.resource),
      ...(Object.keys(context).length && { context }),
    };
    seen.set(JSON.stringify(call), call);
  }
  return [...seen.values()];
}

/**
 * The calls of this flow missing from doctor's list. With UPDATE_PRODUCT_CALLS=1 they are
 * added to it (a deliberate step, in the commit that makes the product call them).
 */
export function missingFromProductCalls(repo: NewRepository): ProductCall[] {
  const listed = JSON.parse(readFileSync(PRODUCT_CALLS, 'utf8')) as { calls: ProductCall[] };
  const known = new Set(listed.calls.map((c) => JSON.stringify(c)));
  const missing = callsMade(repo).filter((c) => !known.has(JSON.stringify(c)));
  if (missing.length > 0 && process.env['UPDATE_PRODUCT_CALLS'] === '1') {
    const calls = [...listed.calls, ...missing].sort((a, b) =>
      JSON.stringify(a).localeCompare(JSON.stringify(b)),
    );
    writeFileSync(PRODUCT_CALLS, `${JSON.stringify({ ...listed, calls }, null, 2)}\n`);
    return [];
  }
  return missing;
}
