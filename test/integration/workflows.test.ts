// The reusable workflows, this repository's CI and the example callers: actionlint, our actions'
// inputs, reusable-workflow calls, script injection, references, permissions and concurrency,
// the Terraform version rule, plan artifacts, build-once/promote-by-digest, protected names and
// pinning. Each checker is first shown to fail on a bad sample, so a green run means something;
// the scripts of the steps that decide something are run with stub commands.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ActionMeta,
  type Linter,
  type Workflow,
  type Step,
  OWNER_REPO,
  RELEASE,
  SETUP_TERRAFORM,
  THIRD_PARTY_ACTIONS,
  checkActionInputs,
  checkDeployConcurrency,
  checkInputsUsed,
  checkLockTimeout,
  checkNoExpressionsInScripts,
  checkPermissions,
  checkPinComments,
  checkReferences,
  checkReusableCalls,
  checkTerraformSetup,
  checkTerraformVersion,
  checkThirdPartyInputs,
  loadActionlint,
  parseYaml,
  readYaml,
  runScript,
  scanTerraformFeatures,
  stepOf,
  stepsWithWhere,
  withoutStaleDiagnostics,
} from '../helpers/workflows.ts';
import { parseMappings } from '../../actions/terraform-outputs/mapping.ts';

const root = process.cwd();
const WORKFLOWS_DIR = '.github/workflows';
const EXAMPLES_DIR = 'examples/django-repo/.github/workflows';

function yamlFiles(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);
}

const workflowFiles = yamlFiles(WORKFLOWS_DIR);
const exampleFiles = yamlFiles(EXAMPLES_DIR);
const allFiles = [...workflowFiles, ...exampleFiles];

const ACTIONS_DIR = '.github/actions';
const compositeFiles = existsSync(join(root, ACTIONS_DIR))
  ? readdirSync(join(root, ACTIONS_DIR))
      .sort()
      .map((d) => `${ACTIONS_DIR}/${d}/action.yml`)
  : [];

const loadAction = (name: string): ActionMeta | undefined => {
  const file = join(root, name, 'action.yml');
  return existsSync(file) ? readYaml<ActionMeta>(file) : undefined;
};
const loadWorkflow = (file: string): Workflow | undefined => {
  const path = join(root, WORKFLOWS_DIR, file);
  return existsSync(path) ? readYaml<Workflow>(path) : undefined;
};

const BAD = parseYaml<Workflow>(`
on:
  workflow_call:
    inputs:
      environment: { type: string, required: true }
      unused-input: { type: string, default: '' }
    secrets:
      UNUSED_SECRET: { required: false }
permissions: write-all
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions: { contents: read, issues: write }
    concurrency: { group: x, cancel-in-progress: true }
    steps:
      - uses: actions/checkout
      - uses: aws-actions/configure-aws-credentials@v4
      - uses: ./rolling-update
      - uses: adhoc-actions/adhoc-actions/rolling-update@${RELEASE}
        with: { cluster: c, no-such-input: x }
      - uses: adhoc-actions/adhoc-actions/no-such-action@${RELEASE}
      - run: echo "\${{ inputs.environment }}"
      - run: terraform apply tfplan
      - uses: actions/github-script@v7
        with:
          script: core.info('\${{ github.event.pull_request.title }}')
  call:
    uses: adhoc-actions/adhoc-actions/.github/workflows/app-update.yml@${RELEASE}
    with: { environment: x, bogus: 1 }
    secrets: { NOT_DECLARED: x }
`);

