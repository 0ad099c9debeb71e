/**
 * A mistake the user can fix (bad input, unknown cluster, service or container). The entry
 * wrapper prints it as one line; anything else is a bug and keeps its stack in debug output.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
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

/** True when the error is one the user must fix rather than a bug to report. */
export function isUserError(error: unknown): error is Error {
  if (error instanceof ConfigurationError) return true;
  return error instanceof Error && USER_ERROR_TYPES.has(error.name);
}

export function errorMessage(error: unknown): string {
  if (error instanceof ConfigurationError) return error.message;
  if (error instanceof Error) {
    return USER_ERROR_TYPES.has(error.name) ? `${error.name}: ${error.message}` : error.message;
  }
  return String(error);
}
