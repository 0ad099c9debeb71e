import { appendKeyValues } from './files.ts';
import type { StandIn } from './index.ts';

/**
 * aws-actions/configure-aws-credentials: checks the inputs our workflows pass and exports, like
 * the action does through GITHUB_ENV, credentials — here the emulator's endpoints and keys.
 */
export const configureAwsCredentials: StandIn = {
  describe: 'exports AWS_* so the SDK talks to the local emulator (no OIDC, no STS)',
  async run({ with: inputs, env, run, print }) {
    const region = inputs['aws-region'];
    if (!region) {
      print('::error::Input required and not supplied: aws-region');
      return false;
    }
    const role = inputs['role-to-assume'] ?? '';
    if (role !== '' && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(role)) {
      print(`::error::role-to-assume '${role}' is not an IAM role ARN`);
      return false;
    }
    print(
      `assuming ${role || '(static credentials)'} in ${region} (session ${inputs['role-session-name'] ?? '-'})`,
    );
    const aws: Record<string, string> = {
      ...run.options.awsEnv,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) print(`::add-mask::${aws[key] ?? ''}`);
    await appendKeyValues(env['GITHUB_ENV']!, aws);
    if (inputs['output-credentials'] === 'true') {
      await appendKeyValues(env['GITHUB_OUTPUT']!, {
        'aws-access-key-id': aws['AWS_ACCESS_KEY_ID'] ?? '',
        'aws-secret-access-key': aws['AWS_SECRET_ACCESS_KEY'] ?? '',
      });
    }
    return true;
  },
};

/** aws-actions/amazon-ecr-login: the registry of the account, no docker login. */
export const ecrLogin: StandIn = {
  describe: 'answers the registry URI; nothing logs in',
  async run({ env }) {
    const region = env['AWS_REGION'] ?? 'us-east-1';
    await appendKeyValues(env['GITHUB_OUTPUT']!, {
      registry: `123456789012.dkr.ecr.${region}.amazonaws.com`,
    });
    return true;
  },
};
