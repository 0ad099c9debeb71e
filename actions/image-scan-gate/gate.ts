/** Pure logic of the scan gate: image references, severities, the allow-list, the verdict. */

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const THRESHOLDS = [...SEVERITIES, 'none'] as const;
export type Threshold = (typeof THRESHOLDS)[number];

export interface ImageRef {
  /** From the registry host of a full URI; the caller's own registry when absent. */
  registryId?: string;
  repository: string;
  /** One of the two: a digest, or a tag (resolved by ECR when the scan is read). */
  digest?: string;
  tag?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/**
 * `repo@sha256:…` or `repo:tag`, optionally as the full `<account>.dkr.ecr.<region>.amazonaws.com/`
 * URI; else a reason. A digest is what the gate should see: a tag can move after the check.
 */
export function parseImageRef(text: string): ImageRef | string {
  const at = text.lastIndexOf('@');
  const tagged = /^(.+):([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$/.exec(text);
  if (at < 0 && !tagged) return `"${text}" is not REPOSITORY@sha256:DIGEST or REPOSITORY:TAG`;
  const digest = at < 0 ? undefined : text.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest)) {
    return `"${text}" has a malformed digest (expected sha256: and 64 hex digits)`;
  }
  let repository = at < 0 ? tagged![1]! : text.slice(0, at);
  let registryId: string | undefined;
  const host = /^(\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/(.+)$/.exec(repository);
  if (host) [, registryId, repository] = host as unknown as [string, string, string];
  if (!REPOSITORY.test(repository)) return `"${text}" does not name an ECR repository`;
  return { ...(registryId && { registryId }), repository, ...(digest ? { digest } : { tag: tagged![2]! }) };
}

export const imageName = (ref: ImageRef) =>
  ref.digest ? `${ref.repository}@${ref.digest.slice(0, 19)}` : `${ref.repository}:${ref.tag}`;

/** Unknown severities (UNDEFINED, UNTRIAGED) count as INFORMATIONAL: known, not graded. */
export function severityRank(severity: string): number {
  return Math.max(0, SEVERITIES.indexOf(severity as Severity));
}

export function reaches(severity: string, threshold: Threshold): boolean {
  return threshold !== 'none' && severityRank(severity) >= severityRank(threshold);
}

export interface AllowEntry {
  id: string;
  /** Last day (UTC, inclusive) the finding is accepted. */
  until: string;
  reason?: string;
}

/** `CVE-ID until YYYY-MM-DD [reason]` lines; a reason string for the first bad line. */
export function parseAllowList(lines: string[]): AllowEntry[] | string {
  const entries: AllowEntry[] = [];
  for (const line of lines) {
    const match = /^(\S+)\s+until\s+(\S+)(?:\s+(.+))?$/.exec(line);
    if (!match) return `"${line}" is not "CVE-ID until YYYY-MM-DD [reason]"`;
    const [, id, until, reason] = match as unknown as [string, string, string, string | undefined];
    if (!validDate(until)) return `"${until}" in "${line}" is not a date YYYY-MM-DD`;
    entries.push({ id, until, ...(reason && { reason }) });
  }
  return entries;
}

function validDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

export interface Finding {
  image: string;
  id: string;
  severity: string;
  package?: string;
  version?: string;
  fixedVersion?: string;
  /** accepted: allow-listed and not expired; expired: its allow-list entry has expired. */
  allowList?: { until: string; expired: boolean };
}

/** Marks each finding with its allow-list entry; `today` is YYYY-MM-DD (UTC). */
export function applyAllowList(findings: Finding[], entries: AllowEntry[], today: string): Finding[] {
  return findings.map((finding) => {
    const entry = entries.find((e) => e.id.toUpperCase() === finding.id.toUpperCase());
    return entry ? { ...finding, allowList: { until: entry.until, expired: entry.until < today } } : finding;
  });
}

export const blocks = (finding: Finding, threshold: Threshold) =>
  reaches(finding.severity, threshold) && !(finding.allowList && !finding.allowList.expired);

/** One line: the images, the count by severity and the expired allow-list entries. */
export function blockedMessage(blocking: Finding[], threshold: Threshold): string {
  const images = [...new Set(blocking.map((f) => f.image))];
  const counts = SEVERITIES.toReversed()
    .map((s) => [s, blocking.filter((f) => severityRank(f.severity) === severityRank(s)).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const expired = blocking.filter((f) => f.allowList?.expired);
  const expiredText =
    expired.length > 0
      ? `; allow-list entries expired: ${[...new Set(expired.map((f) => `${f.id} (${f.allowList!.until})`))].join(', ')}`
      : '';
  return (
    `Image scan found ${blocking.length} finding(s) at or above ${threshold} in ${images.join(', ')}: ` +
    `${counts.join(', ')}${expiredText}.`
  );
}

export const SUMMARY_HEADER = ['Finding', 'Severity', 'Package', 'Fixed in', 'Image', 'Status'];

/** Rows for the job summary, worst first; the summary module escapes them. */
export function summaryRows(findings: Finding[], threshold: Threshold): string[][] {
  return findings
    .toSorted((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id))
    .map((f) => [
      f.id,
      f.severity,
      f.package ? `${f.package}${f.version ? ` ${f.version}` : ''}` : '',
      f.fixedVersion ?? '',
      f.image,
      status(f, threshold),
    ]);
}

function status(finding: Finding, threshold: Threshold): string {
  if (finding.allowList && !finding.allowList.expired) return `allowed until ${finding.allowList.until}`;
  if (!blocks(finding, threshold)) return 'below threshold';
  return finding.allowList ? `blocks (allow-list entry expired ${finding.allowList.until})` : 'blocks';
}
