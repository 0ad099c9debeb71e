import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { runAction } from '../../simulator/runner/run-action.ts';
import { startSlackServer, TOKEN, type SlackServer } from '../../simulator/slack/server.ts';

/**
 * A sweep of hostile and malformed inputs over the five bundled actions. Each must fail with
 * exit code 1 and exactly one one-line error naming the input, before any AWS write (counted on
 * the emulator by operation), Slack post or database connection.
 */

type Action =
  'register-task-definition' | 'run-migration-task' | 'rolling-update' | 'slack-notify' | 'create-database';
type Case = [label: string, action: Action, inputs: Record<string, string>, input: string];

const NL = 'line1\nline2';
const HUGE = 'x'.repeat(100_000);
const DIGEST = `sha256:${'a'.repeat(64)}`;
const NAME_256 = 'n'.repeat(256);

let emulator: Emulator;
let slack: SlackServer;
let db: { server: Server; port: number; connections: number };
let files: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator();
  slack = await startSlackServer();
  const server = createServer((socket) => {
    db.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  db = { server, port: (server.address() as { port: number }).port, connections: 0 };

  emulator.createCluster('app');
  const container = (name: string) => ({ name, image: 'repo:v1', essential: true });
  emulator.registerTaskDefinition({ family: 'web', containerDefinitions: [container('web')] });
  emulator.registerTaskDefinition({ family: 'migrate', containerDefinitions: [container('backend')] });
  emulator.createService('app', 'web', 'web');

  const dir = await mkdtemp(join(tmpdir(), 'hostile-'));
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  files = {
    badJson: await file('bad.json', '{"family": "web",\n'),
    noFamily: await file('no-family.json', JSON.stringify({ containerDefinitions: [] })),
    badFamily: await file(
      'bad-family.json',
      JSON.stringify({ family: 'web app', containerDefinitions: [container('web')] }),
    ),
    badContainer: await file(
      'bad-container.json',
      JSON.stringify({ family: 'web', containerDefinitions: [container('web\napp')] }),
    ),
    hugeImage: await file(
      'huge-image.json',
      JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: HUGE }] }),
    ),
  };
});
afterAll(async () => {
  await emulator.stop();
  await slack.stop();
  await new Promise((resolve) => db.server.close(resolve));
});

const REGISTER = { 'task-definitions': 'web' };
const MIGRATE = { cluster: 'app', 'task-definition': 'migrate' };
const ROLL = { cluster: 'app', services: 'web' };
const SLACK_API = () => ({ token: TOKEN, channel: '#deploys', 'api-url': slack.apiUrl });
const ADMIN = () => `postgres://admin:pw@127.0.0.1:${db.port}/postgres`;
const DIRECT = () => ({ name: 'app', mode: 'direct', 'admin-url': ADMIN() });
const ECS_DB = { name: 'app', mode: 'ecs-task', cluster: 'app', 'task-definition': 'migrate' };

const register = (label: string, inputs: Record<string, string>, input: string): Case => [
  label,
  'register-task-definition',
  inputs,
  input,
];
const migrate = (label: string, inputs: Record<string, string>, input: string): Case => [
  label,
  'run-migration-task',
  { ...MIGRATE, ...inputs },
  input,
];
const roll = (label: string, inputs: Record<string, string>, input: string): Case => [
  label,
  'rolling-update',
  { ...ROLL, ...inputs },
  input,
];

/** Cases whose inputs need the servers' addresses are built when they run. */
type LazyCase = [string, Action, () => Record<string, string>, string];
const notify = (label: string, inputs: () => Record<string, string>, input: string): LazyCase => [
  label,
  'slack-notify',
  inputs,
  input,
];
const database = (label: string, inputs: () => Record<string, string>, input: string): LazyCase => [
  label,
  'create-database',
  inputs,
  input,
];