describe('the checkers fail on a bad sample', () => {
  const action: ActionMeta = {
    inputs: {
      cluster: { required: true },
      services: { required: true },
      wait: { required: true, default: 'true' },
    },
  };
  const called: Workflow = parseYaml(`
on:
  workflow_call:
    inputs:
      environment: { type: string, required: true }
      image-tag: { type: string, required: true }
    secrets:
      SLACK_TOKEN: { required: false }
jobs: {}
`);

  it('checkActionInputs: unknown input, missing required input, missing action', () => {
    const problems = checkActionInputs(BAD, (name) => (name === 'rolling-update' ? action : undefined));
    expect(problems).toEqual([
      expect.stringContaining('input "no-such-input" is not an input of rolling-update'),
      expect.stringContaining('required input "services" of rolling-update is missing'),
      expect.stringContaining('no-such-action/action.yml does not exist'),
    ]);
  });

  it('checkReusableCalls: unknown and missing inputs and secrets', () => {
    expect(checkReusableCalls(BAD, () => called)).toEqual([
      'jobs.call: input "bogus" is not declared by app-update.yml',
      'jobs.call: required input "image-tag" of app-update.yml is missing',
      'jobs.call: secret "NOT_DECLARED" is not declared by app-update.yml',
    ]);
    expect(checkReusableCalls(BAD, () => undefined)).toEqual([
      'jobs.call: app-update.yml is not a reusable workflow of this repository',
    ]);
  });

  it('checkInputsUsed: declared but unused inputs and secrets', () => {
    expect(checkInputsUsed(BAD)).toEqual([
      'input "unused-input" is never used',
      'secret "UNUSED_SECRET" is never used',
    ]);
  });

  it('checkNoExpressionsInScripts: ${{ }} in run: and github-script', () => {
    expect(checkNoExpressionsInScripts(BAD)).toEqual([
      expect.stringMatching(/^jobs\.deploy\.steps\[5\]: run: contains/),
      expect.stringMatching(/^jobs\.deploy\.steps\[7\]: script: contains/),
    ]);
  });

  it('checkReferences: third-party actions not pinned by SHA and ./ inside a reusable workflow', () => {
    expect(checkReferences(BAD)).toEqual([
      'jobs.deploy.steps[0]: "actions/checkout" is not pinned to a commit SHA',
      'jobs.deploy.steps[1]: "aws-actions/configure-aws-credentials@v4" is not pinned to a commit SHA',
      `jobs.deploy.steps[2]: "./rolling-update" points at the caller's checkout inside a reusable workflow`,
      'jobs.deploy.steps[7]: "actions/github-script@v7" is not pinned to a commit SHA',
    ]);
  });

  it('checkPinComments: a tag, a SHA without its version, a SHA of another version', () => {
    const sha = 'd23441a48e516b6c34aea4fa41551a30e30af803';
    const text = [
      '      - uses: actions/checkout@v4',
      `      - uses: actions/checkout@${sha}`,
      `      - uses: actions/checkout@${sha} # v4.2.0`,
      `      - uses: actions/checkout@${'0'.repeat(40)} # v6.1.0`,
      `      - uses: actions/checkout@${sha} # v6.1.0`,
      `      - uses: adhoc-actions/adhoc-actions/rolling-update@${RELEASE}`,
    ].join('\n');
    expect(checkPinComments(text)).toEqual([
      'line 1: actions/checkout@v4 is not pinned to a commit SHA',
      `line 2: actions/checkout@${sha} has no "# vX.Y.Z" comment`,
      `line 3: actions/checkout@${sha} is v6.1.0, the comment says v4.2.0`,
      `line 4: actions/checkout@${'0'.repeat(40)} is not in THIRD_PARTY_ACTIONS`,
    ]);
  });

  it('checkThirdPartyInputs: a with: key the pinned action does not declare', () => {
    const step: Step = {
      uses: 'docker/build-push-action@53b7df96c91f9c12dcc8a07bcb9ccacbed38856a',
      with: { context: '.', 'cache-form': 'type=gha' },
    };
    expect(checkThirdPartyInputs([{ step, where: 's' }])).toEqual([
      's: "cache-form" is not an input of docker/build-push-action v7.3.0',
    ]);
  });

  it('checkPermissions: write-all, a write scope without a reason, OIDC without id-token', () => {
    expect(checkPermissions(BAD)).toEqual([
      'top-level permissions: write-all',
      'jobs.deploy: issues: write without a step that needs it',
      'jobs.deploy: assumes an AWS role without id-token: write',
    ]);
  });

  it('checkDeployConcurrency: a deploy job that can be cancelled half-way, or dropped while it waits', () => {
    expect(checkDeployConcurrency(BAD)).toEqual(['jobs.deploy: deploys with cancel-in-progress not false']);
    const none = parseYaml<Workflow>('jobs: { d: { steps: [ { run: terraform destroy -auto-approve } ] } }');
    expect(checkDeployConcurrency(none)).toEqual(['jobs.d: deploys without a concurrency group']);
    // The old setting: one pending run per group, replaced (cancelled) by the next one.
    const single = parseYaml<Workflow>(
      'jobs: { d: { concurrency: { group: g, cancel-in-progress: false }, steps: [ { run: terraform destroy -auto-approve } ] } }',
    );
    expect(checkDeployConcurrency(single)).toEqual(['jobs.d: deploys without queue: max']);
  });

  it('checkTerraformSetup and checkLockTimeout: the old hashicorp step, ~1.9, no lock timeout', () => {
    const old = parseYaml<Workflow>(`
on:
  workflow_call:
    inputs:
      terraform-version: { type: string, default: '~1.9' }
jobs:
  d:
    steps:
      - uses: hashicorp/setup-terraform@v3
        with: { terraform_version: '1.9' }
      - run: |
          terraform init
          terraform plan -out=tfplan
          terraform apply -lock-timeout=10m tfplan
  call:
    uses: adhoc-actions/adhoc-actions/.github/workflows/ad-hoc-destroy.yml@${RELEASE}
`);
    const called = parseYaml<Workflow>(
      'on: { workflow_call: {} }\njobs: { x: { steps: [ { run: terraform destroy } ] } }',
    );
    expect(checkTerraformSetup(old, () => called)).toEqual([
      `input terraform-version must default to '' (the version rule), not "~1.9"`,
      'input lock-timeout must default to 10m, not undefined',
      `jobs.d: runs Terraform without ${SETUP_TERRAFORM} and terraform-version: \${{ inputs.terraform-version }}`,
      'jobs.d: installs Terraform with hashicorp/setup-terraform directly (no version rule)',
      'jobs.call: does not pass terraform-version to ad-hoc-destroy.yml',
      'jobs.call: does not pass lock-timeout to ad-hoc-destroy.yml',
    ]);
    expect(checkLockTimeout(old)).toEqual([
      'jobs.d.steps[1]: no -lock-timeout in "terraform init"',
      'jobs.d.steps[1]: no -lock-timeout in "terraform plan -out=tfplan"',
    ]);
  });
});

describe('actionlint', () => {
  let lint: Linter;
  beforeAll(async () => {
    lint = withoutStaleDiagnostics(await loadActionlint());
  });

  it('accepts concurrency queue: max (newer than actionlint) and still reports other unknown keys', async () => {
    const text = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    concurrency: { group: g, cancel-in-progress: false, queue: max, bogus: 1 }',
      '    steps:',
      '      - run: echo hi',
      '',
    ].join('\n');
    const messages = (await lint(text, `${WORKFLOWS_DIR}/q.yml`)).map((p) => p.message);
    expect(messages).toEqual([expect.stringContaining('unexpected key "bogus"')]);
  });

  it('reports problems in a bad workflow', async () => {
    const bad = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.head_commit.message }}"',
      '      - run: echo "${{ steps.nope.outputs.x }}"',
      '',
    ].join('\n');
    const problems = await lint(bad, `${WORKFLOWS_DIR}/bad.yml`);
    expect(problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['expression']));
    expect(problems.length).toBeGreaterThanOrEqual(2);
  });

  it.each(allFiles)('%s is clean', async (file) => {
    const { readFileSync } = await import('node:fs');
    const problems = await lint(readFileSync(join(root, file), 'utf8'), file);
    expect(problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });
});

