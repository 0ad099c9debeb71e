import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import packageJson from '../../package.json' with { type: 'json' };
import { ConfigurationError } from './errors.ts';
import { optionalInput, quote } from './inputs.ts';

/** `aws-region` input, else the environment the runner (or configure-aws-credentials) set. */
export function regionInput(): string {
  const region =
    optionalInput('aws-region') ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) {
    throw new ConfigurationError(
      'Input "aws-region" is required when neither AWS_REGION nor AWS_DEFAULT_REGION is set.',
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new ConfigurationError(`Input "aws-region": ${quote(region)} is not an AWS region name.`);
  }
  return region;
}

/**
 * Settings every client shares. Endpoints come from the SDK's own AWS_ENDPOINT_URL* variables;
 * adaptive retries absorb throttling: after a throttle the client paces all its calls.
 * A rollout's watch paces itself instead (rollout/cadence.ts), so its client retries
 * `standard`: adaptive pacing would hold back the very call that ends a rollout (measured
 * in bench/fleet.bench.ts: 50 steps in one account, p50 lag 2.4 s adaptive, 1.3 s standard).
 */
export function clientConfig(region: string, retryMode: 'adaptive' | 'standard' = 'adaptive') {
  return {
    region,
    retryMode,
    maxAttempts: 8,
    customUserAgent: [['adhoc-actions', packageJson.version]] as [string, string][],
  };
}

/** What a client signs with when not the SDK's default chain: a role session that renews itself. */
export type CredentialsProvider = () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}>;

export function ecsClient(
  region: string,
  credentials?: CredentialsProvider,
  retryMode?: 'adaptive' | 'standard',
): ECSClient {
  return new ECSClient({ ...clientConfig(region, retryMode), ...(credentials && { credentials }) });
}

export function logsClient(region: string, credentials?: CredentialsProvider): CloudWatchLogsClient {
  return new CloudWatchLogsClient({ ...clientConfig(region), ...(credentials && { credentials }) });
}

export function ecrClient(region: string, credentials?: CredentialsProvider): ECRClient {
  return new ECRClient({ ...clientConfig(region), ...(credentials && { credentials }) });
}
