import type { AuthRequest } from './evaluate.ts';
import type { EmulatorState, Json } from '../state.ts';
import type { ServiceName } from '../protocol.ts';
import { findTaskDefinition } from '../ecs/task-definitions.ts';
import type { SecretsRegistry } from '../secretsmanager.ts';

/**
 * What IAM authorizes for each call the emulator answers, from the Service Authorization
 * Reference (docs.aws.amazon.com/service-authorization/latest/reference/list_<service>.html):
 * the action, the resource ARN of each resource the call touches (`*` for actions without
 * resource-level permissions) and the condition keys AWS sets. An operation missing here is an
 * error, so a new call cannot slip past the roles unjudged.
 */

type Requests = (input: Json, arns: Arns, state: EmulatorState) => AuthRequest[];

class Arns {
  private readonly state: EmulatorState;
  constructor(state: EmulatorState) {
    this.state = state;
  }
  private ecs = (resource: string) => this.state.arn('ecs', resource);
  private last = (ref: string) => ref.split('/').pop() ?? ref;

  cluster(ref: unknown): string {
    const text = typeof ref === 'string' && ref !== '' ? ref : 'default';
    return text.startsWith('arn:') ? text : this.ecs(`cluster/${text}`);
  }
  clusterName(ref: unknown): string {
    return this.last(this.cluster(ref));
  }
  service(cluster: unknown, ref: unknown): string {
    const text = String(ref);
    return text.startsWith('arn:') ? text : this.ecs(`service/${this.clusterName(cluster)}/${text}`);
  }
  task(cluster: unknown, ref: unknown): string {
    const text = String(ref);
    return text.startsWith('arn:') ? text : this.ecs(`task/${this.clusterName(cluster)}/${text}`);
  }
  /** family:revision as ECS resolves it (a bare family: its latest ACTIVE revision). */
  taskDefinition(ref: unknown): string {
    const record = findTaskDefinition(this.state, ref);
    if (record) return record.definition.taskDefinitionArn;
    const text = String(ref);
    return text.startsWith('arn:')
      ? text
      : this.ecs(`task-definition/${text.includes(':') ? text : `${text}:*`}`);
  }
  /** The revision RegisterTaskDefinition is about to create. */
  nextRevision(family: unknown): string {
    const revisions = this.state.taskDefinitions.get(String(family))?.length ?? 0;
    return this.ecs(`task-definition/${String(family)}:${revisions + 1}`);
  }
  /** arn:…:service-deployment/<cluster>/<service>/<id> → the service's ARN (both are authorized). */
  serviceOfDeployment(arn: unknown): string {
    const [, cluster, service] = /:service-deployment\/([^/]+)\/([^/]+)\//.exec(String(arn)) ?? [];
    return this.ecs(`service/${cluster ?? '-'}/${service ?? '-'}`);
  }
  logStream(group: unknown, stream: unknown): string {
    return this.state.arn('logs', `log-group:${String(group)}:log-stream:${String(stream ?? '')}`);
  }
  /** Log-group actions are judged on `log-group:NAME:log-stream:`, so `log-group:NAME:*` matches, as on AWS. */
  logGroup(group: unknown): string {
    return this.logStream(group, '');
  }
  repository(name: unknown): string {
    return this.state.arn('ecr', `repository/${String(name)}`);
  }
}

const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];
const tagKeys = (tags: unknown) => list(tags).map((t) => String((t as { key?: string }).key));
const requestTags = (tags: unknown) =>
  Object.fromEntries(
    list(tags).map((t) => [
      `aws:RequestTag/${String((t as { key?: string }).key)}`,
      String((t as { value?: string }).value ?? ''),
    ]),
  );

/** Tags given to a create call are authorized as ecs:TagResource with ecs:CreateAction. */
function tagOnCreate(createAction: string, resource: string, tags: unknown): AuthRequest[] {
  if (list(tags).length === 0) return [];
  return [
    {
      action: 'ecs:TagResource',
      resource,
      context: { 'ecs:CreateAction': createAction, 'aws:TagKeys': tagKeys(tags), ...requestTags(tags) },
    },
  ];
}

/** Roles handed to ECS tasks are authorized as iam:PassRole to ecs-tasks.amazonaws.com. */
function passRoles(roles: unknown[]): AuthRequest[] {
  return roles
    .filter((role): role is string => typeof role === 'string' && role !== '')
    .map((role) => ({
      action: 'iam:PassRole',
      resource: role,
      context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    }));
}

/** The tags a resource has now (aws:ResourceTag/…), for task definitions and clusters. */
function resourceTags(state: EmulatorState, arn: string): Record<string, string> {
  const definition = /:task-definition\//.test(arn) ? findTaskDefinition(state, arn) : undefined;
  const cluster = /:cluster\//.test(arn) ? state.clusters.get(arn.split('/').pop() ?? '') : undefined;
  const tags = definition?.tags ?? cluster?.tags ?? [];
  return Object.fromEntries(tags.map((t) => [`aws:ResourceTag/${t.key}`, t.value]));
}

