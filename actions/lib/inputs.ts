import * as core from '@actions/core';
import { parseTaskDefinitionRef } from './arn.ts';
import { ConfigurationError } from './errors.ts';

/**
 * Typed readers for action inputs. Each one names the input in its error, so a user sees
 * `Input "timeout-minutes" must be ...` rather than a stack trace.
 */

/** Longest part of a user's value an error message repeats. */
const QUOTE_LIMIT = 80;

/**
 * A user's value as an error message may show it: JSON-quoted, so a newline or control
 * character stays one visible escape and the message stays one line, and cut after
 * QUOTE_LIMIT characters so a 100 KB value does not flood the log.
 */
export function quote(value: string): string {
  if (value.length <= QUOTE_LIMIT) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, QUOTE_LIMIT)).slice(0, -1)}…" (${value.length} characters)`;
}

export function optionalInput(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

export function requiredInput(name: string): string {
  const value = optionalInput(name);
  if (value === undefined) throw new ConfigurationError(`Input "${name}" is required.`);
  return value;
}

/** Non-empty, trimmed lines; lines starting with `#` are comments. */
export function multilineInput(name: string): string[] {
  return splitLines(core.getInput(name));
}

export function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function booleanInput(name: string, defaultValue: boolean): boolean {
  const value = optionalInput(name);
  if (value === undefined) return defaultValue;
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  throw new ConfigurationError(`Input "${name}" must be true or false, got ${quote(value)}.`);
}

export function numberInput(
  name: string,
  defaultValue: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const value = optionalInput(name);
  if (value === undefined) return defaultValue;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new ConfigurationError(
      `Input "${name}" must be a number from ${min} to ${max}, got ${quote(value)}.`,
    );
  }
  return number;
}

export function choiceInput<T extends string>(name: string, choices: readonly T[], defaultValue: T): T {
  const value = optionalInput(name) ?? defaultValue;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigurationError(
      `Input "${name}" must be one of ${choices.join(', ')}, got ${quote(value)}.`,
    );
  }
  return value as T;
}

export function jsonInput(name: string): unknown {
  const value = optionalInput(name);
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ConfigurationError(`Input "${name}" is not valid JSON: ${oneLine((error as Error).message)}`);
  }
}

/** Fails when more than one of the named inputs is given. */
export function exclusiveInputs(names: string[]): void {
  const given = names.filter((name) => optionalInput(name) !== undefined);
  if (given.length > 1) {
    throw new ConfigurationError(
      `Inputs ${given.map((n) => `"${n}"`).join(' and ')} cannot be used together.`,
    );
  }
}

/** Masks a secret so the runner replaces it with *** wherever it would be printed. */
export function secretInput(name: string): string | undefined {
  const value = optionalInput(name);
  if (value !== undefined) core.setSecret(value);
  return value;
}

/** Text on one line: every run of line breaks becomes one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/**
 * ECS names (cluster, service, task definition family, container, capacity provider): "Up to
 * 255 letters (uppercase and lowercase), numbers, underscores, and hyphens" (ECS API reference:
 * CreateCluster clusterName, CreateService serviceName, RegisterTaskDefinition family,
 * ContainerDefinition name).
 */
export const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ECS_ARN = (type: string) =>
  new RegExp(
    `^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}:${type}/(?:[A-Za-z0-9_-]{1,255}/)?[A-Za-z0-9_-]{1,255}$`,
  );
const CLUSTER_ARN = ECS_ARN('cluster');
const SERVICE_ARN = ECS_ARN('service');

/** An ECS name given as an input, or an error naming the input and the rule. */
export function checkEcsName(input: string, value: string, what: string): string {
  if (!ECS_NAME.test(value)) {
    throw new ConfigurationError(
      `Input "${input}": ${quote(value)} is not ${what} name (1-255 letters, digits, hyphens and underscores).`,
    );
  }
  return value;
}

/** A cluster by name or ARN. */
export function clusterInput(name = 'cluster'): string {
  const value = requiredInput(name);
  if (CLUSTER_ARN.test(value)) return value;
  return checkEcsName(name, value, 'a cluster');
}

/** A service by name or ARN. */
export function checkServiceRef(input: string, value: string): string {
  if (SERVICE_ARN.test(value)) return value;
  return checkEcsName(input, value, 'a service');
}

/** An optional container name. */
export function containerInput(name = 'container'): string | undefined {
  const value = optionalInput(name);
  return value === undefined ? undefined : checkEcsName(name, value, 'a container');
}

/**
 * RunTask startedBy: "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-),
 * forward slash (/), and underscores (_) are allowed" (ECS API reference, RunTask).
 */
const STARTED_BY = /^[A-Za-z0-9_/-]{1,128}$/;

export function startedByInput(defaultValue: string): string {
  const value = optionalInput('started-by') ?? defaultValue;
  if (!STARTED_BY.test(value)) {
    throw new ConfigurationError(
      `Input "started-by": ${quote(value)} is not 1-128 letters, digits, hyphens, slashes and underscores.`,
    );
  }
  return value;
}

/**
 * RunTask overrides: "A total of 8192 characters are allowed for overrides. This limit includes
 * the JSON formatting characters of the override structure" (ECS API reference, RunTask).
 */
export const MAX_OVERRIDES_CHARACTERS = 8192;

/** Fails naming `input` when the container overrides would exceed RunTask's limit. */
export function checkOverridesSize(input: string, containerOverrides: unknown[]): void {
  const size = JSON.stringify({ containerOverrides }).length;
  if (size > MAX_OVERRIDES_CHARACTERS) {
    throw new ConfigurationError(
      `Input "${input}" makes the task's overrides ${size} characters long; RunTask allows ${MAX_OVERRIDES_CHARACTERS}.`,
    );
  }
}

/** A task definition as family, family:revision or ARN. */
export function taskDefinitionInput(name = 'task-definition'): string {
  const value = requiredInput(name);
  const ref = parseTaskDefinitionRef(value);
  if (!ref || !ECS_NAME.test(ref.family)) {
    throw new ConfigurationError(
      `Input "${name}": ${quote(value)} is not a family, family:revision or task definition ARN.`,
    );
  }
  return value;
}
