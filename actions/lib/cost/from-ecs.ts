/**
 * Services for estimate() from what ECS reports at deploy time (DescribeServices +
 * DescribeTaskDefinition), so a deploy summary prices what actually runs, not the Terraform defaults.
 */
import type { Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { CostInputError, type CapacityProvider, type ServiceSpec } from './estimate.ts';

export function servicesFromEcs(
  services: Service[],
  taskDefinitions: Record<string, TaskDefinition>,
): ServiceSpec[] {
  return services.map((s) => {
    const name = s.serviceName ?? s.serviceArn ?? '?';
    const td = taskDefinitions[s.taskDefinition ?? ''];
    if (!td)
      throw new CostInputError(`service ${name}: task definition ${s.taskDefinition ?? '(none)'} not given`);
    // Fargate task definitions carry task-level cpu and memory (strings of CPU units and MiB).
    const cpu = Number(td.cpu);
    const memory = Number(td.memory);
    if (!(cpu > 0) || !(memory > 0)) {
      throw new CostInputError(
        `service ${name}: task definition ${td.taskDefinitionArn ?? ''} has no task-level cpu/memory`,
      );
    }
    const strategy = (s.capacityProviderStrategy ?? []).map((c) => {
      if (c.capacityProvider !== 'FARGATE' && c.capacityProvider !== 'FARGATE_SPOT') {
        throw new CostInputError(
          `service ${name}: capacity provider ${c.capacityProvider ?? '?'} is not priced`,
        );
      }
      return {
        capacityProvider: c.capacityProvider as CapacityProvider,
        weight: c.weight ?? 0,
        base: c.base ?? 0,
      };
    });
    return {
      name,
      cpu,
      memory,
      desiredCount: s.desiredCount ?? 0,
      // A service created with launchType FARGATE has no strategy: all on-demand.
      capacityProviderStrategy: strategy.length > 0 ? strategy : [{ capacityProvider: 'FARGATE', weight: 1 }],
    };
  });
}