const CASES: (Case | LazyCase)[] = [
  // register-task-definition
  register('no source', {}, 'task-definitions'),
  register('a family given twice', { 'task-definitions': 'web\nweb' }, 'task-definitions'),
  register('a family with a space', { 'task-definitions': 'web app' }, 'task-definitions'),
  register('a 256-character family', { 'task-definitions': NAME_256 }, 'task-definitions'),
  register('a revision that is not a number', { 'task-definitions': 'web:latest' }, 'task-definitions'),
  register('a path as family', { 'task-definitions': '../../etc/passwd' }, 'task-definitions'),
  register('a shell substitution as family', { 'task-definitions': '$(id)' }, 'task-definitions'),
  register('a 100 KB family', { 'task-definitions': HUGE }, 'task-definitions'),
  register(
    'an ARN with a bad family',
    { 'task-definitions': 'arn:aws:ecs:us-east-1:123456789012:task-definition/we b:1' },
    'task-definitions',
  ),
  register('an images line without =', { ...REGISTER, images: 'web=repo:v2\nweb2' }, 'images'),
  register('an empty image', { ...REGISTER, images: 'web=' }, 'images'),
  register('an image with a space', { ...REGISTER, images: 'web=repo:v 2' }, 'images'),
  register('a container name with a space', { ...REGISTER, images: 'w eb=repo:v2' }, 'images'),
  register('a 300-character image', { ...REGISTER, images: `web=${'a'.repeat(300)}` }, 'images'),
  register('a short digest in images', { ...REGISTER, images: 'web=repo@sha256:abc' }, 'images'),
  register('an upper-case repository', { ...REGISTER, images: 'web=REPO:v1' }, 'images'),
  register('a shell command in an image', { ...REGISTER, images: 'web=repo:v1;rm -rf /' }, 'images'),
  register('an images line with no container', { ...REGISTER, images: '=repo:v1' }, 'images'),
  register('a 100 KB image', { ...REGISTER, images: `web=${HUGE}` }, 'images'),
  register('an image tag with a newline', { ...REGISTER, 'image-tag': 'v1\nv2' }, 'image-tag'),
  register('a short digest as image-tag', { ...REGISTER, 'image-tag': 'sha256:abc' }, 'image-tag'),
  register('a non-hex digest', { ...REGISTER, 'image-tag': `sha256:${'g'.repeat(64)}` }, 'image-tag'),
  register('a 129-character tag', { ...REGISTER, 'image-tag': 'a'.repeat(129) }, 'image-tag'),
  register('a tag starting with -', { ...REGISTER, 'image-tag': '-v1' }, 'image-tag'),
  register('a tag with a slash', { ...REGISTER, 'image-tag': 'v1/../v2' }, 'image-tag'),
  register(
    'a repository with a tag',
    { ...REGISTER, 'image-tag': 'v2', repository: 'repo:v1' },
    'repository',
  ),
  register(
    'a repository with a digest',
    { ...REGISTER, 'image-tag': 'v2', repository: `repo@${DIGEST}` },
    'repository',
  ),
  register('repository without image-tag', { ...REGISTER, repository: 'repo' }, 'repository'),
  register(
    'a repository with spaces',
    { ...REGISTER, 'image-tag': 'v2', repository: 'my repo' },
    'repository',
  ),
  register('images and image-tag together', { ...REGISTER, images: 'web=a:1', 'image-tag': 'v2' }, 'images'),
  register('both sources', { ...REGISTER, 'task-definition-file': 'td.json' }, 'task-definitions'),
  register('a missing file', { 'task-definition-file': '/nonexistent/td.json' }, 'task-definition-file'),
  register('a file path with a newline', { 'task-definition-file': `/tmp/${NL}` }, 'task-definition-file'),
  register('an environment name with a space', { ...REGISTER, environment: 'A B=1' }, 'environment'),
  register('an environment name starting with a digit', { ...REGISTER, environment: '1A=x' }, 'environment'),
  register('an empty container in environment', { ...REGISTER, environment: ':A=1' }, 'environment'),
  register('an empty variable name', { ...REGISTER, environment: 'web:=1' }, 'environment'),
  register('an environment line without =', { ...REGISTER, environment: 'NOEQUALS' }, 'environment'),
  register('a 100 KB environment line without =', { ...REGISTER, environment: HUGE }, 'environment'),
  register('skip-unchanged maybe', { ...REGISTER, 'skip-unchanged': 'maybe' }, 'skip-unchanged'),
  register('a made-up region', { ...REGISTER, 'aws-region': 'mars-1' }, 'aws-region'),
  register('two regions', { ...REGISTER, 'aws-region': 'us-east-1\nus-west-2' }, 'aws-region'),
  // run-migration-task
  migrate('started-by with a space', { 'started-by': 'deploy bot' }, 'started-by'),
  migrate('a 129-character started-by', { 'started-by': 's'.repeat(129) }, 'started-by'),
  migrate('started-by with a newline', { 'started-by': NL }, 'started-by'),
  migrate('started-by with a semicolon', { 'started-by': 'a;b' }, 'started-by'),
  migrate('started-by with non-ASCII letters', { 'started-by': 'déploiement' }, 'started-by'),
  migrate('a 100 KB command', { command: `echo ${HUGE}` }, 'command'),
  migrate('a command of 9,000 characters', { command: `echo ${'y'.repeat(9000)}` }, 'command'),
  migrate('a command as unclosed JSON', { command: '["python", "manage.py"' }, 'command'),
  migrate('a command as a JSON list of numbers', { command: '[1, 2]' }, 'command'),
  migrate('a command with an unclosed quote', { command: 'echo "unclosed' }, 'command'),
  migrate('a 9 KB environment value', { environment: `BIG=${'v'.repeat(9000)}` }, 'environment'),
  migrate('an environment name with a space', { environment: 'A B=1' }, 'environment'),
  migrate('an environment line with no name', { environment: '=1' }, 'environment'),
  migrate('a cluster with a space', { cluster: 'my cluster' }, 'cluster'),
  migrate('a 256-character cluster', { cluster: NAME_256 }, 'cluster'),
  migrate('a cluster with a newline', { cluster: NL }, 'cluster'),
  migrate('no cluster', { cluster: '' }, 'cluster'),
  migrate('a cluster ARN with a bad account', { cluster: 'arn:aws:ecs:us-east-1:12:cluster/app' }, 'cluster'),
  migrate('a 100 KB cluster', { cluster: HUGE }, 'cluster'),
  migrate('a task definition with a space', { 'task-definition': 'my task' }, 'task-definition'),
  migrate(
    'a task definition revision that is a word',
    { 'task-definition': 'migrate:rev' },
    'task-definition',
  ),
  migrate('no task definition', { 'task-definition': '' }, 'task-definition'),
  migrate('a 256-character family', { 'task-definition': `${NAME_256}:1` }, 'task-definition'),
  migrate('a task definition with a newline', { 'task-definition': NL }, 'task-definition'),
  migrate('a container with a space', { container: 'my container' }, 'container'),
  migrate('a 256-character container', { container: NAME_256 }, 'container'),
  migrate('a container with a newline', { container: NL }, 'container'),
  migrate('timeout-minutes 0', { 'timeout-minutes': '0' }, 'timeout-minutes'),
  migrate('timeout-minutes -1', { 'timeout-minutes': '-1' }, 'timeout-minutes'),
  migrate('timeout-minutes abc', { 'timeout-minutes': 'abc' }, 'timeout-minutes'),
  migrate('timeout-minutes 1e9', { 'timeout-minutes': '1e9' }, 'timeout-minutes'),
  migrate('timeout-minutes Infinity', { 'timeout-minutes': 'Infinity' }, 'timeout-minutes'),
  migrate('timeout-minutes on two lines', { 'timeout-minutes': '1\n2' }, 'timeout-minutes'),
  migrate('stream-logs maybe', { 'stream-logs': 'maybe' }, 'stream-logs'),
  migrate('stop-on-cancel with a newline', { 'stop-on-cancel': 'true\nfalse' }, 'stop-on-cancel'),
  migrate('a subnet with a shell character', { subnets: 'subnet-1, subnet-$(id)' }, 'subnets'),
  migrate('a subnet that is not an ID', { subnets: 'my-subnet' }, 'subnets'),
  migrate(
    '17 subnets',
    { subnets: Array.from({ length: 17 }, (_, i) => `subnet-${i}`).join(',') },
    'subnets',
  ),
  migrate(
    'a security group with a quote',
    { subnets: 'subnet-1', 'security-groups': 'sg-1"' },
    'security-groups',
  ),
  migrate(
    '6 security groups',
    { subnets: 'subnet-1', 'security-groups': 'sg-1,sg-2,sg-3,sg-4,sg-5,sg-6' },
    'security-groups',
  ),
  migrate(
    'network-from-service and subnets',
    { 'network-from-service': 'web', subnets: 'subnet-1' },
    'network-from-service',
  ),
  migrate(
    'network-from-service with a semicolon',
    { 'network-from-service': 'web;x' },
    'network-from-service',
  ),
  migrate('launch-type MOON', { 'launch-type': 'MOON' }, 'launch-type'),
  migrate(
    'launch-type and capacity-provider-strategy',
    { 'launch-type': 'FARGATE', 'capacity-provider-strategy': 'FARGATE' },
    'launch-type',
  ),
  migrate(
    'a weight that is a word',
    { 'capacity-provider-strategy': 'FARGATE:x' },
    'capacity-provider-strategy',
  ),
  migrate(
    'a strategy with 4 parts',
    { 'capacity-provider-strategy': 'FARGATE:1:2:3' },
    'capacity-provider-strategy',
  ),
  migrate('a provider with a !', { 'capacity-provider-strategy': 'bad!name' }, 'capacity-provider-strategy'),
  migrate('assign-public-ip sometimes', { 'assign-public-ip': 'sometimes' }, 'assign-public-ip'),
  migrate('a made-up region', { 'aws-region': 'mars' }, 'aws-region'),
  // rolling-update
  roll('no services', { services: '' }, 'services'),
  roll('a service with a space', { services: 'we b' }, 'services'),
  roll('a service given twice', { services: 'web\nweb' }, 'services'),
  roll('a task definition with a space', { services: 'web=bad ref' }, 'services'),
  roll('a task definition revision that is a word', { services: 'web=web:x' }, 'services'),
  roll('a 256-character service', { services: NAME_256 }, 'services'),
  roll('a 100 KB services line', { services: HUGE }, 'services'),
  roll('a cluster with a space', { cluster: 'a b' }, 'cluster'),
  roll('no cluster', { cluster: '' }, 'cluster'),
  roll('task-definitions not JSON', { 'task-definitions': '{' }, 'task-definitions'),
  roll('task-definitions a list', { 'task-definitions': '[]' }, 'task-definitions'),
  roll('task-definitions of another family', { 'task-definitions': '{"web":"other:1"}' }, 'task-definitions'),
  roll('task-definitions a string', { 'task-definitions': '"web"' }, 'task-definitions'),
  roll('task-definitions with a newline key', { 'task-definitions': '{"we\\nb":"x:1"}' }, 'task-definitions'),
  roll('timeout-minutes 0', { 'timeout-minutes': '0' }, 'timeout-minutes'),
  roll('timeout-minutes 100000', { 'timeout-minutes': '100000' }, 'timeout-minutes'),
  roll('wait maybe', { wait: 'maybe' }, 'wait'),
  roll('rollback nah', { rollback: 'nah' }, 'rollback'),
  roll('force-new-deployment 2', { 'force-new-deployment': '2' }, 'force-new-deployment'),
  // slack-notify
  notify(
    'an http webhook',
    () => ({ 'webhook-url': 'http://hooks.example.com/services/T/B/x' }),
    'webhook-url',
  ),
  notify('a javascript: webhook', () => ({ 'webhook-url': 'javascript:alert(1)' }), 'webhook-url'),
  notify('a webhook with a newline', () => ({ 'webhook-url': `${slack.webhookUrl}\nX: y` }), 'webhook-url'),
  notify(
    'a webhook with credentials',
    () => ({ 'webhook-url': 'https://u:p@hooks.example.com/x' }),
    'webhook-url',
  ),
  notify(
    'an http api-url',
    () => ({ ...SLACK_API(), 'api-url': 'http://slack.example.com/api/' }),
    'api-url',
  ),
  notify('a file api-url', () => ({ ...SLACK_API(), 'api-url': 'file:///etc/passwd' }), 'api-url'),
  notify('a token with a space', () => ({ ...SLACK_API(), token: 'xoxb bad' }), 'token'),
  notify('a token with a header injected', () => ({ ...SLACK_API(), token: 'xoxb-1\nX-Evil: 1' }), 'token'),
  notify('webhook and token', () => ({ ...SLACK_API(), 'webhook-url': slack.webhookUrl }), 'webhook-url'),
  notify('a channel with a space', () => ({ ...SLACK_API(), channel: 'dep loys' }), 'channel'),
  notify('an 81-character channel', () => ({ ...SLACK_API(), channel: `#${'c'.repeat(81)}` }), 'channel'),
  notify('a channel with a newline', () => ({ ...SLACK_API(), channel: NL }), 'channel'),
  notify('a mention as channel', () => ({ ...SLACK_API(), channel: '<!channel>' }), 'channel'),
  notify(
    'a channel-id with a space',
    () => ({ ...SLACK_API(), 'message-ts': '1.2', 'channel-id': 'C0 X' }),
    'channel-id',
  ),
  notify('a message-ts that is a word', () => ({ ...SLACK_API(), 'message-ts': 'abc' }), 'message-ts'),
  notify('a message-ts with a newline', () => ({ ...SLACK_API(), 'message-ts': '1.2\n3.4' }), 'message-ts'),
  notify('status ok', () => ({ ...SLACK_API(), status: 'ok' }), 'status'),
  notify('status on two lines', () => ({ ...SLACK_API(), status: 'success\nfailure' }), 'status'),
  notify('payload not JSON', () => ({ ...SLACK_API(), payload: '{\n"text":' }), 'payload'),
  notify('payload a number', () => ({ ...SLACK_API(), payload: '42' }), 'payload'),
  notify('payload blocks not a list', () => ({ ...SLACK_API(), payload: '{"blocks":{}}' }), 'payload'),
  notify('fail-on-error maybe', () => ({ ...SLACK_API(), 'fail-on-error': 'maybe' }), 'fail-on-error'),
  notify('no destination', () => ({ channel: '#deploys' }), 'webhook-url'),
  // create-database (direct mode with a reachable admin-url whose connections are counted)
  database('an empty name', () => ({ ...DIRECT(), name: '' }), 'name'),
  database('a name with a newline', () => ({ ...DIRECT(), name: NL }), 'name'),
  database('a name with leading space', () => ({ ...DIRECT(), name: ' app' }), 'name'),
  database('a 64-byte name', () => ({ ...DIRECT(), name: 'd'.repeat(64) }), 'name'),
  database('a 100 KB name', () => ({ ...DIRECT(), name: HUGE }), 'name'),
  database('name postgres', () => ({ ...DIRECT(), name: 'postgres' }), 'name'),
  database('name template0', () => ({ ...DIRECT(), name: 'template0' }), 'name'),
  database('an owner with a newline', () => ({ ...DIRECT(), owner: NL }), 'owner'),
  database('a 100-byte owner', () => ({ ...DIRECT(), owner: 'o'.repeat(100) }), 'owner'),
  database('owner-password without owner', () => ({ ...DIRECT(), 'owner-password': 'pw' }), 'owner-password'),
  database('template with drop', () => ({ ...DIRECT(), action: 'drop', template: 'seed' }), 'template'),
  database('action delete', () => ({ ...DIRECT(), action: 'delete' }), 'action'),
  database('mode shell', () => ({ ...DIRECT(), mode: 'shell' }), 'mode'),
  database(
    'an admin-url that is not a URL',
    () => ({ name: 'app', mode: 'direct', 'admin-url': 'not a url' }),
    'admin-url',
  ),
  database(
    'a mysql admin-url',
    () => ({ name: 'app', mode: 'direct', 'admin-url': 'mysql://a:b@127.0.0.1/x' }),
    'admin-url',
  ),
  database(
    'an admin-url without user',
    () => ({ name: 'app', mode: 'direct', 'admin-url': 'postgres://127.0.0.1/x' }),
    'admin-url',
  ),
  database('direct mode without admin-url', () => ({ name: 'app', mode: 'direct' }), 'admin-url'),
  database('ecs-task (the default) without its task definition', () => ({ name: 'app' }), 'task-definition'),
  database(
    'an owner-password-secret with owner-password',
    () => ({
      ...DIRECT(),
      owner: 'o',
      'owner-password': 'pw',
      'owner-password-secret': 'adhoc/pr-1/db-owner-password',
    }),
    'owner-password',
  ),
  database(
    'an owner-password-secret that is not a name',
    () => ({ ...DIRECT(), owner: 'o', 'owner-password-secret': 'a b' }),
    'owner-password-secret',
  ),
  database('ecs-task mode with admin-url', () => ({ ...ECS_DB, 'admin-url': ADMIN() }), 'admin-url'),
  database('ecs-task: a cluster with a space', () => ({ ...ECS_DB, cluster: 'a b' }), 'cluster'),
  database(
    'ecs-task: a bad task definition',
    () => ({ ...ECS_DB, 'task-definition': 'a b' }),
    'task-definition',
  ),
  database('ecs-task: a container with a newline', () => ({ ...ECS_DB, container: NL }), 'container'),
  database(
    'ecs-task: a database-host with a space',
    () => ({ ...ECS_DB, 'database-host': 'db host' }),
    'database-host',
  ),
  database(
    'ecs-task: a non-ASCII owner-password',
    () => ({ ...ECS_DB, owner: 'app', 'owner-password': 'pässword' }),
    'owner-password',
  ),
  database(
    'ecs-task: timeout-minutes abc',
    () => ({ ...ECS_DB, 'timeout-minutes': 'abc' }),
    'timeout-minutes',
  ),
  database('ecs-task: a subnet that is not an ID', () => ({ ...ECS_DB, subnets: 'net-1' }), 'subnets'),
];

