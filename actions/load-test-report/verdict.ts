import type { Cell } from '../lib/summary.ts';

/**
 * load-test.yml's verdict on a k6 run, from k6's `--summary-export` JSON: the numbers the job
 * summary shows, each threshold passed or crossed, and the error line of each crossed one.
 * Pure: main.ts reads the file and writes the summary.
 */

export interface Thresholds {
  /** The 95th percentile of request durations must stay below this (ms). */
  p95Ms: number;
  /** The share of failed checks (bad status or the paused page) must not exceed this, 0..1. */
  errorRate: number;
}

export interface K6Numbers {
  requests: number;
  perSecond: number;
  p95: number;
  p90: number;
  avg: number;
  max: number;
  /** Failed checks / checks: one check per request. */
  errorRate: number;
}

export interface Verdict {
  passed: boolean;
  rows: Cell[][];
  /** One line per crossed threshold. */
  errors: string[];
}

/** The numbers of a k6 summary export; a message naming what is missing when it has none. */
export function readK6Summary(summary: unknown): K6Numbers | { missing: string } {
  const metrics = (summary as { metrics?: Record<string, Record<string, unknown>> } | null)?.metrics;
  const duration = metrics?.['http_req_duration'];
  const reqs = metrics?.['http_reqs'];
  const checks = metrics?.['checks'];
  const number = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  // Each number by the k6 path a user can look for in the export.
  const read = {
    'metrics.http_reqs.count': number(reqs?.['count']),
    'metrics.http_reqs.rate': number(reqs?.['rate']),
    'metrics.http_req_duration["p(95)"]': number(duration?.['p(95)']),
    'metrics.http_req_duration["p(90)"]': number(duration?.['p(90)']),
    'metrics.http_req_duration.avg': number(duration?.['avg']),
    'metrics.http_req_duration.max': number(duration?.['max']),
    'metrics.checks.value': number(checks?.['value']),
  };
  const missing = Object.entries(read).find(([, value]) => value === undefined)?.[0];
  if (missing) return { missing };
  const n = read as Record<keyof typeof read, number>;
  return {
    requests: n['metrics.http_reqs.count'],
    perSecond: n['metrics.http_reqs.rate'],
    p95: n['metrics.http_req_duration["p(95)"]'],
    p90: n['metrics.http_req_duration["p(90)"]'],
    avg: n['metrics.http_req_duration.avg'],
    max: n['metrics.http_req_duration.max'],
    // Rounded: 1 - 0.99 is 0.010000000000000009 in floating point, which would cross 0.01.
    errorRate: Number((1 - n['metrics.checks.value']).toFixed(9)),
  };
}

const ms = (value: number) => `${round(value, 1)} ms`;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function judge(k6: K6Numbers, thresholds: Thresholds): Verdict {
  const p95Passed = k6.p95 < thresholds.p95Ms;
  const errorsPassed = k6.errorRate <= thresholds.errorRate;
  const word = (passed: boolean) => (passed ? 'passed' : 'crossed');
  const errors: string[] = [];
  if (!p95Passed) {
    errors.push(`threshold p95-ms crossed: p95 ${k6.p95.toFixed(1)} ms ≥ ${thresholds.p95Ms} ms`);
  }
  if (!errorsPassed) {
    errors.push(
      `threshold error-rate crossed: ${k6.errorRate.toFixed(4)} > ${thresholds.errorRate} (bad status or paused page)`,
    );
  }
  return {
    passed: p95Passed && errorsPassed,
    rows: [
      ['Requests', `${k6.requests} (${round(k6.perSecond, 1)}/s)`],
      ['Latency p95 / p90 / avg / max', [k6.p95, k6.p90, k6.avg, k6.max].map(ms).join(' / ')],
      ['Error rate', `${(k6.errorRate * 100).toFixed(2)} %`],
      [`Threshold p95 < ${thresholds.p95Ms} ms`, word(p95Passed)],
      [`Threshold error rate ≤ ${thresholds.errorRate}`, word(errorsPassed)],
    ],
    errors,
  };
}
