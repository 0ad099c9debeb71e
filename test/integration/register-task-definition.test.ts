import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from '../../simulator/aws/index.ts';
import { runAction } from '../../simulator/runner/run-action.ts';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await emulator.stop();
});

const register = (inputs: Record<string, string>) =>
  runAction('register-task-definition', inputs, { env: emulator.env() });

function backend(family: string, image = 'repo:v1') {
  return {
    family,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    // The shared stack's execution role: the preview role may pass roles under /adhoc-actions/.
    executionRoleArn: 'arn:aws:iam::123456789012:role/adhoc-actions/adhoc-ecs-task-execution',
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    containerDefinitions: [
      {
        name: family,
        image,
        essential: true,
        command: ['gunicorn', 'app.wsgi'],
        environment: [{ name: 'DJANGO_SETTINGS_MODULE', value: 'app.settings' }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/app',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': family,
          },
        },
      },
      { name: 'sidecar', image: 'public.ecr.aws/nginx/nginx:1.27', essential: false },
    ],
  };
}

const TAGS = [{ key: 'env', value: 'feature-abc' }];

/** backend(family) whose first container reads these secrets. */
function withSecrets(family: string, secrets: { name: string; valueFrom: string }[]) {
  const definition = backend(family);
  const [first, ...rest] = definition.containerDefinitions;
  return { ...definition, containerDefinitions: [{ ...first!, secrets }, ...rest] };
}

/** A revision as DescribeTaskDefinition returns it, read over HTTP like any SDK user. */
async function described(taskDefinition: string) {
  const ecs = new ECSClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: OPERATOR_CREDENTIALS,
  });
  const { taskDefinition: found } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
  ecs.destroy();
  return found!;
}
const registered = () => emulator.calls('RegisterTaskDefinition').filter((call) => !call.error);

