import { OPERATOR_CREDENTIALS } from '../../simulator/aws/index.ts';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { ROOT } from '../../simulator/runner/run-action.ts';
import { callInputs, expandMatrix, hashFiles, rehearse } from '../../simulator/rehearsal/engine.ts';
import { asString, evaluate, truthy } from '../../simulator/rehearsal/expressions.ts';
import { parseKeyValueFile } from '../../simulator/rehearsal/file-commands.ts';
import { CommandReader, Masker } from '../../simulator/rehearsal/workflow-commands.ts';
import { loadWorkflow } from '../../simulator/rehearsal/workflow.ts';
import { oneOffTasksSucceed, startServices, type Services } from '../../simulator/rehearsal/services.ts';
import { rehearsalOptions } from '../helpers/rehearsal.ts';

/** The rehearsal: GitHub's parser and evaluator, run steps in bash, our actions, stand-ins. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rehearsal-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('expressions', () => {
  const scope = {
    status: 'success' as const,
    contexts: {
      inputs: { 'database-mode': 'ecs-task', n: 3 },
      secrets: { SLACK_TOKEN: '', SLACK_WEBHOOK_URL: 'https://hooks' },
      steps: {
        register: { outputs: { 'task-definition-arns': '{"app-migrate":"arn:td/app-migrate:4"}' } },
        'tf-outputs': { outputs: { 'migrate-family': 'app-migrate', cluster: 'app' } },
      },
    },
  };

  test('evaluates what ad-hoc-deploy writes, with GitHub semantics', () => {
    expect(
      evaluate(
        'fromJSON(steps.register.outputs.task-definition-arns)[steps.tf-outputs.outputs.migrate-family]',
        scope,
      ),
    ).toBe('arn:td/app-migrate:4');
    expect(evaluate("secrets.SLACK_TOKEN != '' || secrets.SLACK_WEBHOOK_URL != ''", scope)).toBe(true);
    expect(
      evaluate("inputs.database-mode == 'ecs-task' && steps.tf-outputs.outputs.cluster || ''", scope),
    ).toBe('app');
    // Case-insensitive names and comparisons, missing properties are null.
    expect(evaluate("INPUTS.DATABASE-MODE == 'ECS-TASK'", scope)).toBe(true);
    expect(evaluate('steps.nope.outputs.x', scope)).toBeNull();
    expect(evaluate("format('{0}-{1}', inputs.database-mode, inputs.n)", scope)).toBe('ecs-task-3');
    // Every '' in a string literal is one quote (the parser writes 'x ''{0}'' y' for x '${{ }}' y).
    expect(evaluate("format('a ''{0}'' b ''c''', inputs.n)", scope)).toBe("a '3' b 'c'");
  });

  test('status functions follow the job status', () => {
    expect(evaluate('success()', scope)).toBe(true);
    const failed = { ...scope, status: 'failure' as const };
    expect(evaluate('success()', failed)).toBe(false);
    expect(evaluate('failure() && always()', failed)).toBe(true);
    expect(evaluate('cancelled()', failed)).toBe(false);
  });

  test('truthiness and string conversion are the runner’s', () => {
    expect([truthy(''), truthy(0), truthy(null), truthy(false), truthy('false'), truthy({})]).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect([asString(null), asString(15), asString(true)]).toEqual(['', '15', 'true']);
  });

  test('workflow_call inputs: required, unknown, defaults and types', async () => {
    const workflow = await loadWorkflow(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'));
    const required = {
      environment: 'x',
      'image-tag': 'v1',
      'backend-config': 'bucket=b',
      'aws-region': 'us-east-1',
      'role-to-assume': 'arn:aws:iam::123456789012:role/r',
    };
    const inputs = callInputs(workflow, { ...required, 'timeout-minutes': '7' }, {});
    expect(inputs['timeout-minutes']).toBe(7);
    expect(inputs['migrate-command']).toBe('python manage.py migrate --noinput');
    expect(() =>
      callInputs(workflow, { ...required, 'image-tag': undefined as unknown as string }, {}),
    ).toThrow('input image-tag is required');
    expect(() => callInputs(workflow, { ...required, imagetag: 'v1' }, {})).toThrow(
      'unknown input(s) imagetag',
    );
    expect(() => callInputs(workflow, { ...required, 'timeout-minutes': 'soon' }, {})).toThrow(
      "input timeout-minutes must be a number, got 'soon'",
    );
  });

  test('hashFiles() hashes the matched files, in path order, and is empty without a match', async () => {
    const workspace = join(dir, 'hash');
    await mkdir(join(workspace, 'b'), { recursive: true });
    await writeFile(join(workspace, 'a.txt'), 'one');
    await writeFile(join(workspace, 'b', 'c.txt'), 'two');
    const both = hashFiles(workspace, ['**/*.txt']);
    expect(both).toMatch(/^[0-9a-f]{64}$/);
    expect(hashFiles(workspace, ['b/c.txt', 'a.txt'])).toBe(both);
    expect(hashFiles(workspace, ['**/*.txt', '!b/**'])).toBe(hashFiles(workspace, ['a.txt']));
    expect(hashFiles(workspace, ['*.lock'])).toBe('');
    await writeFile(join(workspace, 'a.txt'), 'changed');
    expect(hashFiles(workspace, ['**/*.txt'])).not.toBe(both);
  });

  test('a matrix expands into its combinations, with include and exclude', () => {
    expect(
      expandMatrix({ matrix: { env: ['a', 'b'], size: [1, 2], exclude: [{ env: 'b', size: 2 }] } }),
    ).toEqual([
      { env: 'a', size: 1 },
      { env: 'a', size: 2 },
      { env: 'b', size: 1 },
    ]);
    expect(expandMatrix(null)).toEqual([{}]);
    expect(expandMatrix({ matrix: { environment: [] } })).toEqual([]);
  });
});

