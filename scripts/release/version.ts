import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `vX.Y.Z` of package.json in `root`: the release a checkout becomes, which every reference names. */
export function releaseTag(root: string): string {
  return `v${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}`;
}
