import { appendFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';

/** Writes `name<<DELIM` blocks the way @actions/core does (values may span lines). */
export async function appendKeyValues(file: string, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const delimiter = `ghadelimiter_${randomUUID()}`;
    await appendFile(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
  }
}
