import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ROOT } from '../../simulator/runner/run-action.ts';
import { IamDirectory } from '../../simulator/aws/iam/index.ts';
import { evaluate, type AuthRequest } from '../../simulator/aws/iam/evaluate.ts';

/**
 * The roles bootstrap makes (rendered from the Terraform, simulator/aws/iam/roles.json) judged
 * against every call Terraform makes to plan, apply and destroy the example roots (recorded
 * against moto: actions/doctor/terraform-calls.json), as IAM judges them.
 */

interface FixtureCall {
  phases: string[];
  type: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}
const fixture = JSON.parse(readFileSync(`${ROOT}actions/doctor/terraform-calls.json`, 'utf8')) as {
  roots: Record<string, FixtureCall[]>;
};
const directory = IamDirectory.fromRendered();
const ACCOUNT = '123456789012';
const ZONE = 'Z0123456789ABCDEFGHIJ';

/** The recorded calls with the account, region and zone filled in, for environment `name`. */
function requests(root: string, name?: string): (AuthRequest & { type: string; phases: string[] })[] {
  const fill = (text: string) => {
    const filled = text
      .replace(/\{account\}/g, ACCOUNT)
      .replace(/\{region\}/g, 'us-east-1')
      .replace(/\{zone\}/g, ZONE)
      .replace(/\{state-bucket\}/g, 'acme-terraform-state');
    return name
      ? filled.replace(/feature-abc/g, name).replace(/feature_abc/g, name.replace(/-/g, '_'))
      : filled;
  };
  return fixture.roots[root]!.map((call) => ({
    type: call.type,
    phases: call.phases,
    action: call.action,
    resource: fill(call.resource),
    context: JSON.parse(fill(JSON.stringify(call.context ?? {}))) as AuthRequest['context'],
  }));
}

function denied(role: string, calls: (AuthRequest & { type: string })[]): string[] {
  const principal = directory.principal(directory.roleArn(role), 'terraform')!;
  return calls
    .filter((call) => evaluate(principal, call).decision !== 'allowed')
    .map((call) => `${call.type}: ${call.action} on ${call.resource}`);
}

const READ = /:(Describe|List|Get|Head)/;

describe('what Terraform calls, judged against the roles that run it', () => {
  test('the preview role plans, applies and destroys an ad hoc environment with nothing attached', () => {
    expect(requests('ad-hoc').length).toBeGreaterThan(100);
    expect(denied('github-actions-preview', requests('ad-hoc'))).toEqual([]);
    // And any other preview's: the rights follow the name.
    expect(denied('github-actions-preview', requests('ad-hoc', 'pr-42'))).toEqual([]);
  });

  test("the preview role can change nothing of staging's or prod's, whatever Terraform it runs", () => {
    for (const name of ['staging', 'prod']) {
      // The VPC and the namespace a group or a service is created in are judged with it (one
      // call): the thing created is what is denied.
      const writes = requests('ad-hoc', name).filter(
        (call) =>
          !READ.test(call.action) && call.resource !== '*' && !/:vpc\/|:namespace\/\*$/.test(call.resource),
      );
      const allowed = writes.length - denied('github-actions-preview', writes).length;
      expect({ name, allowed }).toEqual({ name, allowed: 0 });
    }
  });

  test('staging (an environment of the ad hoc root in the production tier) is applied by the production role', () => {
    expect(denied('github-actions-production', requests('ad-hoc', 'staging'))).toEqual([]);
  });

  test('the production role plans, applies and destroys the prod root', () => {
    expect(denied('github-actions-production', requests('prod'))).toEqual([]);
  });

  // Every read the refresh makes. Issue 21.4: the Redis password was a write-only secret version,
  // which the provider reads back on every refresh, so the plan role had to read it; the deploy
  // now generates it into an empty secret, and no refresh reads a secret value.
  test('the plan role refreshes the prod root and reads no secret value', () => {
    const reads = requests('prod').filter(
      (call) => READ.test(call.action) && !/GetParameter/.test(call.action),
    );
    expect(reads.filter((call) => call.action === 'secretsmanager:GetSecretValue')).toEqual([]);
    expect(denied('github-actions-plan', reads)).toEqual([]);
  });

  // Old: ReadOnlyAccess. A plan runs before anyone approves: a merged data "external" runs with it.
  test.each([
    [
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/django-secret-key-AbCdEf',
    ],
    [
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/prod/db-owner-password-AbCdEf',
    ],
    // Issue 21.4: prod's Redis password was the one exception; an unapproved plan reads it no more.
    [
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/prod/redis-auth-AbCdEf',
    ],
    [
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:adhoc/staging/redis-auth-AbCdEf',
    ],
    ['ssm:GetParameter', 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/anything'],
    ['kms:Decrypt', 'arn:aws:kms:us-east-1:123456789012:key/1234'],
    ['s3:GetObject', 'arn:aws:s3:::acme-terraform-state/env:/pr-1/adhoc/terraform.tfstate'],
    ['s3:GetObject', 'arn:aws:s3:::acme-prod/media/invoice.pdf'],
    ['logs:GetLogEvents', 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/prod/gunicorn:log-stream:x'],
    ['logs:FilterLogEvents', 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/prod/gunicorn:log-stream:'],
    ['s3:PutObject', 'arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate'],
    ['iam:PassRole', 'arn:aws:iam::123456789012:role/adhoc-actions-prod/prod-task'],
  ])('the plan role may not %s %s', (action, resource) => {
    const principal = directory.principal(directory.roleArn('github-actions-plan'), 'plan')!;
    expect(evaluate(principal, { action, resource }).decision).not.toBe('allowed');
  });
});
