import { appendFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { jobClaims } from '../aws/iam/trust.ts';
import { createHash } from 'node:crypto';
import { globSync, readFileSync, statSync } from 'node:fs';
import { isMapping } from '@actions/workflow-parser';
import type {
  Job,
  ReusableWorkflowJob,
  Step,
  WorkflowJob,
} from '@actions/workflow-parser/model/workflow-template';
import {
  asString,
  evaluateStrings,
  evaluateToken,
  truthy,
  type Contexts,
  type Json,
  type Scope,
} from './expressions.ts';
import { parseKeyValueFile, parsePathFile } from './file-commands.ts';
import { runStep, type StepResult } from './steps.ts';
import { at, loadWorkflow, type LoadedWorkflow } from './workflow.ts';
import { Masker, type Annotation } from './workflow-commands.ts';

export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

/** What a rehearsal needs from the machine it plays GitHub on. */
export interface RehearsalOptions {
  /** Repository root: our actions (dist/), reusable workflows, stand-ins. */
  repoRoot: string;
  /** The caller repository the checkout stand-in copies (a folder). */
  callerRepo: string;
  /** The Terraform root copied into the caller repository's `terraform/`; empty for none. */
  terraformRoot: string;
  /** More roots, by the folder of the caller repository they are copied to (e.g. terraform/prod). */
  terraformRoots?: Record<string, string>;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  vars?: Record<string, string>;
  /** github.event_name and github.event. */
  event?: { name: string; payload: Record<string, Json> };
  /**
   * Approve `environment:` gates (true) or refuse them; or decide per job, as a reviewer who
   * approves one pending job and rejects another (a gated canary's continue and rollback).
   */
  approveEnvironments: boolean | ((gate: { environment: string; job: string }) => boolean);
  /** Environment a configure-aws-credentials step gives later steps (the emulator's endpoints). */
  awsEnv: Record<string, string>;
  /** Action input values replaced before a step runs, e.g. Slack's public URL by the local server. */
  redirects?: Record<string, string>;
  /** The stand-in's Terraform state (workspaces, outputs): keep it between runs for an update. */
  terraformState: string;
  /** Where runs, workspaces, artifacts and the summary go. */
  workDir: string;
  print: (line: string) => void;
  /** Cancels the run (Ctrl-C): steps not started yet are cancelled, as GitHub does on cancel. */
  signal?: AbortSignal;
  /** The processes steps run, while they run: a canceller sends them SIGINT, as the runner does. */
  children?: Set<import('node:child_process').ChildProcess>;
}

export interface RehearsalResult {
  conclusion: JobResult;
  outputs: Record<string, string>;
  jobs: Record<string, { result: JobResult; outputs: Record<string, string> }>;
  summaryFile: string;
  annotations: Annotation[];
  /** Calls the github-script stand-in's GitHub API received. */
  githubCalls: { method: string; params: Json }[];
}

/** State shared by a workflow and the workflows it calls. */
export interface Run {
  options: RehearsalOptions;
  masker: Masker;
  summaryFile: string;
  artifactsDir: string;
  annotations: Annotation[];
  githubCalls: { method: string; params: Json }[];
  runId: string;
}

export async function rehearse(file: string, options: RehearsalOptions): Promise<RehearsalResult> {
  await mkdir(options.workDir, { recursive: true });
  const run: Run = {
    options,
    masker: new Masker(),
    summaryFile: join(options.workDir, 'job-summary.md'),
    artifactsDir: join(options.workDir, 'artifacts'),
    annotations: [],
    githubCalls: [],
    runId: String(Date.now()),
  };
  await writeFile(run.summaryFile, '');
  await mkdir(run.artifactsDir, { recursive: true });
  // The runner masks every secret it is given, in every line.
  for (const value of Object.values(options.secrets)) run.masker.add(value);
  const result = await rehearseWorkflow(run, file, options.inputs, options.secrets, '', undefined);
  return {
    ...result,
    summaryFile: run.summaryFile,
    annotations: run.annotations,
    githubCalls: run.githubCalls,
  };
}

/** Inputs after the workflow_call rules: declared only, required present, defaults and types applied. */
export function callInputs(
  workflow: LoadedWorkflow,
  given: Record<string, string | Json>,
  github: Json,
  event: 'workflow_call' | 'workflow_dispatch' = 'workflow_call',
): Contexts {
  const declared = workflow.template.events[event]?.inputs ?? {};
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length > 0) throw new Error(`${workflow.file}: unknown input(s) ${unknown.join(', ')}`);
  const inputs: Contexts = {};
  for (const [name, config] of Object.entries(declared)) {
    let value: Json | undefined = given[name];
    if (value === undefined) {
      if (config.required) throw new Error(`${workflow.file}: input ${name} is required`);
      // The converter drops what it has no InputType for (type: number): read the file's own.
      const fallback = config.default ?? at(workflow.raw, 'on', event, 'inputs', name, 'default');
      value =
        fallback === undefined
          ? null
          : typeof fallback === 'object'
            ? evaluateToken(fallback, { contexts: { github }, status: 'success' })
            : fallback;
    }
    const type = at(workflow.raw, 'on', event, 'inputs', name, 'type')?.toString() ?? 'string';
    inputs[name] = coerceInput(workflow.file, name, type, value);
  }
  return inputs;
}

