import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Step } from '@actions/workflow-parser/model/workflow-template';
import { runAction } from '../runner/run-action.ts';
import type { Contexts } from './expressions.ts';
import { actionInputs, loadAction, runComposite, type LoadedAction } from './composite.ts';
import { collectSummary, readFileCommands, type Run } from './engine.ts';
import { standIn } from './stand-ins/index.ts';
import { CommandReader } from './workflow-commands.ts';

/** What a GitHub-hosted runner has installed that a step may call (stand-ins): gh. */
const RUNNER_TOOLS = 'simulator/rehearsal/stand-ins/runner-bin';

export interface StepSpec {
  step: Step;
  title: string;
  /** The env context of the step (workflow, job, GITHUB_ENV and step `env:`). */
  env: Record<string, string>;
  /** GITHUB_PATH entries so far, newest first. */
  path: string[];
  with: Record<string, string>;
  run: string | undefined;
  shell: string;
  workspace: string;
  workingDirectory: string;
  runnerTemp: string;
  timeoutMinutes: number;
  contexts: Contexts;
  print: (line: string) => void;
  /** GITHUB_ACTION_PATH: the folder of the composite action this step belongs to. */
  actionPath?: string;
}

export interface StepResult {
  outcome: 'success' | 'failure';
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
}

/** Files and variables the runner gives every step. */
async function stepFiles(spec: StepSpec) {
  const dir = await mkdtemp(join(spec.runnerTemp, '..', 'step-'));
  const files = {
    output: join(dir, 'output'),
    env: join(dir, 'env'),
    path: join(dir, 'path'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary'),
    event: join(dir, 'event.json'),
  };
  for (const file of Object.values(files)) await writeFile(file, '');
  const github = spec.contexts['github'] as Record<string, string>;
  await writeFile(files.event, JSON.stringify(github['event'] ?? {}));
  return files;
}

function baseEnv(
  run: Run,
  spec: StepSpec,
  files: Awaited<ReturnType<typeof stepFiles>>,
): Record<string, string> {
  const github = spec.contexts['github'] as Record<string, string>;
  return {
    // The runner image's tools (gh) after what steps put on PATH, before the machine's own.
    PATH: [...spec.path, join(run.options.repoRoot, RUNNER_TOOLS), process.env['PATH'] ?? ''].join(':'),
    HOME: process.env['HOME'] ?? spec.runnerTemp,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: spec.workspace,
    GITHUB_REPOSITORY: github['repository']!,
    GITHUB_REPOSITORY_OWNER: github['repository_owner']!,
    GITHUB_SHA: github['sha']!,
    GITHUB_REF: github['ref']!,
    GITHUB_REF_NAME: github['ref_name']!,
    GITHUB_RUN_ID: github['run_id']!,
    GITHUB_RUN_NUMBER: github['run_number']!,
    GITHUB_RUN_ATTEMPT: github['run_attempt']!,
    GITHUB_ACTOR: github['actor']!,
    GITHUB_SERVER_URL: github['server_url']!,
    GITHUB_API_URL: github['api_url']!,
    GITHUB_EVENT_NAME: github['event_name']!,
    GITHUB_WORKFLOW: github['workflow']!,
    GITHUB_JOB: github['job']!,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: spec.runnerTemp,
    // For the stand-ins (the terraform wrapper finds the rehearsal's state through these).
    REHEARSAL_ROOT: run.options.repoRoot,
    REHEARSAL_TF_STATE: run.options.terraformState,
    REHEARSAL_NODE: join(run.options.repoRoot, 'node_modules/node/bin/node'),
    ...(spec.actionPath ? { GITHUB_ACTION_PATH: spec.actionPath } : {}),
    ...spec.env,
  };
}

/** Splits streamed output into lines and shows each as the runner would (commands, masks). */
function lineWriter(reader: CommandReader, print: (line: string) => void) {
  let partial = '';
  return {
    write(chunk: string) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const shown = reader.line(line.replace(/\r$/, ''));
        if (shown !== undefined) for (const part of shown.split('\n')) print(`   ${part}`);
      }
    },
    end() {
      if (partial !== '') this.write('\n');
    },
  };
}

