import { describe, expect, test } from '@jest/globals';
import { withEcsDefaults } from './ecs-defaults.ts';
import { sameDefinition, type RegisterInput } from './render.ts';

/** What a task-definition-file typically holds: no defaults spelled out. */
const file = (): RegisterInput => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    {
      name: 'web',
      image: 'repo:v1',
      portMappings: [{ containerPort: 8000 }],
      healthCheck: { command: ['CMD', 'true'] },
    },
  ],
});

/** What DescribeTaskDefinition returns for it, once describe-only fields are dropped. */
const registered = (): RegisterInput => ({
  family: 'web',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  volumes: [],
  placementConstraints: [],
  containerDefinitions: [
    {
      name: 'web',
      image: 'repo:v1',
      cpu: 0,
      essential: true,
      portMappings: [{ containerPort: 8000, hostPort: 8000, protocol: 'tcp' }],
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
      healthCheck: { command: ['CMD', 'true'], interval: 30, timeout: 5, retries: 3 },
    },
  ],
});

const container = (input: RegisterInput) => withEcsDefaults(input).containerDefinitions![0]!;

describe('withEcsDefaults: each default ECS fills in, by API reference field', () => {
  test('API_ContainerDefinition cpu: 0 when unset', () => {
    expect(container(file()).cpu).toBe(0);
  });

  test('API_ContainerDefinition essential: true when unset, false kept', () => {
    expect(container(file()).essential).toBe(true);
    const optional = file();
    optional.containerDefinitions![0]!.essential = false;
    expect(container(optional).essential).toBe(false);
  });

  test('API_PortMapping protocol: tcp when unset, udp kept', () => {
    expect(container(file()).portMappings![0]!.protocol).toBe('tcp');
    const udp = file();
    udp.containerDefinitions![0]!.portMappings![0]!.protocol = 'udp';
    expect(container(udp).portMappings![0]!.protocol).toBe('udp');
  });

  test('API_PortMapping hostPort: containerPort under awsvpc and host networking only', () => {
    expect(container(file()).portMappings![0]!.hostPort).toBe(8000);
    const host = { ...file(), networkMode: 'host' } as RegisterInput;
    expect(container(host).portMappings![0]!.hostPort).toBe(8000);
    const bridge = { ...file(), networkMode: 'bridge' } as RegisterInput;
    expect(container(bridge).portMappings![0]!.hostPort).toBeUndefined();
  });

  test('API_RegisterTaskDefinition networkMode: bridge when unset', () => {
    const { networkMode: _omitted, ...rest } = file();
    expect(withEcsDefaults(rest as RegisterInput).networkMode).toBe('bridge');
  });

  test('API_HealthCheck interval 30, timeout 5, retries 3 when unset; given values kept', () => {
    expect(container(file()).healthCheck).toEqual({
      command: ['CMD', 'true'],
      interval: 30,
      timeout: 5,
      retries: 3,
    });
    const custom = file();
    custom.containerDefinitions![0]!.healthCheck!.retries = 10;
    expect(container(custom).healthCheck!.retries).toBe(10);
  });

  test('does not change its input', () => {
    const input = file();
    withEcsDefaults(input);
    expect(input).toEqual(file());
  });
});

describe('sameDefinition with ECS defaults', () => {
  test('a file equals the revision ECS registered from it (defaults and empty lists filled in)', () => {
    expect(sameDefinition(registered(), file())).toBe(true);
    expect(sameDefinition(file(), registered())).toBe(true);
  });

  test('API_ContainerDefinition empty lists (environment, mountPoints, volumesFrom, systemControls) and task volumes, placementConstraints count as absent', () => {
    const withEmpties = registered();
    const withoutEmpties = registered();
    const c = withoutEmpties.containerDefinitions![0]!;
    delete c.environment;
    delete c.mountPoints;
    delete c.volumesFrom;
    delete c.systemControls;
    delete withoutEmpties.volumes;
    delete withoutEmpties.placementConstraints;
    expect(sameDefinition(withEmpties, withoutEmpties)).toBe(true);
  });

  test('a default that differs is a change: essential false, another host port, udp', () => {
    for (const edit of [
      (d: RegisterInput) => (d.containerDefinitions![0]!.essential = false),
      (d: RegisterInput) => (d.containerDefinitions![0]!.cpu = 128),
      (d: RegisterInput) => (d.containerDefinitions![0]!.portMappings![0]!.protocol = 'udp'),
      (d: RegisterInput) => (d.containerDefinitions![0]!.healthCheck!.retries = 5),
      (d: RegisterInput) => (d.containerDefinitions![0]!.image = 'repo:v2'),
    ]) {
      const changed = file();
      edit(changed);
      expect(sameDefinition(registered(), changed)).toBe(false);
    }
  });
});