function coerceInput(file: string, name: string, type: string, value: Json): Json {
  if (value === null)
    return type === 'string' ? '' : type === 'boolean' ? false : type === 'number' ? 0 : null;
  if (type === 'number') {
    const number = typeof value === 'number' ? value : Number(value);
    if (typeof value === 'string' && (value.trim() === '' || Number.isNaN(number)))
      throw new Error(`${file}: input ${name} must be a number, got '${value}'`);
    return number;
  }
  if (type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new Error(`${file}: input ${name} must be true or false, got '${asString(value)}'`);
  }
  return asString(value);
}

function callSecrets(workflow: LoadedWorkflow, given: Record<string, string>): Record<string, string> {
  const declared = workflow.template.events.workflow_call?.secrets ?? {};
  const secrets: Record<string, string> = {};
  for (const [name, config] of Object.entries(declared)) {
    if (config?.required && !given[name]) throw new Error(`${workflow.file}: secret ${name} is required`);
    if (given[name] !== undefined) secrets[name] = given[name];
  }
  return secrets;
}

/**
 * How a workflow is started: called (`uses:` of a job, or one of this repository's reusable
 * workflows rehearsed on its own, as a caller pinning this release would call it), with the
 * ref its jobs' OIDC tokens name as job_workflow_ref; or by its own trigger (an application
 * repository's caller workflow: pull_request, push, workflow_dispatch, schedule …).
 */
type Start = { called: true; jobWorkflowRef: string } | { called: false };

/**
 * A file rehearsed on its own: one whose `on:` has the event is started by it; a reusable
 * workflow without it runs as called, by a caller pinning this release (this repository's
 * workflows) or one on the caller's main branch.
 */
function topLevelStart(options: RehearsalOptions, file: string, workflow: LoadedWorkflow): Start {
  const eventName = options.event?.name ?? 'workflow_dispatch';
  if (!workflow.template.events.workflow_call || eventName in workflow.template.events)
    return { called: false };
  if (!file.startsWith(join(options.repoRoot, '.github/workflows/')))
    return {
      called: true,
      jobWorkflowRef: `${CALLER_REPOSITORY}/.github/workflows/${basename(file)}@refs/heads/main`,
    };
  const version = (
    JSON.parse(readFileSync(join(options.repoRoot, 'package.json'), 'utf8')) as { version: string }
  ).version;
  return {
    called: true,
    jobWorkflowRef: `adhoc-actions/adhoc-actions/${relative(options.repoRoot, file)}@refs/tags/v${version}`,
  };
}

/** The ref a `uses: owner/repo/path@ref` names, as GitHub writes it in job_workflow_ref. */
export function workflowRef(uses: string, callerRepository: string, callerRef: string): string {
  const local = /^\.\/(.+)$/.exec(uses);
  if (local) return `${callerRepository}/${local[1]}@${callerRef}`;
  const [path, ref = ''] = uses.split('@') as [string, string?];
  const full =
    /^[0-9a-f]{40}$/.test(ref) || ref.startsWith('refs/')
      ? ref
      : /^v\d/.test(ref)
        ? `refs/tags/${ref}`
        : `refs/heads/${ref}`;
  return `${path}@${full}`;
}

