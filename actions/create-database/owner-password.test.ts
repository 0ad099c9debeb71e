import { afterEach, expect, test } from '@jest/globals';
import {
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ownerPassword } from './owner-password.ts';

const sm = mockClient(SecretsManagerClient);
afterEach(() => {
  sm.reset();
});

const SOURCE = { secretId: 'pr-1/db-owner-password', region: 'us-east-1' };
const empty = new ResourceNotFoundException({
  message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
  $metadata: {},
});

test('an empty secret gets a generated password, written as its first version', async () => {
  sm.on(GetSecretValueCommand).rejects(empty);
  sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: 'generated' });
  sm.on(PutSecretValueCommand).resolves({});
  expect(await ownerPassword(SOURCE)).toBe('generated');
  expect(sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input.ClientRequestToken).toMatch(/^.{32,64}$/);
});

test('another run filled the secret between our read and our write: its password is the one returned', async () => {
  sm.on(GetSecretValueCommand).rejectsOnce(empty).resolves({ SecretString: 'the-other-runs' });
  sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: 'ours' });
  sm.on(PutSecretValueCommand).rejects(
    new ResourceExistsException({ message: "You can't modify an existing version", $metadata: {} }),
  );
  expect(await ownerPassword(SOURCE)).toBe('the-other-runs');
});

test('a secret with a value keeps it: nothing generated, nothing written', async () => {
  sm.on(GetSecretValueCommand).resolves({ SecretString: 'kept' });
  expect(await ownerPassword(SOURCE)).toBe('kept');
  expect(sm.commandCalls(PutSecretValueCommand)).toEqual([]);
});