describe('file and workflow commands', () => {
  test('GITHUB_OUTPUT and GITHUB_ENV: name=value and multi-line name<<DELIMITER', () => {
    const text = 'a=1\nempty=\nlist<<EOF\nx\ny=z\nEOF\nurl=https://x?a=b\n';
    expect(parseKeyValueFile(text)).toEqual({ a: '1', empty: '', list: 'x\ny=z', url: 'https://x?a=b' });
    expect(() => parseKeyValueFile('list<<EOF\nx\n', 'GITHUB_ENV')).toThrow(
      "GITHUB_ENV: no closing delimiter 'EOF' for 'list'",
    );
    expect(() => parseKeyValueFile('just text')).toThrow("GITHUB_OUTPUT: invalid line 'just text'");
  });

  test('::add-mask:: hides the value in later lines; ::error:: is collected', () => {
    const masker = new Masker();
    const reader = new CommandReader(masker, 'step');
    expect(reader.line('token is s3cr3t')).toBe('token is s3cr3t');
    expect(reader.line('::add-mask::s3cr3t')).toBeUndefined();
    expect(reader.line('token is s3cr3t')).toBe('token is ***');
    expect(reader.line('::error::bad s3cr3t%0Anext')).toBe('Error: bad ***\nnext');
    expect(reader.annotations).toEqual([{ level: 'error', step: 'step', message: 'bad ***\nnext' }]);
    expect(reader.line('::stop-commands::tok')).toBeUndefined();
    expect(reader.line('::error::not a command now')).toBe('::error::not a command now');
    expect(reader.line('::tok::')).toBeUndefined();
    expect(reader.line('::debug::hidden')).toBeUndefined();
  });
});

const options = rehearsalOptions;

test('jobs and steps run as the runner runs them: needs, if, outputs, env files, masks, gates', async () => {
  const file = join(dir, 'engine.yml');
  await writeFile(
    file,
    `on:
  workflow_call:
    inputs:
      who: { type: string, default: world }
    secrets:
      TOKEN: { required: true }
    outputs:
      greeting: { value: '\${{ jobs.first.outputs.greeting }}' }
env:
  LEVEL: workflow
jobs:
  first:
    runs-on: ubuntu-latest
    outputs:
      greeting: \${{ steps.hello.outputs.text }}
    defaults:
      run:
        working-directory: sub
    steps:
      - working-directory: .
        run: mkdir -p sub && echo "made"
      - id: hello
        env:
          WHO: \${{ inputs.who }}
        run: |
          echo "in $(basename "$PWD") at $LEVEL"
          echo "text=hello $WHO" >> "$GITHUB_OUTPUT"
          { echo "NOTE<<X"; echo "two"; echo "lines"; echo "X"; } >> "$GITHUB_ENV"
          echo "token \${{ secrets.TOKEN }}"
      - run: echo "note=[$NOTE]" && exit 3
        continue-on-error: true
        id: soft
      - run: echo "soft was \${{ steps.soft.outcome }}/\${{ steps.soft.conclusion }}"
      - run: exit 1
      - run: echo never
      - if: failure()
        run: echo "cleanup after failure"
  second:
    needs: first
    runs-on: ubuntu-latest
    steps:
      - run: echo never either
  after-skipped:
    needs: second
    runs-on: ubuntu-latest
    steps:
      - run: echo "a job whose need was skipped is skipped too"
  third:
    needs: [first, second]
    if: always()
    environment: production
    runs-on: ubuntu-latest
    steps:
      - run: echo "gate passed \${{ needs.first.outputs.greeting }} \${{ needs.second.result }}"
`,
  );
  const refused = options({
    workDir: join(dir, 'engine-refused'),
    inputs: { who: 'rehearsal' },
    secrets: { TOKEN: 'tok-123' },
  });
  const result = await rehearse(file, refused);
  const log = refused.lines.join('\n');
  expect(log).toContain('in sub at workflow');
  expect(log).toContain('token ***');
  expect(log).not.toContain('tok-123');
  expect(log).toContain('note=[two\nlines]'.split('\n')[0]);
  expect(log).toContain('soft was failure/success');
  expect(log).toContain('Error: Process completed with exit code 1.');
  expect(log).toMatch(/step 6\/7: Run echo never\n\s+skipped/);
  expect(log).toContain('cleanup after failure');
  expect(log).toContain('━━ Job second: skipped');
  expect(log).toContain('━━ Job after-skipped: skipped');
  expect(log).toContain("environment 'production' waits for a reviewer: refused (run with --approve)");
  expect(result.jobs['first']).toEqual({ result: 'failure', outputs: { greeting: 'hello rehearsal' } });
  expect(result.jobs['third']!.result).toBe('failure');
  expect(result.outputs).toEqual({ greeting: 'hello rehearsal' });
  expect(result.conclusion).toBe('failure');

  const approved = options({
    workDir: join(dir, 'engine-approved'),
    secrets: { TOKEN: 'tok-456' },
    approveEnvironments: true,
  });
  await rehearse(file, approved);
  expect(approved.lines.join('\n')).toContain('gate passed hello world skipped');
});