/** Whether `on:` runs the workflow for this event (pull_request types included). */
function triggered(
  workflow: LoadedWorkflow,
  event: { name: string; payload: Record<string, Json> },
): string | undefined {
  const config = workflow.template.events[event.name] as { types?: string[] } | undefined;
  if (config === undefined)
    return `it does not run on ${event.name} (on: ${Object.keys(workflow.template.events).join(', ')})`;
  const defaults = event.name.startsWith('pull_request') ? ['opened', 'synchronize', 'reopened'] : undefined;
  const types = config?.types ?? defaults;
  const action = event.payload['action'];
  if (types && typeof action === 'string' && !types.includes(action))
    return `${event.name} ${action} is not one of its types (${types.join(', ')})`;
  return undefined;
}

async function rehearseWorkflow(
  run: Run,
  file: string,
  givenInputs: Record<string, string | Json>,
  givenSecrets: Record<string, string>,
  indent: string,
  given: Start | undefined,
): Promise<Omit<RehearsalResult, 'summaryFile' | 'annotations' | 'githubCalls'>> {
  const print = printer(run, indent);
  const workflow = await loadWorkflow(file);
  const start = given ?? topLevelStart(run.options, file, workflow);
  const github = githubContext(run, file);
  let inputs: Contexts;
  let secrets: Record<string, string>;
  if (start.called) {
    if (!workflow.template.events.workflow_call)
      throw new Error(`${file} is not a reusable workflow (no on: workflow_call)`);
    inputs = callInputs(workflow, givenInputs, github);
    secrets = callSecrets(workflow, givenSecrets);
    print(`Rehearsing ${file} (on: workflow_call)`);
  } else {
    const event = run.options.event ?? { name: 'workflow_dispatch', payload: {} };
    const notRun = triggered(workflow, event);
    if (notRun) throw new Error(`${file} would not run: ${notRun}`);
    inputs =
      event.name === 'workflow_dispatch'
        ? callInputs(workflow, givenInputs, github, 'workflow_dispatch')
        : {};
    // A repository's own workflow sees every repository secret.
    secrets = givenSecrets;
    print(`Rehearsing ${file} (on: ${event.name})`);
  }

  const jobs: RehearsalResult['jobs'] = {};
  const pending = [...workflow.template.jobs];
  while (pending.length > 0) {
    const index = pending.findIndex((job) => (job.needs ?? []).every((need) => need.value in jobs));
    if (index === -1)
      throw new Error(`${file}: jobs ${pending.map((j) => j.id.value).join(', ')} wait on each other`);
    const [job] = pending.splice(index, 1) as [WorkflowJob];
    const needs: Record<string, Json> = {};
    for (const need of job.needs ?? []) needs[need.value] = jobs[need.value]!;
    const needResults = Object.values(needs).map((n) => (n as { result: JobResult }).result);
    // GitHub skips the dependents of a skipped job unless their if: says otherwise.
    const status = needResults.includes('failure')
      ? 'failure'
      : needResults.includes('cancelled')
        ? 'cancelled'
        : needResults.includes('skipped')
          ? 'skipped'
          : 'success';
    const contexts: Contexts = { github, inputs, secrets, vars: run.options.vars ?? {}, needs };
    const jobScope: Scope = { contexts, status };
    const id = job.id.value;
    if (!truthy(evaluateToken(job.if, jobScope))) {
      print(`\n━━ Job ${id}: skipped (if: ${job.if.expression})`);
      jobs[id] = { result: 'skipped', outputs: {} };
      continue;
    }
    const matrix = expandMatrix(evaluateToken(job.strategy, jobScope));
    let result: JobResult = 'success';
    let outputs: Record<string, string> = {};
    for (const combination of matrix) {
      const scope: Scope = {
        contexts: { ...contexts, matrix: combination, strategy: {} },
        status: 'success',
      };
      const instance =
        job.type === 'reusableWorkflowJob'
          ? await runCalledWorkflow(run, workflow, job, scope, secrets, indent)
          : await runJob(run, workflow, job, scope, indent, start.called ? start.jobWorkflowRef : undefined);
      if (instance.result !== 'success') result = instance.result;
      // Like GitHub: a matrix job's outputs are those of the instance that set them last.
      outputs = {
        ...outputs,
        ...Object.fromEntries(Object.entries(instance.outputs).filter(([, v]) => v !== '')),
      };
    }
    jobs[id] = { result, outputs };
  }

  const outputTokens = at(workflow.raw, 'on', 'workflow_call', 'outputs');
  const outputs: Record<string, string> = {};
  const jobsContext = jobs as unknown as Json;
  if (outputTokens && isMapping(outputTokens)) {
    for (const { key } of outputTokens) {
      const name = key.toString();
      const value = evaluateToken(at(outputTokens, name, 'value'), {
        contexts: { github, inputs, jobs: jobsContext, vars: run.options.vars ?? {} },
        status: 'success',
      });
      outputs[name] = asString(value);
    }
  }
  const results = Object.values(jobs).map((j) => j.result);
  const conclusion: JobResult = results.includes('failure')
    ? 'failure'
    : results.includes('cancelled')
      ? 'cancelled'
      : 'success';
  return { conclusion, outputs, jobs };
}

