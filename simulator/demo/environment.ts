import type { Emulator } from '../aws/index.ts';
import type { TaskDefinitionRecord } from '../aws/state.ts';

/**
 * The emulator's part of the demo's state: the task definitions and services the rehearsal's
 * `terraform apply` stand-in seeded and the actions changed, so the next run updates the same
 * environment (and `terraform plan` finds nothing to add).
 */
export interface EmulatorSnapshot {
  taskDefinitions: [string, TaskDefinitionRecord[]][];
  services: { name: string; taskDefinition: string; desiredCount: number; networkConfiguration?: unknown }[];
  /** Secrets Manager: the environment's owner password (its ARN is in the Terraform outputs). */
  secrets?: [string, unknown][];
}

export function snapshotEmulator(emulator: Emulator): EmulatorSnapshot {
  return {
    taskDefinitions: [...emulator.state.taskDefinitions.entries()],
    secrets: [...emulator.secrets.secrets.entries()],
    services: emulator
      .services()
      .filter((s) => s.status === 'ACTIVE')
      .map((s) => ({
        name: s.serviceName,
        taskDefinition: s.taskDefinition,
        desiredCount: s.desiredCount,
        networkConfiguration: s.networkConfiguration,
      })),
  };
}

export function restoreEmulator(emulator: Emulator, cluster: string, snapshot: EmulatorSnapshot): void {
  if (snapshot.services.length === 0 && snapshot.taskDefinitions.length === 0) return;
  emulator.createCluster(cluster);
  // The shared stack's (db-admin, seeded by this run's services with this run's PGlite) stay.
  for (const [family, records] of snapshot.taskDefinitions)
    if (!emulator.state.taskDefinitions.has(family)) emulator.state.taskDefinitions.set(family, records);
  for (const [name, secret] of snapshot.secrets ?? []) emulator.secrets.secrets.set(name, secret as never);
  for (const service of snapshot.services) {
    emulator.createService(cluster, service.name, service.taskDefinition, {
      desiredCount: service.desiredCount,
      ...(service.networkConfiguration
        ? { networkConfiguration: service.networkConfiguration as never }
        : {}),
      // As modules/environment declares it (and the apply stand-in seeds it).
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      // A task counts as healthy after half a second up (the load balancer's health check): one
      // that crashes sooner fails the deployment, as on ECS.
      healthyAfterMs: 500,
    });
  }
}

/**
 * The revision of `family` the deploy of `version` will roll out, as register-task-definition
 * decides: the latest one when it already has that image tag (a failed run registered it), else
 * the next; undefined before the environment exists.
 */
export function revisionFor(emulator: Emulator, family: string, version: string): number | undefined {
  const records = emulator.state.taskDefinitions.get(family) ?? [];
  const latest = records.at(-1)?.definition;
  if (!latest) return undefined;
  const containers = (latest['containerDefinitions'] ?? []) as { image?: string }[];
  return containers.some((c) => c.image?.endsWith(`:${version}`)) ? latest.revision : latest.revision + 1;
}
