import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../../simulator/runner/run-action.ts';
import { rehearse, type RehearsalOptions, type RehearsalResult } from '../../simulator/rehearsal/engine.ts';
import { oneOffTasksSucceed, startServices, type Services } from '../../simulator/rehearsal/services.ts';

/**
 * A new application repository laid out as README "Getting started" step 5 says: the callers of
 * examples/django-repo, terraform/examples/ad-hoc as terraform/, the prod example as
 * terraform/prod, the repository variables of step 4, and the roles bootstrap makes (enforced).
 * Its own workflow files run, from the events GitHub would send them.
 */

const ACCOUNT = '123456789012';
const VARS = {
  AWS_REGION: 'us-east-1',
  STATE_BUCKET: 'acme-terraform-state',
  PREVIEW_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-preview`,
  PRODUCTION_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-production`,
  PLAN_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-plan`,
  SLACK_CHANNEL: 'deploys',
};
const CALLERS = join(ROOT, 'examples/django-repo/.github/workflows');

let dir: string;
let services: Services;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'new-repository-'));
  services = await startServices();
});
afterAll(async () => {
  await services.stop();
  await rm(dir, { recursive: true, force: true });
});

function run(
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

const errors = (result: RehearsalResult) => result.annotations.filter((a) => a.level === 'error');

/** A failed rehearsal's log, where jest shows it: the reason is in the step's lines. */
function showLogOnFailure(result: RehearsalResult, lines: string[]): void {
  if (errors(result).length > 0) console.error(lines.join('\n').slice(-12_000));
}

function pullRequest(action: string, labels: string[]) {
  return {
    name: 'pull_request',
    payload: {
      action,
      number: 42,
      pull_request: {
        number: 42,
        state: action === 'closed' ? 'closed' : 'open',
        labels: labels.map((name) => ({ name })),
        head: { ref: 'feature/login', sha: '4242424242424242424242424242424242424242' },
        base: { ref: 'main' },
      },
    },
  };
}

describe('a pull request with the preview label', () => {
  test('opened → images built → preview deployed by digest → URL commented; closed → everything destroyed, revisions included', async () => {
    oneOffTasksSucceed(services.emulator, 'pr-42');
    const open = run('pr-open', pullRequest('labeled', ['preview']));
    const opened = await rehearse(join(CALLERS, 'preview.yml'), open);
    const log = open.lines.join('\n');
    showLogOnFailure(opened, open.lines);
    expect(errors(opened)).toEqual([]);
    expect(opened.conclusion).toBe('success');
    // Built once, pushed to ECR as the preview role, deployed by its digest.
    const backend = services.emulator.ecr.repositories.get('backend')!;
    const image = [...backend.values()].find((i) => i.tags.some((t) => t.startsWith('pr-42-')))!;
    expect(image).toBeDefined();
    const gunicorn = services.emulator.services().find((s) => s.serviceName === 'pr-42-gunicorn')!;
    const revision = services.emulator.state.taskDefinitions
      .get('pr-42-gunicorn')!
      .find((r) => r.definition.taskDefinitionArn === gunicorn.taskDefinition)!;
    const containers = revision.definition['containerDefinitions'] as { image: string }[];
    expect(containers[0]!.image).toBe(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/backend@${image.digest}`);
    // The URL on the pull request, and the roles it ran as.
    const comment = opened.githubCalls.find((c) => c.method === 'rest.issues.createComment');
    expect(JSON.stringify(comment)).toContain('https://pr-42.example.com');
    expect(new Set(services.emulator.stsRecord().assumed.map((a) => a.sub))).toEqual(
      new Set(['repo:acme/webapp:pull_request']),
    );
    expect(log).toContain('Created database "pr_42".');
    expect(services.slack.messages.some((m) => m.text.includes('pr-42'))).toBe(true);

    const close = run('pr-close', pullRequest('closed', ['preview']));
    const closed = await rehearse(join(CALLERS, 'preview.yml'), close);
    expect(errors(closed)).toEqual([]);
    expect(closed.conclusion).toBe('success');
    expect(
      services.emulator
        .services()
        .filter((s) => s.serviceName.startsWith('pr-42-') && s.status !== 'INACTIVE'),
    ).toEqual([]);
    const revisions = [...services.emulator.state.taskDefinitions.entries()]
      .filter(([family]) => family.startsWith('pr-42-'))
      .flatMap(([, records]) => records.map((r) => r.definition.status));
    expect(revisions.length).toBeGreaterThanOrEqual(6);
    expect(new Set(revisions)).toEqual(new Set(['DELETE_IN_PROGRESS']));
    expect(services.emulator.secrets.find('adhoc/pr-42/db-owner-password')).toBeUndefined();
    const database = new pg.Client({ connectionString: services.database.adminUrl });
    await database.connect();
    try {
      expect((await database.query("SELECT 1 FROM pg_database WHERE datname = 'pr_42'")).rowCount).toBe(0);
    } finally {
      await database.end();
    }
  });

  test('without the label nothing runs and no role is assumed', async () => {
    const before = services.emulator.stsRecord().assumed.length;
    const quiet = run('pr-unlabelled', pullRequest('opened', []));
    const result = await rehearse(join(CALLERS, 'preview.yml'), quiet);
    expect(result.conclusion).toBe('success');
    expect(Object.values(result.jobs).map((j) => j.result)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(services.emulator.stsRecord().assumed.length).toBe(before);
  });
});

