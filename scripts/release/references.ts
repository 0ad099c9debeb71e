/**
 * References from this repository to itself — our actions, reusable workflows and Terraform
 * modules — and the one rule a release keeps: every such reference names the release's own
 * exact version, so a user who pins a workflow at vX.Y.Z runs actions and modules of vX.Y.Z only.
 */

/** The placeholder owner/name used everywhere in the repository (README: "In a fork or copy…"). */
export const REPOSITORY = 'adhoc-actions/adhoc-actions';

export interface Reference {
  /** 1-based line of the reference. */
  line: number;
  /** What is referenced: an action folder, `.github/workflows/x.yml`, or `terraform/modules/x`. */
  target: string;
  ref: string;
}

// `uses: adhoc-actions/adhoc-actions/<path>@<ref>` (actions and reusable workflows; the docs write
// the owner as `<org>`) and
// `git::https://github.com/adhoc-actions/adhoc-actions.git//<path>?ref=<ref>` (modules).
// A ref ends with a letter or digit (a sentence's full stop is not part of it).
// A ref spelled `refs/tags/…` is an OIDC `job_workflow_ref` claim pattern (IAM trust), not a `uses:`.
const USES =
  /((?:<org>|adhoc-actions)\/adhoc-actions\/)([A-Za-z0-9._/-]+)@(?!refs\/)([A-Za-z0-9._/-]*[A-Za-z0-9])/g;
const MODULE =
  /(github\.com\/adhoc-actions\/adhoc-actions\.git\/\/)([A-Za-z0-9._/-]+)\?ref=([A-Za-z0-9._/-]*[A-Za-z0-9])/g;

const VERSION = /^v\d+\.\d+\.\d+$/;

/** Every reference to this repository in a file's text. */
export function findReferences(text: string): Reference[] {
  const found: Reference[] = [];
  text.split('\n').forEach((content, index) => {
    for (const pattern of [USES, MODULE]) {
      for (const match of content.matchAll(pattern)) {
        found.push({ line: index + 1, target: match[2]!, ref: match[3]! });
      }
    }
  });
  return found;
}

/** References that do not name exactly `version` (e.g. `@v1`, `@main`, an older release). */
export function floatingReferences(text: string, version: string): Reference[] {
  return findReferences(text).filter((r) => r.ref !== version);
}

/** The text with every reference to this repository pinned at `version` (`vX.Y.Z`). */
export function pinReferences(text: string, version: string): string {
  if (!VERSION.test(version)) throw new Error(`Not a release version (vX.Y.Z): ${JSON.stringify(version)}`);
  return text
    .replace(USES, (_m, prefix: string, target: string) => `${prefix}${target}@${version}`)
    .replace(MODULE, (_m, prefix: string, target: string) => `${prefix}${target}?ref=${version}`);
}

/** `vX` — the major tag users may follow, moved to each release of that major version. */
export function majorTag(version: string): string {
  const match = /^v(\d+)\.\d+\.\d+$/.exec(version);
  if (!match) throw new Error(`Not a release version (vX.Y.Z): ${JSON.stringify(version)}`);
  return `v${match[1]}`;
}

/**
 * Files a release carries that may reference this repository: the reusable workflows (they call
 * each other and the actions), the example callers and Terraform roots users copy, and the docs
 * whose snippets users paste. CHANGELOG.md is history and keeps the versions it names.
 */
export function isReleasedReferenceFile(path: string): boolean {
  if (path === 'CHANGELOG.md' || path.startsWith('dist/') || path.startsWith('node_modules/')) return false;
  return /\.(ya?ml|tf|md)$/.test(path);
}
