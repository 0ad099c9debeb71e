/**
 * The rehearsal's `terraform apply` / `destroy` (called by bin/terraform): instead of creating
 * AWS resources it seeds the emulator with what terraform/modules/environment declares for this
 * workspace — the cluster, each component's task definition family (first revision), the
 * services — and writes the `terraform output -json` the root declares. The components come from
 * the module's declared description (modules/environment/components.json, which main.tf builds
 * from and terraform test checks), values from the var-file and -var arguments.
 * Limits (see simulator/rehearsal/README.md): only roots that use modules/environment; shared-state values
 * (domain, subnets) are fixed stand-ins; destroy deletes what apply seeded (services, cluster,
 * secret) but not the task definitions (skip_destroy).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { callerAccount } from './aws.ts';
import { emulatorControl } from './emulator-control.ts';
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  type RegisterTaskDefinitionCommandInput,
  UntagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

const [command, workspace = 'default', ...args] = process.argv.slice(2);
const root = process.env['REHEARSAL_ROOT']!;
const state = process.env['REHEARSAL_TF_STATE']!;
const emulator = process.env['AWS_ENDPOINT_URL_ECS'];

function fail(message: string): never {
  console.log(`::error::[rehearsal] terraform ${command}: ${message}`);
  process.exit(1);
}

/** Top-level `key = "string"` / number / bool lines of a .tfvars or variable defaults. */
export function parseTfvars(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of text.matchAll(/^([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([\w.-]+))\s*$/gm))
    values[match[1]!] = match[2] ?? match[3]!;
  return values;
}

function variableDefaults(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of text.matchAll(/variable\s+"([^"]+)"\s*\{([\s\S]*?)\n\}/g)) {
    const fallback = /\n\s*default\s*=\s*"([^"]*)"/.exec(match[2]!);
    if (fallback) values[match[1]!] = fallback[1]!;
  }
  return values;
}

/** modules/environment/components.json: the components the module builds, and their names. */
interface Components {
  backend: string[];
  others: string[];
  one_off: string[];
}

async function readComponents(): Promise<Components> {
  const file = join(root, 'terraform/modules/environment/components.json');
  const declared = JSON.parse(await readFile(file, 'utf8')) as Partial<Components>;
  for (const key of ['backend', 'others', 'one_off'] as const) {
    if (!Array.isArray(declared[key]) || !declared[key].every((c) => typeof c === 'string'))
      fail(`${file}: "${key}" is not a list of component names`);
  }
  return declared as Components;
}

/** What the module's containers read from the redis-auth secret: redis its password, the backend the URL. */
function redisSecrets(component: string, isBackend: boolean, arn: string) {
  if (component === 'redis') return [{ name: 'REDIS_PASSWORD', valueFrom: `${arn}:password::` }];
  return isBackend ? [{ name: 'REDIS_URL', valueFrom: `${arn}:url::` }] : [];
}

/**
 * As the example roots write it: a repository with a host of its own (another account's
 * registry) is kept, a bare name is in `registry`; a digest pins repo@sha256:…, anything else
 * is a tag.
 */
export const imageReference = (registry: string, repository: string, tag: string) =>
  `${repository.split('/')[0]!.includes('.') ? repository : `${registry}/${repository}`}${tag.startsWith('sha256:') ? '@' : ':'}${tag}`;

/** The shared stack's name and secrets prefix as the example shared root sets them. */
const SHARED_STACK = 'adhoc';
const SHARED_SECRETS_PREFIX = 'adhoc';

