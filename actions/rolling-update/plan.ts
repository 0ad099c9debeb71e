import { nameFromArn, parseTaskDefinitionRef, type TaskDefinitionRef } from '../lib/arn.ts';
import { ConfigurationError } from '../lib/errors.ts';
import { quote } from '../lib/inputs.ts';

/** One line of the `services` input: `SERVICE` or `SERVICE=TASK_DEFINITION`. */
export interface ServiceLine {
  line: string;
  /** The service name (an ARN given is reduced to its name). */
  service: string;
  /** The task definition the line names, as written (family, family:revision or ARN). */
  taskDefinition?: string;
  ref?: TaskDefinitionRef;
}

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;

export function parseServiceLines(lines: string[]): ServiceLine[] {
  const parsed = lines.map((line): ServiceLine => {
    const at = line.indexOf('=');
    const service = nameFromArn((at < 0 ? line : line.slice(0, at)).trim());
    if (!SERVICE_NAME.test(service)) {
      throw new ConfigurationError(
        `Input "services": line ${quote(line)} is not SERVICE or SERVICE=TASK_DEFINITION.`,
      );
    }
    if (at < 0) return { line, service };
    const taskDefinition = line.slice(at + 1).trim();
    const ref = parseTaskDefinitionRef(taskDefinition);
    if (!ref || !SERVICE_NAME.test(ref.family)) {
      throw new ConfigurationError(
        `Input "services": line ${quote(line)}: ${quote(taskDefinition)} is not a family, family:revision or task definition ARN.`,
      );
    }
    return { line, service, taskDefinition, ref };
  });
  const names = parsed.map((p) => p.service);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) throw new ConfigurationError(`Input "services": service "${repeated}" is given twice.`);
  return parsed;
}

/** register-task-definition's `task-definition-arns`: a JSON object from family to ARN. */
export function parseTaskDefinitionsJson(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      'Input "task-definitions" must be a JSON object from family to task definition ARN, like register-task-definition\'s "task-definition-arns" output.',
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [family, arn] of entries) {
    const ref = typeof arn === 'string' ? parseTaskDefinitionRef(arn) : undefined;
    if (!ref || ref.family !== family) {
      throw new ConfigurationError(
        `Input "task-definitions": ${quote(family)}: ${typeof arn === 'string' ? quote(arn) : quote(String(JSON.stringify(arn)))} is not a task definition of family ${quote(family)}.`,
      );
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export interface Target {
  /** What to deploy: an ARN, family or family:revision (main resolves it to an ARN). */
  taskDefinition: string;
  /** Where it came from, for messages. */
  source: 'line' | 'task-definitions' | 'current';
}

/**
 * What a service is pointed at: the task definition its line names, else the entry of its own
 * family (the family of the task definition it runs now) in `task-definitions`, else — with
 * force-new-deployment — the one it runs. A line naming another family is a mistake: a service
 * switching families is almost always a copy-paste slip in a deploy workflow.
 */
export function chooseTarget(
  line: ServiceLine,
  currentTaskDefinition: string,
  taskDefinitions: Record<string, string> | undefined,
  forceNewDeployment: boolean,
): Target {
  const family = parseTaskDefinitionRef(currentTaskDefinition)?.family ?? currentTaskDefinition;
  if (line.ref) {
    if (line.ref.family !== family) {
      throw new ConfigurationError(
        `Input "services": line "${line.line}" names family "${line.ref.family}", but service "${line.service}" runs family "${family}".`,
      );
    }
    return { taskDefinition: line.taskDefinition!, source: 'line' };
  }
  const fromJson = taskDefinitions?.[family];
  if (fromJson) return { taskDefinition: fromJson, source: 'task-definitions' };
  if (forceNewDeployment) return { taskDefinition: currentTaskDefinition, source: 'current' };
  throw new ConfigurationError(
    taskDefinitions
      ? `Input "task-definitions" has no entry for family "${family}" (service "${line.service}"); name one in "services" as ${line.service}=TASK_DEFINITION, or set force-new-deployment to redeploy what it runs.`
      : `Input "services": line "${line.line}" names no task definition; give "task-definitions", ${line.service}=TASK_DEFINITION, or force-new-deployment.`,
  );
}
