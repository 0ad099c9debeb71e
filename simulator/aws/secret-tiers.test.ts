import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type Emulator } from './index.ts';
import { IamDirectory } from './iam/index.ts';
import { evaluate, type PolicyDocument } from './iam/evaluate.ts';

/**
 * One account (terraform/examples/bootstrap): production's and the previews' task roles carry
 * the same workload boundary, and a preview's apply may write its own task and execution roles
 * with any policy (or name another tier's secret in `secrets`, which its execution role is
 * then granted). The boundary, as bootstrap renders it, keeps each protected tier's secrets to
 * that tier's roles, whatever the role's own policy says.
 */

const ACCOUNT = '123456789012';
const role = (path: string, name: string) => `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/adhoc-actions-boundaries/workload-boundary`;

let emulator: Emulator;
const secrets: Record<string, string> = {};
beforeEach(async () => {
  emulator = await startEmulator();
  for (const name of [
    'adhoc/pr-42/db-owner-password',
    'adhoc/staging/db-owner-password',
    'adhoc/django-secret-key',
    'prod/prod/db-owner-password',
    'prod/django-secret-key',
    'rds!db-0b5e7c1d-prod',
  ])
    secrets[name] = emulator.createSecret(name, `value of ${name}`);
});
afterEach(async () => {
  await emulator.stop();
});

/** A role of the kind the environment module makes, with the boundary and `policy` inline. */
function addRole(arn: string, policy: PolicyDocument) {
  const [, path, name] = /role(\/.*\/)([^/]+)$/.exec(arn)!;
  emulator.iam.directory.roles.set(arn, {
    name: name!,
    path: path!,
    trust: {
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    inline: { secrets: policy },
    managed: [],
    boundary: BOUNDARY,
  });
}
const everySecret: PolicyDocument = {
  Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
};

async function read(roleArn: string, name: string): Promise<string | undefined> {
  // A long-lived session, as the tests' keys are (STS refuses an unknown ASIA key).
  const key = emulator.iam.startSession(roleArn, 'ecs-agent', undefined, 'AKIA');
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    maxAttempts: 1,
    credentials: { accessKeyId: key, secretAccessKey: 'emulator-secret' },
  });
  return (await client.send(new GetSecretValueCommand({ SecretId: secrets[name] }))).SecretString;
}
const refusal = (roleArn: string, session: string, name: string) =>
  `User: arn:aws:sts::${ACCOUNT}:assumed-role/${roleArn.split('/').pop()}/${session} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secrets[name]} with an explicit deny in a permissions boundary`;

test("each tier's own roles read their own secrets", async () => {
  const preview = role('/adhoc-actions/', 'pr-42-execution');
  const staging = role('/adhoc-actions/', 'staging-execution');
  const prod = role('/adhoc-actions-prod/', 'prod-execution');
  const sharedExecution = role('/adhoc-actions/', 'adhoc-ecs-task-execution');
  for (const arn of [preview, staging, prod, sharedExecution]) addRole(arn, everySecret);

  expect(await read(preview, 'adhoc/pr-42/db-owner-password')).toBe('value of adhoc/pr-42/db-owner-password');
  expect(await read(preview, 'adhoc/django-secret-key')).toBe('value of adhoc/django-secret-key');
  expect(await read(staging, 'adhoc/staging/db-owner-password')).toBe(
    'value of adhoc/staging/db-owner-password',
  );
  expect(await read(prod, 'prod/prod/db-owner-password')).toBe('value of prod/prod/db-owner-password');
  expect(await read(prod, 'rds!db-0b5e7c1d-prod')).toBe('value of rds!db-0b5e7c1d-prod');
  // The db-admin task's execution role reads the master secret (create-database of a preview).
  expect(await read(sharedExecution, 'rds!db-0b5e7c1d-prod')).toBe('value of rds!db-0b5e7c1d-prod');
});

test("an attack: a preview's task role given every secret is refused production's and staging's", async () => {
  const preview = role('/adhoc-actions/', 'pr-42-task');
  addRole(preview, everySecret);
  for (const name of [
    'prod/prod/db-owner-password',
    'prod/django-secret-key',
    'rds!db-0b5e7c1d-prod',
    'adhoc/staging/db-owner-password',
  ])
    await expect(read(preview, name)).rejects.toThrow(refusal(preview, 'ecs-agent', name));
});

test("an attack: a preview's tfvars names prod's secret in `secrets`, and its execution role is refused it", async () => {
  // What the environment module grants the execution role for a `secrets` entry (iam.tf).
  const preview = role('/adhoc-actions/', 'pr-42-execution');
  addRole(preview, {
    Statement: [
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: [
          `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:adhoc/pr-42/*`,
          `${secrets['prod/django-secret-key']}*`,
        ],
      },
    ],
  });
  await expect(read(preview, 'prod/django-secret-key')).rejects.toThrow(
    refusal(preview, 'ecs-agent', 'prod/django-secret-key'),
  );
});

test('an attack: the preview role rewrites the shared execution role (which reads the master secrets), and is refused', () => {
  // Its apply may write roles named *-execution under the ad hoc path; this one it may only pass.
  const directory = IamDirectory.fromRendered();
  const previewRole = directory.principal(directory.roleArn('github-actions-preview'), 'pr')!;
  const write = (name: string) =>
    evaluate(previewRole, {
      action: 'iam:PutRolePolicy',
      resource: role('/adhoc-actions/', name),
      context: { 'iam:PermissionsBoundary': BOUNDARY },
    });
  expect(write('pr-42-execution').decision).toBe('allowed');
  expect(write('adhoc-ecs-task-execution')).toMatchObject({ decision: 'explicitDeny', deniedBy: 'identity' });
  expect(
    evaluate(previewRole, {
      action: 'iam:PassRole',
      resource: role('/adhoc-actions/', 'adhoc-ecs-task-execution'),
      context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    }).decision,
  ).toBe('allowed');
});
