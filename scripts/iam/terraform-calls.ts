/**
 * Turns a recording of `terraform apply`, a re-plan and `terraform destroy` of the example roots
 * (made by hand against moto: see actions/doctor/terraform-calls.json, "how") into the fixture CI
 * judges the roles with: per root, each IAM action Terraform called, on the resource ARN and with
 * the condition keys AWS would authorize it with, taken from the applied state.
 *
 *   node scripts/iam/terraform-calls.ts <recording dir> terraform/modules/github-oidc/terraform-actions.json \
 *     > actions/doctor/terraform-calls.json
 *
 * The recording dir holds <root>.json (calls: phase, address, iam_action, identifier) and
 * <root>.state.json (terraform show -json after apply) for each root.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Call {
  phase: string;
  tf_kind: string;
  tf_resource_type: string | null;
  address?: string;
  iam_action: string;
  identifier?: string;
}
interface StateResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
}
export interface FixtureCall {
  phases: string[];
  type: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** Actions the Service Authorization Reference lists without resource-level permissions. */
const UNSCOPED = [
  /^ec2:Describe/,
  /^elasticloadbalancing:Describe/,
  /^ecs:(DescribeTaskDefinition|DeregisterTaskDefinition|ListTaskDefinitions|DescribeCapacityProviders)$/,
  /^logs:DescribeLogGroups$/,
  /^servicediscovery:(GetOperation|ListTagsForResource|TagResource|UntagResource|ListServices)$/,
  /^secretsmanager:GetRandomPassword$/,
  /^sts:GetCallerIdentity$/,
  /^application-autoscaling:Describe/,
  /^cloudwatch:DescribeAlarms$/,
  /^rds:Describe(DBEngineVersions|OrderableDBInstanceOptions)$/,
  /^acm:(ListCertificates|RequestCertificate)$/,
];

/** Accounts and names of the recording made generic: CI fills them in for the role it judges. */
export const PLACEHOLDERS = { account: '{account}', region: '{region}', zone: '{zone}' };

