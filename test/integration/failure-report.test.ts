import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { backendTaskDefinition, isSteady, seedRollout, waitFor } from '../../simulator/fixtures/rollout.ts';
import { runAction } from '../../simulator/runner/run-action.ts';
import type { FailureReport } from '../../actions/lib/failure-report.ts';

// Issue 15 item 3: a failed rollout or migration leaves a report that outlives ECS's retention.
jest.setTimeout(40_000);

let emulator: Emulator;
let runnerTemp: string;

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 150, stopMs: 30 });
  emulator.setDeploymentTiming({ minuteMs: 400, stageMs: 100 });
  emulator.createCluster('app');
  // The action's RUNNER_TEMP, kept after the run so the report can be read.
  runnerTemp = await mkdtemp(join(tmpdir(), 'failure-report-'));
});
afterEach(async () => {
  await emulator.stop();
  await rm(runnerTemp, { recursive: true, force: true });
});

const run = (action: string, inputs: Record<string, string>) =>
  runAction(action, inputs, { env: { ...emulator.env(), RUNNER_TEMP: runnerTemp } });

/** A one-off task's definition: one backend container logging to `group`. */
const migrateDefinition = (family: string, group: string) => ({
  family,
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [
    {
      name: 'backend',
      image: 'backend:v1',
      essential: true,
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': group, 'awslogs-stream-prefix': 'migrate' },
      },
    },
  ],
});

async function readReport(path: string | undefined): Promise<FailureReport> {
  expect(path).toMatch(new RegExp(`^${runnerTemp}/adhoc-actions-failure-[a-z-]+-[0-9T-]+Z\\.json$`));
  return JSON.parse(await readFile(path!, 'utf8')) as FailureReport;
}

