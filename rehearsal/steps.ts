import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Step } from '@actions/workflow-parser/model/workflow-template';
import { runAction } from '../test/helpers/run-action.ts';
import { evaluate, asString, type Contexts } from './expressions.ts';
import { collectSummary, readFileCommands, type Run } from './engine.ts';
import { standIn } from './stand-ins/index.ts';
import { CommandReader } from './workflow-commands.ts';

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
    PATH: [...spec.path, process.env['PATH'] ?? ''].join(':'),
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
        if (shown !== undefined) print(`   ${shown}`);
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
  try {
    if (spec.run !== undefined) {
      ok = await runShell(spec, env, writer);
    } else if ('uses' in spec.step) {
      const uses = spec.step.uses.value;
      const own = /^adhoc-actions\/adhoc-actions\/([a-z-]+)@.+$/.exec(uses);
      if (own) {
        const result = await runOwnAction(run, own[1]!, spec, env, writer);
        ok = result.ok;
        outputs = result.outputs;
      } else {
        const found = standIn(uses);
        if (!found) {
          const message = `no stand-in for 'uses: ${uses}': the rehearsal cannot run this step (add one in rehearsal/stand-ins/)`;
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
    env: commands.env,
    path: commands.path,
  };
}

const SHELLS: Record<string, string[]> = {
  bash: ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'],
  sh: ['sh', '-e', '{0}'],
  python: ['python3', '{0}'],
  node: ['node', '{0}'],
};

async function runShell(
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

interface ActionYaml {
  inputs?: Record<string, { default?: unknown; required?: boolean }>;
  runs?: { using?: string; main?: string };
}

/** One of our actions from this checkout's dist/, with action.yml's defaults, as node24 runs it. */
async function runOwnAction(
  run: Run,
  action: string,
  spec: StepSpec,
  env: Record<string, string>,
  writer: ReturnType<typeof lineWriter>,
): Promise<{ ok: boolean; outputs: Record<string, string> }> {
  // runAction runs the bundle with this process's Node; the runner runs node24 actions on Node 24.
  if (Number(process.versions.node.split('.')[0]) !== 24)
    throw new Error(`run the rehearsal on Node 24 (npm run puts it first on PATH), not ${process.version}`);
  const file = join(run.options.repoRoot, action, 'action.yml');
  if (!existsSync(file))
    throw new Error(`adhoc-actions/adhoc-actions/${action}: there is no ${action}/action.yml`);
  const definition = parseYaml(await readFile(file, 'utf8')) as ActionYaml;
  if (definition.runs?.using !== 'node24')
    throw new Error(`${action}: runs.using is ${definition.runs?.using}, not node24`);
  const declared = definition.inputs ?? {};
  const unexpected = Object.keys(spec.with).filter((name) => !(name in declared));
  if (unexpected.length > 0) {
    // The runner warns and goes on; a typo here is a bug in the workflow, so say so loudly.
    writer.write(
      `::warning::Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ${Object.keys(declared).join(', ')}\n`,
    );
  }
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(declared)) {
    let value = spec.with[name] ?? defaultValue(input.default, spec.contexts);
    const redirect = run.options.redirects?.[value];
    if (redirect !== undefined) {
      writer.write(`[rehearsal] ${name}: ${value} is ${redirect} here\n`);
      value = redirect;
    }
    inputs[name] = value;
  }
  const { PATH, ...rest } = env;
  const result = await runAction(action, inputs, {
    cwd: spec.workspace,
    env: { ...rest, PATH: PATH ?? '' },
    summaryFile: env['GITHUB_STEP_SUMMARY']!,
    onStdout: (chunk) => writer.write(chunk),
  });
  if (result.stderr.trim() !== '')
    writer.write(result.stderr.endsWith('\n') ? result.stderr : `${result.stderr}\n`);
  if (result.exitCode !== 0)
    writer.write(`::error::${action} exited with ${result.exitCode ?? result.signal}\n`);
  return { ok: result.exitCode === 0, outputs: result.outputs };
}

function defaultValue(value: unknown, contexts: Contexts): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  const whole = /^\$\{\{(.*)\}\}$/s.exec(text.trim());
  return whole ? asString(evaluate(whole[1]!, { contexts, status: 'success' })) : text;
}