function resources(module: { resources?: StateResource[]; child_modules?: unknown[] }): StateResource[] {
  return [
    ...(module.resources ?? []),
    ...((module.child_modules ?? []) as (typeof module)[]).flatMap(resources),
  ];
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const tagContext = (prefix: string, tags: unknown) =>
  Object.fromEntries(
    Object.entries((tags ?? {}) as Record<string, string>).map(([k, v]) => [`${prefix}/${k}`, v]),
  );
/** Tags of the resource: on a create (or AddTags) as request tags, otherwise as resource tags. */
const tagsOf = (action: string, tags: unknown): Record<string, string | string[]> =>
  /:(Create|AddTags|TagResource|RegisterScalableTarget|PutMetricAlarm|AllocateAddress|RequestCertificate)/.test(
    action,
  )
    ? { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys((tags ?? {}) as object) }
    : tagContext('aws:ResourceTag', tags);

function judge(call: Call, byAddress: Map<string, StateResource>): FixtureCall[] {
  const { iam_action: action } = call;
  const type = call.tf_resource_type ?? '(provider)';
  const r = call.address ? byAddress.get(call.address) : undefined;
  const v = r?.values ?? {};
  const arn = str(v['arn']) || (str(v['id']).startsWith('arn:') ? str(v['id']) : '');
  const one = (resource: string, context?: FixtureCall['context']): FixtureCall[] => [
    {
      phases: [call.phase],
      type,
      action,
      resource,
      ...(context && Object.keys(context).length && { context }),
    },
  ];
  if (UNSCOPED.some((pattern) => pattern.test(action))) return one('*');
  const service = action.split(':')[0];
  switch (type) {
    case 'terraform_remote_state':
      // The shared root's state, read from the state bucket. Terraform's S3 backend lists only
      // "<workspace_key_prefix>/" (Workspaces(), internal/backend/remote-state/s3/backend_state.go).
      // The bucket as {state-bucket}: doctor fills in the user's (not the recording's name).
      return action === 's3:ListBucket'
        ? one(`arn:aws:s3:::{state-bucket}`, { 's3:prefix': 'env:/' })
        : one(`arn:aws:s3:::{state-bucket}/shared/terraform.tfstate`);
    case 'aws_ecs_cluster_capacity_providers':
      return one(`arn:aws:ecs:{region}:{account}:cluster/${str(v['cluster_name'])}`);
    case 'aws_ecs_service':
      return one(arn, { 'ecs:cluster': str(v['cluster']) });
    case 'aws_iam_role':
    case 'aws_iam_role_policy':
    case 'aws_iam_role_policy_attachment': {
      const role =
        r?.type === 'aws_iam_role'
          ? v
          : ([...byAddress.values()].find((x) => x.type === 'aws_iam_role' && x.values['name'] === v['role'])
              ?.values ?? {});
      const roleArn = str(role['arn']) || `arn:aws:iam::{account}:role/${str(v['role'])}`;
      const boundary = str(role['permissions_boundary']);
      return one(roleArn, boundary ? { 'iam:PermissionsBoundary': boundary } : undefined);
    }
    case 'aws_security_group':
      if (action === 'ec2:CreateSecurityGroup') {
        return [
          ...one(`arn:aws:ec2:{region}:{account}:security-group/*`, tagsOf(action, v['tags_all'])),
          ...one(`arn:aws:ec2:{region}:{account}:vpc/${str(v['vpc_id'])}`),
        ];
      }
      return one(arn, tagsOf(action, v['tags_all']));
    case 'aws_vpc_security_group_ingress_rule':
    case 'aws_vpc_security_group_egress_rule':
    case 'aws_security_group_rule': {
      const group = [...byAddress.values()].find(
        (s) => s.type === 'aws_security_group' && s.values['id'] === v['security_group_id'],
      );
      return one(
        str(group?.values['arn']) ||
          `arn:aws:ec2:{region}:{account}:security-group/${str(v['security_group_id'])}`,
        tagContext('aws:ResourceTag', group?.values['tags_all']),
      );
    }
    case 'aws_lb_listener_rule':
      if (action === 'elasticloadbalancing:CreateRule') {
        // Tags given on create are authorized as AddTags too (the reference's API operations).
        const created = one(str(v['listener_arn']), tagsOf(action, v['tags_all']))[0]!;
        return [created, { ...created, action: 'elasticloadbalancing:AddTags' }];
      }
      return one(arn, tagsOf(action, v['tags_all']));
    case 'aws_lb_target_group':
      if (action === 'elasticloadbalancing:CreateTargetGroup') {
        const created = one(arn, tagsOf(action, v['tags_all']))[0]!;
        return [created, { ...created, action: 'elasticloadbalancing:AddTags' }];
      }
      return one(arn, tagsOf(action, v['tags_all']));
    case 'aws_route53_record':
      if (action === 'route53:GetChange') return one('arn:aws:route53:::change/*');
      return one(
        'arn:aws:route53:::hostedzone/{zone}',
        action === 'route53:ChangeResourceRecordSets'
          ? {
              'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
                str(v['fqdn']).toLowerCase().replace(/\.$/, ''),
              ],
            }
          : undefined,
      );
    case 'aws_service_discovery_service':
      if (action === 'servicediscovery:CreateService') {
        return [
          ...one('arn:aws:servicediscovery:{region}:{account}:namespace/*', tagsOf(action, v['tags_all'])),
          ...one(arn, tagsOf(action, v['tags_all'])),
        ];
      }
      return one(arn, tagsOf(action, v['tags_all']));
    case 'aws_s3_bucket':
    case 'aws_s3_bucket_ownership_controls':
    case 'aws_s3_bucket_public_access_block':
    case 'aws_s3_bucket_server_side_encryption_configuration':
    case 'aws_s3_bucket_versioning':
    case 'aws_s3_bucket_policy':
    case 'aws_s3_bucket_lifecycle_configuration':
      return one(`arn:aws:s3:::${str(v['bucket']) || str(v['id'])}`);
    case 'aws_cloudwatch_log_group':
      // Judged as AWS does for log-group actions: log-group:NAME:log-stream: (see the emulator).
      return one(
        action.endsWith('TagsForResource') || /TagResource$/.test(action) ? arn : `${arn}:log-stream:`,
      );
    default:
      if (service === 'ecs' && action === 'ecs:RegisterTaskDefinition') return one(arn);
      return one(arn || '*');
  }
}

