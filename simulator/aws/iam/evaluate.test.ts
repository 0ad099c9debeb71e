import { describe, expect, it } from '@jest/globals';
import {
  accessDeniedMessage,
  evaluate,
  globMatch,
  type AuthRequest,
  type Principal,
  type Statement,
} from './evaluate.ts';

const ROLE = 'arn:aws:sts::123456789012:assumed-role/deploy/s';
const principal = (statements: Statement[], boundary?: Statement[]): Principal => ({
  arn: ROLE,
  identityPolicies: [{ name: 'deploy', document: { Version: '2012-10-17', Statement: statements } }],
  boundary: boundary && {
    name: 'arn:aws:iam::123456789012:policy/boundary',
    document: { Statement: boundary },
  },
});
const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/feature-abc/feature-abc-web';
const PROD_SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/prod/prod-web';

describe('globMatch', () => {
  it.each([
    ['arn:aws:ecs:*:*:service/*/*', SERVICE, true],
    ['arn:aws:ecs:us-east-1:123456789012:service/prod/*', SERVICE, false],
    ['ecs:Describe*', 'ecs:DescribeServices', true],
    ['pr-?', 'pr-1', true],
    ['pr-?', 'pr-12', false],
    ['a.b', 'axb', false],
    ['*', '*', true],
    ['arn:aws:ecs:*', '*', false],
  ])('%s ~ %s → %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });
});

describe('evaluate', () => {
  const allowServices: Statement = {
    Sid: 'Services',
    Effect: 'Allow',
    Action: ['ecs:DescribeServices', 'ecs:UpdateService'],
    Resource: 'arn:aws:ecs:us-east-1:123456789012:service/*/*',
  };
  const denyProd: Statement = {
    Sid: 'DenyProd',
    Effect: 'Deny',
    Action: 'ecs:*',
    Resource: 'arn:aws:ecs:us-east-1:123456789012:service/prod/*',
  };
  const cases: [string, Statement[], AuthRequest, string, Statement[]?][] = [
    [
      'an allow on the resource',
      [allowServices],
      { action: 'ecs:UpdateService', resource: SERVICE },
      'allowed',
    ],
    [
      'action names are case-insensitive',
      [allowServices],
      { action: 'ECS:updateservice', resource: SERVICE },
      'allowed',
    ],
    [
      'no statement for the action',
      [allowServices],
      { action: 'ecs:DeleteService', resource: SERVICE },
      'implicitDeny',
    ],
    [
      'an explicit deny wins over an allow',
      [allowServices, denyProd],
      { action: 'ecs:UpdateService', resource: PROD_SERVICE },
      'explicitDeny',
    ],
    [
      'a deny elsewhere does not touch other resources',
      [allowServices, denyProd],
      { action: 'ecs:UpdateService', resource: SERVICE },
      'allowed',
    ],
    [
      'NotResource allows everything but the named one',
      [{ Effect: 'Allow', Action: 's3:PutObject', NotResource: 'arn:aws:s3:::state/prod/*' }],
      { action: 's3:PutObject', resource: 'arn:aws:s3:::state/prod/terraform.tfstate' },
      'implicitDeny',
    ],
    [
      'NotAction allows all other actions',
      [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
      { action: 'iam:CreateRole', resource: '*' },
      'implicitDeny',
    ],
    [
      'ArnLike on ecs:cluster holds',
      [
        {
          Effect: 'Allow',
          Action: 'ecs:RunTask',
          Resource: '*',
          Condition: { ArnLike: { 'ecs:cluster': 'arn:aws:ecs:*:*:cluster/pr-*' } },
        },
      ],
      {
        action: 'ecs:RunTask',
        resource: 'arn:aws:ecs:us-east-1:123456789012:task-definition/pr-1-migrate:1',
        context: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/pr-1' },
      },
      'allowed',
    ],
    [
      'ArnLike on a missing key fails',
      [
        {
          Effect: 'Allow',
          Action: 'ecs:RunTask',
          Resource: '*',
          Condition: { ArnLike: { 'ecs:cluster': '*' } },
        },
      ],
      { action: 'ecs:RunTask', resource: '*' },
      'implicitDeny',
    ],
    [
      'condition keys are case-insensitive',
      [
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        },
      ],
      {
        action: 'iam:PassRole',
        resource: 'arn:aws:iam::123456789012:role/x',
        context: { 'IAM:passedtoservice': 'ecs-tasks.amazonaws.com' },
      },
      'allowed',
    ],
    [
      'ForAllValues holds when every tag key is listed',
      [
        {
          Effect: 'Allow',
          Action: 'ecs:TagResource',
          Resource: '*',
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
        },
      ],
      { action: 'ecs:TagResource', resource: '*', context: { 'aws:TagKeys': ['a'] } },
      'allowed',
    ],
    [
      'ForAllValues fails on one unlisted tag key',
      [
        {
          Effect: 'Allow',
          Action: 'ecs:TagResource',
          Resource: '*',
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } },
        },
      ],
      { action: 'ecs:TagResource', resource: '*', context: { 'aws:TagKeys': ['a', 'environment'] } },
      'implicitDeny',
    ],
    [
      'ForAnyValue needs one match',
      [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'adhoc-actions:*' } },
        },
      ],
      {
        action: 'ecs:TagResource',
        resource: '*',
        context: { 'aws:TagKeys': ['x', 'adhoc-actions:released-at'] },
      },
      'explicitDeny',
    ],
    [
      'StringNotEquals holds when the key is missing',
      [
        {
          Effect: 'Deny',
          Action: 'iam:CreateRole',
          Resource: '*',
          Condition: { StringNotEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/b' } },
        },
      ],
      { action: 'iam:CreateRole', resource: 'arn:aws:iam::123456789012:role/adhoc-actions/x' },
      'explicitDeny',
    ],
    [
      'StringNotEquals does not hold for the listed value',
      [
        { Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 'iam:CreateRole',
          Resource: '*',
          Condition: { StringNotEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/b' } },
        },
      ],
      {
        action: 'iam:CreateRole',
        resource: '*',
        context: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/b' },
      },
      'allowed',
    ],
    [
      'Null true means the key must be missing',
      [
        {
          Effect: 'Allow',
          Action: 'ecs:RunTask',
          Resource: '*',
          Condition: { Null: { 'aws:RequestTag/x': 'true' } },
        },
      ],
      { action: 'ecs:RunTask', resource: '*', context: { 'aws:RequestTag/x': 'y' } },
      'implicitDeny',
    ],
    [
      'IfExists holds when the key is missing',
      [
        {
          Effect: 'Allow',
          Action: 'ecs:RunTask',
          Resource: '*',
          Condition: { StringEqualsIfExists: { 'ecs:capacity-provider': 'FARGATE' } },
        },
      ],
      { action: 'ecs:RunTask', resource: '*' },
      'allowed',
    ],
    [
      'a resource tag condition',
      [
        {
          Effect: 'Allow',
          Action: 'ecs:UpdateService',
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/tier': 'preview' } },
        },
      ],
      {
        action: 'ecs:UpdateService',
        resource: PROD_SERVICE,
        context: { 'aws:ResourceTag/tier': 'production' },
      },
      'implicitDeny',
    ],
    [
      'policy variables are substituted',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/env}/*' }],
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::b/pr-1/x',
        context: { 'aws:PrincipalTag/env': 'pr-1' },
      },
      'allowed',
    ],
    [
      'an action without resource-level permissions needs Resource *',
      [
        {
          Effect: 'Allow',
          Action: 'ecs:ListClusters',
          Resource: 'arn:aws:ecs:us-east-1:123456789012:cluster/*',
        },
      ],
      { action: 'ecs:ListClusters', resource: '*' },
      'implicitDeny',
    ],
  ];
  it.each(cases)('%s', (_name, statements, request, expected) => {
    expect(evaluate(principal(statements), request).decision).toBe(expected);
  });

  it('a permissions boundary caps what the identity policy allows', () => {
    const everything: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };
    const boundary: Statement[] = [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }];
    expect(
      evaluate(principal([everything], boundary), { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }),
    ).toMatchObject({ decision: 'allowed' });
    expect(
      evaluate(principal([everything], boundary), { action: 'iam:CreateRole', resource: '*' }),
    ).toMatchObject({
      decision: 'implicitDeny',
      deniedBy: 'boundary',
    });
    // The boundary grants nothing by itself.
    expect(
      evaluate(principal([], boundary), { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }),
    ).toMatchObject({
      decision: 'implicitDeny',
      deniedBy: 'identity',
    });
  });

  it('says what AWS says', () => {
    const request = {
      action: 'ecs:DescribeServiceDeployments',
      resource: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/x',
    };
    expect(accessDeniedMessage(ROLE, request, evaluate(principal([]), request))).toBe(
      `User: ${ROLE} is not authorized to perform: ecs:DescribeServiceDeployments on resource: arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/x because no identity-based policy allows the ecs:DescribeServiceDeployments action`,
    );
    const denied = { action: 'ecs:UpdateService', resource: PROD_SERVICE };
    expect(accessDeniedMessage(ROLE, denied, evaluate(principal([denyProd]), denied))).toMatch(
      /with an explicit deny in an identity-based policy$/,
    );
  });
});

describe('resource-based policies', () => {
  const REPO = 'arn:aws:ecr:us-east-1:222222222222:repository/backend';
  const pull = { action: 'ecr:BatchGetImage', resource: REPO };
  const allowPull: Statement = { Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: REPO };
  const caller = (account: string, statements: Statement[]): Principal => ({
    ...principal(statements),
    arn: `arn:aws:sts::${account}:assumed-role/deploy/s`,
    roleArn: `arn:aws:iam::${account}:role/deploy`,
    account,
  });
  const repositoryPolicy = (...statements: Statement[]) => ({
    name: REPO,
    document: { Statement: statements },
  });
  const productionPulls: Statement = {
    Effect: 'Allow',
    Principal: { AWS: ['arn:aws:iam::111111111111:root'] },
    Action: ['ecr:BatchGetImage'],
  };

  it('across accounts both must allow: the caller’s identity policy and the resource’s policy', () => {
    expect(
      evaluate(caller('111111111111', [allowPull]), pull, repositoryPolicy(productionPulls)).decision,
    ).toBe('allowed');
    expect(evaluate(caller('111111111111', [allowPull]), pull)).toMatchObject({
      decision: 'implicitDeny',
      deniedBy: 'resource',
    });
    expect(evaluate(caller('111111111111', []), pull, repositoryPolicy(productionPulls))).toMatchObject({
      decision: 'implicitDeny',
      deniedBy: 'identity',
    });
    // A statement naming another account grants this one nothing.
    expect(
      evaluate(caller('333333333333', [allowPull]), pull, repositoryPolicy(productionPulls)).decision,
    ).toBe('implicitDeny');
  });

  it('within an account a grant to the role itself allows, one to the account does not on its own', () => {
    const toAccount = { ...productionPulls, Principal: { AWS: 'arn:aws:iam::222222222222:root' } };
    expect(evaluate(caller('222222222222', []), pull, repositoryPolicy(toAccount)).decision).toBe(
      'implicitDeny',
    );
    expect(evaluate(caller('222222222222', [allowPull]), pull, repositoryPolicy(toAccount)).decision).toBe(
      'allowed',
    );
    const toRole = { ...productionPulls, Principal: { AWS: 'arn:aws:iam::222222222222:role/deploy' } };
    expect(evaluate(caller('222222222222', []), pull, repositoryPolicy(toRole)).decision).toBe('allowed');
  });

  it('a Deny naming everyone but one role wins over any allow', () => {
    const onlyBuildPushes: Statement = {
      Effect: 'Deny',
      Principal: '*',
      Action: 'ecr:PutImage',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/build'] } },
    };
    const push = { action: 'ecr:PutImage', resource: REPO };
    const allowPush: Statement = { Effect: 'Allow', Action: 'ecr:PutImage', Resource: '*' };
    expect(
      evaluate(caller('222222222222', [allowPush]), push, repositoryPolicy(onlyBuildPushes)),
    ).toMatchObject({
      decision: 'explicitDeny',
      deniedBy: 'resource',
    });
    const build = { ...caller('222222222222', [allowPush]), roleArn: 'arn:aws:iam::222222222222:role/build' };
    expect(evaluate(build, push, repositoryPolicy(onlyBuildPushes)).decision).toBe('allowed');
  });
});
