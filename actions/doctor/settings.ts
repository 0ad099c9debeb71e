import { regionInput } from '../lib/aws.ts';
import { ConfigurationError } from '../lib/errors.ts';
import { optionalInput, quote } from '../lib/inputs.ts';
import { checkRoleArn } from '../lib/role-session.ts';

export interface Settings {
  region: string;
  repository: string;
  roles: { preview?: string; production?: string; plan?: string; build?: string; review?: string };
  github?: { token: string; apiUrl: string };
  stateBucket?: string;
  /** The account of the release registry (release-registry: its host or account id). */
  registryAccount?: string;
  hostedZoneId?: string;
  domain?: string;
  secretsPrefix: string;
  environments: string[];
  labels: string[];
  /** The repository's variables as the workflow sees them (toJSON(vars)), when given. */
  variables?: Record<string, string>;
  requiredVariables: string[];
  failOnMissing: boolean;
}

const words = (text: string | undefined) => (text ?? '').split(/[\s,]+/).filter(Boolean);

export function getSettings(): Settings {
  const repository = optionalInput('repository') ?? process.env['GITHUB_REPOSITORY'] ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new ConfigurationError(`Input "repository": ${quote(repository)} is not owner/name.`);
  }
  const role = (name: string) => {
    const value = optionalInput(name);
    return value === undefined ? undefined : checkRoleArn(name, value);
  };
  const token = optionalInput('github-token');
  let variables: Record<string, string> | undefined;
  const variablesJson = optionalInput('variables');
  if (variablesJson !== undefined) {
    try {
      variables = JSON.parse(variablesJson) as Record<string, string>;
    } catch {
      throw new ConfigurationError('Input "variables" is not JSON (pass ${{ toJSON(vars) }}).');
    }
  }
  const zone = optionalInput('hosted-zone-id');
  if (zone !== undefined && !/^Z[A-Z0-9]{1,31}$/.test(zone)) {
    throw new ConfigurationError(`Input "hosted-zone-id": ${quote(zone)} is not a Route 53 hosted zone id.`);
  }
  const registry = optionalInput('release-registry');
  const registryAccount = registry?.split('.')[0];
  if (registry !== undefined && !/^\d{12}$/.test(registryAccount ?? '')) {
    throw new ConfigurationError(
      `Input "release-registry": ${quote(registry)} is not a registry (<account>.dkr.ecr.<region>.amazonaws.com) or an account id.`,
    );
  }
  const failOnMissing = optionalInput('fail-on-missing') ?? 'true';
  if (failOnMissing !== 'true' && failOnMissing !== 'false') {
    throw new ConfigurationError(
      `Input "fail-on-missing" must be true or false, got ${quote(failOnMissing)}.`,
    );
  }
  return {
    region: regionInput(),
    repository,
    roles: {
      preview: role('preview-role'),
      production: role('production-role'),
      plan: role('plan-role'),
      build: role('build-role'),
      review: role('review-role'),
    },
    ...(token && {
      github: {
        token,
        apiUrl: optionalInput('github-api-url') ?? process.env['GITHUB_API_URL'] ?? 'https://api.github.com',
      },
    }),
    stateBucket: optionalInput('state-bucket'),
    registryAccount,
    hostedZoneId: zone,
    domain: optionalInput('domain'),
    secretsPrefix: optionalInput('secrets-prefix') ?? 'adhoc',
    environments: words(optionalInput('environments') ?? 'production staging'),
    labels: words(optionalInput('labels') ?? 'preview keep-preview'),
    variables,
    requiredVariables: words(
      optionalInput('required-variables') ??
        'AWS_REGION STATE_BUCKET PREVIEW_ROLE_ARN PRODUCTION_ROLE_ARN PLAN_ROLE_ARN BUILD_ROLE_ARN',
    ),
    failOnMissing: failOnMissing === 'true',
  };
}
