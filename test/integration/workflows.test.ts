// The reusable workflows, this repository's CI and the example callers: actionlint, our actions'
// inputs, reusable-workflow calls, script injection, references, permissions and concurrency.
// Each checker is first shown to fail on a bad sample, so a green run means something.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ActionMeta,
  type Linter,
  type Workflow,
  checkActionInputs,
  checkDeployConcurrency,
  checkInputsUsed,
  checkNoExpressionsInScripts,
  checkPermissions,
  checkReferences,
  checkReusableCalls,
  loadActionlint,
  parseYaml,
  readYaml,
} from '../helpers/workflows.ts';

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
      - uses: adhoc-actions/adhoc-actions/rolling-update@v1
        with: { cluster: c, no-such-input: x }
      - uses: adhoc-actions/adhoc-actions/no-such-action@v1
      - run: echo "\${{ inputs.environment }}"
      - run: terraform apply tfplan
      - uses: actions/github-script@v7
        with:
          script: core.info('\${{ github.event.pull_request.title }}')
  call:
    uses: adhoc-actions/adhoc-actions/.github/workflows/app-update.yml@v1
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

  it('checkReferences: unpinned actions and ./ inside a reusable workflow', () => {
    expect(checkReferences(BAD)).toEqual([
      'jobs.deploy.steps[0]: "actions/checkout" is not pinned to a version',
      `jobs.deploy.steps[2]: "./rolling-update" points at the caller's checkout inside a reusable workflow`,
    ]);
  });

  it('checkPermissions: write-all, a write scope without a reason, OIDC without id-token', () => {
    expect(checkPermissions(BAD)).toEqual([
      'top-level permissions: write-all',
      'jobs.deploy: issues: write without a step that needs it',
      'jobs.deploy: assumes an AWS role without id-token: write',
    ]);
  });

  it('checkDeployConcurrency: a deploy job that can be cancelled half-way', () => {
    expect(checkDeployConcurrency(BAD)).toEqual(['jobs.deploy: deploys with cancel-in-progress not false']);
    const none = parseYaml<Workflow>('jobs: { d: { steps: [ { run: terraform destroy -auto-approve } ] } }');
    expect(checkDeployConcurrency(none)).toEqual(['jobs.d: deploys without a concurrency group']);
  });
});

describe('actionlint', () => {
  let lint: Linter;
  beforeAll(async () => {
    lint = await loadActionlint();
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
