/**
 * The local demo IS the rehearsal of .github/workflows/ad-hoc-deploy.yml (rehearsal/): the same
 * file, parsed and run step by step, against the AWS emulator, PGlite and a local Slack. So a
 * change to the workflow shows up here without touching this file.
 *
 *   npm run demo                      first run creates feature-abc, the next ones update it
 *   npm run demo -- --fail-migration  a migration PostgreSQL refuses stops the deploy
 *   npm run demo -- --fail-rollout    the new gunicorn crashes: reported, rolled back
 *   npm run demo -- --reset           forget the environment (state is kept in .demo/)
 */
import '../rehearsal/json-imports.ts';
import type { ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { acquireLock, DemoError, loadState, resetState, saveState, type DemoState } from './state.ts';
import { renderSummary, StepTracker } from './terminal.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const NAME = 'feature-abc';
const USAGE = `usage: npm run demo -- [--fail-migration | --fail-rollout] [--reset] [--state-dir dir] [--workflow file]

Rehearses .github/workflows/ad-hoc-deploy.yml for ${NAME} on this machine (AWS emulator, PGlite,
a local Slack): the first run creates the environment, each next run deploys the next version.
  --fail-migration  the new migration fails: nothing is rolled out
  --fail-rollout    the new gunicorn crashes on start: reported with its logs, rolled back
  --reset           forget the environment first
  --state-dir dir   where the environment is kept between runs (default .demo/)
  --workflow file   rehearse another copy of ad-hoc-deploy.yml
  --help            this text`;

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        'fail-migration': { type: 'boolean', default: false },
        'fail-rollout': { type: 'boolean', default: false },
        reset: { type: 'boolean', default: false },
        'state-dir': { type: 'string', default: join(ROOT, '.demo') },
        workflow: { type: 'string', default: join(ROOT, '.github/workflows/ad-hoc-deploy.yml') },
        help: { type: 'boolean', default: false },
      },
    });
    if (values['fail-migration'] && values['fail-rollout'])
      throw new Error('--fail-migration and --fail-rollout: choose one');
    return values;
  } catch (error) {
    // parseArgs explains at length; one line names the option.
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message);
    const message = unknown ? `unknown option '${unknown[1]}'` : (error as Error).message.split('\n')[0];
    console.error(`demo: ${message} (npm run demo -- --help)`);
    process.exit(2);
  }
}

const flags = parse();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const stateDir = resolve(flags['state-dir']!);

let release: () => void = () => {};
let state: DemoState;
try {
  release = await acquireLock(stateDir);
  if (flags.reset) await resetState(stateDir);
  state = await loadState(stateDir);
} catch (error) {
  release();
  if (!(error instanceof DemoError)) throw error;
  console.error(`demo: ${error.message}`);
  process.exit(1);
}
process.on('exit', () => release());

const { rehearse } = await import('../rehearsal/engine.ts');
const { startServices } = await import('../rehearsal/services.ts');
const { restoreEmulator, snapshotEmulator, revisionFor } = await import('./environment.ts');

const version = `v${state.deploys + 1}`;
const started = Date.now();
const workDir = await mkdtemp(join(tmpdir(), 'demo-run-'));
const services = await startServices(join(stateDir, 'pglite'));
const cancel = new AbortController();
const children = new Set<ChildProcess>();
const tracker = new StepTracker();

// Ctrl-C: the runner's cancel. The running step's process gets SIGINT (run-migration-task stops
// its one-off task and says so), steps not started are cancelled, then everything is cleaned up.
process.on('SIGINT', () => {
  if (cancel.signal.aborted) return;
  console.log('\n^C: cancelling the run (the running step gets SIGINT, as on GitHub)');
  cancel.abort();
  for (const child of children) child.kill('SIGINT');
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, 10_000).unref();
});