/** The secret's ARN, or undefined when there is none (refreshed with the job's credentials). */
async function describeSecret(name: string): Promise<string | undefined> {
  const secrets = new SecretsManagerClient({});
  try {
    return (await secrets.send(new DescribeSecretCommand({ SecretId: name }))).ARN;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** In the account the apply's credentials act in, as Terraform's provider does. */
async function control(method: string, ...params: unknown[]): Promise<unknown> {
  if (!emulator) fail('AWS_ENDPOINT_URL_ECS is not set (configure-aws-credentials did not run)');
  return emulatorControl(process.env, method, ...params).catch((error: Error) => fail(error.message));
}

async function main(): Promise<void> {
  const cwd = process.cwd();
  const tf = (await readdir(cwd)).filter((f) => f.endsWith('.tf'));
  const sources = await Promise.all(tf.map((f) => readFile(join(cwd, f), 'utf8')));
  if (!sources.some((s) => /source\s*=\s*"[^"]*modules\/environment(\?ref=[^"]*)?"/.test(s)))
    fail(`${cwd} does not use modules/environment; the stand-in only knows that module`);
  const variables = variableDefaults(sources.join('\n'));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const varFile = arg.startsWith('-var-file=') ? arg.slice('-var-file='.length) : undefined;
    if (varFile !== undefined) {
      if (!existsSync(join(cwd, varFile))) fail(`var-file ${varFile} not found`);
      Object.assign(variables, parseTfvars(await readFile(join(cwd, varFile), 'utf8')));
    } else if (arg === '-var' || arg.startsWith('-var=')) {
      const pair = arg === '-var' ? args[++i]! : arg.slice('-var='.length);
      const eq = pair.indexOf('=');
      variables[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  // A root may name its environment in the module block (the prod example: name = "prod").
  const literal = /source\s*=\s*"[^"]*modules\/environment[^"]*"\s*\n\s*\n?\s*name\s*=\s*"([a-z0-9-]+)"/.exec(
    sources.join('\n'),
  )?.[1];
  const name = literal ?? variables['name'] ?? workspace;
  if (literal === undefined && name !== workspace)
    fail(`name (${name}) differs from the workspace (${workspace})`);
  const dir = join(state, 'workspaces', workspace);
  await mkdir(dir, { recursive: true });
  const outputsFile = join(dir, 'outputs.json');

  // What the module declares it builds (main.tf reads the same file; terraform test checks the
  // module's outputs against it).
  const module = await readComponents();
  const backend = module.backend;
  const components = [...backend, ...module.others];
  const services = components.filter((c) => !module.one_off.includes(c));
  const families = Object.fromEntries(components.map((c) => [c, `${name}-${c}`]));
  // A root with a shared stack of its own (the prod example) keeps its secrets under that
  // stack's name; the ad hoc roots under the shared root's.
  const platform = /modules\/shared[^"]*"\s*\n\s*\n?\s*name\s*=\s*"([a-z0-9-]+)"/.exec(
    sources.join('\n'),
  )?.[1];
  const secretsPrefix = platform ?? SHARED_SECRETS_PREFIX;
  // A real refresh reads the shared stack's state (terraform_remote_state) as the job's role:
  // a bucket of another account, or one the role may not read, fails the plan there.
  if (variables['shared_state_bucket']) {
    const resource = `arn:aws:s3:::${variables['shared_state_bucket']}/${variables['shared_state_key'] ?? 'shared/terraform.tfstate'}`;
    const denied = await control('authorize', process.env['AWS_ACCESS_KEY_ID'] ?? '', [
      { action: 's3:GetObject', resource },
    ]);
    if (denied) fail(`reading data.terraform_remote_state.shared: ${String(denied)}`);
  }
  if (command === 'destroy') return destroy(name, services, families, outputsFile, secretsPrefix);
  const region = variables['region'] ?? 'us-east-1';
  // As the roots: the registry of the account the apply runs in unless ecr_registry names one.
  const account = await callerAccount(process.env);
  const registry = variables['ecr_registry'] ?? `${account}.dkr.ecr.${region}.amazonaws.com`;
  const network = {
    subnets: ['subnet-0a1', 'subnet-0b2'],
    security_groups: ['sg-0app'],
    assign_public_ip: true,
  };

  // Like terraform, compare with what exists (the emulator) and create only what is missing;
  // existing services keep their task definition (the module ignores task_definition changes).
  const ecs = new ECSClient({});
  const changes: { line: string; sign?: '~'; make: () => Promise<unknown> }[] = [];
  // The Redis AUTH secret, as the module makes it: no value, tagged for the first deploy to
  // generate (register-task-definition), read by the redis and backend containers.
  const redisSecretName = `${secretsPrefix}/${name}/redis-auth`;
  let redisAuthArn = await describeSecret(redisSecretName);
  if (!redisAuthArn) {
    changes.push({
      line: `aws_secretsmanager_secret.redis_auth  ${redisSecretName}`,
      make: async () => {
        redisAuthArn = (await control('createSecret', redisSecretName, null, [
          { Key: 'adhoc-actions:environment', Value: name },
          { Key: 'adhoc-actions:generate', Value: 'redis-auth' },
          {
            Key: 'adhoc-actions:redis-address',
            Value: `${name}-redis.${platform ?? SHARED_STACK}.internal:6379`,
          },
        ])) as string;
      },
    });
  }
  // var.paused: every service at 0 and the cluster tagged; var.keep_until: the cluster tagged.
  const paused = variables['paused'] === 'true';
  const desired = paused ? 0 : 1;
  const wantedTags: Record<string, string> = {
    ...(paused && { 'adhoc-actions:paused': 'true' }),
    ...(variables['keep_until'] && { 'adhoc-actions:keep-until': variables['keep_until'] }),
  };
  const cluster = await ecs.send(new DescribeClustersCommand({ clusters: [name], include: ['TAGS'] }));
  const clusterArn = `arn:aws:ecs:${region}:${account}:cluster/${name}`;
  if (cluster.clusters?.[0]?.status !== 'ACTIVE')
    changes.push({ line: `aws_ecs_cluster.this  ${name}`, make: () => control('createCluster', name) });
  const haveTags = Object.fromEntries(
    (cluster.clusters?.[0]?.tags ?? [])
      .filter((t) => t.key?.startsWith('adhoc-actions:'))
      .map((t) => [t.key!, t.value ?? '']),
  );
  const stale = Object.keys(haveTags).filter((k) => !(k in wantedTags));
  const fresh = Object.entries(wantedTags).filter(([k, v]) => haveTags[k] !== v);
  if (stale.length > 0 || fresh.length > 0) {
    changes.push({
      line: `aws_ecs_cluster.this  ${name} tags ${JSON.stringify(wantedTags)}`,
      sign: '~',
      make: async () => {
        if (stale.length > 0)
          await ecs.send(new UntagResourceCommand({ resourceArn: clusterArn, tagKeys: stale }));
        if (fresh.length > 0)
          await ecs.send(
            new TagResourceCommand({
              resourceArn: clusterArn,
              tags: fresh.map(([key, value]) => ({ key, value })),
            }),
          );
      },
    });
  }
  for (const c of components) {
    const exists = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: families[c] })).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    const isBackend = backend.includes(c);
    const image =
      c === 'redis'
        ? 'public.ecr.aws/docker/library/redis:7'
        : imageReference(
            registry,
            variables[isBackend ? 'backend_repository' : 'frontend_repository'] ??
              (isBackend ? 'backend' : 'frontend'),
            variables[isBackend ? 'backend_image_tag' : 'frontend_image_tag'] ?? 'latest',
          );
    const definition: RegisterTaskDefinitionCommandInput = {
      family: families[c],
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: isBackend ? 'backend' : c,
          image,
          essential: true,
          environment: [],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': `/ecs/${name}/${c}`,
              'awslogs-region': region,
              'awslogs-stream-prefix': c,
            },
          },
        },
      ],
    };
    changes.push({
      line: `aws_ecs_task_definition.this["${c}"]  ${families[c]}:1  ${image}`,
      // With the job's role, as the provider does: ECS records it as the revision's registeredBy,
      // whom release history and register-task-definition trust.
      make: () =>
        ecs.send(
          new RegisterTaskDefinitionCommand({
            ...definition,
            containerDefinitions: definition.containerDefinitions!.map((container) => ({
              ...container,
              secrets: redisSecrets(c, isBackend, redisAuthArn!),
            })),
            tags: [{ key: 'adhoc-actions:environment', value: name }],
          }),
        ),
    });
  }
  // Without the cluster there are no services (DescribeServices would fail).
  const existing = changes.some((change) => change.line === `aws_ecs_cluster.this  ${name}`)
    ? { services: [] }
    : await ecs.send(
        new DescribeServicesCommand({ cluster: name, services: services.map((c) => `${name}-${c}`) }),
      );
  const active = new Set(
    (existing.services ?? []).filter((x) => x.status === 'ACTIVE').map((x) => x.serviceName),
  );
  for (const x of existing.services ?? []) {
    if (x.status !== 'ACTIVE' || x.desiredCount === desired) continue;
    changes.push({
      line: `aws_ecs_service.this["${x.serviceName!.slice(name.length + 1)}"]  ${x.serviceName} desired_count ${x.desiredCount} → ${desired}`,
      sign: '~',
      make: () =>
        ecs.send(new UpdateServiceCommand({ cluster: name, service: x.serviceName!, desiredCount: desired })),
    });
  }
  for (const c of services) {
    if (active.has(`${name}-${c}`)) continue;
    changes.push({
      line: `aws_ecs_service.this["${c}"]  ${name}-${c}`,
      make: () =>
        control('createService', name, `${name}-${c}`, families[c], {
          desiredCount: desired,
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: network.subnets,
              securityGroups: network.security_groups,
              assignPublicIp: 'ENABLED',
            },
          },
          deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
        }),
    });
  }
  if (command === 'show') {
    // terraform show -json of the saved plan: what it would change, by address.
    const resourceChanges = changes.map((change) => ({
      address: change.line.split(/\s+/)[0],
      change: { actions: [change.sign === '~' ? 'update' : 'create'] },
    }));
    console.log(JSON.stringify({ format_version: '1.2', resource_changes: resourceChanges }));
    return;
  }
  if (command === 'plan') {
    // No outputs in the state yet is a change too: apply writes them.
    const changed = changes.length > 0 || !existsSync(outputsFile);
    console.log(
      changed
        ? `[rehearsal] terraform plan is a stand-in: ${changes.length} to add or change in the emulator for ${name}`
        : `[rehearsal] terraform plan is a stand-in: ${name} is in the emulator already, no changes`,
    );
    for (const change of changes) console.log(`  ${change.sign ?? '+'} ${change.line}`);
    process.exit(changed && args.includes('-detailed-exitcode') ? 2 : 0);
  }
  for (const change of changes) await change.make();
  const created = changes.map((change) => `${change.sign ?? '+'} ${change.line}`);
  console.log(
    created.length === 0
      ? `[rehearsal] terraform apply is a stand-in: ${name} is in the emulator already, no changes (services keep the revisions the actions registered)`
      : `[rehearsal] terraform apply is a stand-in: seeding the emulator with what modules/environment declares for ${name}:`,
  );
  for (const line of created) console.log(`  ${line}`);
  // The environment's owner-password secret, made without a value as the module makes it.
  const secretName = `${secretsPrefix}/${name}/db-owner-password`;
  const secretArn = await describeSecret(secretName).then(
    (arn) => arn ?? (control('createSecret', secretName) as Promise<string>),
  );
  const known: Record<string, unknown> = {
    cluster_name: name,
    service_names: Object.fromEntries(services.map((c) => [c, `${name}-${c}`])),
    task_families: families,
    backend_task_families: backend.map((c) => families[c]),
    network_configuration: network,
    url: `https://${name}.example.com`,
    log_groups: Object.fromEntries(components.map((c) => [c, `/ecs/${name}/${c}`])),
    database_name: name.replace(/-/g, '_'),
    s3_bucket_name: `${variables['s3_bucket_prefix'] ?? ''}${name}`,
    db_owner_password_secret: secretArn,
    db_admin_task_definition: `${SHARED_STACK}-db-admin`,
  };
  const declared = [...sources.join('\n').matchAll(/output\s+"([^"]+)"/g)].map((m) => m[1]!);
  const missing = declared.filter((o) => !(o in known));
  if (missing.length > 0)
    console.log(`[rehearsal] outputs the stand-in does not know (left out): ${missing.join(', ')}`);
  const outputs = Object.fromEntries(
    declared
      .filter((o) => o in known)
      .map((o) => [o, { sensitive: false, type: 'dynamic', value: known[o] }]),
  );
  await writeFile(outputsFile, JSON.stringify(outputs, null, 2));
  console.log(`Apply complete! Outputs: ${Object.keys(outputs).join(', ')}`);
}