describe('workflow files', () => {
  it('exist: the reusable workflows of DESIGN.md, CI and the example callers', () => {
    for (const name of [
      'ad-hoc-deploy',
      'ad-hoc-destroy',
      'app-update',
      'terraform',
      'production-deploy',
      'preview',
      'janitor',
    ]) {
      const wf = loadWorkflow(`${name}.yml`);
      expect(wf?.on).toHaveProperty('workflow_call');
    }
    expect(workflowFiles).toContain(`${WORKFLOWS_DIR}/ci.yml`);
    expect(exampleFiles.length).toBeGreaterThan(0);
  });

  describe.each(allFiles)('%s', (file) => {
    const wf = readYaml<Workflow>(join(root, file));
    const text = readFileSync(join(root, file), 'utf8');

    it('pins every third-party action by commit SHA with its version in a comment', () => {
      expect(checkPinComments(text)).toEqual([]);
    });

    it('passes third-party actions only inputs they declare at the pinned commit', () => {
      expect(checkThirdPartyInputs(stepsWithWhere(wf))).toEqual([]);
    });

    it('installs Terraform by the version rule and passes terraform-version and lock-timeout on', () => {
      expect(checkTerraformSetup(wf, loadWorkflow)).toEqual([]);
    });

    it('waits for the state lock in every Terraform command that takes it', () => {
      expect(checkLockTimeout(wf)).toEqual([]);
    });

    it("passes only declared inputs to this repository's actions, and every required one", () => {
      expect(checkActionInputs(wf, loadAction)).toEqual([]);
    });

    it('calls reusable workflows with declared inputs and secrets, and every required one', () => {
      expect(checkReusableCalls(wf, loadWorkflow)).toEqual([]);
    });

    it('uses every input and secret it declares', () => {
      expect(checkInputsUsed(wf)).toEqual([]);
    });

    it('has no ${{ }} inside run: or github-script scripts', () => {
      expect(checkNoExpressionsInScripts(wf)).toEqual([]);
    });

    it('pins actions and never uses ./ from a reusable workflow', () => {
      expect(checkReferences(wf)).toEqual([]);
    });

    it('grants least-privilege permissions', () => {
      expect(checkPermissions(wf)).toEqual([]);
    });

    it('never cancels a deploy half-way', () => {
      expect(checkDeployConcurrency(wf)).toEqual([]);
    });
  });
});

const wfFile = (name: string): Workflow => {
  const wf = loadWorkflow(name);
  if (!wf) throw new Error(`${WORKFLOWS_DIR}/${name} is missing`);
  return wf;
};
const inputsOf = (wf: Workflow) =>
  (wf.on?.workflow_call as { inputs?: Record<string, { default?: unknown }> } | undefined)?.inputs ?? {};
const scriptOf = (step: Step): string => {
  if (typeof step.run !== 'string') throw new Error(`step ${step.id ?? step.name} has no run:`);
  return step.run;
};
const HEX64 = 'ab'.repeat(32);

describe('composite actions of the workflows (.github/actions)', () => {
  it('exist: one for each job the workflows share (issue 22.6)', () => {
    expect(compositeFiles).toEqual([
      `${ACTIONS_DIR}/aws-credentials/action.yml`,
      `${ACTIONS_DIR}/check-environment/action.yml`,
      `${ACTIONS_DIR}/deploy-app/action.yml`,
      `${ACTIONS_DIR}/deploy-summary/action.yml`,
      `${ACTIONS_DIR}/notify/action.yml`,
      `${ACTIONS_DIR}/setup-terraform/action.yml`,
    ]);
  });

  it.each(compositeFiles)(
    '%s pins third-party actions by SHA with their version and known inputs',
    (file) => {
      expect(checkPinComments(readFileSync(join(root, file), 'utf8'))).toEqual([]);
      const meta = readYaml<{ runs: { steps: Step[] } }>(join(root, file));
      const steps = meta.runs.steps.map((step, i) => ({ step, where: `runs.steps[${i}]` }));
      expect(checkThirdPartyInputs(steps)).toEqual([]);
    },
  );
});

/**
 * Runs the one `run:` step of a composite action of ours as the runner would: its `env:` is
 * filled from the given inputs (or their defaults), so the wiring input → env → script is tested.
 */
const runComposite = (name: string, inputs: Record<string, string>) => {
  type Meta = { inputs?: Record<string, { default?: string }>; runs: { steps: Step[] } };
  const meta = readYaml<Meta>(join(root, ACTIONS_DIR, name, 'action.yml'));
  for (const input of Object.keys(inputs)) {
    if (!meta.inputs?.[input]) throw new Error(`${name} has no input ${input}`);
  }
  const step = meta.runs.steps.find((s) => typeof s.run === 'string') ?? {};
  const env = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([key, value]) => {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(String(value))?.[1] ?? '';
      if (!meta.inputs?.[input]) throw new Error(`${name}: env ${key} is not one of its inputs`);
      return [key, inputs[input] ?? meta.inputs[input]?.default ?? ''];
    }),
  );
  return runScript(scriptOf(step), { GITHUB_ACTION_PATH: join(root, ACTIONS_DIR, name), ...env });
};

