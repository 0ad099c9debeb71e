import type { DescribeImageScanFindingsCommandOutput } from '@aws-sdk/client-ecr';
import type { Finding } from './gate.ts';

/** Scan states that end the wait; ACTIVE is enhanced scanning's "scanned, watching for new CVEs". */
export const WAITING = new Set(['IN_PROGRESS', 'PENDING']);
export const SCANNED = new Set(['COMPLETE', 'ACTIVE']);

type Page = Pick<DescribeImageScanFindingsCommandOutput, 'imageScanFindings'>;

/** Basic (Clair-style attributes) and enhanced (Inspector) findings as one shape. */
export function findingsOf(page: Page, image: string): Finding[] {
  const basic = (page.imageScanFindings?.findings ?? []).map((f): Finding => {
    const attribute = (key: string) => f.attributes?.find((a) => a.key === key)?.value;
    return {
      image,
      id: f.name ?? 'unnamed',
      severity: f.severity ?? 'UNDEFINED',
      ...optional('package', attribute('package_name')),
      ...optional('version', attribute('package_version')),
    };
  });
  const enhanced = (page.imageScanFindings?.enhancedFindings ?? []).map((f): Finding => {
    const details = f.packageVulnerabilityDetails;
    const pkg = details?.vulnerablePackages?.[0];
    return {
      image,
      id: details?.vulnerabilityId ?? f.title ?? f.findingArn ?? 'unnamed',
      severity: f.severity ?? 'UNDEFINED',
      ...optional('package', pkg?.name),
      ...optional('version', pkg?.version),
      ...optional('fixedVersion', pkg?.fixedInVersion),
    };
  });
  return [...basic, ...enhanced];
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value ? { [key]: value } : {}) as Partial<Record<K, string>>;
