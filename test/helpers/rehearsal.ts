import { join } from 'node:path';
import { ROOT } from '../../simulator/runner/run-action.ts';
import type { RehearsalOptions, RehearsalResult } from '../../simulator/rehearsal/engine.ts';
import type { Services } from '../../simulator/rehearsal/services.ts';

/** A rehearsal of the example repository with nothing else set; its printed lines collected. */
export function rehearsalOptions(
  overrides: Partial<RehearsalOptions> & { workDir: string },
): RehearsalOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    repoRoot: ROOT,
    callerRepo: join(ROOT, 'examples/django-repo'),
    terraformRoot: '',
    inputs: {},
    secrets: {},
    approveEnvironments: false,
    awsEnv: {},
    terraformState: join(overrides.workDir, 'terraform-state'),
    print: (line) => lines.push(line),
    lines,
    ...overrides,
  };
}

/**
 * A rehearsal against running services (emulator, Slack): the ad hoc root, their secrets and
 * redirects, AWS as the preview role; run `name` works in `dir`/`name`.
 */
export function servicesOptions(
  services: Services,
  dir: string,
  name: string,
  overrides: Partial<RehearsalOptions> = {},
): RehearsalOptions & { lines: string[] } {
  return rehearsalOptions({
    terraformRoot: join(ROOT, 'terraform/examples/ad-hoc'),
    secrets: services.secrets,
    awsEnv: services.emulator.env(),
    redirects: services.redirects,
    workDir: join(dir, name),
    terraformState: join(dir, `${name}-state`),
    ...overrides,
  });
}

/** The error annotations of a rehearsal, as the run's page shows them. */
export const errorAnnotations = (result: RehearsalResult) =>
  result.annotations.filter((a) => a.level === 'error');