describe('Terraform version: one rule for every workflow that runs Terraform', () => {
  const script = join(root, ACTIONS_DIR, 'setup-terraform/terraform-version.sh');
  const DEFAULT = /^DEFAULT='([^']+)'$/m.exec(readFileSync(script, 'utf8'))?.[1] ?? '';
  // The action's own step, with the env its inputs set.
  const resolve = (override: string, files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-root-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return runComposite('setup-terraform', { 'terraform-version': override, 'working-directory': dir });
  };

  it('the input wins, then .terraform-version, then required_version (as an npm range), then the default', () => {
    const tf = { 'versions.tf': 'terraform {\n  required_version = "~> 1.10, != 1.10.1"\n}\n' };
    expect(resolve('1.12.2', { ...tf, '.terraform-version': '1.11.4\n' }).outputs.version).toBe('1.12.2');
    expect(resolve('', { ...tf, '.terraform-version': '1.11.4\n' }).outputs).toMatchObject({
      version: '1.11.4',
      source: expect.stringContaining('.terraform-version'),
    });
    // Terraform's "~> 1.10" is 1.x from 1.10; npm's "~1.10" would be 1.10.x only.
    expect(resolve('', tf).outputs.version).toBe('>=1.10.0 <2.0.0');
    expect(resolve('', { 'main.tf': 'terraform { required_version = "~> 1.10.2" }' }).outputs.version).toBe(
      '>=1.10.2 <1.11.0',
    );
    expect(resolve('', { 'main.tf': 'resource "x" "y" {}' }).outputs).toEqual({
      version: DEFAULT,
      source: 'default',
    });
  });

  it('a constraint it cannot read fails in one line naming it', () => {
    const run = resolve('', { 'main.tf': 'terraform { required_version = "1.x" }' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^::error::required_version part "1\.x" in .* is not a Terraform version constraint$/,
      ),
    ]);
  });

  // Everything the examples (and the workflows themselves) make Terraform do.
  const tfFiles = (dir: string): string[] =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.tf'))
      .map((f) => `${dir}/${f}`);
  const scanned = [...tfFiles('terraform/examples'), ...tfFiles('terraform/modules'), ...allFiles].map(
    (path) => ({
      path,
      text: readFileSync(join(root, path), 'utf8'),
    }),
  );
  const uses = scanTerraformFeatures(scanned);

  it('the scan finds the features the examples use (use_lockfile in every caller backend-config)', () => {
    expect(uses).toEqual(
      expect.arrayContaining([
        { feature: 'use_lockfile (S3 state locking)', min: '1.10.0', file: `${EXAMPLES_DIR}/preview.yml` },
        expect.objectContaining({ feature: 'workspace select -or-create', min: '1.4.0' }),
      ]),
    );
  });

  it('the old default ~1.9 cannot run them: the check fails for it', () => {
    expect(checkTerraformVersion('~1.9', uses)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^"~1\.9" may install 1\.9\.0, which cannot run use_lockfile/),
      ]),
    );
    expect(checkTerraformVersion('1.3.10', uses)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('cannot run workspace select -or-create (needs 1.4.0'),
      ]),
    );
  });

  it(`the default (${DEFAULT}) runs every one of them`, () => {
    expect(DEFAULT).not.toBe('');
    expect(checkTerraformVersion(DEFAULT, uses)).toEqual([]);
  });

  it.each(['ad-hoc-deploy.yml', 'ad-hoc-destroy.yml', 'terraform.yml', 'preview.yml', 'janitor.yml'])(
    '%s: terraform-version defaults to the rule, and lock-timeout to 10m',
    (name) => {
      const inputs = inputsOf(wfFile(name));
      expect(inputs['terraform-version']?.default).toBe('');
      expect(inputs['lock-timeout']?.default).toBe('10m');
      expect(checkTerraformSetup(wfFile(name), loadWorkflow)).toEqual([]);
    },
  );
});

describe('terraform.yml: the approved plan, passed by digest', () => {
  const wf = wfFile('terraform.yml');
  const TERRAFORM_PLAN = `${OWNER_REPO}/terraform-plan@${RELEASE}`;

  // Issue 21.6: the plan file (state and every planned value) was an artifact any reader of the
  // repository's runs could download for 5 days.
  it('no plan file leaves the plan job: its digest and the lock file go to the apply job', () => {
    const steps = [...(wf.jobs?.plan?.steps ?? []), ...(wf.jobs?.apply?.steps ?? [])];
    expect(steps.filter((s) => /^actions\/(upload|download)-artifact@/.test(s.uses ?? ''))).toEqual([]);
    expect((wf.jobs?.plan as { outputs?: Record<string, string> }).outputs).toMatchObject({
      'plan-hash': '${{ steps.digest.outputs.digest }}',
      'lock-file': '${{ steps.plan.outputs.lock-file }}',
    });
    expect(stepOf(wf, 'plan', 'digest').uses).toBe(TERRAFORM_PLAN);
  });

  it('the apply job plans again and checks the approved digest between that plan and the apply', () => {
    const steps = wf.jobs?.apply?.steps ?? [];
    const plan = steps.findIndex((s) => /terraform plan .*-out=tfplan/.test(s.run ?? ''));
    const check = steps.findIndex((s) => s.uses === TERRAFORM_PLAN);
    const apply = steps.findIndex((s) => /terraform apply .*tfplan/.test(s.run ?? ''));
    expect(plan).toBeGreaterThan(-1);
    expect([plan < check, check < apply]).toEqual([true, true]);
    expect(steps[check]!.with).toMatchObject({
      'approved-digest': '${{ needs.plan.outputs.plan-hash }}',
      'expect-approval': true,
    });
  });

  it('the plan step tells whether anything changes and passes the lock file, never showing the plan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-plan-'));
    writeFileSync(join(dir, '.terraform.lock.hcl'), '# lock\n');
    const plan = (code: number) =>
      runScript(
        scriptOf(stepOf(wf, 'plan', 'plan')),
        { VAR_FILE: 'envs/x.tfvars', LOCK_TIMEOUT: '10m' },
        { terraform: `case "$1" in plan) exit ${code} ;; *) echo "unexpected $1"; exit 9 ;; esac` },
        dir,
      );
    const changed = plan(2);
    expect(changed.code).toBe(0);
    expect(changed.calls).toEqual([
      'terraform plan -lock-timeout=10m -var-file=envs/x.tfvars -out=tfplan -detailed-exitcode',
    ]);
    expect(changed.outputs['has-changes']).toBe('true');
    expect(Buffer.from(changed.outputs['lock-file']!, 'base64').toString()).toBe('# lock\n');
    expect(plan(0).outputs['has-changes']).toBe('false');
    expect(plan(1).code).toBe(1);
  });
});

