import type { ContainerDefinition, HealthCheck, PortMapping } from '@aws-sdk/client-ecs';
import type { RegisterInput } from './render.ts';

/**
 * The values ECS fills in when it registers a task definition and then returns from
 * DescribeTaskDefinition, though the registered input left them out. Both sides of a comparison
 * (a task-definition-file and the family's latest revision) go through `withEcsDefaults`, so a
 * file that leaves them out equals the revision ECS made from it. Filling a default is harmless
 * on a side that already has it, hence one pure function for both.
 *
 * Each default below names the ECS API reference field it comes from. Empty lists
 * (`environment: []`, `mountPoints: []`, `volumesFrom: []`, `portMappings: []`,
 * `systemControls: []`, `volumes: []`, `placementConstraints: []`, ...) that ECS returns for
 * omitted fields are dropped by the comparison's canonical form (render.ts `normalize`).
 */
export function withEcsDefaults(input: RegisterInput): RegisterInput {
  const definition = structuredClone(input);
  // API_RegisterTaskDefinition networkMode: "If no network mode is specified, the default is bridge."
  const networkMode = definition.networkMode ?? 'bridge';
  definition.networkMode = networkMode;
  definition.containerDefinitions = (definition.containerDefinitions ?? []).map((container) =>
    containerDefaults(container, networkMode),
  );
  return definition;
}

function containerDefaults(input: ContainerDefinition, networkMode: string): ContainerDefinition {
  const container = { ...input };
  // API_ContainerDefinition cpu: ECS stores 0 CPU units when the container sets none.
  container.cpu ??= 0;
  // API_ContainerDefinition essential: "If the essential parameter ... is not specified, it is assumed to be true."
  container.essential ??= true;
  if (container.portMappings) {
    container.portMappings = container.portMappings.map((mapping) => portDefaults(mapping, networkMode));
  }
  if (container.healthCheck) container.healthCheck = healthCheckDefaults(container.healthCheck);
  return container;
}

function portDefaults(input: PortMapping, networkMode: string): PortMapping {
  const mapping = { ...input };
  // API_PortMapping protocol: "The protocol used for the port mapping ... The default is tcp."
  mapping.protocol ??= 'tcp';
  // API_PortMapping hostPort: with awsvpc or host networking "the hostPort can be left blank or it
  // must be the same value as the containerPort"; ECS returns it equal to containerPort.
  if ((networkMode === 'awsvpc' || networkMode === 'host') && mapping.containerPort !== undefined) {
    mapping.hostPort ??= mapping.containerPort;
  }
  return mapping;
}

function healthCheckDefaults(input: HealthCheck): HealthCheck {
  // API_HealthCheck: interval "The default value is 30 seconds", timeout "The default value is 5",
  // retries "The default value is 3".
  return { interval: 30, timeout: 5, retries: 3, ...input };
}