const ecs: Record<string, Requests> = {
  ListClusters: () => [{ action: 'ecs:ListClusters', resource: '*' }],
  DescribeClusters: (input, arns) =>
    (list(input['clusters']).length ? list(input['clusters']) : ['default']).map((c) => ({
      action: 'ecs:DescribeClusters',
      resource: arns.cluster(c),
    })),
  DeleteCluster: (input, arns) => [{ action: 'ecs:DeleteCluster', resource: arns.cluster(input['cluster']) }],
  RegisterTaskDefinition: (input, arns) => {
    const resource = arns.nextRevision(input['family']);
    return [
      {
        action: 'ecs:RegisterTaskDefinition',
        resource,
        context: { 'aws:TagKeys': tagKeys(input['tags']), ...requestTags(input['tags']) },
      },
      ...tagOnCreate('RegisterTaskDefinition', resource, input['tags']),
      ...passRoles([input['taskRoleArn'], input['executionRoleArn']]),
    ];
  },
  DescribeTaskDefinition: () => [{ action: 'ecs:DescribeTaskDefinition', resource: '*' }],
  DeregisterTaskDefinition: () => [{ action: 'ecs:DeregisterTaskDefinition', resource: '*' }],
  DeleteTaskDefinitions: (input, arns) =>
    list(input['taskDefinitions']).map((t) => ({
      action: 'ecs:DeleteTaskDefinitions',
      resource: arns.taskDefinition(t),
    })),
  ListTaskDefinitions: () => [{ action: 'ecs:ListTaskDefinitions', resource: '*' }],
  ListTaskDefinitionFamilies: () => [{ action: 'ecs:ListTaskDefinitionFamilies', resource: '*' }],
  RunTask: (input, arns, state) => {
    const cluster = arns.cluster(input['cluster']);
    const overrides = (input['overrides'] ?? {}) as Json;
    const resource = arns.taskDefinition(input['taskDefinition']);
    return [
      {
        action: 'ecs:RunTask',
        resource,
        context: {
          'ecs:cluster': cluster,
          ...resourceTags(state, resource),
          'aws:TagKeys': tagKeys(input['tags']),
          ...requestTags(input['tags']),
        },
      },
      ...tagOnCreate('RunTask', state.arn('ecs', `task/${arns.clusterName(cluster)}/*`), input['tags']),
      ...passRoles([overrides['taskRoleArn'], overrides['executionRoleArn']]),
    ];
  },
  DescribeTasks: (input, arns) =>
    list(input['tasks']).map((t) => ({
      action: 'ecs:DescribeTasks',
      resource: arns.task(input['cluster'], t),
      context: { 'ecs:cluster': arns.cluster(input['cluster']) },
    })),
  StopTask: (input, arns) => [
    {
      action: 'ecs:StopTask',
      resource: arns.task(input['cluster'], input['task']),
      context: { 'ecs:cluster': arns.cluster(input['cluster']) },
    },
  ],
  // The reference names container-instance; policies grant it on `*` with ecs:cluster.
  ListTasks: (input, arns) => [
    { action: 'ecs:ListTasks', resource: '*', context: { 'ecs:cluster': arns.cluster(input['cluster']) } },
  ],
  TagResource: (input, _arns, state) => [
    {
      action: 'ecs:TagResource',
      resource: String(input['resourceArn']),
      context: {
        'aws:TagKeys': tagKeys(input['tags']),
        ...requestTags(input['tags']),
        ...resourceTags(state, String(input['resourceArn'])),
      },
    },
  ],
  UntagResource: (input, _arns, state) => [
    {
      action: 'ecs:UntagResource',
      resource: String(input['resourceArn']),
      context: {
        'aws:TagKeys': list(input['tagKeys']).map(String),
        ...resourceTags(state, String(input['resourceArn'])),
      },
    },
  ],
  DescribeServices: (input, arns) =>
    list(input['services']).map((s) => ({
      action: 'ecs:DescribeServices',
      resource: arns.service(input['cluster'], s),
      context: { 'ecs:cluster': arns.cluster(input['cluster']) },
    })),
  UpdateService: (input, arns) => [
    {
      action: 'ecs:UpdateService',
      resource: arns.service(input['cluster'], input['service']),
      context: {
        'ecs:cluster': arns.cluster(input['cluster']),
        ...(input['taskDefinition'] !== undefined && {
          'ecs:task-definition': arns.taskDefinition(input['taskDefinition']),
        }),
      },
    },
  ],
  ListServices: (input, arns) => [
    { action: 'ecs:ListServices', resource: '*', context: { 'ecs:cluster': arns.cluster(input['cluster']) } },
  ],
  DeleteService: (input, arns) => [
    {
      action: 'ecs:DeleteService',
      resource: arns.service(input['cluster'], input['service']),
      context: { 'ecs:cluster': arns.cluster(input['cluster']) },
    },
  ],
  ListServiceDeployments: (input, arns) => [
    {
      action: 'ecs:ListServiceDeployments',
      resource: arns.service(input['cluster'], input['service']),
      context: { 'ecs:cluster': arns.cluster(input['cluster']) },
    },
  ],
  DescribeServiceDeployments: (input, arns) =>
    list(input['serviceDeploymentArns']).flatMap((arn) =>
      onDeployment('ecs:DescribeServiceDeployments', arn, arns),
    ),
  StopServiceDeployment: (input, arns) =>
    onDeployment('ecs:StopServiceDeployment', input['serviceDeploymentArn'], arns),
  ContinueServiceDeployment: (input, arns) =>
    onDeployment('ecs:ContinueServiceDeployment', input['serviceDeploymentArn'], arns),
};

