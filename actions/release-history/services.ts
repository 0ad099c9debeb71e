/**
 * The components that only run one-off tasks, never a service: modules/environment's
 * components.json `one_off` (services.test.ts holds the two together).
 */
export const ONE_OFF_COMPONENTS = ['migrate'];

/** The families of a release that run as services (`<env>-<component>` and not one-off), sorted. */
export function serviceFamilies(families: string[]): string[] {
  return families.filter((family) => !ONE_OFF_COMPONENTS.some((c) => family.endsWith(`-${c}`))).sort();
}