test('a job calling a reusable workflow is rehearsed recursively, once per matrix combination', async () => {
  const root = join(dir, 'nested-root');
  await mkdir(join(root, '.github/workflows'), { recursive: true });
  await writeFile(
    join(root, '.github/workflows/inner.yml'),
    `on:
  workflow_call:
    inputs:
      name: { type: string, required: true }
    secrets:
      TOKEN: { required: true }
    outputs:
      said: { value: '\${{ jobs.say.outputs.said }}' }
jobs:
  say:
    runs-on: ubuntu-latest
    outputs:
      said: \${{ steps.s.outputs.said }}
    steps:
      - id: s
        run: echo "said=hi \${{ inputs.name }} \${{ secrets.TOKEN }}" | tee -a "$GITHUB_OUTPUT"
`,
  );
  const outer = join(dir, 'outer.yml');
  await writeFile(
    outer,
    `on:
  workflow_call:
    secrets:
      TOKEN: { required: true }
jobs:
  each:
    strategy:
      matrix:
        name: [ann, bob]
    uses: adhoc-actions/adhoc-actions/.github/workflows/inner.yml@v9
    with:
      name: \${{ matrix.name }}
    secrets:
      TOKEN: \${{ secrets.TOKEN }}
  old-terraform:
    runs-on: ubuntu-latest
    steps:
      - uses: hashicorp/setup-terraform@v3
        with: { terraform_version: '~0.12' }
`,
  );
  const run = options({ workDir: join(dir, 'nested'), repoRoot: root, secrets: { TOKEN: 'sekret-token' } });
  const result = await rehearse(outer, run);
  const log = run.lines.join('\n');
  expect(log).toContain('━━ Job each: calls adhoc-actions/adhoc-actions/.github/workflows/inner.yml@v9');
  // Each line of a called workflow is indented one level more.
  expect(log).toContain('\n     said=hi ann ***\n');
  expect(log).toContain('\n     said=hi bob ***\n');
  // The runner drops a job output that holds a secret.
  expect(log).toContain("Warning: Skip output 'said' since it may contain secret.");
  expect(result.jobs['each']).toEqual({ result: 'success', outputs: {} });
  expect(log).toMatch(/Error: terraform \d+\.\d+\.\d+ on PATH does not satisfy terraform_version '~0\.12'/);
  expect(result.jobs['old-terraform']!.result).toBe('failure');
});

test('a composite action of ours runs its steps: inputs, defaults, env, action path, outputs, failure', async () => {
  const root = join(dir, 'composite-root');
  await mkdir(join(root, '.github/actions/greet'), { recursive: true });
  await writeFile(
    join(root, '.github/actions/greet/hello.sh'),
    'echo "script says $GREETING from $(basename "$GITHUB_ACTION_PATH")"\n',
  );
  await writeFile(
    join(root, '.github/actions/greet/action.yml'),
    `name: greet
description: test composite
inputs:
  who: { description: who, required: true }
  punctuation: { description: p, default: '!' }
outputs:
  said: { description: s, value: '\${{ steps.say.outputs.said }}' }
runs:
  using: composite
  steps:
    - id: say
      shell: bash
      env:
        GREETING: hello \${{ inputs.who }}\${{ inputs.punctuation }}
      run: |
        bash "\${{ github.action_path }}/hello.sh"
        echo "said=$GREETING" >> "$GITHUB_OUTPUT"
        echo "FROM_COMPOSITE=yes" >> "$GITHUB_ENV"
    - if: inputs.who == 'fail'
      shell: bash
      run: exit 4
    - if: failure()
      shell: bash
      run: echo "composite cleanup"
`,
  );
  const file = join(dir, 'composite.yml');
  await writeFile(
    file,
    `on: workflow_call
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - id: g
        uses: adhoc-actions/adhoc-actions/.github/actions/greet@v1.0.0
        with: { who: ann }
      - run: echo "job sees '\${{ steps.g.outputs.said }}' and FROM_COMPOSITE=$FROM_COMPOSITE"
      - uses: adhoc-actions/adhoc-actions/.github/actions/greet@v1.0.0
        with: { who: fail }
      - run: echo never
`,
  );
  const run = options({ workDir: join(dir, 'composite'), repoRoot: root });
  const result = await rehearse(file, run);
  const log = run.lines.join('\n');
  expect(log).toContain('script says hello ann! from greet');
  expect(log).toContain("job sees 'hello ann!' and FROM_COMPOSITE=yes");
  expect(log).toContain('Error: Process completed with exit code 4.');
  expect(log).toContain('composite cleanup');
  expect(log).toMatch(/Run echo never\n\s+skipped/);
  expect(result.conclusion).toBe('failure');
});

test('a step using an action with no stand-in fails, naming it', async () => {
  const file = join(dir, 'unknown.yml');
  await writeFile(
    file,
    `on: workflow_call
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/mystery-action@v2
      - run: echo after
`,
  );
  const run = options({ workDir: join(dir, 'unknown') });
  const result = await rehearse(file, run);
  expect(result.conclusion).toBe('failure');
  expect(run.lines.join('\n')).toContain(
    "no stand-in for 'uses: acme/mystery-action@v2': the rehearsal cannot run this step",
  );
  expect(result.annotations.map((a) => a.message)).toContainEqual(
    expect.stringContaining('acme/mystery-action@v2'),
  );
  expect(run.lines.join('\n')).not.toContain('   after');
});