function normalize(text: string): string {
  return text.replace(/123456789012/g, '{account}').replace(/us-east-1/g, '{region}');
}

export function fixtureFor(dir: string, root: string): FixtureCall[] {
  const { calls } = JSON.parse(readFileSync(join(dir, `${root}.json`), 'utf8')) as { calls: Call[] };
  const state = JSON.parse(readFileSync(join(dir, `${root}.state.json`), 'utf8')) as {
    values: { root_module: never };
  };
  const byAddress = new Map(resources(state.values.root_module).map((r) => [r.address, r]));
  const merged = new Map<string, FixtureCall>();
  for (const call of calls) {
    // The provider's own account lookup tries iam:GetUser and takes a denial (sts answers);
    // sts:GetCallerIdentity needs no permission.
    if (call.tf_kind === 'provider' || call.iam_action.startsWith('sts:GetCallerIdentity')) continue;
    // CloudWatch's signing name is monitoring; its IAM actions are cloudwatch:.
    call.iam_action = call.iam_action.replace(/^monitoring:/, 'cloudwatch:');
    for (const judged of judge(call, byAddress)) {
      const entry = JSON.parse(normalize(JSON.stringify(judged))) as FixtureCall;
      const key = JSON.stringify([entry.type, entry.action, entry.resource, entry.context]);
      const seen = merged.get(key);
      if (seen) seen.phases = [...new Set([...seen.phases, ...entry.phases])].sort();
      else merged.set(key, entry);
    }
  }
  return [...merged.values()].sort((a, b) =>
    (a.type + a.action + a.resource).localeCompare(b.type + b.action + b.resource),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2]!;
  const meta = (JSON.parse(readFileSync(join(dir, 'ad-hoc.json'), 'utf8')) as { meta: { versions: unknown } })
    .meta;
  const out = {
    '//': 'What terraform apply, a re-plan and terraform destroy of the example roots call, per resource, as IAM authorizes it. Recorded by hand against moto (not in CI), turned into this file by scripts/iam/terraform-calls.ts; test/integration/terraform-permissions.test.ts judges the roles against it.',
    how: [
      'terraform/examples/{bootstrap,shared,ad-hoc,prod} copied with their module sources redirected to this checkout, a *_override.tf pointing the provider at moto (http://127.0.0.1:5005), a local backend',
      'per root: terraform apply, terraform plan (the re-plan), terraform destroy with TF_LOG_CORE=trace TF_LOG_PROVIDER=debug and -parallelism=1, so every provider request carries its resource address',
      "the provider's request log parsed into (phase, address, service, operation); the operation mapped to its IAM action (S3's renames per the Service Authorization Reference); each call's resource ARN and condition keys read from terraform show -json after apply",
      'ad-hoc: workspace feature-abc, envs/feature-abc.tfvars; prod: prod.tfvars. Account 123456789012 and us-east-1 are written {account} and {region}, the hosted zone {zone}',
    ],
    versions: meta.versions,
    known_gaps: [
      'calls without an API request of their own are not in the recording: iam:PassRole (judged by the actions rehearsals), ec2:CreateTags on create, iam:CreateServiceLinkedRole, rds:CreateDBSnapshot of a final snapshot',
      "moto's retries and waiters, not AWS's, decide how often a read is made; every call is listed once",
    ],
    roots: {
      'ad-hoc': fixtureFor(dir, 'ad-hoc'),
      prod: fixtureFor(dir, 'prod'),
    },
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  // The actions the prod root's apply needs, for github-oidc's infrastructure_apply (the module
  // reads them from this file, so the production role follows the recording).
  if (process.argv[3]) {
    const actions = [...new Set(out.roots.prod.map((c) => c.action))].sort();
    writeFileSync(
      process.argv[3],
      `${JSON.stringify({ '//': 'Generated by scripts/iam/terraform-calls.ts from the recording in actions/doctor/terraform-calls.json: every IAM action terraform apply, plan and destroy of the prod example call.', infrastructure: actions }, null, 2)}\n`,
    );
  }
}
