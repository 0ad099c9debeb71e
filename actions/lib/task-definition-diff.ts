import type {
  ContainerDefinition,
  RegisterTaskDefinitionCommandInput,
  TaskDefinition,
} from '@aws-sdk/client-ecs';

/** A registration input or a described revision: the fields compared are the same. */
type RegisterInput = RegisterTaskDefinitionCommandInput | TaskDefinition;

/**
 * What a new revision changes against the one it replaces, as a reviewer reads it: each
 * container's image, environment and secrets (names only: a value may be sensitive, and the
 * summary is read widely), and the task's cpu and memory. Pure: register-task-definition shows
 * it for each new revision, rolling-update's dry run for each service's move.
 */
export function diffDefinitions(before: RegisterInput | undefined, after: RegisterInput): string[] {
  if (!before) return [`new family ${after.family}`];
  const lines: string[] = [];
  for (const field of ['cpu', 'memory'] as const) {
    if (before[field] !== after[field])
      lines.push(`${field}: ${before[field] ?? '—'} → ${after[field] ?? '—'}`);
  }
  const old = new Map((before.containerDefinitions ?? []).map((c) => [c.name, c]));
  for (const container of after.containerDefinitions ?? []) {
    const was = old.get(container.name);
    old.delete(container.name);
    if (!was) {
      lines.push(`container ${container.name}: added (${container.image})`);
      continue;
    }
    if (was.image !== container.image)
      lines.push(`container ${container.name}: image ${was.image} → ${container.image}`);
    const env = changedNames(
      (was.environment ?? []).map((e) => [e.name!, e.value ?? '']),
      (container.environment ?? []).map((e) => [e.name!, e.value ?? '']),
    );
    if (env) lines.push(`container ${container.name}: environment ${env}`);
    const secrets = changedNames(
      (was.secrets ?? []).map((s) => [s.name, s.valueFrom]),
      (container.secrets ?? []).map((s) => [s.name, s.valueFrom]),
    );
    if (secrets) lines.push(`container ${container.name}: secrets ${secrets}`);
    if (!sameCommand(was, container))
      lines.push(`container ${container.name}: command or entry point changed`);
  }
  for (const name of old.keys()) lines.push(`container ${name}: removed`);
  return lines;
}

/** `+ADDED ~CHANGED -REMOVED` over name/value pairs; empty when nothing changed. */
function changedNames(
  before: [string | undefined, string | undefined][],
  after: [string | undefined, string | undefined][],
): string {
  const was = new Map(before);
  const now = new Map(after);
  const marks = [
    ...[...now.keys()].filter((k) => !was.has(k)).map((k) => `+${k}`),
    ...[...now.keys()].filter((k) => was.has(k) && was.get(k) !== now.get(k)).map((k) => `~${k}`),
    ...[...was.keys()].filter((k) => !now.has(k)).map((k) => `-${k}`),
  ];
  return marks.join(' ');
}

function sameCommand(a: ContainerDefinition, b: ContainerDefinition): boolean {
  return JSON.stringify([a.command, a.entryPoint]) === JSON.stringify([b.command, b.entryPoint]);
}