let exitCode = 1;
try {
  restoreEmulator(services.emulator, NAME, state.emulator);
  const emulator = services.emulator;
  emulator.setTaskBehavior(`${NAME}-migrate`, { localProcess: true, startMs: 300 });
  if (flags['fail-rollout']) {
    const revision = revisionFor(emulator, `${NAME}-gunicorn`, version);
    if (revision === undefined)
      throw new DemoError('--fail-rollout rolls back to the running version: run npm run demo once first');
    emulator.setTaskBehavior(`${NAME}-gunicorn:${revision}`, {
      startMs: 200,
      logs: [
        { afterMs: 50, message: 'Traceback (most recent call last):' },
        { afterMs: 60, message: "ModuleNotFoundError: No module named 'blog.feeds'" },
      ],
      exitAfterMs: 150,
      exitCode: 1,
      stoppedReason: 'Essential container in task exited',
    });
  }
  // The one-off container is simulator/demo/app/manage.ts, run as a local process against PGlite.
  const port = new URL(services.database.adminUrl).port;
  const app = [
    'env',
    `DATABASE_URL=postgres://postgres@127.0.0.1:${port}/${NAME.replace(/-/g, '_')}`,
    `RELEASE=${version}`,
    ...(flags['fail-migration'] ? ['FAIL_MIGRATION=1'] : []),
    'node',
    'simulator/demo/app/manage.ts',
  ].join(' ');
  const workflow = resolve(flags.workflow!);
  console.log(
    `Deploying ${version} of ${NAME} (${state.deploys === 0 ? 'create' : 'update'}) by rehearsing ${relative(ROOT, workflow)} — state in ${relative(process.cwd(), stateDir) || '.'}`,
  );
  const result = await rehearse(workflow, {
    repoRoot: ROOT,
    callerRepo: join(ROOT, 'examples/django-repo'),
    terraformRoot: join(ROOT, 'terraform/examples/ad-hoc'),
    inputs: {
      environment: NAME,
      'image-tag': version,
      'backend-config': 'bucket=acme-terraform-state\nkey=adhoc/terraform.tfstate\nregion=us-east-1',
      'aws-region': 'us-east-1',
      'role-to-assume': 'arn:aws:iam::123456789012:role/github-actions/github-actions-preview',
      'slack-channel': 'deploys',
      'migrate-command': `${app} migrate`,
      'collectstatic-command': `${app} collectstatic`,
    },
    secrets: services.secrets,
    approveEnvironments: false,
    awsEnv: services.emulator.env(),
    redirects: services.redirects,
    terraformState: join(stateDir, 'terraform'),
    workDir,
    signal: cancel.signal,
    children,
    print: (line) => {
      tracker.line(line);
      console.log(line);
    },
  });
  // Whatever happened, the emulator keeps what the run registered and rolled out (or back).
  state = {
    deploys: state.deploys + (result.conclusion === 'success' ? 1 : 0),
    emulator: snapshotEmulator(emulator),
  };
  await saveState(stateDir, state);

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (cancel.signal.aborted) {
    console.log(`\nInterrupted after ${seconds} s. Where each step was:`);
    for (const line of tracker.report()) console.log(`  ${line}`);
    exitCode = 130;
  } else {
    const summary = join(stateDir, 'job-summary.md');
    await copyFile(result.summaryFile, summary);
    console.log(`\n━━ Job summary (${relative(process.cwd(), summary)}):`);
    console.log(renderSummary(await readFile(summary, 'utf8')));
    const message = services.slack.messages.at(-1);
    if (message) console.log(`Slack #deploys (updated ${message.updates}×): ${message.text.split('\n')[0]}`);
    const url = result.outputs['url'] || `https://${NAME}.example.com`;
    console.log(`Environment: ${url}`);
    if (result.conclusion === 'success') {
      console.log(`✓ ${NAME} ${version} live at ${url} in ${seconds} s`);
      exitCode = 0;
    } else {
      // The error itself is in the step's log above: said once.
      const failed = tracker.failed();
      console.log(
        `✗ ${NAME} ${version} failed${failed ? ` at step ${failed}` : ''} in ${seconds} s (the error is in that step's log above)`,
      );
    }
  }
} catch (error) {
  console.error(`demo: ${(error as Error).message.split('\n')[0]}`);
  exitCode = error instanceof DemoError ? 1 : 70;
} finally {
  await services.stop();
  await rm(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
