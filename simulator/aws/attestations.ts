/**
 * GitHub's artifact attestations, as far as the rehearsal needs them: actions/attest-build-
 * provenance (its stand-in) signs a subject with the job's OIDC token, which Sigstore's Fulcio
 * turns into a certificate naming the token's claims; `gh attestation verify` (its stand-in)
 * checks those claims. Kept beside the emulator's OIDC issuer, which alone knows which tokens
 * it issued: an attestation made with a token it did not issue is refused, as Fulcio refuses one.
 */
import type { Claims } from './iam/trust.ts';

export interface Attestation {
  /** The subject as the attest step names it: <registry>/<repository>. */
  subjectName: string;
  digest: string;
  /** The signing token's claims: repository, ref, job_workflow_ref, runner_environment, … */
  claims: Claims;
}

export class AttestationStore {
  private readonly attestations: Attestation[] = [];

  add(attestation: Attestation): number {
    this.attestations.push(attestation);
    return this.attestations.length;
  }

  /** Every attestation of `digest` (the attestations API is looked up by digest). */
  forDigest(digest: string): Attestation[] {
    return this.attestations.filter((a) => a.digest === digest);
  }
}