/**
 * hashFiles() as the runner computes it: the sha256 of the files' sha256 digests, files matched
 * by the globs (relative to the workspace; `!` excludes) in path order; '' when none match.
 */
export function hashFiles(workspace: string, patterns: string[]): string {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const files = [...new Set(include.flatMap((p) => globSync(p, { cwd: workspace, exclude })))]
    .filter((f) => statSync(join(workspace, f)).isFile())
    .sort();
  if (files.length === 0) return '';
  const outer = createHash('sha256');
  for (const file of files)
    outer.update(
      createHash('sha256')
        .update(readFileSync(join(workspace, file)))
        .digest(),
    );
  return outer.digest('hex');
}

/** Prints masked lines, each indented by the depth of called workflows. */
function printer(run: Run, indent: string): (text: string) => void {
  return (text) => {
    for (const line of run.masker.apply(text).split('\n'))
      run.options.print(line === '' ? '' : indent + line);
  };
}

/** The repository the rehearsal plays the caller's part for (bootstrap's roles trust it). */
export const CALLER_REPOSITORY = 'acme/webapp';

function githubContext(run: Run, file: string): Json {
  const workspace = join(run.options.workDir, 'workspace');
  const event = run.options.event ?? { name: 'workflow_dispatch', payload: {} };
  const payload = event.payload;
  const pull = (payload['pull_request'] ?? {}) as Record<string, Json>;
  const number = payload['number'] ?? pull['number'];
  // What GitHub sets github.ref to for the event.
  const ref = event.name.startsWith('pull_request')
    ? `refs/pull/${asString(number ?? 1)}/merge`
    : typeof payload['ref'] === 'string'
      ? payload['ref']
      : 'refs/heads/main';
  const head = (pull['head'] ?? {}) as Record<string, Json>;
  const base = (pull['base'] ?? {}) as Record<string, Json>;
  return {
    event_name: event.name,
    event: payload,
    repository: CALLER_REPOSITORY,
    repository_owner: CALLER_REPOSITORY.split('/')[0]!,
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\/(\d+)\/merge$/, '$1/merge'),
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    head_ref: asString(head['ref'] ?? ''),
    base_ref: asString(base['ref'] ?? ''),
    sha: asString(head['sha'] ?? payload['after'] ?? 'c0ffee1234567890c0ffee1234567890c0ffee12'),
    actor: 'rehearsal',
    triggering_actor: 'rehearsal',
    run_id: run.runId,
    run_number: '1',
    run_attempt: '1',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    workflow: file.split('/').pop() ?? file,
    workflow_ref: `${CALLER_REPOSITORY}/.github/workflows/${file.split('/').pop() ?? file}@${ref}`,
    workspace,
    token: 'ghs_rehearsal_token',
  };
}

