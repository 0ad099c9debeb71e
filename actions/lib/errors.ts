/**
 * A mistake the user can fix (bad input, unknown cluster, service or container). The entry
 * wrapper prints it as one line; anything else is a bug and keeps its stack in debug output.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * An outcome the step must report, not a bug: a migration that exited non-zero, a rollout that
 * failed, a timeout. Printed as one line like a ConfigurationError, without a stack.
 */
export class DeploymentFailure extends Error {
  override name = 'DeploymentFailure';
}

/** Error types AWS returns for a request the caller got wrong, not for a fault on AWS's side. */
const USER_ERROR_TYPES = new Set([
  'AccessDeniedException',
  'ClientException',
  'ClusterNotFoundException',
  'InvalidParameterException',
  'ResourceNotFoundException',
  'ServiceNotActiveException',
  'ServiceNotFoundException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
]);

/** True for an expected outcome (a user mistake, a failed deployment) rather than a bug. */
export function isUserError(error: unknown): error is Error {
  if (error instanceof ConfigurationError || error instanceof DeploymentFailure) return true;
  return error instanceof Error && USER_ERROR_TYPES.has(error.name);
}

export function errorMessage(error: unknown): string {
  if (error instanceof ConfigurationError || error instanceof DeploymentFailure) return error.message;
  if (error instanceof Error) {
    return USER_ERROR_TYPES.has(error.name) ? `${error.name}: ${error.message}` : error.message;
  }
  return String(error);
}
