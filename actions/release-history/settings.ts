import { regionInput } from '../lib/aws.ts';
import { nameFromArn } from '../lib/arn.ts';
import { checkEcsName, clusterInput, optionalInput, quote } from '../lib/inputs.ts';
import { ConfigurationError } from '../lib/errors.ts';
import { trustedRegistrarsInput } from '../lib/registrars.ts';

export interface Settings {
  region: string;
  cluster: string;
  familyPrefix: string;
  /** `previous` or a release id. */
  release: string;
  /** Roles besides the caller's own whose revisions count. */
  trustedRegistrars: string[];
}

export function getSettings(): Settings {
  const cluster = clusterInput();
  const familyPrefix = optionalInput('family-prefix') ?? `${nameFromArn(cluster)}-`;
  checkEcsName('family-prefix', familyPrefix, 'a task definition family prefix');
  const release = optionalInput('release') ?? 'previous';
  if (release.length > 128 || /\s/.test(release)) {
    throw new ConfigurationError(`Input "release": ${quote(release)} is not a release id or "previous".`);
  }
  return {
    region: regionInput(),
    cluster,
    familyPrefix,
    release,
    trustedRegistrars: trustedRegistrarsInput(),
  };
}
