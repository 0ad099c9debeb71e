import { OPERATOR_CREDENTIALS } from '../../simulator/aws/index.ts';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DescribeClustersCommand, ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import { ROOT } from '../../simulator/runner/run-action.ts';
import { rehearse } from '../../simulator/rehearsal/engine.ts';
import { oneOffTasksSucceed, startServices, type Services } from '../../simulator/rehearsal/services.ts';
import { rehearsalOptions } from '../helpers/rehearsal.ts';

/**
 * The preview, pause and janitor workflows rehearsed against their own emulator (apart from
 * rehearsal.test.ts, so the two run at once).
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rehearsal-previews-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = rehearsalOptions;

describe('previews', () => {
  let services: Services;
  const inputs = {
    'backend-config': 'bucket=acme-terraform-state\nkey=adhoc/terraform.tfstate\nregion=us-east-1',
    'aws-region': 'us-east-1',
    'role-to-assume': 'arn:aws:iam::123456789012:role/github-actions/github-actions-preview',
    'slack-channel': 'deploys',
    'terraform-version': '>=1.7',
  };
  beforeAll(async () => {
    services = await startServices();
  });
  afterAll(async () => {
    await services.stop();
  });

  test('preview.yml opens pr-7 (deploy, deployment, PR comment), then closes it (destroy, inactive)', async () => {
    // The example root with a preview var-file (no name: the workspace names the environment).
    const root = join(dir, 'preview-root');
    await cp(join(ROOT, 'terraform/examples/ad-hoc'), root, { recursive: true });
    await writeFile(
      join(root, 'envs/preview.tfvars'),
      'ecr_registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"\nbackend_image_tag = "v1"\n',
    );
    oneOffTasksSucceed(services.emulator, 'pr-7');
    const preview = (workDir: string, destroy: boolean) =>
      options({
        workDir,
        terraformState: join(dir, 'deploy-terraform-state'),
        terraformRoot: root,
        inputs: {
          'pr-number': '7',
          destroy: String(destroy),
          'image-tag': 'v1',
          'backend-config': inputs['backend-config'],
          'aws-region': inputs['aws-region'],
          'role-to-assume': inputs['role-to-assume'],
          'slack-channel': 'deploys',
        },
        secrets: services.secrets,
        event: {
          name: 'pull_request',
          payload: { pull_request: { number: 7, head: { sha: 'feedface00000000000000000000000000000000' } } },
        },
        awsEnv: services.emulator.env(),
        redirects: services.redirects,
      });
    const open = preview(join(dir, 'preview-open'), false);
    const opened = await rehearse(join(ROOT, '.github/workflows/preview.yml'), open);
    expect(opened.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(opened.conclusion).toBe('success');
    expect(opened.jobs['deploy']).toEqual({
      result: 'success',
      outputs: {
        url: 'https://pr-7.example.com',
        cluster: 'pr-7',
        cost: expect.stringMatching(/^Estimated \d+\.\d\d USD\/day/),
      },
    });
    expect(opened.jobs['destroy']!.result).toBe('skipped');
    const calls = opened.githubCalls.map((c) => c.method);
    expect(calls).toEqual(
      expect.arrayContaining(['rest.repos.createDeployment', 'rest.issues.createComment']),
    );
    const comment = opened.githubCalls.find((c) => c.method === 'rest.issues.createComment')!;
    expect(JSON.stringify(comment.params)).toContain('https://pr-7.example.com (commit feedfac)');
    // The cost line the deploy computed is in the comment.
    expect((comment.params as { body: string }).body).toContain(opened.jobs['deploy']!.outputs['cost']!);

    const close = preview(join(dir, 'preview-close'), true);
    const closed = await rehearse(join(ROOT, '.github/workflows/preview.yml'), close);
    expect(closed.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(closed.conclusion).toBe('success');
    expect(closed.jobs['deploy']!.result).toBe('skipped');
    expect(closed.jobs['destroy']!.result).toBe('success');
    // The recording API has no comment to update: unpublish asked for the deployments and comments.
    expect(closed.jobs['unpublish']!.result).toBe('success');
    expect(closed.githubCalls.map((c) => c.method).join(' ')).toMatch(/listDeployments.*listComments/);
    expect(
      services.emulator
        .services()
        .filter((x) => x.serviceName.startsWith('pr-7-') && x.status !== 'INACTIVE'),
    ).toEqual([]);
  });
  test('pause.yml: deploy pr-8 → pause (services at 0, paused tag, database kept) → resume (back, same URL, marked active)', async () => {
    const root = join(dir, 'pause-root');
    await cp(join(ROOT, 'terraform/examples/ad-hoc'), root, { recursive: true });
    await writeFile(
      join(root, 'envs/preview.tfvars'),
      'ecr_registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"\nbackend_image_tag = "v1"\n',
    );
    oneOffTasksSucceed(services.emulator, 'pr-8');
    const common = {
      terraformState: join(dir, 'deploy-terraform-state'),
      terraformRoot: root,
      secrets: services.secrets,
      awsEnv: services.emulator.env(),
      redirects: services.redirects,
    };
    const deployed = await rehearse(
      join(ROOT, '.github/workflows/preview.yml'),
      options({
        ...common,
        workDir: join(dir, 'pause-deploy'),
        inputs: {
          'pr-number': '8',
          'image-tag': 'v1',
          'backend-config': inputs['backend-config'],
          'aws-region': inputs['aws-region'],
          'role-to-assume': inputs['role-to-assume'],
        },
        event: {
          name: 'pull_request',
          payload: { pull_request: { number: 8, head: { sha: 'a'.repeat(40) } } },
        },
      }),
    );
    expect(deployed.conclusion).toBe('success');
    const url = deployed.jobs['deploy']!.outputs['url'];
    const pause = (name: string, extra: Record<string, string>) =>
      options({
        ...common,
        workDir: join(dir, name),
        inputs: {
          environment: 'pr-8',
          'fallback-var-file': 'envs/preview.tfvars',
          'backend-config': inputs['backend-config'],
          'aws-region': inputs['aws-region'],
          'role-to-assume': inputs['role-to-assume'],
          'slack-channel': 'deploys',
          ...extra,
        },
        secrets: { SLACK_TOKEN: services.secrets['SLACK_TOKEN']! },
      });
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: services.emulator.url,
      credentials: OPERATOR_CREDENTIALS,
    });
    const pr8 = () => services.emulator.services().filter((x) => x.serviceName.startsWith('pr-8-'));
    const clusterTags = async () =>
      (await ecs.send(new DescribeClustersCommand({ clusters: ['pr-8'], include: ['TAGS'] }))).clusters![0]!
        .tags ?? [];

    const paused = await rehearse(
      join(ROOT, '.github/workflows/pause.yml'),
      pause('pause-pause', { action: 'pause' }),
    );
    expect(paused.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(paused.conclusion).toBe('success');
    expect(pr8().length).toBe(5);
    expect(pr8().map((x) => x.desiredCount)).toEqual([0, 0, 0, 0, 0]);
    expect(await clusterTags()).toContainEqual({ key: 'adhoc-actions:paused', value: 'true' });
    expect(await readFile(paused.summaryFile, 'utf8')).toContain('<h3>pr-8 pause: success</h3>');
    expect(services.slack.messages.at(-1)!.text).toContain('Paused (database, files and URL kept)');
    const database = new pg.Client({ connectionString: services.secrets['DATABASE_ADMIN_URL'] });
    await database.connect();
    try {
      expect((await database.query("SELECT 1 FROM pg_database WHERE datname = 'pr_8'")).rowCount).toBe(1);
    } finally {
      await database.end();
    }

    const tagsBefore = services.emulator.calls('TagResource').length;
    const resumed = await rehearse(
      join(ROOT, '.github/workflows/pause.yml'),
      pause('pause-resume', { action: 'resume' }),
    );
    expect(resumed.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(resumed.conclusion).toBe('success');
    expect(pr8().map((x) => x.desiredCount)).toEqual([1, 1, 1, 1, 1]);
    expect((await clusterTags()).map((t) => t.key)).not.toContain('adhoc-actions:paused');
    const resumedSummary = await readFile(resumed.summaryFile, 'utf8');
    expect(resumedSummary).toContain(`<tr><td>URL</td><td><a href="${url}">${url}</a></td></tr>`);
    expect(resumedSummary).toContain('back at their configured counts on the same URL');
    // The resume is activity: the revisions it runs are marked active-at now.
    const marks = services.emulator.calls('TagResource').slice(tagsBefore);
    expect(marks.length).toBe(5);
    expect(JSON.stringify(marks.map((c) => c.input['tags']))).toContain('adhoc-actions:active-at');

    const refusals: [Record<string, string>, string][] = [
      [
        { environment: 'prod', action: 'pause' },
        'environment prod is protected (protected-environments): it is never paused by this workflow',
      ],
      [{ action: 'sleep' }, "input action must be pause or resume, got 'sleep'"],
      [
        { environment: 'pr-99', action: 'pause' },
        'environment pr-99 has no Terraform workspace: there is nothing to pause or resume (create it with ad-hoc-deploy)',
      ],
    ];
    for (const [extra, error] of refusals) {
      const refused = await rehearse(
        join(ROOT, '.github/workflows/pause.yml'),
        pause(`pause-refused-${extra['environment'] ?? extra['action']}`, extra),
      );
      expect(refused.conclusion).toBe('failure');
      expect(refused.annotations.find((a) => a.level === 'error')!.message).toBe(error);
    }
    expect(services.emulator.services().some((x) => x.serviceName.startsWith('pr-99-'))).toBe(false);
    ecs.destroy();
  });

  test('janitor.yml: active, idle past pause-after-hours, idle past destroy-after-hours, kept until a date → leave, pause, destroy, leave', async () => {
    const root = join(dir, 'janitor-root');
    await cp(join(ROOT, 'terraform/examples/ad-hoc'), root, { recursive: true });
    await writeFile(
      join(root, 'envs/preview.tfvars'),
      'ecr_registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"\nbackend_image_tag = "v1"\n',
    );
    const common = {
      terraformState: join(dir, 'deploy-terraform-state'),
      terraformRoot: root,
      secrets: services.secrets,
      awsEnv: services.emulator.env(),
      redirects: services.redirects,
    };
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: services.emulator.url,
      credentials: OPERATOR_CREDENTIALS,
    });
    // Four previews, deployed now; then their activity is moved back as if deployed earlier.
    const idle: Record<string, number> = { 'pr-21': 2, 'pr-22': 30, 'pr-23': 100, 'pr-24': 100 };
    // pr-24 is deployed with keep-until (a label in the example caller): a cluster tag via Terraform.
    const later = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    for (const [env, hours] of Object.entries(idle)) {
      const pr = env.slice(3);
      oneOffTasksSucceed(services.emulator, env);
      const deployed = await rehearse(
        join(ROOT, '.github/workflows/preview.yml'),
        options({
          ...common,
          workDir: join(dir, `janitor-deploy-${pr}`),
          inputs: {
            'pr-number': pr,
            'image-tag': 'v1',
            'backend-config': inputs['backend-config'],
            'aws-region': inputs['aws-region'],
            'role-to-assume': inputs['role-to-assume'],
            ...(env === 'pr-24' && { 'keep-until': later }),
          },
          event: {
            name: 'pull_request',
            payload: { pull_request: { number: Number(pr), head: { sha: 'b'.repeat(40) } } },
          },
        }),
      );
      expect(deployed.conclusion).toBe('success');
      const at = new Date(Date.now() - hours * 3_600_000).toISOString();
      for (const x of services.emulator.services().filter((y) => y.serviceName.startsWith(`${env}-`))) {
        await ecs.send(
          new TagResourceCommand({
            resourceArn: x.taskDefinition,
            tags: [{ key: 'adhoc-actions:released-at', value: at }],
          }),
        );
      }
    }
    // A keep-until that is not a date is refused before any credentials or Terraform.
    const badKeep = options({
      ...common,
      workDir: join(dir, 'janitor-bad-keep'),
      inputs: {
        environment: 'pr-29',
        'image-tag': 'v1',
        'keep-until': 'soon',
        'var-file': 'envs/preview.tfvars',
        'backend-config': inputs['backend-config'],
        'aws-region': inputs['aws-region'],
        'role-to-assume': inputs['role-to-assume'],
      },
    });
    const refused = await rehearse(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), badKeep);
    expect(refused.conclusion).toBe('failure');
    expect(refused.annotations.find((x) => x.level === 'error')!.message).toBe(
      "input keep-until must be a date YYYY-MM-DD, got 'soon'",
    );
    expect(services.emulator.services().some((x) => x.serviceName.startsWith('pr-29-'))).toBe(false);
    const janitor = (name: string, dryRun: boolean) =>
      options({
        ...common,
        workDir: join(dir, name),
        inputs: {
          'pause-after-hours': '24',
          'destroy-after-hours': '72',
          prefix: 'pr-2',
          'dry-run': String(dryRun),
          'fallback-var-file': 'envs/preview.tfvars',
          'backend-config': inputs['backend-config'],
          'aws-region': inputs['aws-region'],
          'role-to-assume': inputs['role-to-assume'],
        },
      });
    const running = (env: string) =>
      services.emulator
        .services()
        .filter((x) => x.serviceName.startsWith(`${env}-`) && x.status === 'ACTIVE')
        .map((x) => x.desiredCount);

    // A dry run: the table, nothing changed.
    const dry = await rehearse(join(ROOT, '.github/workflows/janitor.yml'), janitor('janitor-dry', true));
    expect(dry.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(dry.jobs['pause']!.result).toBe('skipped');
    expect(dry.jobs['destroy']!.result).toBe('skipped');
    expect(running('pr-22')).toEqual([1, 1, 1, 1, 1]);

    const run = await rehearse(join(ROOT, '.github/workflows/janitor.yml'), janitor('janitor-run', false));
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(run.conclusion).toBe('success');
    const summary = await readFile(run.summaryFile, 'utf8');
    const row = (env: string) =>
      new RegExp(`<tr><td>${env}</td><td>(\\w+)</td>.*?<td>(keep|pause|destroy): ([^<]*)</td></tr>`)
        .exec(summary)
        ?.slice(1);
    expect(row('pr-21')).toEqual(['running', 'keep', 'active 2 h ago']);
    expect(row('pr-22')).toEqual(['running', 'pause', 'idle 30 h ≥ 24 h']);
    expect(row('pr-23')).toEqual(['running', 'destroy', 'idle 100 h ≥ 72 h']);
    expect(row('pr-24')).toEqual(['running', 'keep', `keep-until ${later}`]);
    // Last activity, no keep-until, the cost per day.
    expect(summary).toMatch(
      /<td>pr-21<\/td><td>running<\/td><td>[^<]+\(2 h ago\)<\/td><td>(<\/td>)?<td>\d+\.\d\d USD<\/td>/,
    );
    expect(running('pr-21')).toEqual([1, 1, 1, 1, 1]);
    expect(running('pr-22')).toEqual([0, 0, 0, 0, 0]);
    expect(running('pr-23')).toEqual([]);
    const gone = await ecs.send(new DescribeClustersCommand({ clusters: ['pr-23'] }));
    expect(gone.clusters?.[0]?.status).toBe('INACTIVE');
    expect(running('pr-24')).toEqual([1, 1, 1, 1, 1]);
    ecs.destroy();
  });
});
