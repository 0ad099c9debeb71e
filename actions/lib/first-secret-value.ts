import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The one token of every first value a deploy generates into an empty secret. Secrets Manager
 * keeps a version per token and refuses another value under it, so of two runs racing to fill
 * the same secret the first wins and the second learns it lost, instead of overwriting a
 * password the first already handed out.
 */
export const FIRST_VALUE_TOKEN = 'adhoc-actions-generated-secret-0000000001';

/** Puts `value` as the secret's first value: true when it was written, false when another run's came first. */
export async function putFirstValue(
  client: SecretsManagerClient,
  secretId: string,
  value: string,
): Promise<boolean> {
  try {
    await client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: value,
        ClientRequestToken: FIRST_VALUE_TOKEN,
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceExistsException') return false;
    throw error;
  }
}