/** strategy.matrix as the list of combinations ([{}] without a matrix). */
export function expandMatrix(strategy: Json): Record<string, Json>[] {
  const matrix =
    strategy && typeof strategy === 'object' && !Array.isArray(strategy) ? strategy['matrix'] : null;
  if (!matrix || typeof matrix !== 'object' || Array.isArray(matrix)) return [{}];
  let combinations: Record<string, Json>[] = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') continue;
    if (!Array.isArray(values)) throw new Error(`matrix.${key} must be a list, got ${asString(values)}`);
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  const matches = (c: Record<string, Json>, pattern: Json) =>
    pattern !== null &&
    typeof pattern === 'object' &&
    Object.entries(pattern).every(([k, v]) => JSON.stringify(c[k]) === JSON.stringify(v));
  const exclude = Array.isArray(matrix['exclude']) ? matrix['exclude'] : [];
  combinations = combinations.filter((c) => !exclude.some((p) => matches(c, p)));
  const include = Array.isArray(matrix['include']) ? matrix['include'] : [];
  for (const extra of include)
    if (extra && typeof extra === 'object' && !Array.isArray(extra)) combinations.push(extra);
  // A matrix whose only key is an empty list has no combination: GitHub runs no job.
  return combinations.length === 1 &&
    Object.keys(combinations[0]!).length === 0 &&
    Object.keys(matrix).length > 0
    ? []
    : combinations;
}

async function runCalledWorkflow(
  run: Run,
  caller: LoadedWorkflow,
  job: ReusableWorkflowJob,
  scope: Scope,
  secrets: Record<string, string>,
  indent: string,
): Promise<{ result: JobResult; outputs: Record<string, string> }> {
  const ref = job.ref.value;
  const match = /^(?:adhoc-actions\/adhoc-actions\/|\.\/)(\.github\/workflows\/[^@]+\.ya?ml)(?:@.+)?$/.exec(
    ref,
  );
  if (!match)
    throw new Error(`${caller.file}: job ${job.id.value} calls ${ref}, which the rehearsal cannot fetch`);
  printer(run, indent)(`\n━━ Job ${job.id.value}: calls ${ref} (rehearsed from this checkout)`);
  const inputs = evaluateToken(job['input-values'], scope) ?? {};
  const passed = job['inherit-secrets'] ? secrets : evaluateStrings(job['secret-values'], scope);
  const github = scope.contexts['github'] as Record<string, Json>;
  const called = await rehearseWorkflow(
    run,
    join(run.options.repoRoot, match[1]!),
    inputs as Record<string, Json>,
    passed,
    `${indent}  `,
    {
      called: true,
      jobWorkflowRef: workflowRef(ref, asString(github['repository'] ?? ''), asString(github['ref'] ?? '')),
    },
  );
  return { result: called.conclusion, outputs: called.outputs };
}

