import { createHash } from 'node:crypto';
import { ConfigurationError } from '../lib/errors.ts';

/** What `terraform show -json` of a saved plan says about one resource. */
interface ResourceChange {
  address?: string;
  change?: { actions?: string[]; before?: unknown; after?: unknown; after_unknown?: unknown };
}

export interface PlannedChange {
  actions: string;
  address: string;
}

function resourceChanges(plan: unknown): ResourceChange[] {
  if (plan === null || typeof plan !== 'object' || Array.isArray(plan)) {
    throw new ConfigurationError('terraform show -json did not print a plan (an object).');
  }
  const changes = (plan as { resource_changes?: unknown }).resource_changes ?? [];
  if (!Array.isArray(changes)) throw new ConfigurationError("The plan's resource_changes is not a list.");
  return changes as ResourceChange[];
}

/** A number as the plan wrote it: a double would make 9007199254740993 and …992 one value. */
class NumberText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/**
 * `terraform show -json` output, each number kept as its text (JSON.parse's source access,
 * node 24) for the digest.
 */
export function parsePlan(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined ? new NumberText(context.source) : value,
  );
}

/** JSON with every object's keys sorted: the same plan always gives the same text. */
function canonical(value: unknown): string {
  if (value instanceof NumberText) return value.text;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * What a plan would do, as one digest: every resource's address, actions and before/after
 * values. The plan job passes this to the apply job instead of the plan file (which holds state
 * and every planned value); the apply job plans again and applies only the same digest.
 */
export function planDigest(plan: unknown): string {
  const what = resourceChanges(plan).map((r) => ({
    address: r.address ?? null,
    actions: r.change?.actions ?? null,
    before: r.change?.before ?? null,
    after: r.change?.after ?? null,
    after_unknown: r.change?.after_unknown ?? null,
  }));
  return createHash('sha256').update(canonical(what)).digest('hex');
}

/** The resources that change, never how: values may be secrets a provider does not mark. */
export function plannedChanges(plan: unknown): PlannedChange[] {
  return resourceChanges(plan)
    .filter((r) => {
      const actions = r.change?.actions ?? [];
      return !(actions.length === 1 && (actions[0] === 'no-op' || actions[0] === 'read'));
    })
    .map((r) => ({ actions: (r.change?.actions ?? []).join(' + '), address: r.address ?? '' }));
}
