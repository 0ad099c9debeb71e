/** The dated price table shipped with the project (prices.json beside this file). */
import prices from './prices.json' with { type: 'json' };
import type { PriceTable } from './estimate.ts';

/** Imported, not read from disk, so ncc bundles it into every action that prices. */
export function loadPrices(): PriceTable {
  return structuredClone(prices) as PriceTable;
}
