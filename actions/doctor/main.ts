import * as core from '@actions/core';
import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import {
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  IAMClient,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientConfig } from '../lib/aws.ts';
import productCalls from './product-calls.json' with { type: 'json' };
import terraformCalls from './terraform-calls.json' with { type: 'json' };
import {
  environmentRow,
  fill,
  simulationBatches,
  table,
  trustRows,
  type Names,
  type ProductCall,
  type Row,
} from './checks.ts';
import { getSettings, type Settings } from './settings.ts';

type Kind = ProductCall['role'];

/** Every call a role of this kind makes: the actions' (rehearsed) and Terraform's (recorded). */
function callsOf(kind: Kind): { calls: ProductCall[]; environment: string } {
  const recorded = terraformCalls.roots as Record<
    string,
    { phases: string[]; action: string; resource: string; context?: Record<string, string | string[]> }[]
  >;
  const asCalls = (root: string, name?: string, phase?: string) =>
    recorded[root]!.filter((c) => !phase || c.phases.includes(phase)).map((c) => {
      const text = (v: string) =>
        name ? v.replace(/feature-abc/g, '{environment}').replace(/feature_abc/g, '{database}') : v;
      return {
        role: kind,
        action: c.action,
        resource: text(c.resource),
        ...(c.context && { context: JSON.parse(text(JSON.stringify(c.context))) as Record<string, string> }),
      };
    });
  const own = (productCalls.calls as ProductCall[]).filter((c) => c.role === kind);
  if (kind === 'preview') return { calls: [...own, ...asCalls('ad-hoc', 'pr-1')], environment: 'pr-1' };
  if (kind === 'production') return { calls: [...own, ...asCalls('prod')], environment: 'prod' };
  if (kind === 'build' || kind === 'review') return { calls: own, environment: 'prod' };
  return { calls: [...own, ...asCalls('prod', undefined, 'plan')], environment: 'prod' };
}

const roleName = (arn: string) => arn.split('/').pop()!;
const failed = (error: unknown) => (error as Error).name ?? 'Error';

async function roleRows(
  iam: IAMClient,
  kind: Kind,
  arn: string,
  settings: Settings,
  names: Omit<Names, 'environment'>,
): Promise<Row[]> {
  const name = roleName(arn);
  let trust;
  try {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
    trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}'));
  } catch (error) {
    return [
      {
        check: `role ${name}`,
        ok: false,
        detail: `cannot read it (${failed(error)})`,
        fix: 'apply terraform/examples/bootstrap, or give doctor iam:GetRole',
      },
    ];
  }
  const rows = trustRows(kind, name, settings.repository, trust);
  const { calls, environment } = callsOf(kind);
  // Calls on the state bucket are simulated only when it is named (input state-bucket).
  const filled = calls
    .filter((c) => names.stateBucket !== undefined || !c.resource.includes('{state-bucket}'))
    .map((c) => fill(c, { ...names, environment }));
  const missing: string[] = [];
  for (const batch of simulationBatches(filled)) {
    const answer = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: arn,
        ActionNames: batch.actions,
        ResourceArns: [batch.resource],
        ContextEntries: Object.entries(batch.context ?? {}).map(([key, value]) => ({
          ContextKeyName: key,
          ContextKeyType: Array.isArray(value) ? 'stringList' : 'string',
          ContextKeyValues: Array.isArray(value) ? value : [value],
        })),
      }),
    );
    for (const result of answer.EvaluationResults ?? []) {
      if (result.EvalDecision !== 'allowed')
        missing.push(`${result.EvalActionName} on ${result.EvalResourceName}`);
    }
  }
  rows.push(
    missing.length === 0
      ? { check: `permissions of ${name}`, ok: true, detail: `all ${filled.length} calls allowed` }
      : {
          check: `permissions of ${name}`,
          ok: false,
          detail: `${missing.length} of ${filled.length} calls denied: ${missing.slice(0, 5).join('; ')}${missing.length > 5 ? '; …' : ''}`,
          fix: `allow them to ${name}: apply terraform/examples/bootstrap of this release (its roles allow every call the product makes)`,
        },
  );
  return rows;
}

