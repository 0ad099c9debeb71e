/**
 * Reads `terraform test -json -verbose` output (on stdin) of a root's tests/render.tftest.hcl
 * and prints the IAM it applied, as AWS would store it: every role with its trust policy, inline
 * and attached policies and permissions boundary, every customer managed policy, and the OIDC
 * providers. The mock provider invents ARNs and ids, so ARNs are rebuilt from account, path and
 * name, and references (a policy's role, an attachment's policy ARN) are resolved through the
 * invented values.
 */
import { readFileSync } from 'node:fs';
import { limitsExceeded } from '../../simulator/aws/iam/limits.ts';

interface StateResource {
  address: string;
  mode: string;
  type: string;
  values: Record<string, unknown>;
}
interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}

export interface RenderedRole {
  name: string;
  path: string;
  trust: unknown;
  inline: Record<string, unknown>;
  managed: string[];
  boundary: string | null;
}
export interface RenderedRoot {
  /** Every account the root applies into (one provider, or one per aliased provider). */
  accounts: string[];
  roles: Record<string, RenderedRole>;
  policies: Record<string, unknown>;
  oidcProviders: string[];
  /** Resource ARN → its resource-based policy (ECR repository policies, bucket policies). */
  resourcePolicies: Record<string, unknown>;
}

function resources(module: StateModule): StateResource[] {
  return [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(resources)];
}

const json = (text: unknown) => JSON.parse(String(text)) as unknown;

