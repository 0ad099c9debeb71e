/**
 * The local demo: deploys the ad hoc environment `feature-abc` end to end on this machine with
 * the built actions, in the order and with the inputs the ad-hoc-deploy workflow gives them.
 * The AWS emulator plays ECS and CloudWatch Logs, PGlite plays RDS, a local server plays Slack.
 *
 *   npm run demo                      first run creates, the next ones update
 *   npm run demo -- --fail-migration  a migration PostgreSQL refuses stops the rollout
 *   npm run demo -- --reset           forget the environment (state is kept in .demo/)
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../test/emulator/index.ts';
import { ROOT, runAction, type ActionRun } from '../test/helpers/run-action.ts';
import { startPglite } from '../test/helpers/pglite.ts';
import { startSlackServer, TOKEN } from '../test/slack/server.ts';
import { BACKEND_FAMILIES, loadEnvironment, ROLLED_OUT, saveEnvironment } from './environment.ts';
import { heading, liveLog, renderSummary } from './terminal.ts';

const NAME = 'feature-abc';
const { values: flags } = parseArgs({
  options: {
    'fail-migration': { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    'state-dir': { type: 'string', default: join(ROOT, '.demo') },
  },
});
const stateDir = flags['state-dir']!;
if (flags.reset) await rm(stateDir, { recursive: true, force: true });
await mkdir(stateDir, { recursive: true });

const emulator = await startEmulator();
const slack = await startSlackServer();
const database = await startPglite(join(stateDir, 'pglite'));
const summaryFile = join(stateDir, 'job-summary.html');
await writeFile(summaryFile, '');

/** One step of the job: the action's log as it runs, and its result. */
async function step(title: string, action: string, inputs: Record<string, string>): Promise<ActionRun> {
  heading(title);
  const run = await runAction(action, inputs, {
    env: {
      ...emulator.env(),
      GITHUB_REPOSITORY: 'acme/blog',
      GITHUB_SHA: 'c0ffee1234567890c0ffee1234567890c0ffee12',
      GITHUB_ACTOR: process.env['USER'] ?? 'demo',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(Date.now()),
      GITHUB_WORKFLOW: 'ad-hoc-deploy',
    },
    summaryFile,
    onStdout: liveLog(),
  });
  return run;
}

async function ownerPassword(): Promise<string> {
  const file = join(stateDir, 'owner-password');
  if (!existsSync(file)) await writeFile(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  return readFile(file, 'utf8');
}

async function deploy(deploys: number): Promise<boolean> {
  const release = `v${deploys + 1}`;
  console.log(
    `\nDeploying ${release} of ${NAME} (${deploys === 0 ? 'create' : 'update'}) — state in ${stateDir}`,
  );
  const started = await step('Slack: deploy started', 'slack-notify', {
    token: TOKEN,
    channel: 'deploys',
    'api-url': `${slack.url}/api/`,
    status: 'started',
    environment: NAME,
    url: `https://${NAME}.example.com`,
    version: release,
  });
  const notify = (status: 'success' | 'failure', text: string) =>
    step(`Slack: deploy ${status === 'success' ? 'succeeded' : 'failed'}`, 'slack-notify', {
      token: TOKEN,
      'api-url': `${slack.url}/api/`,
      'message-ts': started.outputs['message-ts'] ?? '',
      'channel-id': started.outputs['channel-id'] ?? '',
      channel: 'deploys',
      status,
      environment: NAME,
      url: `https://${NAME}.example.com`,
      version: release,
      text,
    });

  const registered = await step('Register task definitions', 'register-task-definition', {
    'task-definitions': BACKEND_FAMILIES.map((c) => `${NAME}-${c}`).join('\n'),
    'image-tag': release,
    repository: 'backend',
    environment: `RELEASE=${release}`,
  });
  if (registered.exitCode !== 0) return fail(notify, 'Registering the task definitions failed.');
  const arns = JSON.parse(registered.outputs['task-definition-arns']!) as Record<string, string>;

  const db = await step('Create database', 'create-database', {
    mode: 'direct',
    'admin-url': database.adminUrl,
    name: NAME.replace(/-/g, '_'),
    owner: NAME.replace(/-/g, '_'),
    'owner-password': await ownerPassword(),
  });
  if (db.exitCode !== 0) return fail(notify, 'Creating the database failed.');

  const oneOff = (title: string, command: string, extra: string[] = []) =>
    step(title, 'run-migration-task', {
      cluster: NAME,
      'task-definition': arns[`${NAME}-migrate`]!,
      command,
      environment: [`DATABASE_URL=${db.outputs['database-url']}`, `RELEASE=${release}`, ...extra].join('\n'),
      'network-from-service': `${NAME}-gunicorn`,
    });
  const manage = 'node demo/app/manage.ts';
  const migrated = await oneOff(
    'Migrate (one-off task, logs live)',
    `${manage} migrate`,
    flags['fail-migration'] ? ['FAIL_MIGRATION=1'] : [],
  );
  if (migrated.exitCode !== 0)
    return fail(notify, `Migrations failed, nothing was rolled out. ${migrated.errors.join('\n')}`);
  const collected = await oneOff('Collect static files', `${manage} collectstatic`);
  if (collected.exitCode !== 0) return fail(notify, 'collectstatic failed.');

  const rolled = await step('Rolling update of gunicorn, celery and beat', 'rolling-update', {
    cluster: NAME,
    services: ROLLED_OUT.map((c) => `${NAME}-${c}`).join('\n'),
    'task-definitions': registered.outputs['task-definition-arns']!,
  });
  if (rolled.exitCode !== 0) return fail(notify, 'The rolling update failed.');
  await notify('success', `${release} is live on https://${NAME}.example.com`);
  return true;
}

async function fail(
  notify: (status: 'failure', text: string) => Promise<ActionRun>,
  text: string,
): Promise<false> {
  await notify('failure', text);
  console.error(`\n✗ ${text}`);
  return false;
}

try {
  const deploys = await loadEnvironment(emulator, NAME, stateDir);
  // How the emulated tasks behave: services start in a moment, the migrate container is real.
  emulator.setTiming({ provisionMs: 100, startMs: 500, stopMs: 150 });
  emulator.setTaskBehavior(`${NAME}-migrate`, { localProcess: true, startMs: 300 });
  const ok = await deploy(deploys);
  if (ok) await saveEnvironment(emulator, stateDir, deploys + 1);

  heading('Job summary');
  console.log(renderSummary(await readFile(summaryFile, 'utf8')));
  const message = slack.messages.at(-1);
  if (message) console.log(`\nSlack #deploys (updated ${message.updates}×): ${message.text}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  await database.stop();
  await slack.stop();
  await emulator.stop();
}