async function github(settings: Settings, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${settings.github!.apiUrl.replace(/\/$/, '')}${path}`, {
    headers: {
      authorization: `Bearer ${settings.github!.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
    },
  });
  return {
    status: response.status,
    body: response.status === 204 ? undefined : await response.json().catch(() => undefined),
  };
}

async function githubRows(settings: Settings): Promise<Row[]> {
  if (!settings.github)
    return [
      {
        check: 'GitHub settings',
        ok: false,
        detail: 'not checked: no github-token',
        fix: 'pass github-token (a token that may read the repository administration)',
      },
    ];
  const rows: Row[] = [];
  for (const name of settings.environments) {
    const { status, body } = await github(
      settings,
      `/repos/${settings.repository}/environments/${encodeURIComponent(name)}`,
    );
    rows.push(environmentRow(name, status === 200 ? (body as never) : undefined));
  }
  for (const label of settings.labels) {
    const { status } = await github(
      settings,
      `/repos/${settings.repository}/labels/${encodeURIComponent(label)}`,
    );
    rows.push(
      status === 200
        ? { check: `label ${label}`, ok: true, detail: 'exists' }
        : {
            check: `label ${label}`,
            ok: false,
            detail: 'missing',
            fix: `create the label ${label} (Issues → Labels)`,
          },
    );
  }
  return rows;
}

function variableRows(settings: Settings): Row[] {
  if (!settings.variables) return [];
  return settings.requiredVariables.map((name) =>
    settings.variables![name]
      ? { check: `variable ${name}`, ok: true, detail: 'set' }
      : {
          check: `variable ${name}`,
          ok: false,
          detail: 'missing',
          fix: `set the repository variable ${name} (bootstrap's outputs give the values)`,
        },
  );
}