describe('build once, promote by digest', () => {
  const build = wfFile('build.yml');

  it('build.yml builds backend and frontend with build-push-action through an OIDC ECR login, with a build cache', () => {
    const outputs = (build.on?.workflow_call as { outputs?: Record<string, unknown> }).outputs ?? {};
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['backend-digest', 'backend-image', 'frontend-digest', 'frontend-image']),
    );
    const steps = build.jobs?.build?.steps ?? [];
    expect(steps.some((s) => s.uses?.startsWith('aws-actions/amazon-ecr-login@'))).toBe(true);
    expect(build.jobs?.build?.permissions).toMatchObject({ 'id-token': 'write' });
    const builds = steps.filter((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(builds.map((s) => s.id)).toEqual(['backend', 'frontend']);
    for (const s of builds) {
      expect(s.with).toMatchObject({
        push: true,
        provenance: false,
        'cache-from': expect.stringContaining('type=gha'),
      });
    }
  });

  it('a preview build goes to the preview twin, and a commit already built there is reused (immutable tags)', () => {
    const repo = mkdtempSync(join(tmpdir(), 'build-'));
    const git = (args: string) =>
      runScript(
        `git ${args}`,
        {
          GIT_AUTHOR_NAME: 'a',
          GIT_AUTHOR_EMAIL: 'a@b',
          GIT_COMMITTER_NAME: 'a',
          GIT_COMMITTER_EMAIL: 'a@b',
        },
        {},
        repo,
      );
    git('init -q');
    git('commit -q --allow-empty -m x');
    const sha = git('rev-parse HEAD').stdout.trim();
    const run = runScript(
      scriptOf(stepOf(build, 'build', 'names')),
      {
        REGISTRY: '1.dkr.ecr.us-east-1.amazonaws.com',
        BACKEND_REPOSITORY: 'backend',
        FRONTEND_REPOSITORY: 'frontend',
        RELEASE: 'false',
        PREVIEW_SUFFIX: '-preview',
        PR_NUMBER: '12',
      },
      {
        aws: `if [[ "$*" == *"repository-name backend"* ]]; then echo "sha256:${HEX64}"; else echo None; fi`,
      },
      repo,
    );
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      tag: `sha-${sha}`,
      'backend-repository': 'backend-preview',
      'backend-existing': `sha256:${HEX64}`,
      'frontend-repository': 'frontend-preview',
      'frontend-existing': '',
      'frontend-tags': `1.dkr.ecr.us-east-1.amazonaws.com/frontend-preview:sha-${sha}\n1.dkr.ecr.us-east-1.amazonaws.com/frontend-preview:pr-12-${sha.slice(0, 12)}`,
    });
    expect(run.calls).toContain(
      `aws ecr describe-images --repository-name backend-preview --image-ids imageTag=sha-${sha} --query imageDetails[0].imageDigest --output text`,
    );

    // Main's build: the repositories themselves, a tag of its own run, and no lookup at all, so
    // an image someone pushed under the commit's tag is never taken for main's.
    const release = runScript(
      scriptOf(stepOf(build, 'build', 'names')),
      {
        REGISTRY: '1.dkr.ecr.us-east-1.amazonaws.com',
        BACKEND_REPOSITORY: 'backend',
        FRONTEND_REPOSITORY: '',
        RELEASE: 'true',
        PREVIEW_SUFFIX: '-preview',
        PR_NUMBER: '0',
        GITHUB_RUN_ID: '77',
        GITHUB_RUN_ATTEMPT: '2',
      },
      { aws: `echo "sha256:${HEX64}"` },
      repo,
    );
    expect(release.code).toBe(0);
    expect(release.outputs).toMatchObject({
      tag: `sha-${sha}-77-2`,
      'backend-repository': 'backend',
      'backend-existing': '',
      'backend-tags': `1.dkr.ecr.us-east-1.amazonaws.com/backend:sha-${sha}-77-2`,
    });
    expect(release.calls.filter((c) => c.startsWith('aws '))).toEqual([]);
  });

  it('outputs the digest and the full repo@sha256 reference, or fails in one line without a digest', () => {
    const step = scriptOf(stepOf(build, 'build', 'digests'));
    const env = {
      REGISTRY: 'r.example',
      BACKEND_REPOSITORY: 'backend',
      FRONTEND_REPOSITORY: '',
      TAG: 'sha-1',
      FRONTEND_DIGEST: '',
    };
    const ok = runScript(step, { ...env, BACKEND_DIGEST: `sha256:${HEX64}` });
    expect(ok.outputs).toEqual({
      'backend-digest': `sha256:${HEX64}`,
      'backend-image': `r.example/backend@sha256:${HEX64}`,
    });
    const bad = runScript(step, { ...env, BACKEND_DIGEST: '' });
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim()).toBe('::error::no digest for the backend image backend:sha-1');
  });

  // Where the deploy workflows' image inputs must arrive: register-task-definition, or the
  // reusable workflow that calls it.
  it.each([
    ['app-update.yml', 'deploy'],
    ['ad-hoc-deploy.yml', 'deploy'],
  ])(
    '%s registers task definitions pinned to the image given (tag or digest), and checks it first',
    (name, job) => {
      const steps = wfFile(name).jobs?.[job]?.steps ?? [];
      // The one deploy path (.github/actions/deploy-app) gets the images unchanged...
      const deploy = steps.filter(
        (s) => s.uses === `adhoc-actions/adhoc-actions/.github/actions/deploy-app@${RELEASE}`,
      );
      expect(deploy.map((s) => [s.with?.['image-tag'], s.with?.['frontend-image-tag']])).toEqual([
        ['${{ inputs.image-tag }}', '${{ inputs.frontend-image-tag }}'],
      ]);
      // ...and registers its task definitions with them.
      const composite = readYaml<{ runs: { steps: Step[] } }>(
        join(root, ACTIONS_DIR, 'deploy-app/action.yml'),
      );
      const register = composite.runs.steps.filter(
        (s) => s.uses === `adhoc-actions/adhoc-actions/register-task-definition@${RELEASE}`,
      );
      expect(register.map((s) => s.with?.['image-tag'])).toEqual([
        '${{ inputs.image-tag }}',
        '${{ inputs.frontend-image-tag }}',
      ]);
      const check = steps[0];
      expect(check?.uses).toBe(`adhoc-actions/adhoc-actions/.github/actions/check-environment@${RELEASE}`);
      expect(check?.with?.['image-tag']).toBe('${{ inputs.image-tag }}');
      expect(check?.with?.['frontend-image-tag']).toBe('${{ inputs.frontend-image-tag }}');
    },
  );

  // Issue 21.5: concurrency groups are repository-wide, so any workflow may cancel a production
  // deploy; its migration must then be left to finish, not stopped halfway.
  it.each([
    ['app-update.yml', 'deploy'],
    ['ad-hoc-deploy.yml', 'deploy'],
  ])("%s leaves a protected environment's migration running when the job is cancelled", (name, job) => {
    const steps = wfFile(name).jobs?.[job]?.steps ?? [];
    const deploy = steps.find(
      (s) => s.uses === `adhoc-actions/adhoc-actions/.github/actions/deploy-app@${RELEASE}`,
    );
    expect(deploy?.with?.['stop-on-cancel']).toBe("${{ steps.check.outputs.protected != 'true' }}");
    const composite = readYaml<{ runs: { steps: Step[] } }>(join(root, ACTIONS_DIR, 'deploy-app/action.yml'));
    const migrate = composite.runs.steps.find((s) => s.id === 'migrate');
    expect(migrate?.with?.['stop-on-cancel']).toBe('${{ inputs.stop-on-cancel }}');
  });

  it.each([
    ['preview.yml', 'deploy'],
    ['production-deploy.yml', 'deploy'],
  ])('%s passes the image (tag or digest) through unchanged', (name, job) => {
    expect(wfFile(name).jobs?.[job]?.with).toMatchObject({
      'image-tag': '${{ inputs.image-tag }}',
      'frontend-image-tag': '${{ inputs.frontend-image-tag }}',
    });
  });

  it('ad-hoc-deploy gives Terraform the image only as a creation-time variable and applies only changes', () => {
    const step = scriptOf(stepOf(wfFile('ad-hoc-deploy.yml'), 'deploy', 'terraform plan + apply'));
    const env = {
      ENV_NAME: 'feature-a',
      VAR_FILE: 'a.tfvars',
      IMAGE_TAG: `sha256:${HEX64}`,
      IMAGE_TAG_VARIABLE: 'backend_image_tag',
      FRONTEND_IMAGE_TAG: '',
      FRONTEND_IMAGE_TAG_VARIABLE: 'frontend_image_tag',
      LOCK_TIMEOUT: '10m',
    };
    const cwd = mkdtempSync(join(tmpdir(), 'adhoc-'));
    writeFileSync(join(cwd, 'a.tfvars'), '');
    // An app deploy: the plan has no changes (the root ignores image changes) → no apply.
    const same = runScript(step, env, { terraform: 'exit 0' }, cwd);
    expect(same.code).toBe(0);
    expect(same.calls).toEqual([
      `terraform plan -lock-timeout=10m -var-file=a.tfvars -var backend_image_tag=sha256:${HEX64} -out=tfplan -detailed-exitcode`,
    ]);
    const changed = runScript(step, env, { terraform: '[[ "$1" == plan ]] && exit 2; exit 0' }, cwd);
    expect(changed.calls[1]).toBe('terraform apply -lock-timeout=10m tfplan');
  });

  it('the example callers build, then deploy previews, staging and production from the built digest', () => {
    const calls = exampleFiles.flatMap((file) =>
      Object.entries(readYaml<Workflow>(join(root, file)).jobs ?? {}).map(([job, j]) => ({ file, job, j })),
    );
    const deploys = calls.filter(
      ({ j }) =>
        j.uses?.match(/\/(preview|ad-hoc-deploy|production-deploy)\.yml@(.+)$/)?.[2] === RELEASE &&
        j.with?.destroy !== true,
    );
    expect(deploys.map(({ file, job }) => `${file}:${job}`)).toEqual([
      `${EXAMPLES_DIR}/ad-hoc.yml:deploy`,
      `${EXAMPLES_DIR}/preview.yml:deploy`,
      `${EXAMPLES_DIR}/production.yml:staging`,
      `${EXAMPLES_DIR}/production.yml:production`,
    ]);
    for (const { j } of deploys) {
      expect([j.needs].flat()).toContain('build');
      expect(String(j.with?.['image-tag'])).toContain('needs.build.outputs.backend-digest');
    }
    const production = calls.find(({ job }) => job === 'production')?.j;
    expect(production?.with?.['image-tag']).toBe('${{ needs.build.outputs.backend-digest }}');
  });
});

