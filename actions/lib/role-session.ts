import * as core from '@actions/core';
import { ConfigurationError } from './errors.ts';

/**
 * Credentials that outlive the one-hour OIDC role session: a bake time or a pause can be longer.
 * Before a session ends, a fresh GitHub OIDC token is traded for a new one with STS
 * AssumeRoleWithWebIdentity (unsigned, query protocol), so a long wait never fails with
 * ExpiredTokenException. The SDK clients take `provider` as their `credentials`.
 */

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Renew this long before expiry: the SDK also treats credentials within 5 minutes of it as expired. */
export const REFRESH_MARGIN_MS = 5 * 60_000 + 30_000;

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function checkRoleArn(input: string, value: string): string {
  if (!ROLE_ARN.test(value)) {
    throw new ConfigurationError(
      `Input "${input}": "${value}" is not an IAM role ARN (arn:aws:iam::123456789012:role/name).`,
    );
  }
  return value;
}

/** The `<Tag>value</Tag>` of an STS XML answer. */
function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

export async function assumeRoleWithWebIdentity(
  region: string,
  roleArn: string,
  token: string,
): Promise<SessionCredentials> {
  const endpoint = process.env['AWS_ENDPOINT_URL_STS'] ?? `https://sts.${region}.amazonaws.com`;
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: roleArn,
    RoleSessionName: `adhoc-actions-${process.env['GITHUB_RUN_ID'] ?? 'local'}`.slice(0, 64),
    WebIdentityToken: token,
    DurationSeconds: '3600',
  });
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const xml = await response.text();
  if (!response.ok) {
    throw new Error(
      `STS AssumeRoleWithWebIdentity for ${roleArn} failed: ${tag(xml, 'Code') ?? response.status}: ${tag(xml, 'Message') ?? ''}`,
    );
  }
  const [accessKeyId, secretAccessKey, sessionToken, expiration] = [
    'AccessKeyId',
    'SecretAccessKey',
    'SessionToken',
    'Expiration',
  ].map((name) => tag(xml, name));
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration) {
    throw new Error('STS AssumeRoleWithWebIdentity answered without credentials.');
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
}

/** Whether credentials must be renewed now. */
export const needsRefresh = (credentials: SessionCredentials | undefined, now = Date.now()) =>
  !credentials || credentials.expiration.getTime() - now < REFRESH_MARGIN_MS;

/**
 * A credentials provider for SDK clients: assumes `roleArn` with a fresh GitHub OIDC token
 * (audience sts.amazonaws.com) whenever the current session is near its end; concurrent calls
 * share one renewal.
 */
export function roleSession(region: string, roleArn: string): () => Promise<SessionCredentials> {
  let current: SessionCredentials | undefined;
  let renewing: Promise<SessionCredentials> | undefined;
  return async () => {
    if (!needsRefresh(current)) return current!;
    renewing ??= (async () => {
      try {
        const token = await core.getIDToken('sts.amazonaws.com');
        current = await assumeRoleWithWebIdentity(region, roleArn, token);
        core.info(`Assumed ${roleArn} until ${current.expiration.toISOString()}.`);
        return current;
      } finally {
        renewing = undefined;
      }
    })();
    return renewing;
  };
}
