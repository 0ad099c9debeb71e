/**
 * The environment names every workflow protects (deployed only from a job in a GitHub
 * environment, never paused or destroyed). The workflows' copy is BUILT_IN_PROTECTED in
 * .github/actions/check-environment/check-environment.sh; workflows.test.ts keeps them equal.
 */
export const BUILT_IN_PROTECTED = ['prod', 'production', 'staging', 'default'] as const;