describe('a push to main', () => {
  test('builds once, deploys staging, plans and applies prod after approval, then promotes the same digest to production', async () => {
    oneOffTasksSucceed(services.emulator, 'staging');
    oneOffTasksSucceed(services.emulator, 'prod');
    const gates: string[] = [];
    const push = run(
      'push-main',
      {
        name: 'push',
        payload: { ref: 'refs/heads/main', after: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
      },
      {
        approveEnvironments: ({ environment, job }) => {
          gates.push(`${job}@${environment}`);
          return true;
        },
      },
    );
    const result = await rehearse(join(CALLERS, 'production.yml'), push);
    const log = push.lines.join('\n');
    showLogOnFailure(result, push.lines);
    expect(errors(result)).toEqual([]);
    expect(result.conclusion).toBe('success');
    // Each tier through its own gate and role.
    expect(gates).toEqual(
      expect.arrayContaining([expect.stringMatching(/@staging$/), expect.stringMatching(/@production$/)]),
    );
    const subs = new Set(
      services.emulator.stsRecord().assumed.map((a) => `${a.roleArn.split('/').pop()} ${a.sub}`),
    );
    expect(subs).toEqual(
      expect.objectContaining({}) &&
        new Set([
          'github-actions-preview repo:acme/webapp:ref:refs/heads/main',
          'github-actions-production repo:acme/webapp:environment:staging',
          'github-actions-plan repo:acme/webapp:ref:refs/heads/main',
          'github-actions-production repo:acme/webapp:environment:production',
          ...[...subs].filter((s) => s.includes('pull_request')),
        ]),
    );
    // Staging and production run the same bytes.
    const image = (service: string) => {
      const running = services.emulator.services().find((s) => s.serviceName === service)!;
      const revision = [...services.emulator.state.taskDefinitions.values()]
        .flat()
        .find((r) => r.definition.taskDefinitionArn === running.taskDefinition)!;
      return (revision.definition['containerDefinitions'] as { image: string }[])[0]!.image;
    };
    expect(image('staging-gunicorn')).toMatch(/\/backend@sha256:[0-9a-f]{64}$/);
    expect(image('prod-gunicorn')).toBe(image('staging-gunicorn'));
    expect(log).toContain('Created database "staging".');
  });
});

describe('day two', () => {
  const push = (sha: string, approve: (gate: { job: string; environment: string }) => boolean) =>
    run(
      `push-${sha.slice(0, 4)}`,
      { name: 'push', payload: { ref: 'refs/heads/main', after: sha } },
      {
        vars: { ...VARS, PRODUCTION_CANARY: 'true' },
        approveEnvironments: approve,
      },
    );
  const gunicorn = () => services.emulator.services().find((s) => s.serviceName === 'prod-gunicorn')!;
  const deployment = () =>
    services.emulator
      .serviceDeployments()
      .find((d) => d.serviceDeploymentArn === gunicorn().currentServiceDeployment)!;

  test('the canary both ways: a reviewer continues one push, rejects the next and production is back on the first', async () => {
    // The strategy a user sets outside Terraform (terraform/README): blue/green, paused after test traffic.
    services.emulator.setDeploymentTiming({ minuteMs: 400, stageMs: 100 });
    Object.assign(gunicorn().deploymentConfiguration, {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' },
        },
      ],
    });
    const shipped = push('b'.repeat(40), () => true);
    const first = await rehearse(join(CALLERS, 'production.yml'), shipped);
    showLogOnFailure(first, shipped.lines);
    expect(errors(first)).toEqual([]);
    expect(first.jobs['production']!.result).toBe('success');
    expect(deployment().status).toBe('SUCCESSFUL');
    const live = gunicorn().taskDefinition;

    const rejected = push('c'.repeat(40), ({ job }) => job !== 'canary-continue');
    const second = await rehearse(join(CALLERS, 'production.yml'), rejected);
    expect(second.conclusion).toBe('failure');
    expect(rejected.lines.join('\n')).toMatch(/canary-continue[\s\S]*waits for a reviewer: refused/);
    expect(deployment().status).toBe('ROLLBACK_SUCCESSFUL');
    expect(gunicorn().taskDefinition).toBe(live);
  });

  test('rollback from the repository: after the rejected canary left prod mixed, every service on the previous release, no migration', async () => {
    const runTasks = services.emulator.calls('RunTask').length;
    const revision = (name: string) =>
      services.emulator
        .services()
        .find((s) => s.serviceName === name)!
        .taskDefinition.split(':')
        .pop();
    const backend = ['prod-gunicorn', 'prod-celery', 'prod-beat'];
    // The rejected canary rolled gunicorn back; the others finished on the new revision.
    expect(new Set(backend.map(revision)).size).toBe(2);
    const back = run(
      'rollback-prod',
      { name: 'workflow_dispatch', payload: {} },
      {
        inputs: { environment: 'prod' },
        approveEnvironments: true,
      },
    );
    const result = await rehearse(join(CALLERS, 'rollback.yml'), back);
    showLogOnFailure(result, back.lines);
    expect(errors(result)).toEqual([]);
    expect(result.conclusion).toBe('success');
    expect(backend.map(revision)).toEqual(backend.map(() => revision('prod-gunicorn')));
    expect(services.emulator.calls('RunTask').length).toBe(runTasks);
  });

  test('pause and resume a preview, then the janitor destroys one idle past its time', async () => {
    oneOffTasksSucceed(services.emulator, 'pr-7');
    const open = run('pr7-open', {
      ...pullRequest('labeled', ['preview']),
      payload: {
        ...pullRequest('labeled', ['preview']).payload,
        number: 7,
        pull_request: { ...pullRequest('labeled', ['preview']).payload.pull_request, number: 7 },
      },
    });
    const opened = await rehearse(join(CALLERS, 'preview.yml'), open);
    showLogOnFailure(opened, open.lines);
    expect(opened.conclusion).toBe('success');
    const desired = () =>
      services.emulator
        .services()
        .filter((s) => s.serviceName.startsWith('pr-7-') && s.status === 'ACTIVE')
        .map((s) => s.desiredCount);

    const pause = run(
      'pr7-pause',
      { name: 'workflow_dispatch', payload: {} },
      { inputs: { environment: 'pr-7', action: 'pause' } },
    );
    const paused = await rehearse(join(CALLERS, 'pause.yml'), pause);
    showLogOnFailure(paused, pause.lines);
    expect(paused.conclusion).toBe('success');
    expect(new Set(desired())).toEqual(new Set([0]));
    const resume = run(
      'pr7-resume',
      { name: 'workflow_dispatch', payload: {} },
      { inputs: { environment: 'pr-7', action: 'resume' } },
    );
    expect((await rehearse(join(CALLERS, 'pause.yml'), resume)).conclusion).toBe('success');
    expect(new Set(desired())).toEqual(new Set([1]));

    // Idle for 100 hours: its last release marks say so.
    const at = new Date(Date.now() - 100 * 3_600_000).toISOString();
    for (const s of services.emulator.services().filter((x) => x.serviceName.startsWith('pr-7-'))) {
      const revision = [...services.emulator.state.taskDefinitions.values()]
        .flat()
        .find((r) => r.definition.taskDefinitionArn === s.taskDefinition)!;
      for (const tag of revision.tags)
        if (tag.key.startsWith('adhoc-actions:') && tag.key.endsWith('-at')) tag.value = at;
    }
    const janitor = run('janitor', { name: 'schedule', payload: { schedule: '17 3 * * *' } });
    const swept = await rehearse(join(CALLERS, 'janitor.yml'), janitor);
    showLogOnFailure(swept, janitor.lines);
    expect(errors(swept)).toEqual([]);
    expect(swept.conclusion).toBe('success');
    expect(
      services.emulator
        .services()
        .filter((s) => s.serviceName.startsWith('pr-7-') && s.status !== 'INACTIVE'),
    ).toEqual([]);
    // Staging (kept by the caller, and protected) and prod are untouched.
    expect(
      services.emulator.services().some((s) => s.serviceName === 'staging-gunicorn' && s.status === 'ACTIVE'),
    ).toBe(true);
    expect(gunicorn().status).toBe('ACTIVE');
  });
});
