import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeServicesCommand, ECSClient, ListClustersCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../simulator/runner/run-action.ts';
import { rehearse } from '../../simulator/rehearsal/engine.ts';
import { oneOffTasksSucceed, seedSharedStack } from '../../simulator/rehearsal/services.ts';
import {
  CALLERS,
  errors,
  missingFromProductCalls,
  newRepository,
  pullRequest,
  run,
  showLogOnFailure,
  VARS,
  type NewRepository,
} from '../helpers/new-repository.ts';

/**
 * README "Getting started", the default layout: terraform/examples/bootstrap-two-accounts, whose
 * roles and release-repository policies the emulator enforces as that root renders them
 * (simulator/aws/iam/roles.json). The production account (111111111111) holds prod and staging;
 * the preview/build account (222222222222) the previews and the images. A new repository laid
 * out as step 5 says runs its own callers with step 4's variables for two accounts. (Both
 * accounts' shared stacks reach one PGlite here: the databases are what this test does not
 * separate.)
 */

const PRODUCTION = '111111111111';
const PREVIEW = '222222222222';
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/github-actions/${name}`;
const REGISTRY = `${PREVIEW}.dkr.ecr.us-east-1.amazonaws.com`;
const TWO_ACCOUNTS = {
  ...VARS,
  STATE_BUCKET: 'acme-preview-terraform-state',
  PRODUCTION_STATE_BUCKET: 'acme-prod-terraform-state',
  RELEASE_REGISTRY: REGISTRY,
  PREVIEW_ROLE_ARN: role(PREVIEW, 'github-actions-preview'),
  BUILD_ROLE_ARN: role(PREVIEW, 'github-actions-build'),
  PRODUCTION_ROLE_ARN: role(PRODUCTION, 'github-actions-production'),
  PLAN_ROLE_ARN: role(PRODUCTION, 'github-actions-plan'),
  REVIEW_ROLE_ARN: role(PRODUCTION, 'github-actions-review'),
};

let repo: NewRepository;
let roots: string;
beforeAll(async () => {
  repo = await newRepository();
  const { emulator, database } = repo.services;
  // What each account's bootstrap and shared apply leave.
  emulator
    .inAccount(PRODUCTION)
    .account.buckets.set(TWO_ACCOUNTS.PRODUCTION_STATE_BUCKET, { versioning: 'Enabled' });
  emulator.inAccount(PREVIEW).account.buckets.set(TWO_ACCOUNTS.STATE_BUCKET, { versioning: 'Enabled' });
  seedSharedStack(emulator.inAccount(PRODUCTION), database.adminUrl);
  seedSharedStack(emulator.inAccount(PREVIEW), database.adminUrl);
  // Step 5 for two accounts: prod's and staging's tfvars name the build account's registry.
  roots = await mkdtemp(join(tmpdir(), 'two-accounts-roots-'));
  await cp(join(ROOT, 'terraform/examples/ad-hoc'), join(roots, 'ad-hoc'), { recursive: true });
  await cp(join(ROOT, 'terraform/examples/prod'), join(roots, 'prod'), { recursive: true });
  await appendFile(join(roots, 'prod/prod.tfvars'), `ecr_registry = "${REGISTRY}"\n`);
  // The previews' state bucket in terraform/variables.tf (step 5: "if yours differ").
  const variablesTf = join(roots, 'ad-hoc/variables.tf');
  await writeFile(
    variablesTf,
    (await readFile(variablesTf, 'utf8')).replace('"acme-terraform-state"', `"${TWO_ACCOUNTS.STATE_BUCKET}"`),
  );
  // Staging is of the production account: its shared stack's state and its bucket are there.
  await appendFile(
    join(roots, 'ad-hoc/envs/staging.tfvars'),
    `ecr_registry = "${REGISTRY}"\nshared_state_bucket = "${TWO_ACCOUNTS.PRODUCTION_STATE_BUCKET}"\ns3_bucket_prefix = "acme-"\n`,
  );
});
afterAll(async () => {
  await repo.stop();
  await rm(roots, { recursive: true, force: true });
});

const twoAccounts = (name: string, event: Parameters<typeof run>[2], approve = false) =>
  run(repo, name, event, {
    vars: TWO_ACCOUNTS,
    terraformRoot: join(roots, 'ad-hoc'),
    terraformRoots: { 'terraform/prod': join(roots, 'prod') },
    approveEnvironments: approve,
  });

const servicesIn = (account: string) =>
  repo.services.emulator
    .inAccount(account)
    .services()
    .map((s) => s.serviceName);

describe('two accounts, the default layout', () => {
  test("a push to main: the build account's build role pushes once, production's role deploys staging and prod in its own account from those digests", async () => {
    const production = repo.services.emulator.inAccount(PRODUCTION);
    oneOffTasksSucceed(production, 'staging');
    oneOffTasksSucceed(production, 'prod');
    const push = twoAccounts(
      'push-main',
      {
        name: 'push',
        payload: { ref: 'refs/heads/main', after: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
      },
      true,
    );
    const result = await rehearse(join(CALLERS, 'production.yml'), push);
    showLogOnFailure(result, push.lines);
    expect(errors(result)).toEqual([]);
    expect(result.conclusion).toBe('success');

    // Each role in its own account.
    expect(
      new Set(
        repo.services.emulator
          .stsRecord()
          .assumed.map((a) => a.roleArn.split('/').pop() + ' ' + a.roleArn.split(':')[4]),
      ),
    ).toEqual(
      new Set([
        `github-actions-build ${PREVIEW}`,
        `github-actions-production ${PRODUCTION}`,
        `github-actions-plan ${PRODUCTION}`,
        `github-actions-review ${PRODUCTION}`,
      ]),
    );
    // Main's images are in the build account's release repository, nowhere else.
    const pushed = [...repo.services.emulator.inAccount(PREVIEW).ecr.repositories.get('backend')!.keys()];
    expect(pushed).toHaveLength(1);
    expect(production.ecr.repositories.size).toBe(0);
    // Staging and prod run in the production account, from that digest across accounts.
    expect(servicesIn(PRODUCTION)).toEqual(expect.arrayContaining(['staging-gunicorn', 'prod-gunicorn']));
    expect(servicesIn(PREVIEW)).toEqual([]);
    const image = (service: string) => {
      const running = production.services().find((s) => s.serviceName === service)!;
      const revision = [...production.state.taskDefinitions.values()]
        .flat()
        .find((r) => r.definition.taskDefinitionArn === running.taskDefinition)!;
      return (revision.definition['containerDefinitions'] as { image: string }[])[0]!.image;
    };
    expect(image('prod-gunicorn')).toBe(`${REGISTRY}/backend@${pushed[0]}`);
    expect(image('staging-gunicorn')).toBe(image('prod-gunicorn'));
    // The production role read the build account's images, judged by its own policy and by
    // the release repository's (ProductionAccountPulls), both allowing.
    const crossAccount = repo.services.emulator.iam.decisions.filter(
      (d) =>
        d.roleArn === TWO_ACCOUNTS.PRODUCTION_ROLE_ARN &&
        d.request.resource.includes(`:${PREVIEW}:repository/`),
    );
    expect(crossAccount.map((d) => `${d.request.action} ${d.decision}`)).toEqual(
      expect.arrayContaining(['ecr:DescribeImageScanFindings allowed']),
    );
    expect(crossAccount.filter((d) => d.decision !== 'allowed')).toEqual([]);
    expect(
      [...production.account.objects.keys()].filter(
        (k) => !k.startsWith(TWO_ACCOUNTS.PRODUCTION_STATE_BUCKET),
      ),
    ).toEqual([]);
  });

  test('a pull request with the preview label: its preview comes up in the preview account, nothing in production', async () => {
    const preview = repo.services.emulator.inAccount(PREVIEW);
    oneOffTasksSucceed(preview, 'pr-42');
    const before = servicesIn(PRODUCTION);
    const open = twoAccounts('pr-open', pullRequest('labeled', ['preview']));
    const opened = await rehearse(join(CALLERS, 'preview.yml'), open);
    showLogOnFailure(opened, open.lines);
    expect(errors(opened)).toEqual([]);
    expect(opened.conclusion).toBe('success');
    expect(servicesIn(PREVIEW)).toEqual(expect.arrayContaining(['pr-42-gunicorn', 'pr-42-celery']));
    expect(servicesIn(PRODUCTION)).toEqual(before);
    // Built as the preview role into the preview twin of the build account.
    expect(preview.ecr.repositories.get('backend-preview')?.size).toBe(1);
    const gunicorn = preview.services().find((s) => s.serviceName === 'pr-42-gunicorn')!;
    const revision = [...preview.state.taskDefinitions.values()]
      .flat()
      .find((r) => r.definition.taskDefinitionArn === gunicorn.taskDefinition)!;
    expect((revision.definition['containerDefinitions'] as { image: string }[])[0]!.image).toMatch(
      new RegExp(`^${PREVIEW}\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/backend-preview@sha256:`),
    );
    expect(open.lines.join('\n')).toContain('Created database "pr_42".');
  });

  // Before the attacks below, whose calls are not the product's.
  test("every call these flows made as a role is in doctor's list of what the product calls", () => {
    expect(missingFromProductCalls(repo)).toEqual([]);
  });

  /**
   * The paths issue 21 found in one account, tried with the preview role's own session in the
   * two-account layout: production is in an account it cannot call.
   */
  describe("an attack with the preview role's credentials", () => {
    const previewSession = () =>
      repo.services.emulator.inAccount(PREVIEW).clientConfig({ role: TWO_ACCOUNTS.PREVIEW_ROLE_ARN });

    test("sees no cluster of production's, by list or by ARN", async () => {
      const ecs = new ECSClient({ ...previewSession(), maxAttempts: 1 });
      const clusters = (await ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
      expect(clusters.filter((c) => c.includes(PRODUCTION))).toEqual([]);
      expect(clusters).toEqual(expect.arrayContaining([`arn:aws:ecs:us-east-1:${PREVIEW}:cluster/pr-42`]));
      await expect(
        ecs.send(
          new DescribeServicesCommand({
            cluster: `arn:aws:ecs:us-east-1:${PRODUCTION}:cluster/prod`,
            services: ['prod-gunicorn'],
          }),
        ),
      ).rejects.toThrow('Cluster not found.');
    });

    test("cannot run a task on production's network: its task definition and cluster are not in this account", async () => {
      const ecs = new ECSClient({ ...previewSession(), maxAttempts: 1 });
      const prodRevision = repo.services.emulator
        .inAccount(PRODUCTION)
        .services()
        .find((s) => s.serviceName === 'prod-gunicorn')!.taskDefinition;
      await expect(
        ecs.send(
          new RunTaskCommand({
            cluster: 'pr-42',
            taskDefinition: prodRevision,
            networkConfiguration: {
              awsvpcConfiguration: { subnets: ['subnet-prod'], securityGroups: ['sg-prod-tasks'] },
            },
          }),
        ),
      ).rejects.toThrow(
        /not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:111111111111:task-definition\/prod-gunicorn:\d+ /,
      );
    });

    test("cannot read production's state or failure reports", async () => {
      const s3 = new S3Client({ ...previewSession(), forcePathStyle: true, maxAttempts: 1 });
      await expect(
        s3.send(
          new GetObjectCommand({
            Bucket: TWO_ACCOUNTS.PRODUCTION_STATE_BUCKET,
            Key: 'prod/terraform.tfstate',
          }),
        ),
      ).rejects.toThrow(/AccessDenied|not authorized/);
    });
  });
});