describe('failure report', () => {
  test('a crashing rollout: stopped tasks, exit codes, last 50 log lines, events and deployment status, in the file and the summary', async () => {
    const arns = await seedRollout(emulator, ['web'], { healthyAfterMs: 600 });
    emulator.setTaskBehavior('web:2', {
      logs: Array.from({ length: 60 }, (_, i) => ({ afterMs: 1, message: `boot line ${i}` })).concat([
        { afterMs: 20, message: 'ImportError: <b>no module named settings</b>' },
      ]),
      exitAfterMs: 100,
      exitCode: 3,
      stoppedReason: 'Essential container in task exited',
    });
    const result = await run('rolling-update', {
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });
    expect(result.exitCode).toBe(1);
    // The step fails with its own error, not the report's.
    expect(result.errors[0]).toMatch(/^web: the deployment of web:2 failed: task [0-9a-f]+ stopped/);

    const report = await readReport(result.outputs['failure-report']);
    expect(report).toMatchObject({ version: 1, action: 'rolling-update', errors: [] });
    expect(report.cluster).toBe('app');
    const [web] = report.services!;
    expect(web!.name).toBe('web');
    const sd = emulator
      .serviceDeployments()
      .find((d) => d.serviceDeploymentArn === web!.deployments[0]!.serviceDeploymentArn)!;
    expect(sd).toBeDefined();
    expect(web!.deployments[0]!.status).toBe(sd.status);
    expect(web!.deployments[0]!.status).toMatch(/^ROLLBACK_/);
    expect(web!.events.length).toBeGreaterThan(0);
    // Since the deploy started (a second's leeway for clocks), none of the seeding's.
    const since = new Date(web!.deploymentStartedAt).getTime() - 1000;
    expect(web!.events.every((e) => new Date(e.createdAt!).getTime() >= since)).toBe(true);
    expect(web!.events.map((e) => e.message).join('\n')).toMatch(/\(service web\)/);

    // Only tasks of the new revision, crashes first (the rollback's scale-in stops some too).
    expect(web!.stoppedTasks.length).toBeGreaterThan(0);
    const task = web!.stoppedTasks[0]!;
    expect(task.taskArn).toMatch(/:task\/app\/[0-9a-f]{32}$/);
    expect(task.taskDefinitionArn).toBe(arns['web']);
    expect(task.stoppedReason).toBe('Essential container in task exited');
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect(web!.stoppedTasks.every((t) => t.taskDefinitionArn === arns['web'])).toBe(true);
    const [app] = task.containers;
    expect(app!.name).toBe('app');
    expect(app!.exitCode).toBe(3);
    expect(app!.logLines).toHaveLength(50);
    expect(app!.logLines.at(-1)).toBe('ImportError: <b>no module named settings</b>');
    expect(app!.logLines[0]).toBe('boot line 11');

    // The summary section: escaped, with the task, exit code, last lines and events.
    const summary = result.summary.slice(result.summary.indexOf('Failure report'));
    expect(result.summary).toContain('<h3>Failure report</h3>');
    const id = task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1);
    expect(summary).toContain(id);
    expect(summary).toContain('<td>3</td>');
    expect(summary).toContain('EssentialContainerExited');
    expect(summary).toContain('ImportError: &lt;b&gt;no module named settings&lt;/b&gt;');
    expect(summary).not.toContain('<b>no module');
    expect(summary).toContain('Event: web');
    expect(summary).toContain(result.outputs['failure-report']);
  });

  test('a successful rollout writes no report and an empty output', async () => {
    const arns = await seedRollout(emulator, ['web']);
    const result = await run('rolling-update', {
      cluster: 'app',
      services: 'web',
      'task-definitions': JSON.stringify(arns),
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['failure-report']).toBe('');
    expect(await readdir(runnerTemp)).toEqual([]);
    expect(result.summary).not.toContain('Failure report');
  });

  describe('run-migration-task', () => {
    beforeEach(() => {
      emulator.registerTaskDefinition(migrateDefinition('app-migrate', '/ecs/app'));
    });
    const migrate = () => run('run-migration-task', { cluster: 'app', 'task-definition': 'app-migrate' });

    test('a failed migration: the task stop data, exit code and last 50 log lines', async () => {
      emulator.setTaskBehavior('app-migrate', {
        logs: Array.from({ length: 70 }, (_, i) => ({ afterMs: 5, message: `migrate ${i}` })),
        exitAfterMs: 40,
        exitCode: 2,
      });
      const result = await migrate();
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toMatch(/failed: container "backend" exited with exit code 2/);
      const report = await readReport(result.outputs['failure-report']);
      expect(report).toMatchObject({ version: 1, action: 'run-migration-task', cluster: 'app', errors: [] });
      expect(report.services).toBeUndefined();
      const task = report.task!;
      expect(task.taskArn).toBe(result.outputs['task-arn']);
      expect(task.stopCode).toBe('EssentialContainerExited');
      expect(task.stoppedReason).toBe(result.outputs['stopped-reason']);
      expect(task.containers).toEqual([
        {
          name: 'backend',
          exitCode: 2,
          logLines: Array.from({ length: 50 }, (_, i) => `migrate ${i + 20}`),
        },
      ]);
      expect(result.summary).toContain('<h3>Failure report</h3>');
      expect(result.summary).toContain('migrate 69');
      expect(result.summary).toContain('<td>2</td>');
    });

    test('a successful migration writes no report and an empty output', async () => {
      emulator.setTaskBehavior('app-migrate', { exitAfterMs: 20, exitCode: 0 });
      const result = await migrate();
      expect(result.exitCode).toBe(0);
      expect(result.outputs['failure-report']).toBe('');
      expect(await readdir(runnerTemp)).toEqual([]);
    });
  });
});

