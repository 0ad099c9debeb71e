import type { CreateServiceOptions, ServiceRecord } from '../emulator/ecs/services.ts';
import type { Emulator } from '../emulator/index.ts';

/** Fixtures for rollouts on the emulator, shared by rolling-update's tests and its benchmark. */

export function backendTaskDefinition(family: string, image: string) {
  return {
    family,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'app',
        image,
        essential: true,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/app', 'awslogs-stream-prefix': family },
        },
      },
    ],
  };
}

/** The only deployment is COMPLETED and every task runs. */
export function isSteady(service: ServiceRecord): boolean {
  const [only, ...others] = service.deployments;
  return (
    others.length === 0 &&
    only?.rolloutState === 'COMPLETED' &&
    service.runningCount === service.desiredCount &&
    service.pendingCount === 0
  );
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Per family: revision 1 running in a steady service of the same name (cluster `app`, 2 tasks)
 * and revision 2 registered to roll out. Returns register-task-definition's JSON output for 2.
 */
export async function seedRollout(
  emulator: Emulator,
  families: string[],
  options: CreateServiceOptions = {},
  timeoutMs?: number,
): Promise<Record<string, string>> {
  const arns: Record<string, string> = {};
  for (const family of families) {
    emulator.registerTaskDefinition(backendTaskDefinition(family, 'backend:v1'));
    arns[family] = emulator.registerTaskDefinition(backendTaskDefinition(family, 'backend:v2'))[
      'taskDefinitionArn'
    ] as string;
    emulator.createService('app', family, `${family}:1`, { desiredCount: 2, ...options });
  }
  await waitFor(() => emulator.services().every(isSteady), timeoutMs);
  return arns;
}
