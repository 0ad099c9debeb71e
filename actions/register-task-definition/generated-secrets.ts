import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import {
  DescribeSecretCommand,
  SecretsManagerClient,
  type DescribeSecretCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { clientConfig } from '../lib/aws.ts';
import { putFirstValue } from '../lib/first-secret-value.ts';
import type { RegisterInput } from './render.ts';

/**
 * Secrets the first deploy generates. Terraform makes some of an environment's secrets without
 * a value, so no password is in a plan or the state, nor read back by a refresh (the Redis AUTH
 * password: modules/environment tags it `adhoc-actions:generate = redis-auth`). A revision that
 * references such a secret while it is still empty would never start: before registering it,
 * the value is generated here, with the deploying role, once.
 */

export const GENERATE_TAG = 'adhoc-actions:generate';
export const REDIS_ADDRESS_TAG = 'adhoc-actions:redis-address';

export type Generation =
  { kind: 'none' } | { kind: 'redis-auth'; address: string } | { kind: 'refused'; reason: string };

/** The Secrets Manager secret an ECS `valueFrom` names (a JSON key, stage or version may follow); undefined for SSM. */
export function secretArnOf(valueFrom: string): string | undefined {
  const parts = valueFrom.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'secretsmanager' || parts[5] !== 'secret')
    return undefined;
  return parts.slice(0, 7).join(':');
}

/** Every Secrets Manager secret the containers of these revisions read, once each. */
export function referencedSecrets(inputs: RegisterInput[]): string[] {
  const arns = inputs.flatMap((input) =>
    (input.containerDefinitions ?? []).flatMap((c) =>
      (c.secrets ?? []).flatMap((s) => secretArnOf(s.valueFrom ?? '') ?? []),
    ),
  );
  return [...new Set(arns)];
}

/** What a described secret asks for: nothing (no tag, or it has a value), or what to generate. */
export function generationFor(
  secret: Pick<DescribeSecretCommandOutput, 'Tags' | 'VersionIdsToStages'>,
): Generation {
  const tag = (key: string) => secret.Tags?.find((t) => t.Key === key)?.Value;
  const kind = tag(GENERATE_TAG);
  if (kind === undefined) return { kind: 'none' };
  // A current value (AWSCURRENT) is kept; a secret with none, even with old versions, is empty.
  if (Object.values(secret.VersionIdsToStages ?? {}).some((stages) => stages.includes('AWSCURRENT')))
    return { kind: 'none' };
  if (kind !== 'redis-auth')
    return { kind: 'refused', reason: `${GENERATE_TAG} is "${kind}"; only redis-auth is known` };
  const address = tag(REDIS_ADDRESS_TAG) ?? '';
  // host:port as the module writes it; anything else would make a URL the backend cannot use.
  if (!/^[a-z0-9.-]+:\d{1,5}$/.test(address))
    return {
      kind: 'refused',
      reason: `${REDIS_ADDRESS_TAG} is ${JSON.stringify(address.slice(0, 80))}, not host:port`,
    };
  return { kind: 'redis-auth', address };
}

/** The redis-auth secret's value: the password redis-server requires, and the backend's REDIS_URL with it. */
export function redisAuthValue(password: string, address: string): string {
  return JSON.stringify({ password, url: `redis://:${password}@${address}/0` });
}

/**
 * The secret's metadata. A dry run may run as a read-only role that describes only the
 * environment's own secrets (github-actions-review): a secret it may not describe is a warning,
 * since the deploy itself will find out, not the end of the review.
 */
async function describeSecret(
  client: SecretsManagerClient,
  arn: string,
  dryRun: boolean,
): Promise<DescribeSecretCommandOutput | undefined> {
  try {
    return await client.send(new DescribeSecretCommand({ SecretId: arn }));
  } catch (error) {
    if (!dryRun || !/AccessDenied/.test((error as Error).name)) throw error;
    core.warning(
      `Cannot tell whether secret ${arn} asks to be generated (dry run): ${(error as Error).message.split('\n')[0]}`,
    );
    return undefined;
  }
}

/**
 * Generates each referenced secret that asks for it and is still empty; returns their names.
 * A dry run only says what it would generate. Values are masked before anything is sent.
 */
export async function generateSecrets(region: string, arns: string[], dryRun: boolean): Promise<string[]> {
  if (arns.length === 0) return [];
  const client = new SecretsManagerClient(clientConfig(region));
  try {
    const generated: string[] = [];
    for (const arn of arns) {
      const described = await describeSecret(client, arn, dryRun);
      if (!described) continue;
      const generation = generationFor(described);
      if (generation.kind === 'none') continue;
      const name = described.Name ?? arn;
      if (generation.kind === 'refused') {
        core.warning(`Secret ${name} asks to be generated, but ${generation.reason}: left empty.`);
        continue;
      }
      if (dryRun) {
        core.info(`Would generate the Redis AUTH password into ${name} (dry run).`);
        continue;
      }
      // 256 bits, hex: safe in a URL and on redis-server's command line.
      const password = randomBytes(32).toString('hex');
      const value = redisAuthValue(password, generation.address);
      core.setSecret(password);
      core.setSecret(value);
      if (!(await putFirstValue(client, arn, value))) {
        core.info(`Another deploy generated the Redis AUTH password into ${name} first; it stands.`);
        continue;
      }
      core.info(`Generated the Redis AUTH password into ${name} (redis restarts with it).`);
      generated.push(name);
    }
    return generated;
  } finally {
    client.destroy();
  }
}