describe('check-environment: names, protected environments, image references', () => {
  // protected-environments keeps its default: prod production staging default.
  const check = (
    inputs: Partial<Record<'environment' | 'github-environment' | 'operation' | 'image-tags', string>>,
  ) => runComposite('check-environment', { environment: 'feature-a', ...inputs });
  const error = (run: ReturnType<typeof check>) => {
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    return run.stdout.trim();
  };

  it('a prod-like name deploys only from a job in a GitHub environment, and is never destroyed', () => {
    for (const name of ['prod', 'production', 'default']) {
      expect(error(check({ environment: name }))).toMatch(
        new RegExp(
          `^::error::environment ${name} is protected \\(protected-environments\\): set github-environment`,
        ),
      );
      expect(check({ environment: name, 'github-environment': 'production' }).code).toBe(0);
      expect(
        error(check({ environment: name, 'github-environment': 'production', operation: 'destroy' })),
      ).toContain('never destroyed');
    }
    expect(check({ environment: 'feature-a' }).code).toBe(0);
  });

  it('bad names and image references fail in one line naming the input, even with a newline', () => {
    expect(error(check({ environment: 'x\n::error::injected' }))).toMatch(
      /^::error::environment .* must be 2-20/,
    );
    expect(error(check({ 'image-tags': 'sha256:abc' }))).toBe(
      '::error::image-tag sha256:abc must be an image tag or a digest sha256:<64 hex>',
    );
    expect(error(check({ 'image-tags': 'bad tag' }))).toContain('::error::image-tag');
    expect(check({ 'image-tags': `sha256:${HEX64}\nsha-0123abc\n` }).code).toBe(0);
  });

  it.each(['ad-hoc-deploy.yml', 'app-update.yml'])(
    '%s: the job runs in github-environment and checks protected-environments (more names; the built-in ones always)',
    (name) => {
      const wf = wfFile(name);
      expect(inputsOf(wf)['protected-environments']?.default).toBe('');
      expect(inputsOf(wf)['github-environment']?.default).toBe('');
      expect(wf.jobs?.deploy?.environment).toBe('${{ inputs.github-environment }}');
      expect(wf.jobs?.deploy?.steps?.[0]?.with).toMatchObject({
        'github-environment': '${{ inputs.github-environment }}',
        'protected-environments': '${{ inputs.protected-environments }}',
      });
    },
  );

  it('ad-hoc-destroy never destroys prod, production, staging or default, whatever the caller passes', () => {
    const wf = wfFile('ad-hoc-destroy.yml');
    expect(wf.jobs?.destroy?.steps?.[0]?.with).toMatchObject({
      'protected-environments': '${{ inputs.protected-environments }}',
      operation: 'destroy',
    });
    for (const environment of ['prod', 'production', 'staging', 'default']) {
      const run = runComposite('check-environment', {
        environment,
        'github-environment': 'production',
        operation: 'destroy',
        'protected-environments': 'other',
      });
      expect(run.code).toBe(1);
    }
  });

  it('production-deploy runs app-update in the production GitHub environment by default', () => {
    const wf = wfFile('production-deploy.yml');
    expect(inputsOf(wf)['github-environment']?.default).toBe('production');
    // Its own target is protected whatever the list says: github-environment '' is refused.
    expect(wf.jobs?.deploy?.with).toMatchObject({
      'github-environment': '${{ inputs.github-environment }}',
      'protected-environments': '${{ inputs.environment }} ${{ inputs.protected-environments }}',
    });
    const run = check({ environment: 'live', 'github-environment': '' });
    expect(run.code).toBe(0); // not protected by default…
    const protectedRun = runComposite('check-environment', {
      environment: 'live',
      'protected-environments': 'live ',
    });
    expect(protectedRun.stdout).toContain('::error::environment live is protected'); // …but as production-deploy passes it
  });
});