/** Operations that change nothing; anything else on the emulator is a write. */
const READ = /^(Describe|List|Get|Filter)/;

const FILE_CASES: Case[] = [
  register('a file that is not JSON', { 'task-definition-file': 'badJson' }, 'task-definition-file'),
  register('a file without family', { 'task-definition-file': 'noFamily' }, 'task-definition-file'),
  register(
    'a file whose family has a space',
    { 'task-definition-file': 'badFamily' },
    'task-definition-file',
  ),
  register(
    'a file whose container name has a newline',
    { 'task-definition-file': 'badContainer' },
    'task-definition-file',
  ),
  register('a file with a 100 KB image', { 'task-definition-file': 'hugeImage' }, 'task-definition-file'),
];

const ALL = [...CASES, ...FILE_CASES];
const counts = { total: ALL.length, rejected: 0 };

beforeEach(() => {
  emulator.resetCalls();
  slack.requests.length = 0;
  db.connections = 0;
});

describe(`hostile-input sweep: ${ALL.length} cases over 5 actions`, () => {
  test.each(ALL.map((c, i) => [i + 1, ...c] as const))(
    '%i. %s (%s)',
    async (_, label, action, inputs, input) => {
      const given = typeof inputs === 'function' ? inputs() : { ...inputs };
      if (FILE_CASES.some(([l]) => l === label)) {
        given['task-definition-file'] = files[given['task-definition-file']!]!;
      }
      const run = await runAction(action, given, { env: emulator.env() });

      expect(run.exitCode).toBe(1);
      const errorLines = run.stdout.split('\n').filter((line) => line.startsWith('::error'));
      expect(errorLines).toHaveLength(1);
      expect(run.errors).toHaveLength(1);
      const [error] = run.errors;
      expect(error).not.toMatch(/[\r\n]/);
      expect(error!.length).toBeLessThan(600);
      expect(error).toMatch(/^Inputs? "/);
      expect(error).toContain(`"${input}"`);
      expect(run.stdout).not.toMatch(/\n\s+at /);
      const writes = emulator.calls().filter((call) => !READ.test(call.operation));
      expect(writes.map((call) => call.operation)).toEqual([]);
      expect(slack.requests).toHaveLength(0);
      expect(db.connections).toBe(0);
      counts.rejected++;
    },
  );

  test('every case was rejected cleanly', () => {
    console.log(
      `hostile-input sweep: ${counts.rejected} of ${counts.total} rejected with one line and no write`,
    );
    expect(counts.rejected).toBe(counts.total);
    expect(counts.total).toBeGreaterThanOrEqual(100);
  });
});
