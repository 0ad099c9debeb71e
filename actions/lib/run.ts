import * as core from '@actions/core';
import { ConfigurationError, errorMessage, isUserError } from './errors.ts';
import { oneLine } from './inputs.ts';

/**
 * Runs an action's main function the way every entry point should: a user mistake becomes one
 * `core.setFailed` line, a bug also gets its stack in the debug log (visible with
 * ACTIONS_STEP_DEBUG), and nothing is thrown past here.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!isUserError(error) && error instanceof Error && error.stack) core.debug(error.stack);
    // A mistake in the inputs is one line, whatever value it quotes; a reported outcome (a
    // failed migration with its last log lines) keeps its lines.
    const message = errorMessage(error);
    core.setFailed(error instanceof ConfigurationError ? oneLine(message) : message);
  }
}