export async function runStep(run: Run, spec: StepSpec): Promise<StepResult> {
  const files = await stepFiles(spec);
  const env = baseEnv(run, spec, files);
  const reader = new CommandReader(run.masker, spec.title);
  const writer = lineWriter(reader, spec.print);
  let ok: boolean;
  let outputs: Record<string, string> | undefined;
  // What a composite action's steps exported, for the steps after it.
  let exported: { env: Record<string, string>; path: string[] } = { env: {}, path: [] };
  try {
    if (spec.run !== undefined) {
      ok = await runShell(run, spec, env, writer);
    } else if ('uses' in spec.step) {
      const uses = spec.step.uses.value;
      // Ours (any ref: this checkout is the version under test), or `./` in the caller's checkout.
      const own = /^adhoc-actions\/adhoc-actions\/([a-z0-9._/-]+)@[^@]+$/.exec(uses);
      const local = /^\.\/([a-z0-9._/-]+)$/i.exec(uses);
      if (own || local) {
        const dir = own ? join(run.options.repoRoot, own[1]!) : join(spec.workspace, local![1]!);
        if (!existsSync(join(dir, 'action.yml'))) throw new Error(`${uses}: there is no ${dir}/action.yml`);
        const action = await loadAction(dir);
        const result =
          action.template.runs?.using === 'composite'
            ? await runCompositeStep(run, action, spec, writer)
            : await runOwnAction(run, action, spec, env, writer);
        ok = result.ok;
        outputs = result.outputs;
        exported = { env: result.env, path: result.path };
      } else {
        const found = standIn(uses);
        if (!found) {
          const message = `no stand-in for 'uses: ${uses}': the rehearsal cannot run this step (add one in simulator/rehearsal/stand-ins/)`;
          spec.print(`   Error: ${message}`);
          run.annotations.push({ level: 'error', step: spec.title, message });
          return { outcome: 'failure', outputs: {}, env: {}, path: [] };
        }
        spec.print(`   [rehearsal] ${uses} is a stand-in: ${found.describe}`);
        ok = await found.run({
          with: spec.with,
          env,
          workspace: spec.workspace,
          workingDirectory: spec.workingDirectory,
          run,
          print: (line) => writer.write(`${line}\n`),
        });
      }
    } else {
      throw new Error(`step ${spec.step.id} has neither run nor uses`);
    }
  } catch (error) {
    writer.write(`::error::${(error as Error).message}\n`);
    ok = false;
  }
  writer.end();
  run.annotations.push(...reader.annotations);
  await collectSummary(run, files.summary);
  let commands;
  try {
    commands = await readFileCommands(files);
  } catch (error) {
    spec.print(`   Error: ${(error as Error).message}`);
    return { outcome: 'failure', outputs: {}, env: {}, path: [] };
  }
  return {
    outcome: ok ? 'success' : 'failure',
    outputs: { ...commands.outputs, ...outputs },
    env: { ...commands.env, ...exported.env },
    path: [...exported.path, ...commands.path],
  };
}

/** Lets a canceller (the demo's Ctrl-C) signal the step's process while it runs. */
function track(run: Run, child: import('node:child_process').ChildProcess): void {
  const children = run.options.children;
  if (!children) return;
  children.add(child);
  child.once('close', () => children.delete(child));
}

const SHELLS: Record<string, string[]> = {
  bash: ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'],
  sh: ['sh', '-e', '{0}'],
  python: ['python3', '{0}'],
  node: ['node', '{0}'],
};

