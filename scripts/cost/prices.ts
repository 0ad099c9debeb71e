/** The dated price table shipped with the project (prices.json beside this file). */
import { readFileSync } from 'node:fs';
import type { PriceTable } from './estimate.ts';

export function loadPrices(): PriceTable {
  return JSON.parse(readFileSync(new URL('./prices.json', import.meta.url), 'utf8')) as PriceTable;
}
