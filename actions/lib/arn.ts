/** Helpers for the names and ARNs ECS hands around. */

const TASK_DEFINITION_ARN = /^arn:aws[a-z-]*:ecs:[^:]*:\d*:task-definition\/([^:]+):(\d+)$/;
const FAMILY_REVISION = /^([A-Za-z0-9_-]{1,255})(?::(\d+))?$/;

export interface TaskDefinitionRef {
  family: string;
  /** Undefined: the latest ACTIVE revision. */
  revision?: number;
}

/** Parses `family`, `family:revision` or a task definition ARN; undefined when it is none. */
export function parseTaskDefinitionRef(ref: string): TaskDefinitionRef | undefined {
  const match = TASK_DEFINITION_ARN.exec(ref) ?? FAMILY_REVISION.exec(ref);
  if (!match) return undefined;
  const [, family, revision] = match;
  return revision === undefined ? { family: family! } : { family: family!, revision: Number(revision) };
}

/** The last path segment of an ARN (`.../cluster/service` → `service`), or the name itself. */
export function nameFromArn(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}
