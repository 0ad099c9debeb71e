import { BUILT_IN_PROTECTED } from '../lib/protected-names.ts';
import { regionInput } from '../lib/aws.ts';
import { ConfigurationError } from '../lib/errors.ts';
import { adHocWorkspaces } from './workspaces.ts';
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
  // The built-in names always count; the input only adds (as check-environment does).
  const protectedNames = [
    ...new Set([...BUILT_IN_PROTECTED, ...words(optionalInput('protected-environments') ?? '')]),
  ];
  const keep = words(optionalInput('keep'));
  const environments = environmentsInput({ keep, protectedNames });
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
    keep,
    protectedNames,
    sharedBy: numberInput('shared-by', 0, { max: 1000 }),
    recordActivity: booleanInput('record-activity', false),
  };
}

/**
 * The environments named, or the ad hoc ones among a root's workspaces (the janitor): those
 * may be none, a name given by hand may not.
 */
function environmentsInput(filter: { keep: string[]; protectedNames: string[] }): string[] {
  const environments = multilineInput('environments');
  const workspaces = optionalInput('workspaces');
  const prefix = optionalInput('prefix') ?? '';
  if (workspaces !== undefined) {
    if (environments.length > 0) {
      throw new ConfigurationError(
        'Inputs "environments" and "workspaces": give one, the environments by name or a workspace list to choose from.',
      );
    }
    return adHocWorkspaces(workspaces, { ...filter, prefix });
  }
  if (prefix !== '')
    throw new ConfigurationError('Input "prefix" chooses among "workspaces", which is empty.');
  if (environments.length === 0)
    throw new ConfigurationError('Input "environments" names no environment (or give "workspaces").');
  for (const name of environments) checkEcsName('environments', name, 'an environment (ECS cluster)');
  return environments;
}
