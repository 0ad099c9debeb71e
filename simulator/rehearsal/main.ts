/**
 * npm run rehearse -- <workflow file> [--input k=v ...] [--secret k=v ...] [--var k=v ...]
 *   [--event name] [--event-payload file.json] [--approve] [--caller-repo dir] [--terraform-root dir] [--keep]
 *
 * Runs a reusable workflow on this machine, job by job and step by step, as the runner does:
 * see simulator/rehearsal/README.md.
 */
import './json-imports.ts';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = new URL('../..', import.meta.url).pathname;
const USAGE =
  'usage: npm run rehearse -- <workflow.yml> [--input k=v ...] [--secret k=v ...] [--var k=v ...] [--event name] [--event-payload file.json] [--approve] [--caller-repo dir] [--terraform-root dir] [--keep]';

function pairs(list: string[] | undefined, flag: string): Record<string, string> {
  return Object.fromEntries(
    (list ?? []).map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`--${flag} ${pair}: expected name=value`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      input: { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
      var: { type: 'string', multiple: true },
      event: { type: 'string', default: 'workflow_dispatch' },
      'event-payload': { type: 'string' },
      approve: { type: 'boolean', default: false },
      'caller-repo': { type: 'string', default: join(ROOT, 'examples/django-repo') },
      'terraform-root': { type: 'string', default: join(ROOT, 'terraform/examples/ad-hoc') },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (args.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (args.positionals.length !== 1) throw new Error('give exactly one workflow file');
} catch (error) {
  console.error(`rehearse: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const { rehearse } = await import('./engine.ts');
const { startServices, oneOffTasksSucceed } = await import('./services.ts');
const flags = args.values;
const inputs = pairs(flags.input, 'input');
const workDir = await mkdtemp(join(tmpdir(), 'rehearsal-'));
const running: { services?: Awaited<ReturnType<typeof startServices>> } = {};
// Ctrl-C: the terminal signals the steps' processes too; stop the services and clean up.
process.once('SIGINT', () => {
  console.error('\nrehearse: interrupted; stopping the local services');
  void (running.services?.stop() ?? Promise.resolve())
    .then(() => (flags.keep ? undefined : rm(workDir, { recursive: true, force: true })))
    .finally(() => process.exit(130));
});
const services = await startServices();
running.services = services;
const started = Date.now();
let exitCode = 1;
try {
  if (inputs['environment']) oneOffTasksSucceed(services.emulator, inputs['environment']);
  const result = await rehearse(resolve(args.positionals[0]!), {
    repoRoot: ROOT,
    callerRepo: resolve(flags['caller-repo']!),
    terraformRoot: flags['terraform-root'] === '' ? '' : resolve(flags['terraform-root']!),
    inputs,
    secrets: { ...services.secrets, ...pairs(flags.secret, 'secret') },
    vars: pairs(flags.var, 'var'),
    event: {
      name: flags.event!,
      payload: flags['event-payload'] ? JSON.parse(await readFile(flags['event-payload'], 'utf8')) : {},
    },
    approveEnvironments: flags.approve!,
    awsEnv: services.emulator.env(),
    redirects: services.redirects,
    workDir,
    terraformState: join(workDir, 'terraform-state'),
    print: (line) => console.log(line),
  });
  console.log('\n━━ Rehearsal finished');
  for (const a of result.annotations) console.log(`${a.level}: ${a.step}: ${a.message}`);
  // One summary file per workflow name outside the run folder, replaced by the next rehearsal.
  const summary = join(tmpdir(), `rehearsal-${basename(args.positionals[0]!, '.yml')}-summary.md`);
  await copyFile(result.summaryFile, summary);
  console.log(`Job summary (${summary}):`);
  console.log((await readFile(summary, 'utf8')).trimEnd());
  for (const [name, value] of Object.entries(result.outputs)) console.log(`output ${name}: ${value}`);
  for (const m of services.slack.messages)
    console.log(`Slack ${m.channel} (updated ${m.updates}×): ${m.text}`);
  console.log(
    `${result.conclusion === 'success' ? '✓' : '✗'} ${args.positionals[0]}: ${result.conclusion} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  exitCode = result.conclusion === 'success' ? 0 : 1;
} catch (error) {
  console.error(`rehearse: ${(error as Error).message}`);
} finally {
  await services.stop();
  if (!flags.keep) {
    // The summary is printed above; keep the folder only when asked.
    await rm(workDir, { recursive: true, force: true });
  }
}
process.exit(exitCode);
