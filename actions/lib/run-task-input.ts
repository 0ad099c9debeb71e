import type { RunTaskCommandInput, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { ConfigurationError } from './errors.ts';
import type { EnvironmentSetting } from './key-value.ts';
import type { NetworkSettings } from './network.ts';

export interface OneOffTaskRequest {
  cluster: string;
  /** The container that runs `command`; default: the first essential one. */
  container?: string;
  command?: string[];
  environment: EnvironmentSetting[];
  network: NetworkSettings;
  startedBy: string;
}

/** The container a one-off task is about, or an error naming the input. */
export function mainContainer(definition: TaskDefinition, container: string | undefined): string {
  const names = (definition.containerDefinitions ?? []).map((c) => c.name!);
  if (container !== undefined) {
    if (!names.includes(container)) {
      throw new ConfigurationError(
        `Input "container": "${container}" is not a container of ${definition.family}:${definition.revision} (containers: ${names.join(', ')}).`,
      );
    }
    return container;
  }
  const essential = definition.containerDefinitions?.find((c) => c.essential !== false);
  return essential?.name ?? names[0]!;
}

/**
 * RunTask's input for a one-off task: the command and environment as overrides of one
 * container, the network of a service (`service`, when copied from one) or the inputs.
 */
export function buildRunTaskInput(
  definition: TaskDefinition,
  request: OneOffTaskRequest,
  service?: Service,
): RunTaskCommandInput {
  const container = mainContainer(definition, request.container);
  const names = new Set((definition.containerDefinitions ?? []).map((c) => c.name!));
  const overrides = new Map<
    string,
    { name: string; command?: string[]; environment?: { name: string; value: string }[] }
  >();
  const override = (name: string) => overrides.get(name) ?? overrides.set(name, { name }).get(name)!;
  if (request.command && request.command.length > 0) override(container).command = request.command;
  for (const { container: target = container, name, value } of request.environment) {
    if (!names.has(target)) {
      throw new ConfigurationError(
        `Input "environment": "${target}" is not a container of ${definition.family}.`,
      );
    }
    (override(target).environment ??= []).push({ name, value });
  }

  const { network } = request;
  const awsvpc = service?.networkConfiguration?.awsvpcConfiguration ?? {
    subnets: network.subnets,
    securityGroups: network.securityGroups,
    ...(network.assignPublicIp !== undefined && {
      assignPublicIp: network.assignPublicIp ? 'ENABLED' : 'DISABLED',
    }),
  };
  if (definition.networkMode === 'awsvpc' && (awsvpc.subnets ?? []).length === 0) {
    throw new ConfigurationError(
      `Task definition ${definition.family} uses awsvpc networking: give input "network-from-service" or "subnets".`,
    );
  }
  const placement = network.launchType
    ? { launchType: network.launchType as RunTaskCommandInput['launchType'] }
    : network.capacityProviderStrategy
      ? { capacityProviderStrategy: network.capacityProviderStrategy }
      : service?.capacityProviderStrategy?.length
        ? { capacityProviderStrategy: service.capacityProviderStrategy }
        : service?.launchType
          ? { launchType: service.launchType }
          : {};
  return {
    cluster: request.cluster,
    taskDefinition: definition.taskDefinitionArn!,
    count: 1,
    startedBy: request.startedBy,
    ...placement,
    ...(service?.platformVersion &&
      !('launchType' in placement && placement.launchType === 'EC2') && {
        platformVersion: service.platformVersion,
      }),
    ...((awsvpc.subnets ?? []).length > 0 && { networkConfiguration: { awsvpcConfiguration: awsvpc } }),
    ...(overrides.size > 0 && { overrides: { containerOverrides: [...overrides.values()] } }),
  };
}