async function accountRows(settings: Settings, account: string): Promise<Row[]> {
  const rows: Row[] = [];
  const config = clientConfig(settings.region);
  const iam = new IAMClient(config);
  const provider = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
  try {
    const answer = await iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: provider }),
    );
    const audience = answer.ClientIDList?.includes('sts.amazonaws.com');
    rows.push(
      audience
        ? { check: 'GitHub OIDC provider', ok: true, detail: provider }
        : {
            check: 'GitHub OIDC provider',
            ok: false,
            detail: 'no sts.amazonaws.com audience',
            fix: 'add the client id sts.amazonaws.com',
          },
    );
  } catch (error) {
    rows.push({
      check: 'GitHub OIDC provider',
      ok: false,
      detail: `missing (${failed(error)})`,
      fix: 'apply terraform/examples/bootstrap (it creates it)',
    });
  }
  const names = {
    account,
    region: settings.region,
    zone: settings.hostedZoneId ?? 'Z0000000000000000000',
    ...(settings.stateBucket && { stateBucket: settings.stateBucket }),
    ...(settings.registryAccount && { registry: settings.registryAccount }),
  };
  const elsewhere: string[] = [];
  for (const kind of ['preview', 'production', 'plan', 'build', 'review'] as const) {
    const arn = settings.roles[kind];
    // IAM simulates only its own account's roles: another account's are checked from there.
    if (arn && arn.split(':')[4] !== account) elsewhere.push(arn);
    else if (arn) rows.push(...(await roleRows(iam, kind, arn, settings, names)));
  }
  for (const other of new Set(elsewhere.map((arn) => arn.split(':')[4]!))) {
    const roles = elsewhere.filter((arn) => arn.split(':')[4] === other).map((arn) => arn.split('/').pop());
    rows.push({
      check: `roles in account ${other}`,
      ok: true,
      detail: `not checked from account ${account} (${roles.join(', ')}): run doctor with that account's credentials and those roles`,
    });
  }
  iam.destroy();
  if (settings.stateBucket) {
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    try {
      // Not HeadBucket: that is an unprefixed s3:ListBucket, which the preview role is denied.
      const { Status } = await s3.send(new GetBucketVersioningCommand({ Bucket: settings.stateBucket }));
      rows.push(
        Status === 'Enabled'
          ? { check: `state bucket ${settings.stateBucket}`, ok: true, detail: 'exists, versioned' }
          : {
              check: `state bucket ${settings.stateBucket}`,
              ok: false,
              detail: 'not versioned',
              fix: 'enable versioning (bootstrap does)',
            },
      );
    } catch (error) {
      rows.push({
        check: `state bucket ${settings.stateBucket}`,
        ok: false,
        detail: `not reachable (${failed(error)})`,
        fix: 'apply terraform/examples/bootstrap with this state_bucket_name',
      });
    }
    s3.destroy();
  }
  if (settings.hostedZoneId) {
    const route53 = new Route53Client(config);
    try {
      const { HostedZone } = await route53.send(new GetHostedZoneCommand({ Id: settings.hostedZoneId }));
      const zone = (HostedZone?.Name ?? '').replace(/\.$/, '');
      const fits = !settings.domain || settings.domain === zone || settings.domain.endsWith(`.${zone}`);
      rows.push(
        fits
          ? { check: `hosted zone ${settings.hostedZoneId}`, ok: true, detail: zone }
          : {
              check: `hosted zone ${settings.hostedZoneId}`,
              ok: false,
              detail: `${zone} does not hold ${settings.domain}`,
              fix: "give the zone of the previews' domain",
            },
      );
    } catch (error) {
      rows.push({
        check: `hosted zone ${settings.hostedZoneId}`,
        ok: false,
        detail: `missing (${failed(error)})`,
        fix: 'create the hosted zone for the domain first',
      });
    }
    route53.destroy();
  }
  if (settings.domain) {
    const acm = new ACMClient(config);
    const { CertificateSummaryList = [] } = await acm.send(
      new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }),
    );
    const wildcard = `*.${settings.domain}`;
    const found = CertificateSummaryList.find(
      (c) => c.DomainName === wildcard || (c.SubjectAlternativeNameSummaries ?? []).includes(wildcard),
    );
    rows.push(
      found
        ? { check: `certificate ${wildcard}`, ok: true, detail: found.CertificateArn ?? '' }
        : {
            check: `certificate ${wildcard}`,
            ok: false,
            detail: 'no issued certificate',
            fix: 'apply terraform/examples/shared (it requests and validates one), or pass certificate_arn',
          },
    );
    acm.destroy();
  }
  const secrets = new SecretsManagerClient(config);
  const secretId = `${settings.secretsPrefix}/django-secret-key`;
  try {
    const { VersionIdsToStages = {} } = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
    const hasValue = Object.values(VersionIdsToStages).some((stages) => stages.includes('AWSCURRENT'));
    rows.push(
      hasValue
        ? { check: `secret ${secretId}`, ok: true, detail: 'has a value' }
        : {
            check: `secret ${secretId}`,
            ok: false,
            detail: 'no value yet',
            fix: `aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string "$(openssl rand -base64 48)"`,
          },
    );
  } catch (error) {
    rows.push({
      check: `secret ${secretId}`,
      ok: false,
      detail: `missing (${failed(error)})`,
      fix: 'apply terraform/examples/shared (it makes the secret)',
    });
  }
  secrets.destroy();
  return rows;
}

export async function main(): Promise<void> {
  const settings = getSettings();
  // The account doctor checks: the preview role's (where doctor.yml runs), else the first given.
  const account = (settings.roles.preview ?? Object.values(settings.roles).find(Boolean))?.split(':')[4];
  const rows = [
    ...(account
      ? await accountRows(settings, account)
      : [
          {
            check: 'roles',
            ok: false,
            detail: 'none given',
            fix: 'pass preview-role, production-role, plan-role and build-role',
          },
        ]),
    ...variableRows(settings),
    ...(await githubRows(settings)),
  ];
  const markdown = table(rows);
  for (const row of rows)
    core.info(`${row.ok ? '✓' : '✗'} ${row.check}: ${row.detail}${row.fix ? ` → ${row.fix}` : ''}`);
  await core.summary
    .addHeading('adhoc-actions doctor', 3)
    .addRaw(`${markdown}\n`)
    .write()
    .catch(() => undefined);
  const missing = rows.filter((r) => !r.ok);
  core.setOutput('missing', String(missing.length));
  core.setOutput('table', markdown);
  if (missing.length > 0 && settings.failOnMissing) {
    core.setFailed(
      `${missing.length} thing(s) missing before the first deploy: ${missing.map((r) => r.check).join(', ')}.`,
    );
  }
}
