import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from './main.ts';

const ecs = mockClient(ECSClient);
const sts = mockClient(STSClient);
const DEPLOY_ROLE = 'arn:aws:iam::123456789012:role/github-actions-production';
const PREVIEW_SESSION = 'arn:aws:sts::123456789012:assumed-role/github-actions-preview/pr-42';
const definition = (family: string, revision: number, registeredBy = DEPLOY_ROLE) => ({
  family,
  revision,
  taskDefinitionArn: `arn:aws:ecs:us-east-1:1:task-definition/${family}:${revision}`,
  containerDefinitions: [{ name: family, image: 'repo:v1' }],
  registeredBy,
});

beforeEach(() => {
  ecs.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({
    Arn: 'arn:aws:sts::123456789012:assumed-role/github-actions-production/deploy',
  });
  process.env['AWS_REGION'] = 'us-east-1';
  process.env['GITHUB_OUTPUT'] = join(mkdtempSync(join(tmpdir(), 'out-')), 'output');
  writeFileSync(process.env['GITHUB_OUTPUT'], '');
  process.env['INPUT_TASK-DEFINITIONS'] = 'web:1\nworker';
  process.env['INPUT_IMAGES'] = '*=repo:v2';
});
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
});

test('reads every definition before registering any, so a missing one changes nothing', async () => {
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: 'web:1' })
    .resolves({ taskDefinition: definition('web', 1) });
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: 'web' })
    .resolves({ taskDefinition: definition('web', 2) });
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: 'worker' })
    .rejects(Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }));

  await expect(main()).rejects.toThrow('Input "task-definitions": task definition "worker" was not found.');
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
});

test('an older revision is compared with the latest, and registered with its tags', async () => {
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'web:1' }).resolves({
    taskDefinition: definition('web', 1),
    tags: [{ key: 'team', value: 'a' }],
  });
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: 'web' })
    .resolves({ taskDefinition: definition('web', 2) });
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: 'worker' })
    .resolves({ taskDefinition: definition('worker', 5) });
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input: { family: string }) => ({
    taskDefinition: definition(input.family, 9),
  }));

  await main();

  const registered = ecs.commandCalls(RegisterTaskDefinitionCommand).map((call) => call.args[0].input);
  expect(registered).toEqual([
    {
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'repo:v2' }],
      tags: [{ key: 'team', value: 'a' }],
    },
    { family: 'worker', containerDefinitions: [{ name: 'worker', image: 'repo:v2' }] },
  ]);
  expect(readFileSync(process.env['GITHUB_OUTPUT']!, 'utf8')).toContain('changed<<');
});

test('a bare family skips a newer revision another role registered, and starts from our newest', async () => {
  process.env['INPUT_TASK-DEFINITIONS'] = 'web';
  const forged = {
    ...definition('web', 3, PREVIEW_SESSION),
    containerDefinitions: [{ name: 'web', image: 'evil' }],
  };
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'web' }).resolves({ taskDefinition: forged });
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: forged.taskDefinitionArn })
    .resolves({ taskDefinition: forged });
  ecs
    .on(DescribeTaskDefinitionCommand, { taskDefinition: definition('web', 2).taskDefinitionArn })
    .resolves({ taskDefinition: definition('web', 2), tags: [{ key: 'team', value: 'a' }] });
  ecs.on(ListTaskDefinitionsCommand).resolves({
    taskDefinitionArns: [forged.taskDefinitionArn, definition('web', 2).taskDefinitionArn],
  });
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input: { family: string }) => ({
    taskDefinition: definition(input.family, 4),
  }));

  await main();

  const [registered] = ecs.commandCalls(RegisterTaskDefinitionCommand).map((call) => call.args[0].input);
  expect(registered).toEqual({
    family: 'web',
    containerDefinitions: [{ name: 'web', image: 'repo:v2' }],
    tags: [{ key: 'team', value: 'a' }],
  });
});

test('a family none of whose revisions our role registered is one error naming the input', async () => {
  process.env['INPUT_TASK-DEFINITIONS'] = 'web';
  const forged = definition('web', 1, PREVIEW_SESSION);
  ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: forged });
  ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [forged.taskDefinitionArn] });

  await expect(main()).rejects.toThrow(
    'Input "task-definitions": no ACTIVE revision of web was registered by this deploy\'s role (123456789012:role/github-actions-production)',
  );
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
});
