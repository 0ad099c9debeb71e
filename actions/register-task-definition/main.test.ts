import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from './main.ts';

const ecs = mockClient(ECSClient);
const definition = (family: string, revision: number) => ({
  family,
  revision,
  taskDefinitionArn: `arn:aws:ecs:us-east-1:1:task-definition/${family}:${revision}`,
  containerDefinitions: [{ name: family, image: 'repo:v1' }],
});

beforeEach(() => {
  ecs.reset();
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
