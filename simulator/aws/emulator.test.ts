import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeregisterTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startEmulator, type Emulator, OPERATOR_CREDENTIALS } from './index.ts';

/** The emulator answers the real SDK clients the way AWS does. */

let emulator: Emulator;
let ecs: ECSClient;
let logs: CloudWatchLogsClient;

beforeEach(async () => {
  emulator = await startEmulator();
  const config = {
    region: 'us-east-1',
    credentials: OPERATOR_CREDENTIALS,
    maxAttempts: 1,
  };
  ecs = new ECSClient({ ...config, endpoint: emulator.url });
  logs = new CloudWatchLogsClient({ ...config, endpoint: emulator.url });
  emulator.createCluster('app');
  emulator.registerTaskDefinition({
    family: 'migrate',
    containerDefinitions: [
      {
        name: 'app',
        image: 'backend:v1',
        command: ['python', 'manage.py', 'migrate'],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/app', 'awslogs-stream-prefix': 'migrate' },
        },
      },
    ],
  });
});
afterEach(async () => {
  ecs.destroy();
  logs.destroy();
  await emulator.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForStop(taskArn: string) {
  for (;;) {
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: 'app', tasks: [taskArn] }));
    if (tasks?.[0]?.lastStatus === 'STOPPED') return tasks[0];
    await sleep(20);
  }
}

describe('S3 objects', () => {
  const s3As = (role: string | null) =>
    new S3Client({ ...emulator.clientConfig({ role }), forcePathStyle: true, maxAttempts: 1 });

  test('each call is judged as the action IAM names for it, with its condition keys', async () => {
    const Bucket = 'acme-terraform-state';
    emulator.account.buckets.set(Bucket, { versioning: 'Enabled' });
    const s3 = s3As('github-actions-production');
    const key = 'failure-reports/prod/1-1/r.json';
    const calls = async () => {
      await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: '{}', IfNoneMatch: '*' })).catch(() => {});
      await s3.send(new HeadObjectCommand({ Bucket, Key: key })).catch(() => {});
      await s3.send(new GetObjectCommand({ Bucket, Key: key, VersionId: 'v1' })).catch(() => {});
      await s3.send(new DeleteObjectCommand({ Bucket, Key: key })).catch(() => {});
      await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'env:/' })).catch(() => {});
    };
    await calls();
    s3.destroy();
    expect(
      emulator.iam.decisions.map(({ request: { action, context }, decision }) => [action, context, decision]),
    ).toEqual([
      ['s3:PutObject', { 's3:if-none-match': '*' }, 'allowed'],
      ['s3:GetObject', undefined, 'implicitDeny'],
      ['s3:GetObjectVersion', undefined, 'implicitDeny'],
      ['s3:DeleteObject', undefined, 'implicitDeny'],
      ['s3:ListBucket', { 's3:prefix': 'env:/' }, 'allowed'],
    ]);
    // The production role writes reports only: the object is still there.
    expect(emulator.account.objects.has(`${Bucket}/${key}`)).toBe(true);
  });

  test('a subresource is judged as its own action and changes nothing it does not implement', async () => {
    const Bucket = 'acme-terraform-state';
    emulator.account.buckets.set(Bucket, { versioning: 'Enabled' });
    const calls = (s3: S3Client) =>
      Promise.all(
        [
          s3.send(
            new PutObjectTaggingCommand({
              Bucket,
              Key: 'r.json',
              Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
            }),
          ),
          s3.send(new GetBucketLocationCommand({ Bucket })),
          s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'env:/' })),
          // S3 takes If-None-Match: * only.
          s3.send(new PutObjectCommand({ Bucket, Key: 'r.json', Body: 'x', IfNoneMatch: '"abc"' })),
        ].map((p) =>
          p.then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        ),
      );
    const operator = s3As(null);
    await operator.send(new PutObjectCommand({ Bucket, Key: 'r.json', Body: '{}' }));
    expect(await calls(operator)).toEqual([
      'NotImplemented',
      'NotImplemented',
      'NotImplemented',
      'NotImplemented',
    ]);
    expect(emulator.account.objects.get(`${Bucket}/r.json`)!.body).toBe('{}');
    operator.destroy();

    const preview = s3As('github-actions-preview');
    await calls(preview);
    preview.destroy();
    expect(emulator.iam.decisions.map(({ request: { action, context } }) => [action, context ?? {}])).toEqual(
      expect.arrayContaining([
        ['s3:PutObjectTagging', {}],
        ['s3:GetBucketLocation', {}],
        ['s3:ListBucketVersions', { 's3:prefix': 'env:/' }],
        ['s3:PutObject', { 's3:if-none-match': '"abc"' }],
      ]),
    );
  });

  test('the operator reads, lists and deletes what it wrote; no version is kept', async () => {
    emulator.account.buckets.set('state', { versioning: '' });
    const s3 = s3As(null);
    await s3.send(new PutObjectCommand({ Bucket: 'state', Key: 'a/b.json', Body: 'x' }));
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: 'state', Key: 'a/b.json' }))).$metadata.httpStatusCode,
    ).toBe(200);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'state', Prefix: 'a/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['a/b.json']);
    await expect(
      s3.send(new GetObjectCommand({ Bucket: 'state', Key: 'a/b.json', VersionId: 'v1' })),
    ).rejects.toMatchObject({ name: 'NoSuchVersion' });
    await s3.send(new DeleteObjectCommand({ Bucket: 'state', Key: 'a/b.json' }));
    await expect(s3.send(new GetObjectCommand({ Bucket: 'state', Key: 'a/b.json' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    s3.destroy();
  });
});

