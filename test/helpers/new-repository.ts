import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../simulator/runner/run-action.ts';
import type { RehearsalOptions, RehearsalResult } from '../../simulator/rehearsal/engine.ts';
import { startServices, type Services } from '../../simulator/rehearsal/services.ts';

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
  SLACK_CHANNEL: 'deploys',
};
export const CALLERS = join(ROOT, 'examples/django-repo/.github/workflows');

/** The machine one test file plays GitHub and AWS on; `stop` when it is done. */
export async function newRepository() {
  const dir = await mkdtemp(join(tmpdir(), 'new-repository-'));
  const services: Services = await startServices();
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
