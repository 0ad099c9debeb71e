import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { appendKeyValues } from './files.ts';
import type { StandIn } from './index.ts';

/** The `<Tag>value</Tag>` of an STS XML answer. */
const xmlTag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/**
 * aws-actions/configure-aws-credentials with OIDC, as the action does it: a GitHub ID token for
 * `audience` (default sts.amazonaws.com) from the job's ACTIONS_ID_TOKEN_REQUEST_* (only a job
 * with `id-token: write` has them), traded with STS AssumeRoleWithWebIdentity for the role's
 * session, exported through GITHUB_ENV (masked). The emulator's STS judges the role's trust
 * policy against the job's claims, so a job the role does not trust is refused as on AWS.
 */
export const configureAwsCredentials: StandIn = {
  describe: "assumes role-to-assume with the job's OIDC token from the emulator's STS (trust policy judged)",
  async run({ with: inputs, env, run, print }) {
    const region = inputs['aws-region'];
    if (!region) {
      print('::error::Input required and not supplied: aws-region');
      return false;
    }
    const role = inputs['role-to-assume'] ?? '';
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(role)) {
      print(`::error::role-to-assume '${role}' is not an IAM role ARN (the rehearsal plays OIDC only)`);
      return false;
    }
    const tokenUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    const sts = run.options.awsEnv['AWS_ENDPOINT_URL_STS'];
    if (!tokenUrl || !requestToken || !sts) {
      // What the action says when the job lacks `permissions: id-token: write`.
      print('::error::Could not get ID token: the job needs permissions id-token: write');
      return false;
    }
    const audience = inputs['audience'] || 'sts.amazonaws.com';
    const tokenResponse = await fetch(`${tokenUrl}&audience=${encodeURIComponent(audience)}`, {
      headers: { authorization: `Bearer ${requestToken}` },
    });
    if (!tokenResponse.ok) {
      print(`::error::Could not get ID token: ${tokenResponse.status}`);
      return false;
    }
    const { value: idToken } = (await tokenResponse.json()) as { value: string };
    const session = inputs['role-session-name'] || 'GitHubActions';
    const answer = await fetch(sts, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: role,
        RoleSessionName: session,
        WebIdentityToken: idToken,
        DurationSeconds: inputs['role-duration-seconds'] || '3600',
      }),
    });
    const xml = await answer.text();
    if (!answer.ok) {
      print(`::error::Could not assume role with OIDC: ${xmlTag(xml, 'Message') ?? answer.status}`);
      return false;
    }
    const credentials = {
      AWS_ACCESS_KEY_ID: xmlTag(xml, 'AccessKeyId') ?? '',
      AWS_SECRET_ACCESS_KEY: xmlTag(xml, 'SecretAccessKey') ?? '',
      AWS_SESSION_TOKEN: xmlTag(xml, 'SessionToken') ?? '',
    };
    for (const value of Object.values(credentials)) print(`::add-mask::${value}`);
    print(
      `Authenticated as assumedRoleId ${xmlTag(xml, 'AssumedRoleId') ?? '-'} (${role}, session ${session}) in ${region}`,
    );
    const endpoints = Object.fromEntries(
      Object.entries(run.options.awsEnv).filter(
        ([name]) => name.startsWith('AWS_ENDPOINT_URL') || name === 'AWS_EC2_METADATA_DISABLED',
      ),
    );
    await appendKeyValues(env['GITHUB_ENV']!, {
      ...endpoints,
      ...credentials,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    });
    if (inputs['output-credentials'] === 'true') {
      await appendKeyValues(env['GITHUB_OUTPUT']!, {
        'aws-access-key-id': credentials.AWS_ACCESS_KEY_ID,
        'aws-secret-access-key': credentials.AWS_SECRET_ACCESS_KEY,
        'aws-session-token': credentials.AWS_SESSION_TOKEN,
      });
    }
    return true;
  },
};

/** The account the job's credentials act in, as GetCallerIdentity answers it. */
export async function callerAccount(env: Record<string, string | undefined>): Promise<string> {
  const sts = new STSClient({
    region: env['AWS_REGION'] ?? 'us-east-1',
    endpoint: env['AWS_ENDPOINT_URL_STS'],
    credentials: {
      accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? '',
      sessionToken: env['AWS_SESSION_TOKEN'],
    },
  });
  return (await sts.send(new GetCallerIdentityCommand({}))).Account!;
}

/**
 * aws-actions/amazon-ecr-login: the registry of `registries` (another account's, as the action
 * takes them) or of the job's own account; no docker login.
 */
export const ecrLogin: StandIn = {
  describe: 'answers the registry URI; nothing logs in',
  async run({ with: inputs, env }) {
    const region = env['AWS_REGION'] ?? 'us-east-1';
    const account = inputs['registries']?.split(',')[0]?.trim() || (await callerAccount(env));
    await appendKeyValues(env['GITHUB_OUTPUT']!, {
      registry: `${account}.dkr.ecr.${region}.amazonaws.com`,
    });
    return true;
  },
};
