import { describe, expect, test } from '@jest/globals';
import { judge, readK6Summary, type K6Numbers } from './verdict.ts';

const summary = (fields: { p95?: number; checks?: number } = {}) => ({
  metrics: {
    http_req_duration: { avg: 12.34, max: 80, 'p(90)': 40, 'p(95)': fields.p95 ?? 50 },
    http_reqs: { count: 120, rate: 59.96 },
    checks: { passes: 119, fails: 1, value: fields.checks ?? 1 },
  },
});
const numbers = (fields: Parameters<typeof summary>[0] = {}) => readK6Summary(summary(fields)) as K6Numbers;
const THRESHOLDS = { p95Ms: 100, errorRate: 0.01 };

describe('judge: each threshold passed or crossed, and why', () => {
  test.each([
    ['fast and clean', { p95: 50, checks: 1 }, true, []],
    [
      'p95 at the threshold crosses it (below is required)',
      { p95: 100 },
      false,
      ['threshold p95-ms crossed: p95 100.0 ms ≥ 100 ms'],
    ],
    ['error rate at the threshold passes', { checks: 0.99 }, true, []],
    [
      'error rate above it crosses',
      { checks: 0.9 },
      false,
      ['threshold error-rate crossed: 0.1000 > 0.01 (bad status or paused page)'],
    ],
    [
      'both crossed: both named',
      { p95: 150.04, checks: 0 },
      false,
      [
        'threshold p95-ms crossed: p95 150.0 ms ≥ 100 ms',
        'threshold error-rate crossed: 1.0000 > 0.01 (bad status or paused page)',
      ],
    ],
  ] as const)('%s', (_why, fields, passed, errors) => {
    const verdict = judge(numbers(fields), THRESHOLDS);
    expect(verdict.passed).toBe(passed);
    expect(verdict.errors).toEqual(errors);
  });

  test('the rows the job summary shows', () => {
    expect(judge(numbers({ checks: 0.9 }), THRESHOLDS).rows).toEqual([
      ['Requests', '120 (60/s)'],
      ['Latency p95 / p90 / avg / max', '50 ms / 40 ms / 12.3 ms / 80 ms'],
      ['Error rate', '10.00 %'],
      ['Threshold p95 < 100 ms', 'passed'],
      ['Threshold error rate ≤ 0.01', 'crossed'],
    ]);
  });
});

test.each([
  ['no metrics at all', {}, 'metrics.http_reqs.count'],
  ['no checks ran', { metrics: { ...summary().metrics, checks: undefined } }, 'metrics.checks.value'],
  [
    'not JSON numbers',
    { metrics: { ...summary().metrics, http_reqs: { count: '120', rate: 1 } } },
    'metrics.http_reqs.count',
  ],
  ['null', null, 'metrics.http_reqs.count'],
])('readK6Summary names what is missing: %s', (_why, json, missing) => {
  expect(readK6Summary(json)).toEqual({ missing });
});