describe('task definition listings', () => {
  // Found with moto: on AWS, ListTaskDefinitions' familyPrefix is one whole family name, while
  // ListTaskDefinitionFamilies' is a real prefix. An emulator treating both as prefixes hid that
  // release history listed nothing on AWS.
  test('ListTaskDefinitions takes a whole family; ListTaskDefinitionFamilies a prefix and a status', async () => {
    for (const family of ['web-app', 'web-worker', 'web']) {
      emulator.registerTaskDefinition({ family, containerDefinitions: [{ name: 'app', image: 'x' }] });
    }
    const arns = async (familyPrefix: string) =>
      (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix }))).taskDefinitionArns;
    expect(await arns('web-')).toEqual([]);
    expect(await arns('web')).toEqual([expect.stringMatching(/task-definition\/web:1$/)]);

    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web-worker:1' }));
    const families = async (status?: 'ACTIVE' | 'INACTIVE' | 'ALL') =>
      (await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'web-', status }))).families;
    expect(await families()).toEqual(['web-app', 'web-worker']);
    expect(await families('ACTIVE')).toEqual(['web-app']);
    expect(await families('INACTIVE')).toEqual(['web-worker']);
  });
});

describe('GetLogEvents', () => {
  const get = (input: Partial<ConstructorParameters<typeof GetLogEventsCommand>[0]>) =>
    logs.send(new GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', ...input }));

  test('pages forward at 10,000 events, and the forward token repeats at the end', async () => {
    emulator.appendLogEvents(
      'g',
      's',
      Array.from({ length: 25_000 }, (_, i) => `line ${i}`),
    );
    const first = await get({ startFromHead: true });
    expect(first.events).toHaveLength(10_000);
    const second = await get({ nextToken: first.nextForwardToken });
    const third = await get({ nextToken: second.nextForwardToken });
    expect(third.events).toHaveLength(5_000);
    expect(third.events?.at(-1)?.message).toBe('line 24999');
    const end = await get({ nextToken: third.nextForwardToken });
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(third.nextForwardToken);
    emulator.appendLogEvents('g', 's', ['late']);
    const late = await get({ nextToken: end.nextForwardToken });
    expect(late.events?.map((e) => e.message)).toEqual(['late']);
  });

  test('a page holds at most 1 MB counting 26 bytes an event', async () => {
    emulator.appendLogEvents(
      'g',
      's',
      Array.from({ length: 300 }, () => 'x'.repeat(10_000)),
    );
    const page = await get({ startFromHead: true });
    expect(page.events).toHaveLength(Math.floor(1_048_576 / 10_026));
  });

  test('without startFromHead the newest page comes first', async () => {
    emulator.appendLogEvents('g', 's', ['a', 'b', 'c']);
    const page = await get({ limit: 2 });
    expect(page.events?.map((e) => e.message)).toEqual(['b', 'c']);
  });

  test('a stream that does not exist yet is ResourceNotFoundException', async () => {
    emulator.appendLogEvents('g', 'other', []);
    await expect(get({})).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
  });
});

describe('tasks', () => {
  test('a scripted task logs to its awslogs stream and stops with its exit code', async () => {
    emulator.setTaskBehavior('migrate', {
      startMs: 30,
      logs: [
        { afterMs: 10, message: 'Applying app.0001_initial... OK' },
        { afterMs: 20, message: 'boom' },
      ],
      exitAfterMs: 40,
      exitCode: 3,
    });
    const { tasks } = await ecs.send(new RunTaskCommand({ cluster: 'app', taskDefinition: 'migrate' }));
    const task = await waitForStop(tasks![0]!.taskArn!);
    expect(task.containers?.[0]?.exitCode).toBe(3);
    expect(task.stopCode).toBe('EssentialContainerExited');
    const id = task.taskArn!.split('/').at(-1);
    const page = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/app',
        logStreamName: `migrate/app/${id}`,
        startFromHead: true,
      }),
    );
    expect(page.events?.map((e) => e.message)).toEqual(['Applying app.0001_initial... OK', 'boom']);
  });

  test('a task that cannot start stops with TaskFailedToStart and the reason', async () => {
    emulator.setTaskBehavior('migrate', { failToStart: 'CannotPullContainerError: pull access denied' });
    const { tasks } = await ecs.send(new RunTaskCommand({ cluster: 'app', taskDefinition: 'migrate' }));
    const task = await waitForStop(tasks![0]!.taskArn!);
    expect(task).toMatchObject({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull access denied',
    });
  });

  test('RunTask failures[] and the real errors for bad requests', async () => {
    emulator.failNextRunTask('RESOURCE:MEMORY');
    const failed = await ecs.send(new RunTaskCommand({ cluster: 'app', taskDefinition: 'migrate' }));
    expect(failed.tasks).toEqual([]);
    expect(failed.failures?.[0]?.reason).toBe('RESOURCE:MEMORY');
    await expect(
      ecs.send(new RunTaskCommand({ cluster: 'nope', taskDefinition: 'migrate' })),
    ).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
    await expect(
      ecs.send(
        new RunTaskCommand({
          cluster: 'app',
          taskDefinition: 'migrate',
          overrides: { containerOverrides: [{ name: 'x' }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  test('a local process is the container: its output the log, its status the exit code; StopTask ends it', async () => {
    emulator.setTaskBehavior('migrate', { localProcess: true, startMs: 10 });
    const script = 'echo one; echo two >&2; exit 7';
    const { tasks } = await ecs.send(
      new RunTaskCommand({
        cluster: 'app',
        taskDefinition: 'migrate',
        overrides: { containerOverrides: [{ name: 'app', command: ['sh', '-c', script] }] },
      }),
    );
    const task = await waitForStop(tasks![0]!.taskArn!);
    expect(task.containers?.[0]?.exitCode).toBe(7);
    const id = task.taskArn!.split('/').at(-1);
    const page = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/app',
        logStreamName: `migrate/app/${id}`,
        startFromHead: true,
      }),
    );
    expect(page.events?.map((e) => e.message).sort()).toEqual(['one', 'two']);

    const long = await ecs.send(
      new RunTaskCommand({
        cluster: 'app',
        taskDefinition: 'migrate',
        overrides: { containerOverrides: [{ name: 'app', command: ['sleep', '30'] }] },
      }),
    );
    await sleep(100);
    await ecs.send(
      new StopTaskCommand({ cluster: 'app', task: long.tasks![0]!.taskArn!, reason: 'cancelled' }),
    );
    const stopped = await waitForStop(long.tasks![0]!.taskArn!);
    expect(stopped).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'cancelled' });
    expect(stopped.containers?.[0]?.exitCode).toBe(143);
  });
});
