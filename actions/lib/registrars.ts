import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig } from './aws.ts';
import { ConfigurationError } from './errors.ts';
import { multilineInput, quote } from './inputs.ts';

/**
 * Whose revisions a deploy builds on. Another tier's role may be able to register a revision in
 * a family it does not own (RegisterTaskDefinition has no resource-level scope), so a family's
 * latest revision and its release tags are only believed when ECS's `registeredBy` names this
 * deploy's own role (or a role the `trusted-registrars` input adds).
 */

const PRINCIPAL =
  /^arn:(aws[\w-]*):(?:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+|iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)|iam::(\d{12}):user\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+))$/;

/**
 * The identity a principal ARN stands for: a role session and the role itself are the same
 * registrar (`<account>:role/<name>`; an assumed-role ARN carries no path), a user is
 * `<account>:user/<name>`; anything else is only equal to itself.
 */
export function registrarKey(arn: string): string {
  const m = PRINCIPAL.exec(arn);
  if (!m) return arn;
  if (m[3]) return `${m[2]}:role/${m[3]}`;
  if (m[5]) return `${m[4]}:role/${m[5]}`;
  return `${m[6]}:user/${m[7]}`;
}

export interface Registrars {
  /** Who this deploy runs as (GetCallerIdentity), named in messages. */
  self: string;
  keys: Set<string>;
}

export function trustsRegistrar(registrars: Registrars, registeredBy: string | undefined): boolean {
  return registeredBy !== undefined && registrars.keys.has(registrarKey(registeredBy));
}

/** `trusted-registrars`: role ARNs beyond the caller's own, e.g. a separate Terraform role. */
export function trustedRegistrarsInput(): string[] {
  return multilineInput('trusted-registrars').map((arn) => {
    if (!PRINCIPAL.test(arn) || !/:(role|user)\//.test(arn)) {
      throw new ConfigurationError(
        `Input "trusted-registrars": ${quote(arn)} is not an IAM role or user ARN (arn:aws:iam::123456789012:role/name).`,
      );
    }
    return arn;
  });
}

/** The caller's own identity (GetCallerIdentity needs no permission) plus the extra ones. */
export async function loadRegistrars(region: string, extra: string[]): Promise<Registrars> {
  const sts = new STSClient(clientConfig(region));
  const { Arn: self } = await sts.send(new GetCallerIdentityCommand({}));
  if (!self) throw new Error('STS GetCallerIdentity answered without an Arn.');
  return { self, keys: new Set([self, ...extra].map(registrarKey)) };
}

/** The warning for a revision a deploy will not build on, naming who made it and the way out. */
export function untrustedWarning(
  arn: string,
  registeredBy: string | undefined,
  registrars: Registrars,
): string {
  return `${arn} was registered by ${registeredBy ?? 'an unknown principal'}, not by this deploy's role (${registrarKey(registrars.self)}): it is ignored. If it is yours, add that role to trusted-registrars; if not, another tier wrote to this family.`;
}