/** `module.a.module.b.aws_x.y["k"]` → `module.a`: a root's module call, which one provider serves. */
const moduleCall = (address: string) => /^module\.[^.[]+/.exec(address)?.[0] ?? '';

interface PlannedChange {
  address: string;
  type: string;
  change: { actions: string[]; after: Record<string, unknown> | null };
}

function messages(lines: string[]) {
  return lines
    .filter((line) => line.startsWith('{'))
    .map(
      (line) =>
        JSON.parse(line) as {
          type?: string;
          test_state?: { root_module: StateModule };
          test_plan?: { resource_changes?: PlannedChange[] };
        },
    );
}

/**
 * Which account each resource is in. A module call is served by one provider, so each is in
 * the account its own data.aws_caller_identity read; a role without one (main-branch-roles) is
 * in the account of the OIDC provider its trust federates (IAM takes only a provider of the
 * role's own account). A root with one account needs neither.
 */
function accountsOf(all: StateResource[]) {
  const identities = all.filter((r) => r.type === 'aws_caller_identity');
  const accounts = [...new Set(identities.map((r) => String(r.values['account_id'])))];
  if (accounts.length === 0 || !accounts.every((a) => /^\d{12}$/.test(a)))
    throw new Error('the render needs a mocked data.aws_caller_identity (account_id) per provider');
  const byModule = new Map<string, string>();
  for (const r of identities) {
    const call = moduleCall(r.address);
    if (call) byModule.set(call, String(r.values['account_id']));
  }
  const find = (resource: StateResource | PlannedChange, trust?: unknown): string | undefined =>
    accounts.length === 1
      ? accounts[0]
      : (byModule.get(moduleCall(resource.address)) ??
        JSON.stringify(trust ?? '').match(/arn:aws:iam::(\d{12}):oidc-provider\//)?.[1]);
  return {
    accounts,
    find,
    of(resource: StateResource | PlannedChange, trust?: unknown): string {
      const account = find(resource, trust);
      if (!account) throw new Error(`${resource.address}: the render cannot tell which account it is in`);
      return account;
    },
  };
}

/**
 * Resource-based policies, from the render's plan run (their modules are overridden in the
 * apply, because the state bucket is prevent_destroy): an ECR repository policy applies to the
 * repository of its name, in the account whose repository ARN the roles were given; a bucket
 * policy to the bucket its statements name.
 */
function resourcePoliciesOf(
  plan: PlannedChange[],
  knownArns: string,
  region: string,
  account: (change: PlannedChange) => string | undefined,
): Record<string, unknown> {
  const policies: Record<string, unknown> = {};
  for (const change of plan) {
    const after = change.change.after;
    if (!after || !change.change.actions.includes('create')) continue;
    if (change.type === 'aws_ecr_repository_policy') {
      const name = String(after['repository']);
      const named = [
        ...knownArns.matchAll(new RegExp(`arn:aws:ecr:${region}:(\\d{12}):repository/${name}"`, 'g')),
      ];
      const owner = account(change) ?? [...new Set(named.map((m) => m[1]))].join();
      if (!/^\d{12}$/.test(owner))
        throw new Error(`${change.address}: the render cannot tell the account of repository ${name}`);
      policies[`arn:aws:ecr:${region}:${owner}:repository/${name}`] = json(after['policy']);
    }
    if (change.type === 'aws_s3_bucket_policy') {
      // The bucket is unknown until apply; the policy names it in its own Resource.
      const document = json(after['policy']) as { Statement: { Resource?: string | string[] }[] };
      const named = document.Statement.flatMap((st) => st.Resource ?? [])
        .map((r) => /^arn:aws:s3:::([^/*]+)$/.exec(r)?.[1])
        .filter(Boolean);
      const bucket = after['bucket'] ? String(after['bucket']) : named[0];
      if (!bucket) throw new Error(`${change.address}: the render cannot tell which bucket the policy is on`);
      policies[`arn:aws:s3:::${bucket}`] = document;
    }
  }
  return policies;
}

export function rootFromTestOutput(lines: string[]): RenderedRoot {
  const output = messages(lines);
  const state = output.find((message) => message.type === 'test_state')?.test_state;
  if (!state)
    throw new Error('no test_state in the terraform test output: did the render run apply with -verbose?');
  const plan = output.find((message) => message.type === 'test_plan')?.test_plan?.resource_changes ?? [];
  const all = resources(state.root_module).filter(
    (r) => r.mode === 'managed' || r.type === 'aws_caller_identity' || r.type === 'aws_region',
  );
  const of = (type: string) => all.filter((r) => r.type === type);
  const accounts = accountsOf(all);
  const region = String(of('aws_region')[0]?.values['name'] ?? 'us-east-1');

  const policies: Record<string, unknown> = {};
  const policyArn = new Map<string, string>(); // invented ARN → real one
  for (const p of of('aws_iam_policy')) {
    const arn = `arn:aws:iam::${accounts.of(p)}:policy${String(p.values['path'] ?? '/')}${String(p.values['name'])}`;
    policyArn.set(String(p.values['arn']), arn);
    policies[arn] = json(p.values['policy']);
  }
  const realPolicy = (arn: unknown) => policyArn.get(String(arn)) ?? String(arn);

  const roles: Record<string, RenderedRole> = {};
  const roleByRef = new Map<string, RenderedRole>(); // invented id, name → role
  for (const r of of('aws_iam_role')) {
    const role: RenderedRole = {
      name: String(r.values['name']),
      path: String(r.values['path'] ?? '/'),
      trust: json(r.values['assume_role_policy']),
      inline: {},
      managed: [],
      boundary: r.values['permissions_boundary'] ? realPolicy(r.values['permissions_boundary']) : null,
    };
    roles[`arn:aws:iam::${accounts.of(r, role.trust)}:role${role.path}${role.name}`] = role;
    roleByRef.set(String(r.values['id']), role).set(role.name, role);
  }
  const roleOf = (ref: unknown, address: string) => {
    const role = roleByRef.get(String(ref));
    if (!role) throw new Error(`${address}: role ${String(ref)} is not created by this root`);
    return role;
  };
  for (const p of of('aws_iam_role_policy')) {
    roleOf(p.values['role'], p.address).inline[String(p.values['name'])] = json(p.values['policy']);
  }
  for (const a of of('aws_iam_role_policy_attachment')) {
    roleOf(a.values['role'], a.address).managed.push(realPolicy(a.values['policy_arn']));
  }
  for (const role of Object.values(roles)) role.managed.sort();
  const oidcProviders = of('aws_iam_openid_connect_provider').map(
    (p) =>
      `arn:aws:iam::${accounts.of(p)}:oidc-provider/${String(p.values['url']).replace(/^https:\/\//, '')}`,
  );
  // As AWS refuses the apply: a role that could not exist is never rendered.
  const problems = limitsExceeded({ roles, policies });
  if (problems.length > 0) throw new Error(`IAM would refuse this root:\n${problems.join('\n')}`);
  const resourcePolicies = resourcePoliciesOf(plan, JSON.stringify({ roles, policies }), region, (change) =>
    accounts.find(change),
  );
  return { accounts: accounts.accounts, roles, policies, oidcProviders, resourcePolicies };
}

/** `name=<terraform test output file>` per root → the roles document the emulator loads. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const roots = Object.fromEntries(
    process.argv.slice(2).map((arg) => {
      const [name, file] = arg.split('=') as [string, string];
      return [name, rootFromTestOutput(readFileSync(file, 'utf8').split('\n'))];
    }),
  );
  const source = `terraform/examples/{${Object.keys(roots).join(',')}}/tests/render.tftest.hcl`;
  const note = `Generated by scripts/render-roles.sh from ${source} (terraform test, mock provider). Do not edit: change the Terraform, then npm run render-roles.`;
  process.stdout.write(`${JSON.stringify({ '//': note, roots }, null, 2)}\n`);
}