/** Service-deployment actions need both the service-deployment and its service. */
function onDeployment(action: string, arn: unknown, arns: Arns): AuthRequest[] {
  const service = arns.serviceOfDeployment(arn);
  const cluster = arns.cluster(service.split('/')[1]);
  const context = { 'ecs:cluster': cluster, 'ecs:service': service };
  return [
    { action, resource: String(arn), context },
    { action, resource: service, context },
  ];
}

const logs: Record<string, Requests> = {
  GetLogEvents: (input, arns) => [
    {
      action: 'logs:GetLogEvents',
      resource: arns.logStream(input['logGroupName'] ?? input['logGroupIdentifier'], input['logStreamName']),
    },
  ],
  DescribeLogStreams: (input, arns) => [
    {
      action: 'logs:DescribeLogStreams',
      resource: arns.logGroup(input['logGroupName'] ?? input['logGroupIdentifier']),
    },
  ],
};

const acm: Record<string, Requests> = {
  ListCertificates: () => [{ action: 'acm:ListCertificates', resource: '*' }],
  DescribeCertificate: (input) => [
    { action: 'acm:DescribeCertificate', resource: String(input['CertificateArn']) },
  ],
};

const ecr: Record<string, Requests> = {
  DescribeImageScanFindings: (input, arns) => [
    { action: 'ecr:DescribeImageScanFindings', resource: arns.repository(input['repositoryName']) },
  ],
  DescribeImages: (input, arns) => [
    { action: 'ecr:DescribeImages', resource: arns.repository(input['repositoryName']) },
  ],
};

/** Secrets are authorized on their full ARN (name-XXXXXX); a new one on the ARN it will have. */
const secretsmanager = (secrets: SecretsRegistry): Record<string, Requests> => {
  const arn = (id: unknown, state: EmulatorState) =>
    secrets.find(id)?.arn ??
    (String(id).startsWith('arn:') ? String(id) : state.arn('secretsmanager', `secret:${String(id)}-??????`));
  const on = (action: string) => (input: Json, _arns: Arns, state: EmulatorState) => [
    {
      action,
      resource: arn(input['SecretId'], state),
      context: { 'secretsmanager:SecretId': arn(input['SecretId'], state) },
    },
  ];
  return {
    CreateSecret: (input, _arns, state) => [
      {
        action: 'secretsmanager:CreateSecret',
        resource: arn(input['Name'], state),
        context: {
          'secretsmanager:Name': String(input['Name']),
          'aws:TagKeys': list(input['Tags']).map((t) => String((t as { Key?: string }).Key)),
        },
      },
    ],
    DescribeSecret: on('secretsmanager:DescribeSecret'),
    GetSecretValue: on('secretsmanager:GetSecretValue'),
    PutSecretValue: on('secretsmanager:PutSecretValue'),
    DeleteSecret: on('secretsmanager:DeleteSecret'),
    GetRandomPassword: () => [{ action: 'secretsmanager:GetRandomPassword', resource: '*' }],
  };
};

/** The authorizations a call needs; throws for an operation this table does not know. */
export function authorizationsFor(
  state: EmulatorState,
  service: ServiceName,
  operation: string,
  input: Json,
  secrets: SecretsRegistry,
): AuthRequest[] {
  const byService: Record<ServiceName, Record<string, Requests>> = {
    ecs,
    logs,
    ecr,
    secretsmanager: secretsmanager(secrets),
    acm,
  };
  const requests = byService[service][operation];
  if (!requests)
    throw new Error(`simulator/aws/iam/requests.ts has no authorization for ${service}:${operation}`);
  return requests(input, new Arns(state), state);
}
