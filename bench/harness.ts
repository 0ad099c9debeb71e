/** Small helpers every benchmark shares: percentiles, a table printed with ratios, rollout marks. */
import type { Emulator } from '../simulator/aws/index.ts';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);

export interface Row {
  measure: string;
  ours: number;
  /** What the same measure was for the alternative in the same run. */
  theirs?: number;
  unit: string;
  /** The bar the issue sets, e.g. "≤ 1 s". */
  target?: string;
}

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n## ${title}\n`);
  console.log('| measure | ours | alternative | ratio (alt / ours) | target |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const ratio = row.theirs === undefined ? '' : `${(row.theirs / row.ours).toFixed(1)}×`;
    const theirs = row.theirs === undefined ? '' : `${format(row.theirs)} ${row.unit}`;
    console.log(
      `| ${row.measure} | ${format(row.ours)} ${row.unit} | ${theirs} | ${ratio} | ${row.target ?? ''} |`,
    );
  }
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** Epoch ms of the first "steady state" event of a service after `since`. */
export function steadyAt(emulator: Emulator, name: string, since: number): number {
  const service = emulator.services().find((s) => s.serviceName === name)!;
  const times = service.events
    .filter((e) => e.message.endsWith('has reached a steady state.') && e.createdAt * 1000 >= since)
    .map((e) => e.createdAt * 1000);
  return Math.min(...times);
}
