import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startEmulator, type Emulator } from './index.ts';

/**
 * The one-account state bucket's own policy, as terraform/examples/bootstrap renders it: a
 * role the preview tier's apply may create (under /adhoc-actions/, within the workload
 * boundary, which allows S3 on every bucket) is refused the state and the failure reports by
 * the bucket itself (DenyCreatedRoles), whatever its own policies say.
 */

const ACCOUNT = '123456789012';
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/adhoc-actions/pr-42-task`;

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator();
  // What a preview's apply may create: its own task role, with a policy of its choosing.
  emulator.iam.directory.roles.set(TASK_ROLE, {
    name: 'pr-42-task',
    path: '/adhoc-actions/',
    trust: {
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    inline: { everything: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
    managed: [],
    boundary: `arn:aws:iam::${ACCOUNT}:policy/adhoc-actions-boundaries/workload-boundary`,
  });
  for (const bucket of ['acme-terraform-state', 'adhoc-pr-42'])
    emulator.account.buckets.set(bucket, { versioning: 'Enabled' });
  emulator.account.objects.set('acme-terraform-state/prod/terraform.tfstate', { body: '{"secret":"state"}' });
  emulator.account.objects.set('adhoc-pr-42/media/logo.png', { body: 'png' });
});
afterEach(async () => {
  await emulator.stop();
});

const read = (bucket: string, key: string) => {
  // A long-lived session, as the tests' keys are (STS refuses an unknown ASIA key).
  const key_ = emulator.iam.startSession(TASK_ROLE, 'task', undefined, 'AKIA');
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: emulator.url,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: key_, secretAccessKey: 'emulator-secret' },
  });
  return s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
};

test("a task role a preview creates reads its own environment's bucket", async () => {
  const object = await read('adhoc-pr-42', 'media/logo.png');
  expect(await object.Body?.transformToString()).toBe('png');
});

test("an attack: that role reads production's state, and the state bucket's own policy refuses it", async () => {
  await expect(read('acme-terraform-state', 'prod/terraform.tfstate')).rejects.toThrow(
    `User: arn:aws:sts::${ACCOUNT}:assumed-role/pr-42-task/task is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate with an explicit deny in a resource-based policy`,
  );
});
