import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';

/**
 * Prints lines a container wrote with workflow commands turned off, so a log line such as
 * `::add-mask::` or `::set-output` from the application is shown, not obeyed.
 */
export function printUntrusted(lines: string[], prefix = ''): void {
  if (lines.length === 0) return;
  const token = randomUUID();
  core.info(`::stop-commands::${token}`);
  for (const line of lines) core.info(`${prefix}${line}`);
  core.info(`::${token}::`);
}
