import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startEmulator, type Emulator } from './index.ts';

/**
 * Two accounts on one endpoint, as terraform/examples/bootstrap-two-accounts renders them
 * (production 111111111111, preview/build 222222222222): a call is answered from the signer's
 * account, and another account's resources are reached only where a resource policy the
 * Terraform wrote lets it (the release repositories).
 */

const PRODUCTION = '111111111111';
const PREVIEW = '222222222222';
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/github-actions/${name}`;
const PRODUCTION_ROLE = role(PRODUCTION, 'github-actions-production');
const PREVIEW_ROLE = role(PREVIEW, 'github-actions-preview');

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator();
  emulator.inAccount(PRODUCTION).createCluster('prod');
  emulator.inAccount(PRODUCTION).registerTaskDefinition({
    family: 'prod-gunicorn',
    containerDefinitions: [{ name: 'app', image: 'backend@sha256:1' }],
  });
  emulator
    .inAccount(PRODUCTION)
    .createService('prod', 'prod-gunicorn', 'prod-gunicorn:1', { desiredCount: 0 });
  emulator.inAccount(PREVIEW).createCluster('pr-42');
  emulator.inAccount(PREVIEW).pushImage('backend', `sha256:${'a'.repeat(64)}`);
  emulator.inAccount(PREVIEW).pushImage('backend-preview', `sha256:${'b'.repeat(64)}`);
});
afterEach(async () => {
  await emulator.stop();
});

const ecs = (roleArn: string) =>
  new ECSClient({
    ...emulator.inAccount(roleArn.split(':')[4]!).clientConfig({ role: roleArn }),
    maxAttempts: 1,
  });

test("each role answers from its own account: the preview role lists only the preview account's clusters", async () => {
  const clusters = async (roleArn: string) =>
    (await ecs(roleArn).send(new ListClustersCommand({}))).clusterArns;
  expect(await clusters(PREVIEW_ROLE)).toEqual([`arn:aws:ecs:us-east-1:${PREVIEW}:cluster/pr-42`]);
  expect(await clusters(PRODUCTION_ROLE)).toEqual([`arn:aws:ecs:us-east-1:${PRODUCTION}:cluster/prod`]);
  const sts = new STSClient(emulator.inAccount(PREVIEW).clientConfig({ role: PREVIEW_ROLE }));
  expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(PREVIEW);
});

test("an attack: the preview role names production's cluster by ARN, and finds nothing", async () => {
  const attempt = ecs(PREVIEW_ROLE).send(
    new DescribeServicesCommand({
      cluster: `arn:aws:ecs:us-east-1:${PRODUCTION}:cluster/prod`,
      services: ['prod-gunicorn'],
    }),
  );
  // Answered from the signer's own account, where no such cluster exists.
  await expect(attempt).rejects.toThrow('Cluster not found.');
});

describe('the release repositories, across accounts', () => {
  const ecr = (roleArn: string) =>
    new ECRClient({
      ...emulator.inAccount(roleArn.split(':')[4]!).clientConfig({ role: roleArn }),
      maxAttempts: 1,
    });
  const describe = (roleArn: string, repositoryName: string) =>
    ecr(roleArn).send(
      new DescribeImagesCommand({
        registryId: PREVIEW,
        repositoryName,
        imageIds: [
          {
            imageTag: undefined,
            imageDigest: `sha256:${(repositoryName === 'backend' ? 'a' : 'b').repeat(64)}`,
          },
        ],
      }),
    );

  test("production reads main's images in the build account: its role and the repository's policy both allow it", async () => {
    const found = await describe(PRODUCTION_ROLE, 'backend');
    expect(found.imageDetails?.[0]?.imageDigest).toBe(`sha256:${'a'.repeat(64)}`);
  });

  test("production cannot read the preview twins: its own policy does not allow it, and were it given that, the twins' account still does not let it in", async () => {
    await expect(describe(PRODUCTION_ROLE, 'backend-preview')).rejects.toThrow(
      /because no identity-based policy allows the ecr:DescribeImages action$/,
    );
    // An administrator widens the production role's own policy to the twins, as a mistake
    // would: the preview account's side (no repository policy on the twins) still refuses.
    emulator.iam.directory.roles.get(PRODUCTION_ROLE)!.inline['widened'] = {
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ecr:DescribeImages',
          Resource: `arn:aws:ecr:us-east-1:${PREVIEW}:repository/backend-preview`,
        },
      ],
    };
    await expect(describe(PRODUCTION_ROLE, 'backend-preview')).rejects.toThrow(
      /because no resource-based policy allows the ecr:DescribeImages action$/,
    );
  });

  test("a push to a release repository by any principal but main's build role is denied by the repository's own policy", () => {
    const key = emulator.inAccount(PREVIEW).env({ role: PREVIEW_ROLE })['AWS_ACCESS_KEY_ID']!;
    const denied = emulator.authorize(key, [
      { action: 'ecr:PutImage', resource: `arn:aws:ecr:us-east-1:${PREVIEW}:repository/backend` },
    ]);
    expect(denied).toMatch(/explicit deny in a resource-based policy$/);
    const build = emulator.env({ role: role(PREVIEW, 'github-actions-build') })['AWS_ACCESS_KEY_ID']!;
    expect(
      emulator.authorize(build, [
        { action: 'ecr:PutImage', resource: `arn:aws:ecr:us-east-1:${PREVIEW}:repository/backend` },
      ]),
    ).toBeNull();
  });
});

test("a bucket of another account is refused: production's state is out of the preview role's reach", async () => {
  emulator.inAccount(PRODUCTION).account.buckets.set('acme-prod-terraform-state', { versioning: 'Enabled' });
  const s3 = new S3Client({
    ...emulator.inAccount(PREVIEW).clientConfig({ role: PREVIEW_ROLE }),
    forcePathStyle: true,
    maxAttempts: 1,
  });
  await expect(
    s3.send(new GetObjectCommand({ Bucket: 'acme-prod-terraform-state', Key: 'prod/terraform.tfstate' })),
  ).rejects.toThrow(/AccessDenied|not authorized/);
});
