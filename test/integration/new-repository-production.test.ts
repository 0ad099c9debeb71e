import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluate } from '../../simulator/aws/iam/evaluate.ts';
import { jobClaims } from '../../simulator/aws/iam/trust.ts';
import { rehearse } from '../../simulator/rehearsal/engine.ts';
import { oneOffTasksSucceed } from '../../simulator/rehearsal/services.ts';
import {
  ACCOUNT,
  CALLERS,
  errors,
  missingFromProductCalls,
  newRepository,
  run,
  showLogOnFailure,
  VARS,
  type NewRepository,
} from '../helpers/new-repository.ts';

/** A new repository's path to production, from its own production and rollback callers (helpers/new-repository.ts). */

let repo: NewRepository;
beforeAll(async () => {
  repo = await newRepository();
});
afterAll(async () => {
  await repo.stop();
});

describe('a push to main', () => {
  test('builds once, deploys staging, plans and applies prod after approval, then promotes the same digest to production', async () => {
    oneOffTasksSucceed(repo.services.emulator, 'staging');
    oneOffTasksSucceed(repo.services.emulator, 'prod');
    const gates: string[] = [];
    // What production's reviewers have in front of them when they are asked.
    let beforeApproval = { log: '', summary: '' };
    const push = run(
      repo,
      'push-main',
      {
        name: 'push',
        payload: { ref: 'refs/heads/main', after: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
      },
      {
        approveEnvironments: ({ environment, job }) => {
          gates.push(`${job}@${environment}`);
          if (environment === 'production' && job === 'deploy')
            beforeApproval = {
              log: push.lines.join('\n'),
              summary: readFileSync(join(push.workDir, 'job-summary.md'), 'utf8'),
            };
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
      repo.services.emulator.stsRecord().assumed.map((a) => `${a.roleArn.split('/').pop()} ${a.sub}`),
    );
    expect(subs).toEqual(
      expect.objectContaining({}) &&
        new Set([
          // Main's images: only the build role pushes where staging and production deploy from.
          'github-actions-build repo:acme/webapp:ref:refs/heads/main',
          'github-actions-production repo:acme/webapp:environment:staging',
          'github-actions-plan repo:acme/webapp:ref:refs/heads/main',
          'github-actions-production repo:acme/webapp:environment:production',
          // production-deploy's review job, before the approval: read-only, trusted for main.
          'github-actions-review repo:acme/webapp:ref:refs/heads/main',
          ...[...subs].filter((s) => s.includes('pull_request')),
        ]),
    );
    // Staging and production run the same bytes.
    const image = (service: string) => {
      const running = repo.services.emulator.services().find((s) => s.serviceName === service)!;
      const revision = [...repo.services.emulator.state.taskDefinitions.values()]
        .flat()
        .find((r) => r.definition.taskDefinitionArn === running.taskDefinition)!;
      return (revision.definition['containerDefinitions'] as { image: string }[])[0]!.image;
    };
    expect(image('staging-gunicorn')).toMatch(/\/backend@sha256:[0-9a-f]{64}$/);
    expect(image('prod-gunicorn')).toBe(image('staging-gunicorn'));
    expect(log).toContain('Created database "staging".');
    // Main's build attested what it pushed (build.yml's own identity, main, a hosted runner),
    // and production verified it before registering.
    const digest = image('prod-gunicorn').split('@')[1]!;
    expect(repo.services.emulator.attestations(digest).map((a) => a.claims)).toEqual([
      expect.objectContaining({
        repository: 'acme/webapp',
        ref: 'refs/heads/main',
        job_workflow_ref: 'adhoc-actions/adhoc-actions/.github/workflows/build.yml@refs/tags/v1.0.0',
        runner_environment: 'github-hosted',
      }),
    ]);
    expect(log).toContain('✓ Verification succeeded!');

    // Issue 22.1: before they approve, production's reviewers see what each new revision would
    // change against what its service runs now, made with a role that cannot register it.
    const promoted = image('prod-gunicorn');
    expect(beforeApproval.log).toMatch(/prod-gunicorn: would register a revision after \d+ \(dry run\)/);
    expect(beforeApproval.log).toContain(
      `container backend: image ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/backend:v1.0.0 → ${promoted}`,
    );
    expect(beforeApproval.summary).toContain('Task definitions (dry run: nothing registered)');
    expect(beforeApproval.summary).toContain('<td>prod-gunicorn</td><td>1 → new</td><td>would be</td>');
    const reviewCalls = repo.services.emulator.iam.decisions.filter((d) =>
      d.roleArn.endsWith('/github-actions-review'),
    );
    expect(reviewCalls.length).toBeGreaterThan(0);
    expect(reviewCalls.filter((d) => d.decision !== 'allowed')).toEqual([]);
    expect(new Set(reviewCalls.map((d) => d.request.action))).toEqual(
      new Set(['ecs:DescribeServices', 'ecs:DescribeTaskDefinition', 'secretsmanager:DescribeSecret']),
    );
  });

  /**
   * Issue 21.2: production deploys only what main's build attested. Two images in the release
   * repository without that: one put there by hand (an admin, a role given ecr:PutImage later),
   * one attested by build.yml run on a branch. Each deploy is refused at the provenance step:
   * nothing registered, no migration, no rollout.
   */
  test.each([
    ['pushed by hand, with no attestation', undefined, /no attestations found for subject/],
    [
      'attested by a branch run of build.yml',
      'refs/heads/feature',
      /the source ref is refs\/heads\/feature, not refs\/heads\/main/,
    ],
  ])('an image %s is refused before anything is registered', async (_, attestedRef, reason) => {
    const { emulator } = repo.services;
    const digest = `sha256:${createHash('sha256')
      .update(attestedRef ?? 'by hand')
      .digest('hex')}`;
    emulator.pushImage('backend', digest);
    if (attestedRef) {
      const value = emulator.idToken(
        jobClaims({
          repository: 'acme/webapp',
          eventName: 'push',
          ref: attestedRef,
          jobWorkflowRef: 'adhoc-actions/adhoc-actions/.github/workflows/build.yml@refs/tags/v1.0.0',
        }),
        'sigstore',
      );
      expect(emulator.attest(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/backend`, digest, value)).toEqual(
        expect.any(Number),
      );
    }
    const caller = join(repo.dir, `deploy-${attestedRef ? 'branch' : 'hand'}.yml`);
    await writeFile(
      caller,
      `on: workflow_dispatch
permissions: {}
jobs:
  production:
    uses: adhoc-actions/adhoc-actions/.github/workflows/production-deploy.yml@v1.0.0
    permissions: { id-token: write, contents: read, attestations: read }
    with:
      image-tag: ${digest}
      url: https://app.example.com
      aws-region: us-east-1
      role-to-assume: arn:aws:iam::${ACCOUNT}:role/github-actions/github-actions-production
`,
    );
    const registered = emulator.calls('RegisterTaskDefinition').length;
    const ranTasks = emulator.calls('RunTask').length;
    const deploy = run(
      repo,
      `deploy-${attestedRef ? 'branch' : 'hand'}`,
      { name: 'workflow_dispatch', payload: {} },
      {
        approveEnvironments: true,
      },
    );
    const result = await rehearse(caller, deploy);
    expect(result.conclusion).toBe('failure');
    expect(errors(result).map((a) => a.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${ACCOUNT}\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/backend@${digest} has no attestation signed by adhoc-actions/adhoc-actions/\\.github/workflows/build\\.yml for acme/webapp on refs/heads/main`,
        ),
      ),
      // The runner's line for the step that failed.
      'Process completed with exit code 1.',
    ]);
    expect(deploy.lines.join('\n')).toMatch(reason);
    expect(emulator.calls('RegisterTaskDefinition').length).toBe(registered);
    expect(emulator.calls('RunTask').length).toBe(ranTasks);
  });
});

describe('day two', () => {
  const push = (sha: string, approve: (gate: { job: string; environment: string }) => boolean) =>
    run(
      repo,
      `push-${sha.slice(0, 4)}`,
      { name: 'push', payload: { ref: 'refs/heads/main', after: sha } },
      {
        vars: { ...VARS, PRODUCTION_CANARY: 'true' },
        approveEnvironments: approve,
      },
    );
  const gunicorn = () => repo.services.emulator.services().find((s) => s.serviceName === 'prod-gunicorn')!;
  const deployment = () =>
    repo.services.emulator
      .serviceDeployments()
      .find((d) => d.serviceDeploymentArn === gunicorn().currentServiceDeployment)!;

  test('the canary both ways: a reviewer continues one push, rejects the next and production is back on the first', async () => {
    // The strategy a user sets outside Terraform (terraform/README): blue/green, paused after test traffic.
    repo.services.emulator.setDeploymentTiming({ minuteMs: 400, stageMs: 100 });
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
    const runTasks = repo.services.emulator.calls('RunTask').length;
    const revision = (name: string) =>
      repo.services.emulator
        .services()
        .find((s) => s.serviceName === name)!
        .taskDefinition.split(':')
        .pop();
    const backend = ['prod-gunicorn', 'prod-celery', 'prod-beat'];
    // The rejected canary rolled gunicorn back; the others finished on the new revision.
    expect(new Set(backend.map(revision)).size).toBe(2);
    const back = run(
      repo,
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
    expect(repo.services.emulator.calls('RunTask').length).toBe(runTasks);
  });

  // Issue 21.5: concurrency groups are repository-wide, so any workflow can declare production's
  // group with cancel-in-progress and cancel a running production deploy (GitHub sends the job's
  // steps SIGINT, as this rehearsal's cancel does). Its migration must be left to finish, not
  // stopped halfway, and the next deploy must wait for it instead of migrating beside it.
  test('a foreign workflow cancels production mid-migration: the migration finishes, the next deploy waits for it before its own', async () => {
    const emulator = repo.services.emulator;
    // The blue/green hook of the canary test off again: a plain rolling update.
    Object.assign(gunicorn().deploymentConfiguration, { strategy: 'ROLLING', lifecycleHooks: [] });
    oneOffTasksSucceed(emulator, 'staging');
    oneOffTasksSucceed(emulator, 'prod');
    // The revision this push registers runs a migration that lasts until the test ends it.
    const next = (emulator.state.taskDefinitions.get('prod-migrate')?.length ?? 0) + 1;
    emulator.setTaskBehavior(`prod-migrate:${next}`, {
      startMs: 100,
      logs: [{ afterMs: 50, message: 'Applying blog.0042_backfill... (long)' }],
    });
    const migrations = () =>
      emulator
        .calls('RunTask')
        .filter(
          (c) =>
            String(c.input['cluster']).endsWith('prod') &&
            JSON.stringify(c.input['overrides'] ?? {}).includes('migrate'),
        );
    const before = migrations().length;
    const cancel = new AbortController();
    const children = new Set<ChildProcess>();
    const first = run(
      repo,
      'push-cancelled',
      { name: 'push', payload: { ref: 'refs/heads/main', after: 'd'.repeat(40) } },
      { approveEnvironments: true, signal: cancel.signal, children },
    );
    const print = first.print!;
    first.print = (line) => {
      print(line);
      // The foreign workflow's cancel arrives while prod's migration runs: GitHub cancels the
      // run and the runner sends the running step SIGINT.
      if (!cancel.signal.aborted && /Started task \w+ \(prod-migrate:\d+/.test(line)) {
        cancel.abort();
        for (const child of children) child.kill('SIGINT');
      }
    };
    const cancelled = await rehearse(join(CALLERS, 'production.yml'), first);
    expect(cancelled.conclusion).toBe('cancelled');
    expect(migrations()).toHaveLength(before + 1);
    const task = emulator
      .tasks()
      .find((t) => t.taskDefinitionArn.endsWith(`:task-definition/prod-migrate:${next}`));
    expect(task?.desiredStatus).toBe('RUNNING');
    expect(emulator.calls('StopTask').filter((c) => c.input['task'] === task?.taskArn)).toEqual([]);
    expect(first.lines.join('\n')).toContain('the task was left running to finish (stop-on-cancel: false)');

    // The next deploy finds the same migration still running and waits for it to stop.
    const second = run(
      repo,
      'push-after-cancel',
      { name: 'push', payload: { ref: 'refs/heads/main', after: 'e'.repeat(40) } },
      { approveEnvironments: true },
    );
    const printSecond = second.print!;
    const id = task!.taskArn.split('/').pop()!;
    let finishedAt = 0;
    second.print = (line) => {
      printSecond(line);
      // The cancelled deploy's migration ends now: the waiting deploy may start its own.
      if (
        !finishedAt &&
        line.includes(`Task ${id} (prod-migrate:${next}, RUNNING`) &&
        line.includes('waiting for it to stop')
      ) {
        finishedAt = Date.now();
        emulator.exitTask(task!.taskArn, 0);
      }
    };
    const after = await rehearse(join(CALLERS, 'production.yml'), second);
    showLogOnFailure(after, second.lines);
    expect(errors(after)).toEqual([]);
    expect(after.conclusion).toBe('success');
    expect(finishedAt).toBeGreaterThan(0);
    // Two migrations, one after the other: the second started only once the first had ended.
    const runs = migrations();
    expect(runs).toHaveLength(before + 2);
    expect(runs.at(-1)!.at).toBeGreaterThanOrEqual(finishedAt);
    expect(emulator.calls('StopTask').filter((c) => c.input['task'] === task!.taskArn)).toEqual([]);
  });

  // Issue 21.6: a failure report carries production's log lines and stopped tasks. As a workflow
  // artifact (as before) every reader of the repository could download it for 30 days; it is
  // kept in the production tier's state bucket instead, linked from the summary and Slack.
  test("a failed production migration keeps its report in production's own bucket, never as an artifact", async () => {
    const emulator = repo.services.emulator;
    oneOffTasksSucceed(emulator, 'staging');
    oneOffTasksSucceed(emulator, 'prod');
    const next = (emulator.state.taskDefinitions.get('prod-migrate')?.length ?? 0) + 1;
    emulator.setTaskBehavior(`prod-migrate:${next}`, {
      startMs: 50,
      logs: [{ afterMs: 20, message: 'django.db.utils.IntegrityError: duplicate key value (prod data)' }],
      exitAfterMs: 100,
      exitCode: 1,
    });
    const before = new Set(emulator.account.objects.keys());
    const failing = run(
      repo,
      'push-failing-migration',
      { name: 'push', payload: { ref: 'refs/heads/main', after: 'f'.repeat(40) } },
      { approveEnvironments: true },
    );
    const result = await rehearse(join(CALLERS, 'production.yml'), failing);
    expect(result.conclusion).toBe('failure');
    expect(failing.lines.join('\n')).toContain('duplicate key value (prod data)');
    const kept = [...emulator.account.objects.entries()].filter(([path]) => !before.has(path));
    expect(kept.map(([path]) => path)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${VARS.STATE_BUCKET}/failure-reports/prod/\\d+-1/adhoc-actions-failure-run-migration-task-[\\dTZ-]+\\.json$`,
        ),
      ),
    ]);
    const [[path, object]] = kept as [[string, { body: string }]];
    expect(object.body).toContain('duplicate key value (prod data)');
    // No artifact of any job of this run holds it.
    const artifacts = await readdir(join(repo.dir, 'push-failing-migration', 'artifacts')).catch(() => []);
    expect(artifacts.filter((a) => a.startsWith('failure-report'))).toEqual([]);
    // The summary and Slack link the object, which opens only for production's account.
    const link = `https://us-east-1.console.aws.amazon.com/s3/object/${VARS.STATE_BUCKET}?region=us-east-1&prefix=${encodeURIComponent(path.slice(VARS.STATE_BUCKET.length + 1))}`;
    expect(await readFile(result.summaryFile, 'utf8')).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
    // (Slack's mrkdwn escapes & as HTML does.)
    expect(JSON.stringify(repo.services.slack.messages.at(-1))).toContain(
      `*Failure report*\\n<${link.replace(/&/g, '&amp;')}|`,
    );
    // Written by the production role, which reads none back; the preview role may not read it.
    const writes = emulator.iam.decisions.filter((d) => d.request.resource === `arn:aws:s3:::${path}`);
    expect(writes.map((d) => `${d.roleArn.split('/').pop()} ${d.request.action} ${d.decision}`)).toEqual([
      'github-actions-production s3:PutObject allowed',
    ]);
    const preview = emulator.iam.directory.principal(
      emulator.iam.directory.roleArn('github-actions-preview'),
      'pull-request',
    )!;
    expect(evaluate(preview, { action: 's3:GetObject', resource: `arn:aws:s3:::${path}` }).decision).toBe(
      'explicitDeny',
    );
  });
});

test("every call this flow made as a role is in doctor's list of what the product calls", () => {
  // A new call fails here until actions/doctor/product-calls.json (and the role) has it.
  expect(missingFromProductCalls(repo)).toEqual([]);
});