test('stand-ins: artifacts in a folder (a name once per run), docker digests, a recording GitHub API', async () => {
  const file = join(dir, 'stand-ins.yml');
  await writeFile(
    file,
    `on: workflow_call
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      digest: \${{ steps.image.outputs.digest }}
    steps:
      - uses: actions/checkout@v4
      - run: echo plan-output > plan.txt
      - uses: actions/upload-artifact@v4
        with: { name: plan, path: plan.txt }
      - id: again
        continue-on-error: true
        uses: actions/upload-artifact@v4
        with: { name: plan, path: plan.txt }
      - id: image
        uses: docker/build-push-action@v6
        with: { context: ., tags: 'acme/blog:v1', push: true }
      - id: script
        uses: actions/github-script@v7
        env: { PR: '7' }
        with:
          script: |
            const { owner, repo } = context.repo;
            const comment = await github.rest.issues.createComment({ owner, repo, issue_number: Number(process.env.PR), body: 'hi' });
            return comment.data.id;
      - run: echo "upload again \${{ steps.again.outcome }}, comment \${{ steps.script.outputs.result }}"
  use:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with: { name: plan, path: got }
      - run: cat got/plan.txt
`,
  );
  const run = options({ workDir: join(dir, 'stand-ins') });
  const result = await rehearse(file, run);
  const log = run.lines.join('\n');
  expect(log).toContain('Error: Failed to CreateArtifact: an artifact named plan already exists in this run');
  expect(log).toContain('upload again failure, comment 1000');
  expect(log).toMatch(/step 2\/2: Run cat got\/plan.txt\n\s+plan-output/);
  expect(result.githubCalls).toEqual([
    {
      method: 'rest.issues.createComment',
      params: { owner: 'acme', repo: 'webapp', issue_number: 7, body: 'hi' },
    },
  ]);
  expect(result.jobs['build']!.outputs['digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
  const again = options({ workDir: join(dir, 'stand-ins-again') });
  expect((await rehearse(file, again)).jobs['build']!.outputs['digest']).toBe(
    result.jobs['build']!.outputs['digest'],
  );
  expect(result.conclusion).toBe('success');
});

const PRODUCTION_ROLE = 'arn:aws:iam::123456789012:role/github-actions/github-actions-production';

/**
 * An environment as a Terraform apply of modules/environment leaves it, made by the apply
 * stand-in run with the production role (terraform.yml's apply job of the prod root): the
 * revisions it registers are the production deploy's to build on.
 */
async function seedLikeTerraform(services: Services, name: string): Promise<void> {
  const root = join(dir, `terraform-${name}`);
  await cp(join(ROOT, 'terraform/examples/ad-hoc'), root, { recursive: true });
  const env = {
    ...process.env,
    ...services.emulator.env({ role: 'github-actions-production' }),
    REHEARSAL_ROOT: ROOT,
    REHEARSAL_TF_STATE: join(root, '.state'),
  };
  const vars = [
    `name=${name}`,
    'ecr_registry=123456789012.dkr.ecr.us-east-1.amazonaws.com',
    'backend_image_tag=v1.0.0',
    'frontend_image_tag=v2.0.0',
  ];
  // Asynchronously: the emulator answers from this very process.
  await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'simulator/rehearsal/stand-ins/terraform-apply.ts'),
      'apply',
      name,
      ...vars.flatMap((v) => ['-var', v]),
    ],
    { cwd: root, env },
  );
}