// Issue 21.6: a protected environment's report holds production's log lines and stopped tasks.
// A workflow artifact would let every reader of the repository download it; it is kept in the
// state bucket of its own tier instead, which only that account's principals read.
describe('failure-report-location: a protected environment keeps its report in its own tier', () => {
  const BUCKET = 'acme-terraform-state';
  const LOCATION = `s3://${BUCKET}/failure-reports/prod/`;
  const RUN = { GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '2' };
  const signedAs = (role: string) => ({ ...emulator.env({ role }), RUNNER_TEMP: runnerTemp, ...RUN });
  const migrate = (cluster: string, role: string, location = LOCATION) =>
    runAction(
      'run-migration-task',
      { cluster, 'task-definition': `${cluster}-migrate`, 'failure-report-location': location },
      { env: signedAs(role) },
    );

  /** An S3 client signed as `role` (one of the roles rendered from terraform/examples/bootstrap). */
  const s3As = (role: string) => new S3Client({ ...emulator.clientConfig({ role }), forcePathStyle: true });

  beforeEach(() => {
    emulator.account.buckets.set(BUCKET, { versioning: 'Enabled' });
    for (const cluster of ['prod', 'app']) {
      if (cluster === 'prod') emulator.createCluster('prod');
      emulator.registerTaskDefinition(migrateDefinition(`${cluster}-migrate`, `/ecs/${cluster}/migrate`));
      emulator.setTaskBehavior(`${cluster}-migrate`, {
        logs: [{ afterMs: 5, message: 'psycopg.OperationalError: password authentication failed' }],
        exitAfterMs: 40,
        exitCode: 1,
      });
    }
  });

  test('the production role keeps it under failure-reports/prod/<run>-<attempt>/; the summary and output point there', async () => {
    const result = await migrate('prod', 'github-actions-production');
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/exited with exit code 1/);
    expect(result.warnings).toEqual([]);
    const path = result.outputs['failure-report']!;
    const key = `failure-reports/prod/4242-2/${path.split('/').pop()}`;
    const kept = emulator.account.objects.get(`${BUCKET}/${key}`);
    expect(kept?.body).toBe(await readFile(path, 'utf8'));
    expect(kept?.contentType).toBe('application/json');
    expect((JSON.parse(kept!.body) as FailureReport).task!.containers[0]!.logLines).toEqual([
      'psycopg.OperationalError: password authentication failed',
    ]);
    expect(result.outputs['failure-report-url']).toBe(
      `https://us-east-1.console.aws.amazon.com/s3/object/${BUCKET}?region=us-east-1&prefix=${encodeURIComponent(key)}`,
    );
    expect(result.summary).toContain(`s3://${BUCKET}/${key} (readable in its own account only)`);
    expect(result.summary).not.toContain(runnerTemp);
  });

  test('a preview role can neither read a kept report nor write one there (attack)', async () => {
    await migrate('prod', 'github-actions-production');
    const [path] = [...emulator.account.objects.keys()];
    const key = path!.slice(BUCKET.length + 1);
    const asPreview = s3As('github-actions-preview');
    await expect(asPreview.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(/github-actions-preview.*s3:GetObject.*explicit deny/),
    });
    // A version of it (the state bucket is versioned): the same explicit deny.
    await expect(
      asPreview.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, VersionId: 'any' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(/github-actions-preview.*s3:GetObjectVersion.*explicit deny/),
    });
    // Nor may it list the keys, which tell which of production's runs failed, and when:
    // neither under the prefix, nor the whole bucket.
    for (const prefix of ['failure-reports/', 'f', undefined])
      await expect(
        asPreview.send(
          new ListObjectsV2Command({ Bucket: BUCKET, ...(prefix !== undefined && { Prefix: prefix }) }),
        ),
      ).rejects.toMatchObject({
        name: 'AccessDenied',
        message: expect.stringMatching(/github-actions-preview.*s3:ListBucket.*explicit deny/),
      });
    // What Terraform lists (the workspaces under env:/) stays allowed.
    const workspaces = await asPreview.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'env:/' }));
    expect(workspaces.KeyCount).toBe(0);
    asPreview.destroy();

    // A pull request's job failing on purpose, to plant a report where production's are kept:
    // refused, the step's own error unchanged, the report left on its runner only.
    const planted = await migrate('app', 'github-actions-preview');
    expect(planted.exitCode).toBe(1);
    expect(planted.errors[0]).toMatch(/exited with exit code 1/);
    expect(planted.warnings[0]).toMatch(
      /^Could not keep the failure report in failure-report-location: .*s3:PutObject.*explicit deny.*It is only on this runner: /,
    );
    expect(planted.outputs['failure-report-url']).toBe('');
    expect(emulator.account.objects.size).toBe(1);
  });

  test("rolling-update keeps a failed production rollout's report there too, signed as the production role", async () => {
    const definition = (image: string) => {
      const d = backendTaskDefinition('prod-gunicorn', image);
      d.containerDefinitions[0]!.logConfiguration.options['awslogs-group'] = '/ecs/prod/gunicorn';
      return d;
    };
    emulator.registerTaskDefinition(definition('backend:v1'));
    emulator.createService('prod', 'prod-gunicorn', 'prod-gunicorn:1', {
      desiredCount: 2,
      healthyAfterMs: 600,
    });
    await waitFor(() => emulator.services().every(isSteady));
    const next = emulator.registerTaskDefinition(definition('backend:v2'))['taskDefinitionArn'] as string;
    emulator.setTaskBehavior('prod-gunicorn:2', {
      logs: [{ afterMs: 5, message: 'ImproperlyConfigured: SECRET_KEY' }],
      exitAfterMs: 60,
      exitCode: 1,
    });
    const result = await runAction(
      'rolling-update',
      {
        cluster: 'prod',
        services: 'prod-gunicorn',
        'task-definitions': JSON.stringify({ 'prod-gunicorn': next }),
        'failure-report-location': LOCATION,
      },
      { env: signedAs('github-actions-production') },
    );
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/^prod-gunicorn: the deployment of prod-gunicorn:2 failed/);
    expect(result.warnings.filter((w) => /failure report/.test(w))).toEqual([]);
    const file = result.outputs['failure-report']!.split('/').pop()!;
    expect(file).toMatch(/^adhoc-actions-failure-rolling-update-/);
    const key = `failure-reports/prod/4242-2/${file}`;
    const kept = JSON.parse(emulator.account.objects.get(`${BUCKET}/${key}`)!.body) as FailureReport;
    expect(kept.cluster).toBe('prod');
    expect(kept.services![0]!.stoppedTasks[0]!.containers[0]!.logLines).toContain(
      'ImproperlyConfigured: SECRET_KEY',
    );
    expect(result.outputs['failure-report-url']).toContain(encodeURIComponent(key));
    expect(result.summary).toContain(`s3://${BUCKET}/${key}`);
  });

  test('a kept report is never replaced: the production role may write there only with If-None-Match (attack)', async () => {
    await migrate('prod', 'github-actions-production');
    const [path] = [...emulator.account.objects.keys()];
    const key = path!.slice(BUCKET.length + 1);
    const original = emulator.account.objects.get(path!)!.body;
    const asProduction = s3As('github-actions-production');
    // Without the condition: no statement allows it (the FailureReports statement needs s3:if-none-match).
    await expect(
      asProduction.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"forged":true}' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(
        /github-actions-production.*s3:PutObject.*no identity-based policy allows/,
      ),
    });
    // With it: allowed, and S3 refuses to write over the existing key.
    await expect(
      asProduction.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{}', IfNoneMatch: '*' })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed' });
    // HeadBucket is an unprefixed s3:ListBucket: the production role (its tier's own bucket) keeps it.
    await asProduction.send(new HeadBucketCommand({ Bucket: BUCKET }));
    asProduction.destroy();
    expect(emulator.account.objects.get(path!)!.body).toBe(original);
  });

  test('a location that is not s3://<bucket>/<prefix> is one error naming the input, before any task runs', async () => {
    const result = await migrate('prod', 'github-actions-production', 's3://Acme_State/reports');
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      'Input "failure-report-location": "s3://Acme_State/reports" names the bucket "Acme_State", which is not an S3 bucket name.',
    ]);
    expect(emulator.calls('RunTask')).toEqual([]);
  });
});
