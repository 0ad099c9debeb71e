import { describe, expect, test } from '@jest/globals';
import {
  applyAllowList,
  blockedMessage,
  blocks,
  parseAllowList,
  parseImageRef,
  reaches,
  summaryRows,
  type Finding,
} from './gate.ts';
import { findingsOf } from './ecr-findings.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;

describe('parseImageRef', () => {
  test('reads a short and a full ECR reference', () => {
    expect(parseImageRef(`shop/web@${DIGEST}`)).toEqual({ repository: 'shop/web', digest: DIGEST });
    expect(parseImageRef(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@${DIGEST}`)).toEqual({
      registryId: '123456789012',
      repository: 'shop/web',
      digest: DIGEST,
    });
    expect(parseImageRef('shop/web:v1.2')).toEqual({ repository: 'shop/web', tag: 'v1.2' });
  });

  test.each([
    'shop/web',
    'shop/web:bad tag',
    'shop/web@sha256:123',
    `Shop/Web@${DIGEST}`,
    `shop/web@sha512:${'c'.repeat(64)}`,
  ])('refuses %s', (text) => {
    expect(typeof parseImageRef(text)).toBe('string');
  });
});

describe('thresholds', () => {
  test('at or above blocks, none never does, unknown grades as INFORMATIONAL', () => {
    expect(reaches('CRITICAL', 'CRITICAL')).toBe(true);
    expect(reaches('HIGH', 'CRITICAL')).toBe(false);
    expect(reaches('CRITICAL', 'HIGH')).toBe(true);
    expect(reaches('MEDIUM', 'LOW')).toBe(true);
    expect(reaches('CRITICAL', 'none')).toBe(false);
    expect(reaches('UNTRIAGED', 'LOW')).toBe(false);
    expect(reaches('UNDEFINED', 'INFORMATIONAL')).toBe(true);
  });
});

describe('allow-list', () => {
  test('parses ids, dates and reasons', () => {
    expect(
      parseAllowList(['CVE-2024-1 until 2025-06-30 waiting for upstream', 'cve-2024-2 until 2025-01-01']),
    ).toEqual([
      { id: 'CVE-2024-1', until: '2025-06-30', reason: 'waiting for upstream' },
      { id: 'cve-2024-2', until: '2025-01-01' },
    ]);
  });

  test.each([
    'CVE-2024-1',
    'CVE-2024-1 2025-01-01',
    'CVE-2024-1 until 2025-13-01',
    'CVE-2024-1 until 01/02/2025',
  ])('refuses %s', (line) => {
    expect(parseAllowList([line])).toEqual(expect.stringContaining('"'));
  });

  test('an entry holds through its last day and expires the day after', () => {
    const finding: Finding = { image: 'web', id: 'CVE-2024-1', severity: 'CRITICAL' };
    const entries = [{ id: 'cve-2024-1', until: '2025-06-30' }];
    const [onDay] = applyAllowList([finding], entries, '2025-06-30');
    const [after] = applyAllowList([finding], entries, '2025-07-01');
    expect(blocks(onDay!, 'CRITICAL')).toBe(false);
    expect(blocks(after!, 'CRITICAL')).toBe(true);
    expect(blockedMessage([after!], 'CRITICAL')).toBe(
      'Image scan found 1 finding(s) at or above CRITICAL in web: 1 CRITICAL; allow-list entries expired: CVE-2024-1 (2025-06-30).',
    );
  });
});

describe('summary rows and message', () => {
  const findings: Finding[] = [
    { image: 'web', id: 'CVE-B', severity: 'LOW', package: 'zlib' },
    {
      image: 'worker',
      id: 'CVE-A',
      severity: 'HIGH',
      package: 'openssl',
      version: '3.0.1',
      fixedVersion: '3.0.2',
    },
    { image: 'web', id: 'CVE-C', severity: 'CRITICAL', allowList: { until: '2999-01-01', expired: false } },
  ];

  test('worst first, with package, fix, image and what the gate did', () => {
    expect(summaryRows(findings, 'HIGH')).toEqual([
      ['CVE-C', 'CRITICAL', '', '', 'web', 'allowed until 2999-01-01'],
      ['CVE-A', 'HIGH', 'openssl 3.0.1', '3.0.2', 'worker', 'blocks'],
      ['CVE-B', 'LOW', 'zlib', '', 'web', 'below threshold'],
    ]);
  });

  test('counts by severity across images', () => {
    const blocking = findings.filter((f) => blocks(f, 'LOW'));
    expect(blockedMessage(blocking, 'LOW')).toBe(
      'Image scan found 2 finding(s) at or above LOW in web, worker: 1 HIGH, 1 LOW.',
    );
  });
});

describe('findingsOf', () => {
  test('reads basic attributes and enhanced package details', () => {
    expect(
      findingsOf(
        {
          imageScanFindings: {
            findings: [
              { name: 'CVE-1', severity: 'HIGH', attributes: [{ key: 'package_name', value: 'bash' }] },
            ],
            enhancedFindings: [
              {
                severity: 'CRITICAL',
                packageVulnerabilityDetails: {
                  vulnerabilityId: 'CVE-2',
                  source: 'NVD',
                  vulnerablePackages: [{ name: 'glibc', version: '2.31', fixedInVersion: '2.31-13' }],
                },
              },
            ],
          },
        },
        'web',
      ),
    ).toEqual([
      { image: 'web', id: 'CVE-1', severity: 'HIGH', package: 'bash' },
      {
        image: 'web',
        id: 'CVE-2',
        severity: 'CRITICAL',
        package: 'glibc',
        version: '2.31',
        fixedVersion: '2.31-13',
      },
    ]);
  });
});
