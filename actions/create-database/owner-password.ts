import * as core from '@actions/core';
import {
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { clientConfig } from '../lib/aws.ts';
import { putFirstValue } from '../lib/first-secret-value.ts';
import type { PasswordSource } from './settings.ts';

/**
 * The owner's password as the environment keeps it in Secrets Manager: Terraform makes the
 * secret empty (so no password is in its state), the first deploy generates one into it, and
 * the services read the same secret through their task definition's `secrets`. Masked at once.
 */
export async function ownerPassword(source: PasswordSource): Promise<string> {
  // Only create-database talks to Secrets Manager: its client stays out of the other bundles.
  const client = new SecretsManagerClient(clientConfig(source.region));
  try {
    const current = await currentValue(client, source.secretId);
    if (current !== undefined) return current;
    // ASCII letters and digits only: it travels in a connection URL and a SCRAM verifier.
    const { RandomPassword } = await client.send(
      new GetRandomPasswordCommand({ PasswordLength: 40, ExcludePunctuation: true }),
    );
    if (!RandomPassword) throw new Error('Secrets Manager GetRandomPassword returned no password.');
    core.setSecret(RandomPassword);
    if (!(await putFirstValue(client, source.secretId, RandomPassword))) {
      // Another run filled it between our read and our write: its password is the owner's.
      const winner = await currentValue(client, source.secretId);
      if (winner === undefined)
        throw new Error(`Secret ${source.secretId} has no value after another run filled it.`);
      core.info(`Another run generated the owner's password into ${source.secretId} first; using it.`);
      return winner;
    }
    core.info(`Generated the owner's password into ${source.secretId}.`);
    return RandomPassword;
  } finally {
    client.destroy();
  }
}

/** The secret's current value, masked; undefined while it has none. */
async function currentValue(client: SecretsManagerClient, secretId: string): Promise<string | undefined> {
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) return undefined;
    core.setSecret(SecretString);
    return SecretString;
  } catch (error) {
    // A secret without a value yet: "can't find the specified secret value for staging label".
    if (error instanceof ResourceNotFoundException && /secret value/.test(error.message)) return undefined;
    throw error;
  }
}
