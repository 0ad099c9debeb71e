import { afterEach, beforeEach, expect, test } from '@jest/globals';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { FIRST_VALUE_TOKEN, putFirstValue } from '../../actions/lib/first-secret-value.ts';

/**
 * Two runs filling one empty secret (the owner's password, Redis AUTH): the first value stands,
 * the second run learns it lost. Against the emulator, which keeps versions by
 * ClientRequestToken as Secrets Manager does, signed as the preview role (its policies as
 * terraform/examples/bootstrap renders them): GetSecretValue and PutSecretValue on its own
 * environments' secrets only.
 */

let emulator: Emulator;
let client: SecretsManagerClient;
beforeEach(async () => {
  emulator = await startEmulator();
  // A session of github-actions-preview, as the deploy's create-database step holds.
  const env = emulator.env();
  client = new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']! },
    maxAttempts: 1,
  });
});
afterEach(async () => {
  client.destroy();
  await emulator.stop();
});

const current = async (id: string) =>
  (await client.send(new GetSecretValueCommand({ SecretId: id }))).SecretString;

test('the first value wins; a racing second value is refused and overwrites nothing; a retry of the first is fine', async () => {
  const arn = emulator.createSecret('adhoc/pr-1/db-owner-password');
  expect(await putFirstValue(client, arn, 'first-password')).toBe(true);
  expect(await putFirstValue(client, arn, 'second-password')).toBe(false);
  expect(await current(arn)).toBe('first-password');
  expect(await putFirstValue(client, arn, 'first-password')).toBe(true);
  expect(await current(arn)).toBe('first-password');
});

test('the emulator refuses what Secrets Manager refuses: another value under a version token, a token of the wrong length', async () => {
  const arn = emulator.createSecret('adhoc/pr-2/redis-auth');
  await client.send(
    new PutSecretValueCommand({ SecretId: arn, SecretString: 'a', ClientRequestToken: FIRST_VALUE_TOKEN }),
  );
  await expect(
    client.send(
      new PutSecretValueCommand({ SecretId: arn, SecretString: 'b', ClientRequestToken: FIRST_VALUE_TOKEN }),
    ),
  ).rejects.toMatchObject({ name: 'ResourceExistsException' });
  await expect(
    client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'c', ClientRequestToken: 'short' })),
  ).rejects.toMatchObject({ name: 'ValidationException' });
  // A new version (no token: the SDK makes one) becomes the current value, as a rotation does.
  await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'rotated' }));
  expect(await current(arn)).toBe('rotated');
});

test("a pull request's role cannot fill production's empty secret first (and so choose its password)", async () => {
  const arn = emulator.createSecret('prod/db-owner-password');
  await expect(putFirstValue(client, arn, 'chosen-by-a-pull-request')).rejects.toMatchObject({
    name: 'AccessDeniedException',
  });
  expect(emulator.secrets.find(arn)!.value).toBeUndefined();
});