/** One job on a fresh runner: its workspace, env, steps in order, outputs at the end. */
async function runJob(
  run: Run,
  workflow: LoadedWorkflow,
  job: Job,
  scope: Scope,
  indent: string,
  jobWorkflowRef: string | undefined,
): Promise<{ result: JobResult; outputs: Record<string, string> }> {
  const print = printer(run, indent);
  const id = job.id.value;
  const rawJob = at(workflow.raw, 'jobs', id);
  const name = job.name ? asString(evaluateToken(job.name, scope)) : id;
  print(`\n━━ Job ${id}: ${name}`);
  const environment = evaluateToken(job.environment, scope);
  const environmentName =
    environment && typeof environment === 'object' && !Array.isArray(environment)
      ? asString(environment['name'] ?? '')
      : asString(environment);
  if (environmentName !== '') {
    const decide = run.options.approveEnvironments;
    const approved =
      typeof decide === 'function' ? decide({ environment: environmentName, job: id }) : decide;
    if (!approved) {
      print(
        `[rehearsal] environment '${environmentName}' waits for a reviewer: refused (run with --approve)`,
      );
      return { result: 'failure', outputs: {} };
    }
    print(`[rehearsal] environment '${environmentName}' waits for a reviewer: approved (--approve)`);
  }

  const runner = await mkdtemp(join(run.options.workDir, `job-${id}-`));
  const workspace = join(run.options.workDir, 'workspace');
  await mkdir(workspace, { recursive: true });
  const temp = join(runner, 'temp');
  await mkdir(temp);
  const contexts: Contexts = {
    ...scope.contexts,
    github: { ...(scope.contexts['github'] as Record<string, Json>), job: id, workspace },
    runner: { os: 'Linux', arch: 'X64', name: 'rehearsal', temp, tool_cache: join(runner, 'tool-cache') },
    job: { status: 'success' },
    steps: {},
    env: {},
  };
  const jobScope: Scope = {
    contexts,
    status: 'success',
    hashFiles: (patterns) => hashFiles(workspace, patterns),
  };
  const workflowEnv = evaluateStrings(workflow.template.env, jobScope);
  contexts['env'] = workflowEnv;
  const jobEnv = { ...workflowEnv, ...evaluateStrings(job.env, jobScope) };
  contexts['env'] = jobEnv;
  const defaults = (evaluateToken(at(rawJob, 'defaults', 'run'), jobScope) ?? {}) as Record<string, Json>;
  const workflowDefaults = (evaluateToken(at(workflow.raw, 'defaults', 'run'), jobScope) ?? {}) as Record<
    string,
    Json
  >;
  const exported: Record<string, string> = {};
  const permissions = evaluateToken(at(rawJob, 'permissions') ?? at(workflow.raw, 'permissions'), jobScope);
  if (
    permissions &&
    typeof permissions === 'object' &&
    !Array.isArray(permissions) &&
    permissions['id-token'] === 'write'
  ) {
    const github = contexts['github'] as Record<string, Json>;
    Object.assign(
      exported,
      await idTokenEnv(run.options.awsEnv, {
        repository: asString(github['repository'] ?? ''),
        eventName: asString(github['event_name'] ?? ''),
        ref: asString(github['ref'] ?? ''),
        environment: environmentName || undefined,
        jobWorkflowRef,
        workflow: asString(github['workflow'] ?? ''),
      }),
    );
  }
  const path: string[] = [];
  const steps: Record<string, Json> = {};
  contexts['steps'] = steps;

  const rawSteps = at(rawJob, 'steps');
  for (const [index, step] of job.steps.entries()) {
    const rawStep = at(rawSteps, index);
    const env = { ...jobEnv, ...exported };
    contexts['env'] = env;
    (contexts['job'] as Record<string, Json>)['status'] = jobScope.status;
    const title = stepTitle(step, jobScope);
    print(`\n── ${id} · step ${index + 1}/${job.steps.length}: ${title}`);
    if (run.options.signal?.aborted) {
      print('   cancelled');
      jobScope.status = 'cancelled';
      if (!step.id.startsWith('__'))
        steps[step.id] = { outputs: {}, outcome: 'cancelled', conclusion: 'cancelled' };
      continue;
    }
    const condition = 'if' in step && step.if ? step.if : undefined;
    if (condition && !truthy(evaluateToken(condition, jobScope))) {
      print(`   skipped (if: ${condition.expression})`);
      if (!step.id.startsWith('__'))
        steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    let result: StepResult;
    const stepStarted = Date.now();
    try {
      const stepEnv = { ...env, ...evaluateStrings('env' in step ? step.env : undefined, jobScope) };
      contexts['env'] = stepEnv;
      const workingDirectory = asString(
        evaluateToken(at(rawStep, 'working-directory'), jobScope) ??
          defaults['working-directory'] ??
          workflowDefaults['working-directory'] ??
          '',
      );
      const timeout = evaluateToken(at(rawStep, 'timeout-minutes'), jobScope);
      result = await runStep(run, {
        step,
        title,
        env: stepEnv,
        path,
        with: evaluateStrings(at(rawStep, 'with'), jobScope),
        run: 'run' in step ? asString(evaluateToken(step.run, jobScope)) : undefined,
        shell: asString(
          evaluateToken(at(rawStep, 'shell'), jobScope) ??
            defaults['shell'] ??
            workflowDefaults['shell'] ??
            '',
        ),
        workspace,
        workingDirectory: join(workspace, workingDirectory),
        runnerTemp: temp,
        timeoutMinutes: timeout === null ? 360 : Number(timeout),
        contexts,
        print,
      });
    } catch (error) {
      // Expressions that do not evaluate fail the step, as on GitHub.
      print(`Error: ${(error as Error).message}`);
      run.annotations.push({ level: 'error', step: title, message: (error as Error).message });
      result = { outcome: 'failure', outputs: {}, env: {}, path: [] };
    }
    Object.assign(exported, result.env);
    path.unshift(...result.path);
    const continueOnError =
      'continue-on-error' in step && step['continue-on-error'] !== undefined
        ? truthy(
            typeof step['continue-on-error'] === 'boolean'
              ? step['continue-on-error']
              : evaluateToken(step['continue-on-error'], jobScope),
          )
        : false;
    const conclusion = result.outcome === 'failure' && continueOnError ? 'success' : result.outcome;
    if (!step.id.startsWith('__'))
      steps[step.id] = { outputs: result.outputs, outcome: result.outcome, conclusion };
    print(
      `   ${result.outcome === 'success' ? '✓' : '✗'} ${result.outcome}${conclusion !== result.outcome ? ` (continue-on-error: ${conclusion})` : ''} in ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`,
    );
    if (conclusion === 'failure') jobScope.status = run.options.signal?.aborted ? 'cancelled' : 'failure';
  }

  contexts['env'] = jobEnv;
  const outputs = evaluateStrings(job.outputs, jobScope);
  for (const [name, value] of Object.entries(outputs)) {
    if (!run.masker.reveals(value)) continue;
    // As the runner does: a job output holding a secret is dropped, with a warning.
    print(`Warning: Skip output '${name}' since it may contain secret.`);
    run.annotations.push({
      level: 'warning',
      step: id,
      message: `Skip output '${name}' since it may contain secret.`,
    });
    delete outputs[name];
  }
  print(`━━ Job ${id}: ${jobScope.status}`);
  return { result: jobScope.status === 'success' ? 'success' : jobScope.status, outputs };
}

/**
 * What the runner gives a job with `permissions: id-token: write`: where @actions/core asks for
 * an OIDC token whose claims are this job's (the emulator's stand-in issues it), and the AWS
 * endpoints, so configure-aws-credentials and an action's own role-to-assume work.
 */
async function idTokenEnv(
  awsEnv: Record<string, string>,
  job: Parameters<typeof jobClaims>[0],
): Promise<Record<string, string>> {
  const sts = awsEnv['AWS_ENDPOINT_URL_STS'];
  if (!sts) return {};
  const response = await fetch(`${sts}/_control/registerJob`, {
    method: 'POST',
    body: JSON.stringify([jobClaims(job)]),
  });
  const requestToken = (await response.json()) as string;
  const endpoints = Object.fromEntries(
    Object.entries(awsEnv).filter(([name]) => name.startsWith('AWS_ENDPOINT_URL') || name === 'AWS_REGION'),
  );
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: `${sts}/_oidc/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    ...endpoints,
  };
}

function stepTitle(step: Step, scope: Scope): string {
  if (step.name) return asString(evaluateToken(step.name, scope));
  if ('uses' in step) return `Run ${step.uses.value}`;
  if ('run' in step) {
    // An expression token's source is the text as written, ${{ }} included.
    const text =
      ('source' in step.run && typeof step.run.source === 'string' && step.run.source) || step.run.toString();
    return `Run ${text.trim().split('\n')[0]}`;
  }
  return step.id;
}

/** Appends a step's summary file to the run's (GitHub shows them one after the other). */
export async function collectSummary(run: Run, stepSummary: string): Promise<void> {
  const text = await readFile(stepSummary, 'utf8').catch(() => '');
  if (text !== '') await appendFile(run.summaryFile, run.masker.apply(text));
}

/** Reads the file commands a step left (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH). */
export async function readFileCommands(files: {
  output: string;
  env: string;
  path: string;
}): Promise<Pick<StepResult, 'outputs' | 'env' | 'path'>> {
  const [output, env, path] = await Promise.all(
    [files.output, files.env, files.path].map((f) => readFile(f, 'utf8').catch(() => '')),
  );
  return {
    outputs: parseKeyValueFile(output!, 'GITHUB_OUTPUT'),
    env: parseKeyValueFile(env!, 'GITHUB_ENV'),
    path: parsePathFile(path!),
  };
}