describe('register-task-definition', () => {
  test('registers revision n+1 with only the image changed, tags kept and outputs written', async () => {
    emulator.registerTaskDefinition(backend('web'), TAGS);
    const previous = emulator.registerTaskDefinition(backend('web'), TAGS);

    const run = await register({ 'task-definitions': 'web', images: 'web=repo:v2' });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const [call] = registered();
    expect(call).toBeDefined();
    for (const field of [
      'taskDefinitionArn',
      'revision',
      'status',
      'requiresAttributes',
      'compatibilities',
      'registeredAt',
      'registeredBy',
    ]) {
      expect(call!.input).not.toHaveProperty(field);
    }
    const { revision, taskDefinitionArn, registeredAt, registeredBy, ...after } =
      emulator.state.taskDefinitions.get('web')![2]!.definition;
    const { revision: r0, taskDefinitionArn: a0, registeredAt: t0, registeredBy: b0, ...before } = previous;
    expect(revision).toBe(3);
    // ECS records who registered each revision: the action's own role session, not the seed's.
    expect(registeredBy).toMatch(/:assumed-role\/github-actions-preview\/test$/);
    expect(b0).toMatch(/:assumed-role\/github-actions-preview\/terraform$/);
    const containers = before['containerDefinitions'] as { image: string }[];
    containers[0]!.image = 'repo:v2';
    expect(after).toEqual(before);
    expect(emulator.state.taskDefinitions.get('web')![2]!.tags).toEqual(TAGS);
    expect(run.outputs).toEqual({
      'task-definition-arn': taskDefinitionArn,
      'task-definition-arns': JSON.stringify({ web: taskDefinitionArn }),
      changed: 'true',
      diff: expect.stringMatching(/^web: container web: image .* → repo:v2$/),
      'generated-secrets': '',
    });
    expect(run.summary).toContain('<td>web</td>');
    expect(run.lines.join('\n')).toContain('web: registered revision 2 → 3');
  });

  // Issue 21.3: a deploy starts from the revision the service runs. A failed deploy's revision
  // (newer, never running, with a broken setting) is not what the next deploy builds on.
  test('with cluster, a family starts from the revision its service runs, and diffs against it', async () => {
    emulator.createCluster('app');
    emulator.registerTaskDefinition(backend('web'), TAGS);
    const broken = backend('web', 'repo:v2');
    broken.containerDefinitions[0]!.environment = [{ name: 'DJANGO_SETTINGS_MODULE', value: 'app.broken' }];
    emulator.registerTaskDefinition(broken, TAGS);
    emulator.createService('app', 'web', 'web:1');

    const run = await register({ 'task-definitions': 'web', images: 'web=repo:v3', cluster: 'app' });

    expect(run.errors).toEqual([]);
    const next = emulator.state.taskDefinitions.get('web')![2]!.definition;
    const [container] = next['containerDefinitions'] as { image: string; environment: unknown }[];
    expect(container).toMatchObject({
      image: 'repo:v3',
      environment: [{ name: 'DJANGO_SETTINGS_MODULE', value: 'app.settings' }],
    });
    expect(run.outputs['diff']).toBe('web: container web: image repo:v1 → repo:v3');
    expect(run.lines.join('\n')).toContain('web: registered revision 1 → 3');

    // A family without a service (migrate) starts from its newest trusted revision, as before.
    emulator.registerTaskDefinition(backend('migrate'), TAGS);
    const migrate = await register({
      'task-definitions': 'migrate',
      images: 'migrate=repo:v3',
      cluster: 'app',
    });
    expect(migrate.errors).toEqual([]);
    expect(migrate.lines.join('\n')).toContain('migrate: registered revision 1 → 2');
  });

  test('with cluster, re-running a deploy that registered but never rolled out uses its revision again', async () => {
    emulator.createCluster('app');
    emulator.registerTaskDefinition(backend('web'), TAGS);
    emulator.createService('app', 'web', 'web:1');
    const first = await register({ 'task-definitions': 'web', images: 'web=repo:v2', cluster: 'app' });
    expect(first.outputs['task-definition-arn']).toMatch(/:task-definition\/web:2$/);

    // The rollout failed: the service still runs web:1. The same deploy again registers nothing.
    const again = await register({ 'task-definitions': 'web', images: 'web=repo:v2', cluster: 'app' });
    expect(again.errors).toEqual([]);
    expect(registered()).toHaveLength(1);
    expect(again.outputs).toMatchObject({
      'task-definition-arn': first.outputs['task-definition-arn'],
      changed: 'true',
      diff: 'web: container web: image repo:v1 → repo:v2',
    });
    expect(again.lines.join('\n')).toContain(
      'web: revision 2 already has this definition (the service runs 1): using it, none registered',
    );
  });

  test("with cluster, a service running another principal's revision is not a base: warned, newest trusted used", async () => {
    emulator.createCluster('app');
    emulator.registerTaskDefinition(backend('web'), TAGS);
    const other = 'arn:aws:sts::123456789012:assumed-role/someone-else/session';
    emulator.registerTaskDefinition(backend('web', 'evil:v1'), TAGS, other);
    emulator.createService('app', 'web', 'web:2');

    const run = await register({ 'task-definitions': 'web', images: 'web=repo:v3', cluster: 'app' });

    expect(run.errors).toEqual([]);
    expect(run.warnings).toEqual(
      expect.arrayContaining([expect.stringContaining(`web:2 was registered by ${other}`)]),
    );
    expect(run.lines.join('\n')).toContain('web: registered revision 1 → 3');
  });

  // Issue 22.1: what a deploy would change, shown before anything is written.
  test('dry-run: every check runs, the diff is printed and output, and nothing is registered', async () => {
    const previous = emulator.registerTaskDefinition(backend('web'), TAGS);

    const run = await register({
      'task-definitions': 'web',
      images: 'web=repo:v2',
      environment: 'FEATURE_X=on',
      'dry-run': 'true',
    });

    expect(run.errors).toEqual([]);
    expect(registered()).toHaveLength(0);
    expect(emulator.state.taskDefinitions.get('web')).toHaveLength(1);
    expect(run.outputs['changed']).toBe('true');
    expect(run.outputs['task-definition-arns']).toBe(JSON.stringify({ web: previous['taskDefinitionArn'] }));
    const diff = run.outputs['diff']!.split('\n');
    expect(diff).toEqual([
      expect.stringMatching(/^web: container web: image .* → repo:v2$/),
      'web: container web: environment +FEATURE_X',
      'web: container sidecar: environment +FEATURE_X',
    ]);
    expect(run.lines.join('\n')).toContain('web: would register a revision after 1 (dry run)');
    expect(run.summary).toContain('dry run: nothing registered');

    // A mistake is still refused, in one line, as without dry-run.
    const bad = await register({ 'task-definitions': 'web', images: 'nope=repo:v2', 'dry-run': 'true' });
    expect(bad.exitCode).toBe(1);
    expect(bad.errors).toHaveLength(1);
  });

  test('the same run again registers nothing and outputs changed=false', async () => {
    emulator.registerTaskDefinition(backend('web'), TAGS);
    const first = await register({ 'task-definitions': 'web', images: 'web=repo:v2' });
    const second = await register({ 'task-definitions': 'web', images: 'web=repo:v2' });

    expect(second.exitCode).toBe(0);
    expect(registered()).toHaveLength(1);
    expect(second.outputs['changed']).toBe('false');
    expect(second.outputs['task-definition-arn']).toBe(first.outputs['task-definition-arn']);
    expect(second.lines.join('\n')).toContain('web: unchanged, keeping revision 2');
  });

  test('skip-unchanged false registers a new revision anyway', async () => {
    emulator.registerTaskDefinition(backend('web'));
    const run = await register({ 'task-definitions': 'web', 'skip-unchanged': 'false' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/web:2$/);
  });

  test('three families in one step each get their own new revision', async () => {
    for (const family of ['gunicorn', 'celery', 'beat']) {
      emulator.registerTaskDefinition(backend(family));
      emulator.registerTaskDefinition(backend(family));
    }
    emulator.registerTaskDefinition(backend('celery'));

    const run = await register({
      'task-definitions': 'gunicorn\ncelery\nbeat',
      'image-tag': 'v2',
      repository: 'repo',
    });

    expect(run.errors).toEqual([]);
    const arns = JSON.parse(run.outputs['task-definition-arns']!) as Record<string, string>;
    expect(arns).toEqual({
      gunicorn: expect.stringMatching(/:task-definition\/gunicorn:3$/),
      celery: expect.stringMatching(/:task-definition\/celery:4$/),
      beat: expect.stringMatching(/:task-definition\/beat:3$/),
    });
    expect(run.outputs['task-definition-arn']).toBe(arns['beat']);
    for (const family of ['gunicorn', 'celery', 'beat']) {
      const latest = emulator.state.taskDefinitions.get(family)!.at(-1)!.definition;
      const images = (latest['containerDefinitions'] as { image: string }[]).map((c) => c.image);
      expect(images).toEqual(['repo:v2', 'public.ecr.aws/nginx/nginx:1.27']);
    }
  });

  test('environment sets variables in every container or one, and a file can be the source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'td-'));
    const file = join(dir, 'task-definition.json');
    await writeFile(file, JSON.stringify(backend('worker')));

    const run = await register({
      'task-definition-file': file,
      environment: 'RELEASE=42\nworker:DJANGO_SETTINGS_MODULE=app.settings.prod',
    });

    expect(run.errors).toEqual([]);
    const definition = emulator.state.taskDefinitions.get('worker')![0]!.definition;
    const [worker, sidecar] = definition['containerDefinitions'] as { environment: unknown[] }[];
    expect(worker!.environment).toEqual([
      { name: 'DJANGO_SETTINGS_MODULE', value: 'app.settings.prod' },
      { name: 'RELEASE', value: '42' },
    ]);
    expect(sidecar!.environment).toEqual([{ name: 'RELEASE', value: '42' }]);

    const again = await register({
      'task-definition-file': file,
      environment: 'RELEASE=42\nworker:DJANGO_SETTINGS_MODULE=app.settings.prod',
    });
    expect(again.outputs['changed']).toBe('false');
  });

  test('the same task-definition-file twice registers once, though ECS fills in its defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'td-'));
    const file = join(dir, 'task-definition.json');
    // As users write them: no container cpu, essential, hostPort, protocol or health check timings.
    const sparse = (image: string) => ({
      family: 'api',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: 256,
      memory: 512,
      containerDefinitions: [
        {
          name: 'api',
          image,
          portMappings: [{ containerPort: 8000 }],
          healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8000/health'] },
        },
        { name: 'proxy', image: 'nginx:1.27', essential: false, portMappings: [{ containerPort: 80 }] },
      ],
    });
    await writeFile(file, JSON.stringify(sparse('repo:v1')));

    const first = await register({ 'task-definition-file': file });
    const second = await register({ 'task-definition-file': file });

    expect(first.outputs['changed']).toBe('true');
    const stored = emulator.state.taskDefinitions.get('api')![0]!.definition;
    const [api] = stored['containerDefinitions'] as Record<string, unknown>[];
    expect(api).toMatchObject({
      cpu: 0,
      essential: true,
      portMappings: [{ hostPort: 8000, protocol: 'tcp' }],
    });
    expect(second.errors).toEqual([]);
    expect(second.outputs['changed']).toBe('false');
    expect(second.outputs['task-definition-arn']).toBe(first.outputs['task-definition-arn']);
    expect(registered()).toHaveLength(1);

    await writeFile(file, JSON.stringify(sparse('repo:v2')));
    const third = await register({ 'task-definition-file': file });
    expect(third.outputs['changed']).toBe('true');
    expect(third.outputs['task-definition-arn']).toMatch(/task-definition\/api:2$/);
    expect(registered()).toHaveLength(2);
  });

  test('a digest as image-tag or in images pins the image, even where the current one is a digest', async () => {
    const [old, next] = ['1', '2'].map((c) => `sha256:${c.repeat(64)}`);
    emulator.registerTaskDefinition(backend('web', `localhost:5000/team/repo@${old}`));

    const byTag = await register({ 'task-definitions': 'web', 'image-tag': next!, repository: 'team/repo' });
    expect(byTag.errors).toEqual([]);
    const images = () =>
      (
        emulator.state.taskDefinitions.get('web')!.at(-1)!.definition['containerDefinitions'] as {
          image: string;
        }[]
      ).map((c) => c.image);
    expect(images()).toEqual([`localhost:5000/team/repo@${next}`, 'public.ecr.aws/nginx/nginx:1.27']);

    const byLine = await register({
      'task-definitions': 'web',
      images: `web=localhost:5000/team/repo@${old}`,
    });
    expect(byLine.errors).toEqual([]);
    expect(images()[0]).toBe(`localhost:5000/team/repo@${old}`);
    expect(registered()).toHaveLength(2);
  });

  test.each([
    [
      'unknown container in images',
      { 'task-definitions': 'web', images: 'nope=repo:v2' },
      /Input "images": container "nope" is not in task definition "web"/,
    ],
    [
      'a malformed images line',
      { 'task-definitions': 'web', images: 'repo:v2' },
      /Input "images": line "repo:v2" is not CONTAINER=IMAGE/,
    ],
    [
      'an unknown family',
      { 'task-definitions': 'web\nmissing', images: 'web=repo:v2' },
      /Input "task-definitions": task definition "missing" was not found/,
    ],
    [
      'both sources',
      { 'task-definitions': 'web', 'task-definition-file': 'td.json' },
      /Inputs "task-definitions" and "task-definition-file" cannot be used together/,
    ],
    [
      'a short digest as image-tag',
      { 'task-definitions': 'web', 'image-tag': 'sha256:abc' },
      /Input "image-tag": "sha256:abc" is neither an image tag nor a digest/,
    ],
    [
      'a malformed digest in images',
      { 'task-definitions': 'web', images: 'web=repo@sha256:xyz' },
      /Input "images": "repo@sha256:xyz" is not an image for "web"/,
    ],
    [
      'a repository with a tag',
      { 'task-definitions': 'web', 'image-tag': 'v2', repository: 'repo:v1' },
      /Input "repository": "repo:v1" is not a repository name/,
    ],
    ['a bad environment line', { 'task-definitions': 'web', environment: 'web:=x' }, /Input "environment"/],
    ['a bad region', { 'task-definitions': 'web', 'aws-region': 'mars' }, /Input "aws-region"/],
  ])('bad input (%s) fails with one line and registers nothing', async (_, inputs, message) => {
    emulator.registerTaskDefinition(backend('web'));
    const run = await register(inputs);

    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(message);
    expect(run.stdout).not.toMatch(/\n\s+at /);
    expect(emulator.calls('RegisterTaskDefinition')).toHaveLength(0);
  });

  test('who owns what: a tfvars change Terraform registers reaches the next deploy, which keeps the deployed image', async () => {
    // Terraform's first revision: the image given at creation (the module freezes it).
    emulator.registerTaskDefinition(
      backend('web', '123456789012.dkr.ecr.us-east-1.amazonaws.com/backend:sha-1111'),
    );
    const digest = `sha256:${'ab'.repeat(32)}`;
    const deploy = () => register({ 'task-definitions': 'web', 'image-tag': digest, repository: 'backend' });

    const first = await deploy();
    expect(first.errors).toEqual([]);
    const deployed = JSON.parse(first.outputs['task-definition-arns']!)['web'] as string;
    expect(deployed).toMatch(/task-definition\/web:2$/);

    // An env var added in <name>.tfvars: Terraform registers revision 3 from its own definition,
    // still with the creation image, and keeps revision 2 registered (skip_destroy).
    const changed = backend('web', '123456789012.dkr.ecr.us-east-1.amazonaws.com/backend:sha-1111');
    changed.containerDefinitions[0]!.environment!.push({ name: 'FEATURE_FLAG', value: 'on' });
    emulator.registerTaskDefinition(changed);

    const next = await deploy();
    expect(next.errors).toEqual([]);
    expect(next.outputs['changed']).toBe('true');
    const definitions = await described(JSON.parse(next.outputs['task-definition-arns']!)['web'] as string);
    const container = definitions.containerDefinitions![0]!;
    expect(container.image).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/backend@${digest}`);
    expect(container.environment).toContainEqual({ name: 'FEATURE_FLAG', value: 'on' });
    // The revision services ran (and may roll back to) is still ACTIVE.
    expect((await described(deployed)).status).toBe('ACTIVE');
  });

  // Issue 21.4: Terraform no longer writes the Redis password (a refresh read it back, so the
  // unapproved plan role had to read it too); the secret is made empty and tagged, and the
  // first deploy generates it, as the deploying role, before anything that reads it registers.
  test('generates the Redis AUTH password into its empty, tagged secret once, before registering, and never prints it', async () => {
    const name = 'adhoc/feature-abc/redis-auth';
    const arn = emulator.createSecret(name, null, [
      { Key: 'adhoc-actions:generate', Value: 'redis-auth' },
      { Key: 'adhoc-actions:redis-address', Value: 'feature-abc-redis.adhoc.internal:6379' },
    ]);
    const untagged = emulator.createSecret('adhoc/feature-abc/api-key');
    emulator.registerTaskDefinition(
      withSecrets('feature-abc-gunicorn', [
        { name: 'REDIS_URL', valueFrom: `${arn}:url::` },
        { name: 'API_KEY', valueFrom: untagged },
      ]),
      TAGS,
    );

    const dry = await register({
      'task-definitions': 'feature-abc-gunicorn',
      'image-tag': 'v2',
      'dry-run': 'true',
    });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain(`Would generate the Redis AUTH password into ${name} (dry run).`);
    expect(emulator.secrets.find(name)!.value).toBeUndefined();

    const run = await register({ 'task-definitions': 'feature-abc-gunicorn', 'image-tag': 'v2' });
    expect(run.errors).toEqual([]);
    expect(run.outputs['generated-secrets']).toBe(name);
    const value = JSON.parse(emulator.secrets.find(name)!.value!) as { password: string; url: string };
    expect(value.password).toMatch(/^[0-9a-f]{64}$/);
    expect(value.url).toBe(`redis://:${value.password}@feature-abc-redis.adhoc.internal:6379/0`);
    // The value was written before the revision that reads it was registered.
    const order = emulator.calls().map((c) => c.operation);
    expect(order.indexOf('PutSecretValue')).toBeLessThan(order.indexOf('RegisterTaskDefinition'));
    // Masked before it was sent, and never printed otherwise.
    const unmasked = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(unmasked.join('\n')).not.toContain(value.password);
    expect(run.stdout).toContain(`::add-mask::${value.password}`);
    // A secret without the tag is not the deploy's to fill.
    expect(emulator.secrets.find('adhoc/feature-abc/api-key')!.value).toBeUndefined();

    // Again: it has a value, so nothing is generated and the password stays.
    const again = await register({ 'task-definitions': 'feature-abc-gunicorn', 'image-tag': 'v3' });
    expect(again.outputs['generated-secrets']).toBe('');
    expect(JSON.parse(emulator.secrets.find(name)!.value!)).toEqual(value);
  });

  test('a secret asking for an unknown kind, or with a bad address, is left empty with a warning', async () => {
    const unknown = emulator.createSecret('adhoc/feature-abc/other', null, [
      { Key: 'adhoc-actions:generate', Value: 'ssh-key' },
    ]);
    const bad = emulator.createSecret('adhoc/feature-abc/redis-auth', null, [
      { Key: 'adhoc-actions:generate', Value: 'redis-auth' },
      { Key: 'adhoc-actions:redis-address', Value: 'x@evil.example/$(id)' },
    ]);
    emulator.registerTaskDefinition(
      withSecrets('feature-abc-gunicorn', [
        { name: 'OTHER', valueFrom: unknown },
        { name: 'REDIS_URL', valueFrom: `${bad}:url::` },
      ]),
      TAGS,
    );
    const run = await register({ 'task-definitions': 'feature-abc-gunicorn', 'image-tag': 'v2' });
    expect(run.exitCode).toBe(0);
    expect(run.warnings.join('\n')).toContain(
      'adhoc-actions:generate is "ssh-key"; only redis-auth is known',
    );
    expect(run.warnings.join('\n')).toContain(
      'adhoc-actions:redis-address is "x@evil.example/$(id)", not host:port',
    );
    expect(emulator.calls('PutSecretValue')).toHaveLength(0);
  });

  test('succeeds with 30% of calls throttled', async () => {
    for (const family of ['gunicorn', 'celery', 'beat']) emulator.registerTaskDefinition(backend(family));
    emulator.setFaults({ throttleRate: 0.3 });

    const run = await register({ 'task-definitions': 'gunicorn\ncelery\nbeat', images: '*=repo:v3' });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(emulator.calls().some((call) => call.error === 'ThrottlingException')).toBe(true);
    for (const family of ['gunicorn', 'celery', 'beat']) {
      expect(emulator.state.taskDefinitions.get(family)).toHaveLength(2);
    }
  });
});
