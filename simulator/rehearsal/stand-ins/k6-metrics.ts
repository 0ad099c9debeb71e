/** Metrics and thresholds of the rehearsal's k6, in k6's names and syntax. Pure. */

export interface Sample {
  ms: number;
  /** http_req_failed: no response or a status of 400 and above. */
  failed: boolean;
  checks: boolean[];
}

export type MetricValues = Record<string, number> & { thresholds?: Record<string, boolean> };

/** The p-th percentile with linear interpolation between closest ranks, as k6 computes trends. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** k6's --summary-export shape for the metrics the default script produces. */
export function summarise(samples: Sample[], seconds: number): { metrics: Record<string, MetricValues> } {
  const durations = samples.map((s) => s.ms).sort((a, b) => a - b);
  const checks = samples.flatMap((s) => s.checks);
  const passes = checks.filter(Boolean).length;
  const failed = samples.filter((s) => s.failed).length;
  return {
    metrics: {
      http_reqs: { count: samples.length, rate: seconds > 0 ? samples.length / seconds : 0 },
      http_req_duration: {
        avg: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 0,
        min: durations[0] ?? 0,
        med: percentile(durations, 50),
        max: durations.at(-1) ?? 0,
        'p(90)': percentile(durations, 90),
        'p(95)': percentile(durations, 95),
      },
      http_req_failed: {
        passes: failed,
        fails: samples.length - failed,
        value: samples.length ? failed / samples.length : 0,
      },
      checks: { passes, fails: checks.length - passes, value: checks.length ? passes / checks.length : 1 },
    },
  };
}

/** `p(95)<500`, `avg<=200`, `max<1000`, `rate<0.01`, `rate>=0.99`, `count>10` against a metric. */
export function evaluateThreshold(expression: string, values: MetricValues): boolean {
  const m =
    /^\s*(p\(\d+(?:\.\d+)?\)|avg|min|med|max|rate|count|value)\s*(<=|>=|==|<|>|!=)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(
      expression,
    );
  if (!m)
    throw new Error(`threshold ${JSON.stringify(expression)} is not in a form the rehearsal's k6 knows`);
  const name = m[1] === 'rate' ? 'value' : m[1]!;
  const actual = values[name];
  if (actual === undefined) throw new Error(`threshold ${expression}: the metric has no ${m[1]}`);
  const limit = Number(m[3]);
  switch (m[2]) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    default:
      return actual !== limit;
  }
}
