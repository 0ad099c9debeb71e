import * as core from '@actions/core';
import {
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { clientConfig } from '../lib/aws.ts';
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
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: source.secretId }));
      if (SecretString) {
        core.setSecret(SecretString);
        return SecretString;
      }
    } catch (error) {
      // A secret without a value yet: "can't find the specified secret value for staging label".
      if (!(error instanceof ResourceNotFoundException && /secret value/.test(error.message))) throw error;
    }
    // ASCII letters and digits only: it travels in a connection URL and a SCRAM verifier.
    const { RandomPassword } = await client.send(
      new GetRandomPasswordCommand({ PasswordLength: 40, ExcludePunctuation: true }),
    );
    if (!RandomPassword) throw new Error('Secrets Manager GetRandomPassword returned no password.');
    core.setSecret(RandomPassword);
    await client.send(new PutSecretValueCommand({ SecretId: source.secretId, SecretString: RandomPassword }));
    core.info(`Generated the owner's password into ${source.secretId}.`);
    return RandomPassword;
  } finally {
    client.destroy();
  }
}
