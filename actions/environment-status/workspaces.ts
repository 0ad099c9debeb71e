import { checkEcsName } from '../lib/inputs.ts';

export interface WorkspaceFilter {
  /** Only workspaces starting with this are ad hoc environments; empty for all. */
  prefix: string;
  keep: string[];
  protectedNames: string[];
}

/**
 * The ad hoc environments among a root's workspaces, from `terraform workspace list` (the
 * current one starred): never a protected name (default among them), a kept one, or one
 * outside the prefix. The janitor pauses and destroys only what this returns.
 */
export function adHocWorkspaces(list: string, filter: WorkspaceFilter): string[] {
  const names = list
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*\*?\s*/, '').trim())
    .filter((name) => name !== '');
  // Protected in any case: `Staging` is staging's, never a janitor's candidate.
  const protectedNames = new Set(filter.protectedNames.map((n) => n.toLowerCase()));
  const chosen = names.filter(
    (name) =>
      !protectedNames.has(name.toLowerCase()) &&
      !filter.keep.includes(name) &&
      name.startsWith(filter.prefix),
  );
  for (const name of chosen) checkEcsName('workspaces', name, 'a workspace (ECS cluster)');
  return [...new Set(chosen)].sort();
}