async function runShell(
  run: Run,
  spec: StepSpec,
  env: Record<string, string>,
  writer: ReturnType<typeof lineWriter>,
): Promise<boolean> {
  if (!existsSync(spec.workingDirectory)) {
    writer.write(`::error::working-directory ${spec.workingDirectory} does not exist\n`);
    return false;
  }
  const script = join(spec.runnerTemp, `step-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
  await writeFile(script, spec.run!);
  const shell = spec.shell === '' ? 'bash' : spec.shell;
  const template = SHELLS[shell] ?? (shell.includes('{0}') ? shell.split(/\s+/) : undefined);
  if (!template) {
    writer.write(`::error::shell '${shell}' is not supported by the rehearsal\n`);
    return false;
  }
  const [command, ...args] = template.map((part) => part.replace('{0}', script)) as [string, ...string[]];
  const child = spawn(command, args, { cwd: spec.workingDirectory, env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(run, child);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => writer.write(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => writer.write(chunk));
  return waitFor(child, spec.timeoutMinutes, writer);
}

async function waitFor(
  child: import('node:child_process').ChildProcess,
  timeoutMinutes: number,
  writer: ReturnType<typeof lineWriter>,
): Promise<boolean> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, timeoutMinutes * 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  if (timedOut) writer.write(`::error::The step timed out after ${timeoutMinutes} minutes\n`);
  else if (code !== 0) writer.write(`::error::Process completed with exit code ${code}.\n`);
  return code === 0 && !timedOut;
}

/** One of our node24 actions from this checkout's dist/, with action.yml's defaults. */
async function runOwnAction(
  run: Run,
  action: LoadedAction,
  spec: StepSpec,
  env: Record<string, string>,
  writer: ReturnType<typeof lineWriter>,
): Promise<{ ok: boolean; outputs: Record<string, string>; env: Record<string, string>; path: string[] }> {
  // runAction runs the bundle with this process's Node; the runner runs node24 actions on Node 24.
  if (Number(process.versions.node.split('.')[0]) !== 24)
    throw new Error(`run the rehearsal on Node 24 (npm run puts it first on PATH), not ${process.version}`);
  const name = relative(run.options.repoRoot, action.dir);
  if (action.template.runs?.using !== 'node24')
    throw new Error(`${name}: runs.using is ${action.template.runs?.using}, not node24`);
  // The runner warns and goes on; a typo here is a bug in the workflow, so say so loudly.
  const inputs = actionInputs(action, spec.with, { contexts: spec.contexts, status: 'success' }, (message) =>
    writer.write(`::warning::${message}\n`),
  );
  for (const [input, value] of Object.entries(inputs)) {
    const redirect = run.options.redirects?.[value];
    if (redirect === undefined) continue;
    writer.write(`[rehearsal] ${input}: ${value} is ${redirect} here\n`);
    inputs[input] = redirect;
  }
  const { PATH, ...rest } = env;
  const result = await runAction(name, inputs, {
    cwd: spec.workspace,
    env: { ...rest, PATH: PATH ?? '' },
    summaryFile: env['GITHUB_STEP_SUMMARY']!,
    onStdout: (chunk) => writer.write(chunk),
    onSpawn: (child) => track(run, child),
  });
  if (result.stderr.trim() !== '')
    writer.write(result.stderr.endsWith('\n') ? result.stderr : `${result.stderr}\n`);
  // The runner adds no line of its own when a node action fails (the action said why), but one
  // killed by a signal said nothing.
  if (result.exitCode === null) writer.write(`::error::${name} was killed by ${result.signal}\n`);
  return { ok: result.exitCode === 0, outputs: result.outputs, env: {}, path: [] };
}

/** A composite action: its steps run here one by one, each as a step of its own. */
async function runCompositeStep(
  run: Run,
  action: LoadedAction,
  spec: StepSpec,
  writer: ReturnType<typeof lineWriter>,
) {
  const inputs = actionInputs(action, spec.with, { contexts: spec.contexts, status: 'success' }, (message) =>
    writer.write(`::warning::${message}\n`),
  );
  spec.print(
    `   [rehearsal] composite action ${relative(run.options.repoRoot, action.file)}: its steps run here`,
  );
  return runComposite(
    run,
    action,
    inputs,
    { env: spec.env, path: spec.path, contexts: spec.contexts, workspace: spec.workspace },
    async (step, print) => {
      const result = await runStep(run, {
        ...step,
        workspace: spec.workspace,
        runnerTemp: spec.runnerTemp,
        timeoutMinutes: spec.timeoutMinutes,
        print,
      });
      return {
        ok: result.outcome === 'success',
        outputs: result.outputs,
        env: result.env,
        path: result.path,
      };
    },
    (line) => spec.print(`   ${line}`),
  );
}
