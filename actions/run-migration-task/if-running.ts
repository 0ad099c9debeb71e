import { ConfigurationError } from '../lib/errors.ts';
import { optionalInput } from '../lib/inputs.ts';
import type { IfRunning } from '../lib/running-tasks.ts';

/** `if-running`: what to do when the same command already runs (wait by default: never two at once). */
export function ifRunningInput(): IfRunning {
  const value = optionalInput('if-running') ?? 'wait';
  if (value !== 'wait' && value !== 'fail') {
    throw new ConfigurationError(`Input "if-running" must be wait or fail, not ${JSON.stringify(value)}.`);
  }
  return value;
}
