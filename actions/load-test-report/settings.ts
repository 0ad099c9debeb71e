import { ConfigurationError } from '../lib/errors.ts';
import { quote, requiredInput } from '../lib/inputs.ts';
import type { Thresholds } from './verdict.ts';

export interface Settings extends Thresholds {
  summaryFile: string;
  url: string;
}

function positiveNumber(name: string, max: number, what: string): number {
  const value = requiredInput(name);
  const number = /^\d*\.?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number > max || (name === 'p95-ms' && number <= 0)) {
    throw new ConfigurationError(`Input "${name}" must be ${what}, got ${quote(value)}.`);
  }
  return number;
}

export function getSettings(): Settings {
  return {
    summaryFile: requiredInput('summary-file'),
    url: requiredInput('url'),
    p95Ms: positiveNumber('p95-ms', Number.MAX_SAFE_INTEGER, 'a number of milliseconds above 0'),
    errorRate: positiveNumber('error-rate', 1, 'a number from 0 to 1'),
  };
}
