import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { AwsError } from './errors.ts';
import type { Operations } from './protocol.ts';
import type { EmulatorState, Json } from './state.ts';

/**
 * Secrets Manager as the product uses it (the API reference): a secret made without a value
 * (what Terraform's aws_secretsmanager_secret does), its value put and read by version stage
 * AWSCURRENT, random passwords, deletion with or without a recovery window.
 */

interface SecretRecord {
  name: string;
  arn: string;
  /** The AWSCURRENT value; undefined until one is put. */
  value?: string;
  versionId?: string;
  /** Every version's value by id (the ClientRequestToken that made it): a version never changes. */
  versions?: Record<string, string>;
  deletedAt?: number;
  tags: { Key: string; Value: string }[];
}

export class SecretsRegistry {
  readonly secrets = new Map<string, SecretRecord>();

  /** The secret an id names: its name or its full ARN (with the 6-character suffix). */
  find(id: unknown): SecretRecord | undefined {
    const text = String(id ?? '');
    return this.secrets.get(text) ?? [...this.secrets.values()].find((s) => s.arn === text);
  }

  private get(id: unknown): SecretRecord {
    const secret = this.find(id);
    if (!secret)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    if (secret.deletedAt !== undefined) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return secret;
  }

  create(state: EmulatorState, name: string, tags: SecretRecord['tags'] = [], value?: string): SecretRecord {
    const existing = this.secrets.get(name);
    if (existing && existing.deletedAt === undefined) {
      throw new AwsError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const suffix = randomBytes(4).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    const versionId = randomUUID();
    const secret: SecretRecord = {
      name,
      arn: state.arn('secretsmanager', `secret:${name}-${suffix}`),
      tags,
      versions: value === undefined ? {} : { [versionId]: value },
      ...(value !== undefined && { value, versionId }),
    };
    this.secrets.set(name, secret);
    return secret;
  }

  operations(): Operations {
    return {
      CreateSecret: (state, input) => {
        const secret = this.create(
          state,
          String(input['Name'] ?? ''),
          (input['Tags'] as SecretRecord['tags'] | undefined) ?? [],
          input['SecretString'] === undefined ? undefined : String(input['SecretString']),
        );
        return {
          ARN: secret.arn,
          Name: secret.name,
          ...(secret.versionId && { VersionId: secret.versionId }),
        };
      },
      DescribeSecret: (_state, input) => {
        const secret = this.get(input['SecretId']);
        return {
          ARN: secret.arn,
          Name: secret.name,
          Tags: secret.tags,
          VersionIdsToStages: secret.versionId ? { [secret.versionId]: ['AWSCURRENT'] } : {},
        };
      },
      GetSecretValue: (_state, input) => {
        const secret = this.get(input['SecretId']);
        if (secret.value === undefined) {
          throw new AwsError(
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
          );
        }
        return {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: secret.value,
          VersionId: secret.versionId,
          VersionStages: ['AWSCURRENT'],
        };
      },
      // As AWS: a ClientRequestToken names a version; the same token with the same value is
      // ignored, with another value refused (two writers racing with one token: the first wins).
      PutSecretValue: (_state, input) => {
        const secret = this.get(input['SecretId']);
        const value = String(input['SecretString'] ?? '');
        const token =
          input['ClientRequestToken'] === undefined ? randomUUID() : String(input['ClientRequestToken']);
        if (token.length < 32 || token.length > 64) {
          throw new AwsError('ValidationException', 'ClientRequestToken must be 32 to 64 characters.');
        }
        // A demo snapshot of an earlier release has no versions: its current one stands.
        secret.versions ??=
          secret.value === undefined ? {} : { [secret.versionId ?? randomUUID()]: secret.value };
        const existing = Object.hasOwn(secret.versions, token) ? secret.versions[token] : undefined;
        if (existing !== undefined && existing !== value) {
          throw new AwsError(
            'ResourceExistsException',
            "You can't modify an existing version, you can only create a new version.",
          );
        }
        if (existing === undefined) {
          secret.versions[token] = value;
          secret.value = value;
          secret.versionId = token;
        }
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: token,
          VersionStages: secret.versionId === token ? ['AWSCURRENT'] : [],
        };
      },
      GetRandomPassword: (_state, input) => {
        const length = Number(input['PasswordLength'] ?? 32);
        if (!Number.isInteger(length) || length < 1 || length > 4096) {
          throw new AwsError('InvalidParameterException', 'PasswordLength must be between 1 and 4096.');
        }
        const punctuation = input['ExcludePunctuation'] === true ? '' : '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
        const alphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${punctuation}`;
        return {
          RandomPassword: Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join(''),
        };
      },
      DeleteSecret: (_state, input) => {
        const secret = this.get(input['SecretId']);
        if (input['ForceDeleteWithoutRecovery'] === true) this.secrets.delete(secret.name);
        else secret.deletedAt = Date.now();
        return { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 };
      },
    } satisfies Record<string, (state: EmulatorState, input: Json) => Json>;
  }
}
