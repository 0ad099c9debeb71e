import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Emulator } from '../test/emulator/index.ts';
import type { TaskDefinitionRecord } from '../test/emulator/state.ts';

/**
 * The ad hoc environment as `terraform apply` of terraform/modules/environment leaves it, in the
 * emulator: cluster, backend task definitions (containers named `backend`, awslogs to
 * /ecs/<name>), frontend and redis, and their services. Kept in the demo's state folder between
 * runs, so a second `npm run demo` is an update of the same environment.
 */

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
export const BACKEND_FAMILIES = ['gunicorn', 'celery', 'beat', 'migrate'] as const;
export const ROLLED_OUT = ['gunicorn', 'celery', 'beat'] as const;
const SERVICES = ['gunicorn', 'celery', 'beat', 'frontend', 'redis'] as const;

interface Snapshot {
  deploys: number;
  taskDefinitions: [string, TaskDefinitionRecord[]][];
  services: { name: string; taskDefinition: string; desiredCount: number }[];
}

const COMMANDS: Record<string, string[]> = {
  gunicorn: ['gunicorn', 'backend.wsgi', '-b', '0.0.0.0:8000'],
  celery: ['celery', '-A', 'backend.celery_app:app', 'worker', '-l', 'INFO'],
  beat: ['celery', '-A', 'backend.celery_app:app', 'beat', '-l', 'INFO'],
  // The demo's migrate container is demo/app/manage.ts, run by the emulator as a local process
  // from the repository root (npm run's working directory, with Node 24 first on PATH).
  migrate: ['node', 'demo/app/manage.ts', 'migrate'],
};

function taskDefinition(name: string, component: string): Record<string, unknown> {
  const backend = component in COMMANDS;
  const image =
    component === 'redis'
      ? 'public.ecr.aws/docker/library/redis:7'
      : `${REGISTRY}/${backend ? 'backend' : 'frontend'}:v0`;
  return {
    family: `${name}-${component}`,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1024',
    containerDefinitions: [
      {
        name: backend ? 'backend' : component,
        image,
        essential: true,
        ...(backend && { command: COMMANDS[component] }),
        environment: backend
          ? [
              { name: 'DJANGO_SETTINGS_MODULE', value: 'backend.settings.production' },
              { name: 'REDIS_URL', value: `redis://${name}-redis.ad-hoc:6379/0` },
            ]
          : [],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${name}`,
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': component,
          },
        },
      },
    ],
  };
}

const NETWORK = {
  awsvpcConfiguration: {
    subnets: ['subnet-0a1', 'subnet-0b2'],
    securityGroups: ['sg-0app'],
    assignPublicIp: 'ENABLED',
  },
};

/** Loads the environment from `stateDir`, or creates it; returns how many deploys it has had. */
export async function loadEnvironment(emulator: Emulator, name: string, stateDir: string): Promise<number> {
  emulator.createCluster(name);
  const file = join(stateDir, 'emulator.json');
  if (existsSync(file)) {
    const snapshot = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
    for (const [family, records] of snapshot.taskDefinitions)
      emulator.state.taskDefinitions.set(family, records);
    for (const service of snapshot.services) {
      emulator.createService(
        name,
        service.name,
        service.taskDefinition,
        serviceOptions(service.desiredCount),
      );
    }
    return snapshot.deploys;
  }
  for (const component of [...BACKEND_FAMILIES, 'frontend', 'redis']) {
    emulator.registerTaskDefinition(taskDefinition(name, component), [{ key: 'environment', value: name }]);
  }
  for (const component of SERVICES) {
    emulator.createService(
      name,
      `${name}-${component}`,
      `${name}-${component}`,
      serviceOptions(component === 'gunicorn' ? 2 : 1),
    );
  }
  return 0;
}

function serviceOptions(desiredCount: number) {
  return {
    desiredCount,
    networkConfiguration: NETWORK,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  };
}

export async function saveEnvironment(emulator: Emulator, stateDir: string, deploys: number): Promise<void> {
  const snapshot: Snapshot = {
    deploys,
    taskDefinitions: [...emulator.state.taskDefinitions.entries()],
    services: emulator
      .services()
      .map((s) => ({ name: s.serviceName, taskDefinition: s.taskDefinition, desiredCount: s.desiredCount })),
  };
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(stateDir, 'emulator.json'), JSON.stringify(snapshot, null, 2));
}