describe('check-environment: where a failure report is kept (issue 21.6)', () => {
  const location = (inputs: Record<string, string>) =>
    runComposite('check-environment', {
      'github-environment': 'production',
      'failure-report-bucket': 'acme-terraform-state',
      ...inputs,
    });

  it.each([
    // A protected environment's stays in its tier, under its own name: the key the production
    // role may write (failure-reports/<name>/*, trust.tftest.hcl), custom names included.
    [{ environment: 'prod' }, 's3://acme-terraform-state/failure-reports/prod/', 'false'],
    [{ environment: 'staging' }, 's3://acme-terraform-state/failure-reports/staging/', 'false'],
    [
      { environment: 'live', 'protected-environments': 'live' },
      's3://acme-terraform-state/failure-reports/live/',
      'false',
    ],
    // app-update's cluster input: the protected cluster names the prefix.
    [
      { environment: 'feature-x', cluster: 'prod' },
      's3://acme-terraform-state/failure-reports/prod/',
      'false',
    ],
    // A preview's is a workflow artifact, and never gets a location in the bucket.
    [{ environment: 'feature-a', 'github-environment': '' }, undefined, 'true'],
  ])('%j: location %s, artifact %s', (inputs, where, artifact) => {
    const run = location(inputs);
    expect(run.code).toBe(0);
    expect(run.outputs['failure-report-location']).toBe(where);
    expect(run.outputs['failure-report-artifact']).toBe(artifact);
  });

  it('a bucket that is not an S3 bucket name is one error naming the input', () => {
    const run = location({ environment: 'prod', 'failure-report-bucket': 'Acme_State' });
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe('::error::failure-report-bucket Acme_State is not an S3 bucket name');
  });
});

describe('the end state of a failed rollout reaches Slack (issue 22.3)', () => {
  it.each([
    [
      'app-update.yml',
      "${{ inputs.rollback-to != '' && format('Rollback from {0} to {1}, no migrations.', steps.history.outputs.current, steps.history.outputs.release) || steps.deploy.outputs.end-state }}",
    ],
    ['ad-hoc-deploy.yml', '${{ steps.deploy.outputs.end-state }}'],
  ])('%s: the finished message carries deploy-app end-state', (name, text) => {
    const steps = wfFile(name).jobs?.deploy?.steps ?? [];
    const finished = steps.filter(
      (s) =>
        s.uses === `adhoc-actions/adhoc-actions/.github/actions/notify@${RELEASE}` &&
        s.with?.['status'] === '${{ job.status }}',
    );
    expect(finished.map((s) => s.with?.['text'])).toEqual([text]);
    const composite = readYaml<{ outputs: Record<string, { value: string }> }>(
      join(root, ACTIONS_DIR, 'deploy-app/action.yml'),
    );
    expect(composite.outputs['end-state']?.value).toBe('${{ steps.rollout.outputs.end-state }}');
  });
});

describe('secrets by name (issue 21.8)', () => {
  it('no example caller hands a reusable workflow every secret (secrets: inherit)', () => {
    const dir = join(root, 'examples/django-repo/.github/workflows');
    for (const file of readdirSync(dir)) {
      expect([file, /secrets:\s*inherit/.test(readFileSync(join(dir, file), 'utf8'))]).toEqual([file, false]);
    }
  });
});

describe('protected names in one place (issue 22.6)', () => {
  it('the built-in list lives in check-environment.sh (and its TypeScript twin), never in a workflow', async () => {
    const script = readFileSync(join(root, ACTIONS_DIR, 'check-environment/check-environment.sh'), 'utf8');
    const list = /^BUILT_IN_PROTECTED="([^"]+)"$/m.exec(script)?.[1]?.split(' ');
    const { BUILT_IN_PROTECTED } = await import('../../actions/lib/protected-names.ts');
    expect(list).toEqual([...BUILT_IN_PROTECTED]);
    for (const file of readdirSync(join(root, '.github/workflows'))) {
      expect([
        file,
        readFileSync(join(root, '.github/workflows', file), 'utf8').includes('prod production'),
      ]).toEqual([file, false]);
    }
  });

  it('more names add to the built-in ones, never replace them', () => {
    const run = runComposite('check-environment', { environment: 'prod', 'protected-environments': 'live' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::environment prod is protected');
    const live = runComposite('check-environment', { environment: 'live', 'protected-environments': 'live' });
    expect(live.code).toBe(1);
    expect(runComposite('check-environment', { environment: 'feature-a' }).outputs['protected-names']).toBe(
      'prod production staging default',
    );
  });
});

describe('app-update cluster input (issue 21.9)', () => {
  it('a protected cluster given apart from the environment is held to the protected-name rule', () => {
    const check = wfFile('app-update.yml').jobs?.deploy?.steps?.[0];
    expect(check?.with?.['cluster']).toBe('${{ inputs.cluster }}');
    // environment feature-x with cluster prod, from a job in no GitHub environment.
    const bypass = runComposite('check-environment', { environment: 'feature-x', cluster: 'prod' });
    expect(bypass.code).toBe(1);
    expect(bypass.stdout).toContain(
      '::error::cluster (input cluster) prod is protected (protected-environments): set github-environment',
    );
    const approved = runComposite('check-environment', {
      environment: 'feature-x',
      cluster: 'prod',
      'github-environment': 'production',
    });
    expect(approved.code).toBe(0);
    expect(approved.outputs['protected']).toBe('true');
  });
});

