/**
 * The emulator's whole world, in memory. Operation handlers (ecs/*.ts, logs.ts) read and change
 * it; tests seed it through the control methods in index.ts.
 */

export type Json = Record<string, unknown>;

export interface TaskDefinitionRecord {
  /** What DescribeTaskDefinition returns, timestamps in epoch seconds. */
  definition: Json & { family: string; revision: number; taskDefinitionArn: string; status: string };
  tags: { key: string; value: string }[];
}

export interface ClusterRecord {
  clusterArn: string;
  clusterName: string;
  status: string;
  capacityProviders: string[];
  tags: { key: string; value: string }[];
}

export class EmulatorState {
  readonly account = '123456789012';
  region = 'us-east-1';
  /** family → revisions in order; index i holds revision i + 1. */
  readonly taskDefinitions = new Map<string, TaskDefinitionRecord[]>();
  readonly clusters = new Map<string, ClusterRecord>();

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.account}:${resource}`;
  }

  /** Epoch seconds, the JSON 1.1 protocol's timestamp format. */
  now(): number {
    return Date.now() / 1000;
  }
}