describe('ad-hoc-deploy.yml', () => {
  let services: Services;
  const inputs = {
    environment: 'feature-abc',
    'backend-config': 'bucket=acme-terraform-state\nkey=adhoc/terraform.tfstate\nregion=us-east-1',
    'aws-region': 'us-east-1',
    'role-to-assume': 'arn:aws:iam::123456789012:role/github-actions/github-actions-preview',
    'slack-channel': 'deploys',
    // setup-terraform resolves '~1.9' to 1.9.x; the rehearsal uses the terraform on PATH.
    'terraform-version': '>=1.7',
  };
  beforeAll(async () => {
    services = await startServices();
    oneOffTasksSucceed(services.emulator, 'feature-abc');
  });
  afterAll(async () => {
    await services.stop();
  });

  function deployOptions(workDir: string, imageTag: string) {
    return options({
      workDir,
      terraformState: join(dir, 'deploy-terraform-state'),
      terraformRoot: join(ROOT, 'terraform/examples/ad-hoc'),
      inputs: { ...inputs, 'image-tag': imageTag },
      secrets: services.secrets,
      awsEnv: services.emulator.env(),
      redirects: services.redirects,
    });
  }

  test('creates feature-abc, then updates it from a copy with one more step', async () => {
    const create = deployOptions(join(dir, 'create'), 'v1');
    const created = await rehearse(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), create);
    const createLog = create.lines.join('\n');
    expect(created.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(created.conclusion).toBe('success');
    expect(created.outputs).toEqual({
      url: 'https://feature-abc.example.com',
      cluster: 'feature-abc',
      cost: expect.stringMatching(
        /^Estimated \d+\.\d\d USD\/day .* feature-abc runs .*list prices of \d{4}-\d\d-\d\d\.$/,
      ),
    });
    expect(createLog).toContain('[rehearsal] terraform apply is a stand-in: seeding the emulator');
    expect(createLog).toContain('+ aws_ecs_service.this["gunicorn"]  feature-abc-gunicorn');
    // terraform validate ran, now or in an earlier rehearsal of the same configuration.
    expect(createLog).toMatch(
      /Success! The configuration is valid\.|terraform validate: this configuration \([0-9a-f]+\) was validated by an earlier rehearsal/,
    );
    expect(createLog).toContain('Created database "feature_abc".');
    // The owner's password: generated into the environment's own secret, never printed.
    const password = services.emulator.secrets.find('adhoc/feature-abc/db-owner-password')!.value!;
    expect(password).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(createLog).not.toContain(password);
    expect(createLog).toContain('Started task');
    expect(createLog).toMatch(/adhoc-db-admin:1, container "psql"\) in cluster feature-abc/);
    // Issue 21.4: Terraform made the Redis password's secret empty; the first deploy generated
    // it (as the preview role, never printed) and restarted redis with it, before the migration.
    const redisAuth = JSON.parse(services.emulator.secrets.find('adhoc/feature-abc/redis-auth')!.value!) as {
      password: string;
      url: string;
    };
    expect(redisAuth.url).toBe(`redis://:${redisAuth.password}@feature-abc-redis.adhoc.internal:6379/0`);
    expect(createLog).not.toContain(redisAuth.password);
    expect(createLog).toMatch(
      /Restart redis with its new password\n[\s\S]*?feature-abc-redis: steady on feature-abc-redis:1/,
    );
    const restarts = () =>
      services.emulator
        .calls('UpdateService')
        .filter((c) => c.input['service'] === 'feature-abc-redis' && c.input['forceNewDeployment'] === true);
    expect(restarts()).toHaveLength(1);
    expect(createLog.indexOf('Restart redis with its new password')).toBeLessThan(
      createLog.indexOf(': Migrate\n'),
    );
    const summary = await readFile(created.summaryFile, 'utf8');
    expect(summary).toContain('<h3>Ad hoc environment feature-abc: success</h3>');
    expect(summary).toContain(
      '<tr><td>URL</td><td><a href="https://feature-abc.example.com">https://feature-abc.example.com</a></td></tr>',
    );
    expect(services.slack.messages.at(-1)!.text).toContain('Deployed feature-abc');

    // The same file with a step added: the rehearsal shows it, so the demo cannot drift.
    const original = await readFile(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), 'utf8');
    const copy = join(dir, 'ad-hoc-deploy-copy.yml');
    const marker = '      - name: Summary\n';
    expect(original).toContain(marker);
    await writeFile(
      copy,
      original.replace(marker, `      - name: New step\n        run: echo hello-from-new-step\n\n${marker}`),
    );
    const update = deployOptions(join(dir, 'update'), 'v2');
    const updated = await rehearse(copy, update);
    const updateLog = update.lines.join('\n');
    expect(updated.conclusion).toBe('success');
    expect(updateLog).toMatch(/step \d+\/\d+: New step\n\s+hello-from-new-step/);
    expect(updateLog).toContain('feature-abc is in the emulator already, no changes');
    expect(updateLog).toContain('Database "feature_abc" already existed.');
    const revisions = Object.fromEntries(
      services.emulator.services().map((s) => [s.serviceName, s.taskDefinition.split('/').pop()]),
    );
    expect(revisions).toMatchObject({
      'feature-abc-gunicorn': 'feature-abc-gunicorn:2',
      'feature-abc-celery': 'feature-abc-celery:2',
      'feature-abc-beat': 'feature-abc-beat:2',
      'feature-abc-frontend': 'feature-abc-frontend:1',
    });
    const message = services.slack.messages.at(-1)!;
    expect(message.text).toContain('Deployed feature-abc');
    expect(services.slack.messages).toHaveLength(2);
    // The password stays: nothing generated, redis left running.
    expect(updateLog).toMatch(/Restart redis with its new password\n\s+skipped/);
    expect(restarts()).toHaveLength(1);
  });

  test('a failing migration stops the rollout; the summary and Slack say it failed', async () => {
    services.emulator.setTaskBehavior('feature-abc-migrate', {
      startMs: 100,
      logs: [
        { afterMs: 50, message: 'django.db.utils.ProgrammingError: relation "blog_post" does not exist' },
      ],
      exitAfterMs: 200,
      exitCode: 1,
    });
    const failing = deployOptions(join(dir, 'failing'), 'v3');
    const result = await rehearse(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), failing);
    const log = failing.lines.join('\n');
    expect(result.conclusion).toBe('failure');
    expect(log).toContain('django.db.utils.ProgrammingError: relation "blog_post" does not exist');
    expect(log).toMatch(/Rolling update\n\s+skipped/);
    expect(await readFile(result.summaryFile, 'utf8')).toContain(
      '<h3>Ad hoc environment feature-abc: failure</h3>',
    );
    expect(services.slack.messages.at(-1)!.text).toContain('Deploy failed: feature-abc');
    // The report is kept as an artifact, linked from the summary and from Slack.
    const [artifact] = await readdir(join(dir, 'failing', 'artifacts'));
    expect(artifact).toMatch(/^failure-report-feature-abc-/);
    const [reportFile] = await readdir(join(dir, 'failing', 'artifacts', artifact!));
    const report = JSON.parse(
      await readFile(join(dir, 'failing', 'artifacts', artifact!, reportFile!), 'utf8'),
    ) as { task: { containers: { exitCode: number; logLines: string[] }[] } };
    expect(report.task.containers[0]!.exitCode).toBe(1);
    expect(report.task.containers[0]!.logLines.join('\n')).toContain('relation "blog_post" does not exist');
    const reportUrl = /<tr><td>Failure report<\/td><td><a href="(https:\/\/[^"]+\/artifacts\/\d+)">/.exec(
      await readFile(result.summaryFile, 'utf8'),
    )?.[1];
    expect(reportUrl).toBeDefined();
    expect(JSON.stringify(services.slack.messages.at(-1))).toContain(
      `*Failure report*\\n<${reportUrl}|${reportUrl}>`,
    );
    // Nothing was rolled out: the services stay on the revisions of the last good deploy.
    expect(
      services.emulator.services().find((s) => s.serviceName === 'feature-abc-gunicorn')!.taskDefinition,
    ).toMatch(/feature-abc-gunicorn:2$/);
  });
  test('a missing database secret stops the deploy in its first step, naming it, before any AWS call', async () => {
    const run = deployOptions(join(dir, 'no-secret'), 'v4');
    // Direct mode (a self-hosted runner in the VPC) needs the admin URL.
    run.inputs = { ...run.inputs, 'database-mode': 'direct' };
    run.secrets = { SLACK_TOKEN: services.secrets['SLACK_TOKEN']! };
    const before = services.slack.messages.length;
    const result = await rehearse(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), run);
    const log = run.lines.join('\n');
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.find((a) => a.level === 'error')!.message).toBe(
      "secret DATABASE_ADMIN_URL (database-mode direct) is required: pass it in the caller's secrets: (or secrets: inherit)",
    );
    expect(log).toMatch(/AWS credentials \(OIDC\)\n\s+skipped/);
    expect(log).toMatch(/terraform plan \+ apply\n\s+skipped/);
    // Slack (result) runs always(): it reports the failure.
    expect(services.slack.messages.length).toBe(before + 1);
    expect(services.slack.messages.at(-1)!.text).toContain('Deploy failed: feature-abc');
  });

  test('with SLACK_TOKEN but no slack-channel, Slack is off and the deploy succeeds', async () => {
    oneOffTasksSucceed(services.emulator, 'feature-abc');
    const run = deployOptions(join(dir, 'no-channel'), 'v5');
    run.inputs = { ...run.inputs, 'slack-channel': '' };
    const before = services.slack.messages.length;
    const result = await rehearse(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), run);
    const log = run.lines.join('\n');
    expect(result.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(result.conclusion).toBe('success');
    // The notify step decides: no channel for the token, so slack-notify itself never runs.
    for (const step of ['Slack (started)', 'Slack (result)'])
      expect(log).toMatch(new RegExp(`${step.replace(/[()]/g, '\\$&')}[^━]*?▸ 1/2: Slack\\n\\s+skipped`));
    expect(services.slack.messages.length).toBe(before);
  });
  test('app-update.yml deploys a new image to the running environment: summary, Slack, revisions', async () => {
    oneOffTasksSucceed(services.emulator, 'feature-abc');
    const before = services.emulator
      .services()
      .find((s) => s.serviceName === 'feature-abc-gunicorn')!
      .taskDefinition.split(':')
      .pop();
    const run = options({
      workDir: join(dir, 'app-update'),
      inputs: {
        environment: 'feature-abc',
        'image-tag': 'v7',
        'aws-region': inputs['aws-region'],
        'role-to-assume': inputs['role-to-assume'],
        'slack-channel': 'deploys',
      },
      secrets: { SLACK_TOKEN: services.secrets['SLACK_TOKEN']! },
      awsEnv: services.emulator.env(),
      redirects: services.redirects,
    });
    const result = await rehearse(join(ROOT, '.github/workflows/app-update.yml'), run);
    const log = run.lines.join('\n');
    expect(result.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(result.conclusion).toBe('success');
    expect(log).toContain('All 3 services are steady.');
    const after = services.emulator.services().find((s) => s.serviceName === 'feature-abc-gunicorn')!;
    expect(Number(after.taskDefinition.split(':').pop())).toBe(Number(before) + 1);
    const summary = await readFile(result.summaryFile, 'utf8');
    expect(summary).toContain('backend:v7');
    // What it costs to keep, priced from what ECS runs now.
    expect(summary).toContain('Estimated cost: feature-abc (us-east-1)');
    expect(summary).toMatch(/\| \*\*This environment\*\* \| +\| \*\*\d+\.\d\d USD\*\* \|/);
    expect(services.slack.messages.at(-1)!.text).toContain('feature-abc');
  });

  test('app-update.yml rollback-to: after r1, r2, r3, previous puts every service on r2 with no migration; a named release; both inputs refused', async () => {
    oneOffTasksSucceed(services.emulator, 'feature-abc');
    const update = (name: string, extra: Record<string, string>) =>
      options({
        workDir: join(dir, name),
        inputs: {
          environment: 'feature-abc',
          'aws-region': inputs['aws-region'],
          'role-to-assume': inputs['role-to-assume'],
          'slack-channel': 'deploys',
          ...extra,
        },
        secrets: { SLACK_TOKEN: services.secrets['SLACK_TOKEN']! },
        awsEnv: services.emulator.env(),
        redirects: services.redirects,
      });
    const appUpdate = join(ROOT, '.github/workflows/app-update.yml');
    const arns: Record<string, Record<string, string>> = {};
    for (const tag of ['r1', 'r2', 'r3']) {
      const result = await rehearse(appUpdate, update(`rollback-to-${tag}`, { 'image-tag': tag }));
      expect(result.conclusion).toBe('success');
      arns[tag] = JSON.parse(result.outputs['task-definition-arns']!) as Record<string, string>;
    }
    const running = (family: string) =>
      services.emulator.services().find((s) => s.serviceName === family)!.taskDefinition;
    const families = ['feature-abc-gunicorn', 'feature-abc-celery', 'feature-abc-beat'];
    const runTasksBefore = services.emulator.calls('RunTask').length;
    const registersBefore = services.emulator.calls('RegisterTaskDefinition').length;

    const back = await rehearse(appUpdate, update('rollback-to-previous', { 'rollback-to': 'previous' }));
    expect(back.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(back.conclusion).toBe('success');
    for (const family of families) expect(running(family)).toBe(arns['r2']![family]);
    expect(services.emulator.calls('RunTask').length).toBe(runTasksBefore); // no migration, no collectstatic
    expect(services.emulator.calls('RegisterTaskDefinition').length).toBe(registersBefore);
    const summary = await readFile(back.summaryFile, 'utf8');
    expect(summary).toContain('<h3>feature-abc rollback: success</h3>');
    expect(summary).toContain('<tr><td>Migrations</td><td><code>none run</code></td></tr>');
    expect(services.slack.messages.at(-1)!.text).toMatch(/Rollback from \S+ to \S+, no migrations\./);

    // A named release: the id register-task-definition recorded on r1's revisions.
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: services.emulator.url,
      credentials: OPERATOR_CREDENTIALS,
    });
    const { tags } = await ecs.send(
      new DescribeTaskDefinitionCommand({
        taskDefinition: arns['r1']!['feature-abc-gunicorn'],
        include: ['TAGS'],
      }),
    );
    ecs.destroy();
    const r1 = tags!.find((t) => t.key === 'adhoc-actions:release')!.value!;
    const named = await rehearse(appUpdate, update('rollback-to-named', { 'rollback-to': r1 }));
    expect(named.conclusion).toBe('success');
    expect(named.outputs['release']).toBe(r1);
    for (const family of families) expect(running(family)).toBe(arns['r1']![family]);

    const callsBefore = services.emulator.calls().length;
    const both = update('rollback-to-both', { 'image-tag': 'r4', 'rollback-to': 'previous' });
    const refused = await rehearse(appUpdate, both);
    expect(refused.conclusion).toBe('failure');
    expect(refused.annotations.find((a) => a.level === 'error')!.message).toBe(
      'inputs image-tag and rollback-to: give one, a new image to deploy or a release to go back to, not both',
    );
    expect(services.emulator.calls().length).toBe(callsBefore);
  });

  test('production-deploy.yml waits for its gate; app-update refuses a protected name without one', async () => {
    const gated = options({
      workDir: join(dir, 'production'),
      inputs: {
        'image-tag': 'v7',
        'aws-region': inputs['aws-region'],
        'role-to-assume': inputs['role-to-assume'],
      },
      awsEnv: services.emulator.env(),
    });
    const result = await rehearse(join(ROOT, '.github/workflows/production-deploy.yml'), gated);
    const log = gated.lines.join('\n');
    expect(result.conclusion).toBe('failure');
    expect(log).toContain('calls adhoc-actions/adhoc-actions/.github/workflows/app-update.yml@v1.0.0');
    expect(log).toContain("environment 'production' waits for a reviewer: refused (run with --approve)");

    const unprotected = options({
      workDir: join(dir, 'protected'),
      inputs: {
        environment: 'prod',
        'image-tag': 'v7',
        'aws-region': inputs['aws-region'],
        'role-to-assume': inputs['role-to-assume'],
      },
      awsEnv: services.emulator.env(),
    });
    const refused = await rehearse(join(ROOT, '.github/workflows/app-update.yml'), unprotected);
    expect(refused.conclusion).toBe('failure');
    expect(refused.annotations.find((a) => a.level === 'error')!.message).toBe(
      'environment prod is protected (protected-environments): set github-environment so the job runs in a GitHub environment with reviewers',
    );
    expect(unprotected.lines.join('\n')).toMatch(/AWS credentials \(OIDC\)\n\s+skipped/);
  });

  test('production-deploy.yml canary: paused at the hook, a reviewer continues (success) or rejects (rolled back)', async () => {
    // Production as terraform.yml's apply of the prod root leaves it (the environment module's
    // cluster, families and services), deployed by the production role it trusts.
    await seedLikeTerraform(services, 'prod');
    oneOffTasksSucceed(services.emulator, 'prod');
    // A "minute" of bake time or hook timeout lasts 400 ms here.
    services.emulator.setDeploymentTiming({ minuteMs: 400, stageMs: 100 });
    const gunicorn = () => services.emulator.services().find((s) => s.serviceName === 'prod-gunicorn')!;
    // The strategy a user sets outside Terraform (module README): blue/green, paused after test traffic.
    Object.assign(gunicorn().deploymentConfiguration, {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' },
        },
      ],
    });
    // Production is protected, so the vulnerability gate (CRITICAL) reads each image's ECR scan.
    services.emulator.ecr.pushImage('backend', `sha256:${'8'.repeat(64)}`, {}, ['v8']);
    services.emulator.ecr.pushImage('backend', `sha256:${'9'.repeat(64)}`, {}, ['v9']);
    const canary = (name: string, tag: string, approve: (gate: { job: string }) => boolean) =>
      options({
        workDir: join(dir, name),
        inputs: {
          environment: 'prod',
          'image-tag': tag,
          canary: 'true',
          // Images by tag, seeded by hand: build provenance is rehearsed from main's build in
          // new-repository-production.test.ts.
          provenance: 'off',
          'aws-region': inputs['aws-region'],
          'role-to-assume': PRODUCTION_ROLE,
        },
        approveEnvironments: approve,
        awsEnv: services.emulator.env(),
      });
    const deployment = () =>
      services.emulator
        .serviceDeployments()
        .find((d) => d.serviceDeploymentArn === gunicorn().currentServiceDeployment)!;

    const approved = canary('canary-continue', 'v8', () => true);
    const shipped = await rehearse(join(ROOT, '.github/workflows/production-deploy.yml'), approved);
    const log = approved.lines.join('\n');
    expect(shipped.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(shipped.conclusion).toBe('success');
    expect(shipped.jobs['canary-continue']!.result).toBe('success');
    expect(shipped.jobs['canary-rollback']!.result).toBe('skipped');
    expect(log).toMatch(/prod-gunicorn.*paused/);
    expect(log).toContain('Vulnerability gate');
    expect(deployment().status).toBe('SUCCESSFUL');
    const live = gunicorn().taskDefinition;

    const rejected = canary('canary-reject', 'v9', ({ job }) => job !== 'canary-continue');
    const refused = await rehearse(join(ROOT, '.github/workflows/production-deploy.yml'), rejected);
    expect(refused.conclusion).toBe('failure');
    expect(refused.jobs['canary-continue']!.result).toBe('failure');
    expect(refused.jobs['canary-rollback']!.result).toBe('success');
    expect(deployment().status).toBe('ROLLBACK_SUCCESSFUL');
    expect(gunicorn().taskDefinition).toBe(live);
  });

  test('rollback.yml moves every service back to the previous release without a migration; a protected name needs its environment', async () => {
    const runTasksBefore = services.emulator.calls('RunTask').length;
    const before = Object.fromEntries(
      services.emulator.services().map((s) => [s.serviceName, s.taskDefinition]),
    );
    const slackBefore = services.slack.messages.length;
    const back = options({
      workDir: join(dir, 'rollback'),
      inputs: {
        environment: 'feature-abc',
        'aws-region': inputs['aws-region'],
        'role-to-assume': inputs['role-to-assume'],
        'slack-channel': 'deploys',
      },
      secrets: { SLACK_TOKEN: services.secrets['SLACK_TOKEN']! },
      awsEnv: services.emulator.env(),
      redirects: services.redirects,
    });
    const result = await rehearse(join(ROOT, '.github/workflows/rollback.yml'), back);
    expect(result.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(result.conclusion).toBe('success');
    const release = result.outputs['release']!;
    expect(release).not.toBe('');
    // Every service now runs the revision the release recorded for its family.
    const results = JSON.parse(result.outputs['results']!) as Record<
      string,
      { status: string; taskDefinition: string }
    >;
    expect(Object.keys(results)).toEqual(
      expect.arrayContaining(['feature-abc-gunicorn', 'feature-abc-celery', 'feature-abc-beat']),
    );
    // The newest release is left: the rejected canary's (its rolling services reached steady).
    const moved = Object.entries(results).filter(([name, r]) => r.taskDefinition !== before[name]);
    expect(moved.map(([name]) => name)).toEqual(
      expect.arrayContaining(['feature-abc-celery', 'feature-abc-beat']),
    );
    for (const [name, outcome] of Object.entries(results)) {
      expect(outcome.status).toBe('steady');
      expect(services.emulator.services().find((s) => s.serviceName === name)!.taskDefinition).toBe(
        outcome.taskDefinition,
      );
    }
    expect(services.emulator.calls('RunTask').length).toBe(runTasksBefore); // no migration
    const summary = await readFile(result.summaryFile, 'utf8');
    expect(summary).toContain('rollback: success');
    expect(summary).toContain('none run');
    expect(services.slack.messages.length).toBeGreaterThan(slackBefore);
    expect(services.slack.messages.at(-1)!.text).toContain('feature-abc');

    const unprotected = options({
      workDir: join(dir, 'rollback-prod'),
      inputs: {
        environment: 'prod',
        'aws-region': inputs['aws-region'],
        'role-to-assume': inputs['role-to-assume'],
      },
      awsEnv: services.emulator.env(),
    });
    const refused = await rehearse(join(ROOT, '.github/workflows/rollback.yml'), unprotected);
    expect(refused.conclusion).toBe('failure');
    expect(refused.annotations.find((a) => a.level === 'error')!.message).toBe(
      'environment prod is protected (protected-environments): set github-environment so the job runs in a GitHub environment with reviewers',
    );
    expect(unprotected.lines.join('\n')).toMatch(/AWS credentials \(OIDC\)\n\s+skipped/);
  });

  test('ad-hoc-destroy.yml drops the database and leaves nothing running in the emulator', async () => {
    const ecs = new ECSClient({
      region: 'us-east-1',
      endpoint: services.emulator.url,
      credentials: OPERATOR_CREDENTIALS,
      maxAttempts: 1,
    });
    // As ECS refuses them: a scaled service without force, a cluster with active services.
    await expect(
      ecs.send(new DeleteServiceCommand({ cluster: 'feature-abc', service: 'feature-abc-gunicorn' })),
    ).rejects.toThrow('The service cannot be stopped while it is scaled above 0.');
    await expect(ecs.send(new DeleteClusterCommand({ cluster: 'feature-abc' }))).rejects.toThrow(
      'The Cluster cannot be deleted while Services are active.',
    );
    const run = options({
      workDir: join(dir, 'destroy'),
      terraformState: join(dir, 'deploy-terraform-state'),
      terraformRoot: join(ROOT, 'terraform/examples/ad-hoc'),
      inputs: {
        environment: 'feature-abc',
        'backend-config': inputs['backend-config'],
        'aws-region': inputs['aws-region'],
        'role-to-assume': inputs['role-to-assume'],
        'slack-channel': 'deploys',
        'terraform-version': inputs['terraform-version'],
      },
      secrets: services.secrets,
      awsEnv: services.emulator.env(),
      redirects: services.redirects,
    });
    const result = await rehearse(join(ROOT, '.github/workflows/ad-hoc-destroy.yml'), run);
    const log = run.lines.join('\n');
    expect(result.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(result.conclusion).toBe('success');
    expect(log).toContain('[rehearsal] terraform destroy is a stand-in');
    expect(log).toContain('- aws_ecs_cluster.this  feature-abc');
    expect(log).toContain('Dropped database "feature_abc".');
    expect(await readFile(result.summaryFile, 'utf8')).toContain(
      '<h3>Ad hoc environment feature-abc destroyed: success</h3>',
    );
    expect(services.slack.messages.at(-1)!.text).toContain('Environment destroyed');
    // Nothing of feature-abc is left running or active, its revisions and secret included.
    const ours = (arn: string) => arn.includes(':cluster/feature-abc') || arn.includes('/feature-abc/');
    expect(services.emulator.services().filter((s) => ours(s.clusterArn) && s.status !== 'INACTIVE')).toEqual(
      [],
    );
    expect(services.emulator.tasks().filter((t) => ours(t.clusterArn) && t.lastStatus !== 'STOPPED')).toEqual(
      [],
    );
    const revisions = [...services.emulator.state.taskDefinitions.entries()]
      .filter(([family]) => family.startsWith('feature-abc-'))
      .flatMap(([, records]) => records.map((r) => r.definition.status));
    expect(revisions.length).toBeGreaterThan(5);
    expect(revisions.filter((status) => status !== 'DELETE_IN_PROGRESS')).toEqual([]);
    expect(log).toMatch(/feature-abc-gunicorn: \d+ revision\(s\) deregistered and deleted\./);
    expect(services.emulator.secrets.find('adhoc/feature-abc/db-owner-password')).toBeUndefined();
    const cluster = await ecs.send(new DescribeClustersCommand({ clusters: ['feature-abc'] }));
    expect(cluster.clusters?.[0]?.status).toBe('INACTIVE');
    const database = new pg.Client({ connectionString: services.secrets['DATABASE_ADMIN_URL'] });
    await database.connect();
    try {
      const rows = await database.query("SELECT 1 FROM pg_database WHERE datname = 'feature_abc'");
      expect(rows.rowCount).toBe(0);
    } finally {
      await database.end();
    }
    ecs.destroy();
  });
});