/**
 * What terraform destroy does to what apply created: each service deleted (force, as the
 * provider does) and waited for until INACTIVE, the cluster and the owner-password secret
 * deleted; task definitions are skip_destroy, so their revisions stay ACTIVE; the workspace's
 * outputs are gone with the state.
 */
async function destroy(
  name: string,
  services: string[],
  families: Record<string, string>,
  outputsFile: string,
  secretsPrefix: string,
): Promise<void> {
  const ecs = new ECSClient({});
  const destroyed: string[] = [];
  const cluster = await ecs.send(new DescribeClustersCommand({ clusters: [name] }));
  if (cluster.clusters?.[0]?.status === 'ACTIVE') {
    const names = services.map((c) => `${name}-${c}`);
    const found = await ecs.send(new DescribeServicesCommand({ cluster: name, services: names }));
    const active = (found.services ?? []).filter((x) => x.status === 'ACTIVE');
    for (const service of active) {
      await ecs.send(new DeleteServiceCommand({ cluster: name, service: service.serviceName!, force: true }));
      destroyed.push(`aws_ecs_service.this  ${service.serviceName}`);
    }
    // The provider waits for INACTIVE: a cluster with DRAINING services cannot be deleted.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = await ecs.send(new DescribeServicesCommand({ cluster: name, services: names }));
      if ((now.services ?? []).every((x) => x.status === 'INACTIVE')) break;
      if (Date.now() > deadline) fail(`services of ${name} still draining after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // The module's task definitions are skip_destroy: Terraform forgets them and every revision
  // stays ACTIVE (ad-hoc-destroy's delete-task-definitions step removes them afterwards).
  if (cluster.clusters?.[0]?.status === 'ACTIVE') {
    await ecs.send(new DeleteClusterCommand({ cluster: name }));
    destroyed.push(`aws_ecs_cluster.this  ${name}`);
  }
  // recovery_window_in_days = 0: deleted at once, so the name can be used again.
  for (const [resource, secretName] of [
    ['db_owner_password', `${secretsPrefix}/${name}/db-owner-password`],
    ['redis_auth', `${secretsPrefix}/${name}/redis-auth`],
  ] as const) {
    if (!(await describeSecret(secretName))) continue;
    const secrets = new SecretsManagerClient({});
    await secrets.send(new DeleteSecretCommand({ SecretId: secretName, ForceDeleteWithoutRecovery: true }));
    destroyed.push(`aws_secretsmanager_secret.${resource}  ${secretName}`);
  }
  await rm(outputsFile, { force: true });
  console.log(
    `[rehearsal] terraform destroy is a stand-in: deleting from the emulator what apply seeded for ${name}:`,
  );
  for (const line of destroyed) console.log(`  - ${line}`);
  console.log(`Destroy complete! Resources: ${destroyed.length} destroyed.`);
}

if (command === 'apply' || command === 'destroy' || command === 'plan' || command === 'show') await main();
