import { regionInput } from '../lib/aws.ts';
import { ConfigurationError } from '../lib/errors.ts';
import { checkEcsName, multilineInput, optionalInput, quote } from '../lib/inputs.ts';

export interface Settings {
  region: string;
  families: string[];
}

export function getSettings(): Settings {
  const families = multilineInput('families');
  if (families.length === 0)
    throw new ConfigurationError('Input "families" is required: one task definition family a line.');
  const protectedPrefixes = (optionalInput('protected-families') ?? '').split(/\s+/).filter(Boolean);
  for (const family of families) {
    checkEcsName('families', family, 'a task definition family');
    if (family.includes(':'))
      throw new ConfigurationError(`Input "families": ${quote(family)} is a revision; give the family.`);
    const prefix = protectedPrefixes.find((p) => family.startsWith(p));
    if (prefix) {
      throw new ConfigurationError(
        `Input "families": ${quote(family)} belongs to a protected environment (${prefix}); nothing was deleted.`,
      );
    }
  }
  return { region: regionInput(), families: [...new Set(families)] };
}
