import { BUILT_IN_PROTECTED } from '../lib/protected-names.ts';
import { regionInput } from '../lib/aws.ts';
import { ConfigurationError } from '../lib/errors.ts';
import {
  booleanInput,
  checkEcsName,
  multilineInput,
  numberInput,
  optionalInput,
  splitLines,
} from '../lib/inputs.ts';

export interface Settings {
  region: string;
  environments: string[];
  pauseAfterHours: number;
  destroyAfterHours: number;
  keep: string[];
  protectedNames: string[];
  /** Environments sharing the shared stack; 0: count the account's clusters. */
  sharedBy: number;
  recordActivity: boolean;
}

const words = (text: string | undefined) => splitLines((text ?? '').replace(/\s+/g, '\n'));

export function getSettings(): Settings {
  const environments = multilineInput('environments');
  if (environments.length === 0) throw new ConfigurationError('Input "environments" names no environment.');
  for (const name of environments) checkEcsName('environments', name, 'an environment (ECS cluster) name');
  const pauseAfterHours = numberInput('pause-after-hours', 0, { max: 24 * 365 });
  const destroyAfterHours = numberInput('destroy-after-hours', 0, { max: 24 * 365 });
  if (pauseAfterHours > 0 && destroyAfterHours > 0 && destroyAfterHours <= pauseAfterHours) {
    throw new ConfigurationError(
      `Input "destroy-after-hours" (${destroyAfterHours}) must be more than "pause-after-hours" (${pauseAfterHours}), or 0 for never.`,
    );
  }
  return {
    region: regionInput(),
    environments,
    pauseAfterHours,
    destroyAfterHours,
    keep: words(optionalInput('keep')),
    // The built-in names always count; the input only adds (as check-environment does).
    protectedNames: [
      ...new Set([...BUILT_IN_PROTECTED, ...words(optionalInput('protected-environments') ?? '')]),
    ],
    sharedBy: numberInput('shared-by', 0, { max: 1000 }),
    recordActivity: booleanInput('record-activity', false),
  };
}
