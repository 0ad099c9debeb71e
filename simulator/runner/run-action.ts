import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowLogReader } from './workflow-log.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** stdout lines without `::debug::` and other workflow commands (but with text printed while commands were stopped). */
  lines: string[];
  /** `::error::` messages the runner would show. */
  errors: string[];
  /** `::warning::` messages, unescaped as the runner shows them. */
  warnings: string[];
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Called for every stdout chunk as it arrives (live log tests). */
  onStdout?: (chunk: string) => void;
  /** A job summary file shared by several steps (kept); default: one of this run's own. */
  summaryFile?: string;
  /** Gives the caller the child, e.g. to send it SIGTERM. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** `INPUT_` + the name upper-cased with spaces as `_`, hyphens kept: what the runner sets. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]),
  );
}

/**
 * Runs dist/<action>/index.js as the GitHub runner does: Node (this process's binary, Node 24),
 * inputs in INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and nothing of this
 * process's AWS settings.
 */
export async function runAction(
  action: string,
  inputs: Record<string, string>,
  options: RunOptions = {},
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), `${action}-`));
  const outputFile = join(dir, 'output');
  const summaryFile = options.summaryFile ?? join(dir, 'summary');
  await writeFile(outputFile, '');
  if (!options.summaryFile) await writeFile(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ACTIONS: 'true',
    ...inputEnv(inputs),
    ...options.env,
  };
  const child = spawn(process.execPath, [join(ROOT, 'dist', action, 'index.js')], {
    env,
    cwd: options.cwd ?? dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.onStdout?.(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  const [outputText, summary] = await Promise.all([
    readFile(outputFile, 'utf8'),
    readFile(summaryFile, 'utf8'),
  ]);
  await rm(dir, { recursive: true, force: true });
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    summary,
    ...parseLog(stdout),
  };
}

/** The text lines and `::error::` messages of a finished run, as the runner would show them. */
export function parseLog(stdout: string): { lines: string[]; errors: string[]; warnings: string[] } {
  const reader = new WorkflowLogReader();
  const lines: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const line of stdout.split('\n')) {
    const read = reader.read(line);
    if (read.kind === 'text' && read.text !== '') lines.push(read.text);
    else if (read.kind === 'error') errors.push(read.text);
    else if (read.kind === 'warning') warnings.push(read.text);
  }
  return { lines, errors, warnings };
}

/** Parses the `name<<DELIMITER ... DELIMITER` blocks @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}