describe('concurrency without loss', () => {
  const destroy = wfFile('ad-hoc-destroy.yml');
  const age = scriptOf(stepOf(destroy, 'destroy', 'age'));
  const recheck = (env: Record<string, string>) =>
    runScript(age, {
      EXISTS: 'true',
      ENV_NAME: 'pr-7',
      MIN_AGE_HOURS: '72',
      TO_DESTROY: '[]',
      STATUS: '[{"name":"pr-7","reason":"active 3 h ago"}]',
      ...env,
    });

  it('ad-hoc-destroy decides again right before destroying, from environment-status: activity since the scan keeps it', () => {
    const step = stepOf(destroy, 'destroy', 'idle') as { uses?: string; with?: Record<string, string> };
    expect(step.uses).toBe(`adhoc-actions/adhoc-actions/environment-status@${RELEASE}`);
    expect(step.with?.['destroy-after-hours']).toBe('${{ inputs.min-age-hours }}');
    const fresh = recheck({});
    expect(fresh.outputs.destroy).toBe('false');
    expect(fresh.stdout).toContain('::notice::pr-7 is kept: active 3 h ago');
    expect(recheck({ TO_DESTROY: '["pr-7"]' }).outputs.destroy).toBe('true');
    expect(recheck({ TO_DESTROY: '["pr-70"]' }).outputs.destroy).toBe('false');
    // By hand (no min age) it destroys without asking; a missing workspace is never destroyed.
    expect(recheck({ MIN_AGE_HOURS: '0' }).outputs.destroy).toBe('true');
    expect(recheck({ EXISTS: 'false' }).outputs.destroy).toBe('false');
  });

  it('every destroying step waits for that decision', () => {
    const steps = destroy.jobs?.destroy?.steps ?? [];
    const destroying = steps.filter((s) => /terraform (destroy|workspace delete)/.test(s.run ?? ''));
    expect(destroying).toHaveLength(2);
    for (const s of destroying) expect((s as { if?: string }).if).toBe("steps.age.outputs.destroy == 'true'");
  });

  it('the janitor passes its destroy-after-hours as the minimum idle time', () => {
    expect(wfFile('janitor.yml').jobs?.destroy?.with?.['min-age-hours']).toBe(
      '${{ inputs.destroy-after-hours }}',
    );
  });

  it('deploys and destroys of one environment share one queue', () => {
    const group = (name: string, job: string) => {
      const c = wfFile(name).jobs?.[job]?.concurrency;
      return typeof c === 'object' ? { group: c.group, queue: c.queue } : c;
    };
    const expected = { group: 'adhoc-actions-env-${{ inputs.environment }}', queue: 'max' };
    expect(group('ad-hoc-deploy.yml', 'deploy')).toEqual(expected);
    expect(group('ad-hoc-destroy.yml', 'destroy')).toEqual(expected);
    expect(group('app-update.yml', 'deploy')).toEqual(expected);
  });
});

describe('supply chain', () => {
  it('Dependabot keeps the GitHub Actions pins and the npm dependencies current', () => {
    const config = readYaml<{
      updates: { 'package-ecosystem': string; directory?: string; directories?: string[] }[];
    }>(join(root, '.github/dependabot.yml'));
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    const actions = config.updates.find((u) => u['package-ecosystem'] === 'github-actions');
    // Dependabot reads .github/workflows from `/`; a composite action only when its directory is listed.
    const needed = compositeFiles
      .filter((file) =>
        /uses:\s*(?!adhoc-actions\/)[\w.-]+\/[\w.-]+@/.test(readFileSync(join(root, file), 'utf8')),
      )
      .map((file) => `/${file.replace(/\/action\.yml$/, '')}`);
    expect(needed).toEqual([
      '/.github/actions/aws-credentials',
      '/.github/actions/deploy-app',
      '/.github/actions/setup-terraform',
    ]);
    expect(actions?.directories).toEqual(expect.arrayContaining(['/', ...needed]));
  });

  it('THIRD_PARTY_ACTIONS lists only commit SHAs', () => {
    for (const key of Object.keys(THIRD_PARTY_ACTIONS))
      expect(key).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });
});

describe('the Terraform outputs the workflows read', () => {
  // Each terraform-outputs step's mappings, parsed by the action's own parser, against the
  // outputs the example root declares and the components modules/environment has.
  const read = (path: string) => readFileSync(join(ROOT_DIR, path), 'utf8');
  const ROOT_DIR = new URL('../..', import.meta.url).pathname;
  const TERRAFORM_OUTPUTS = `${OWNER_REPO}/terraform-outputs@${RELEASE}`;
  const declared = (root: string) =>
    [...read(`terraform/examples/${root}/outputs.tf`).matchAll(/output\s+"([^"]+)"/g)].map((m) => m[1]!);
  // The module's declared components (main.tf builds from this file).
  const declaredComponents = JSON.parse(read('terraform/modules/environment/components.json')) as {
    backend: string[];
    others: string[];
  };
  const components = [...declaredComponents.backend, ...declaredComponents.others];

  it.each(['ad-hoc-deploy.yml', 'ad-hoc-destroy.yml'])(
    '%s reads only outputs the ad-hoc root declares',
    (file) => {
      const wf = readYaml<Workflow>(join(WORKFLOWS_DIR, file));
      const steps = stepsWithWhere(wf).filter(({ step }) => step.uses === TERRAFORM_OUTPUTS);
      expect(steps).toHaveLength(1);
      const mappings = parseMappings('outputs', String(steps[0]!.step.with?.outputs));
      const outputs = declared('ad-hoc');
      for (const { paths } of mappings) {
        for (const { keys } of paths) {
          expect(outputs).toContain(keys[0]);
          // A key below an output names a component; `*` takes them all.
          for (const key of keys.slice(1)) if (key !== '*') expect(components).toContain(key);
        }
      }
    },
  );
});
