import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { jobClaims } from './iam/trust.ts';
import { startEmulator, type Emulator } from './index.ts';

/** Attestations as GitHub keeps them, and the gh stand-in's verify against them. */

const ROOT = join(import.meta.dirname, '../..');
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/backend';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const BUILD = 'adhoc-actions/adhoc-actions/.github/workflows/build.yml';

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await emulator.stop();
});

/** An ID token the emulator's OIDC issuer gives a job with these claims. */
const token = (ref: string, jobWorkflowRef = `${BUILD}@refs/tags/v1.0.0`) =>
  emulator.idToken(
    jobClaims({ repository: 'acme/webapp', eventName: 'push', ref, jobWorkflowRef }),
    'sigstore',
  );

/** The gh stand-in as a step runs it (a child process; the emulator answers in this one). */
const verify = (...flags: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        join(ROOT, 'simulator/rehearsal/stand-ins/gh-attestation.ts'),
        'attestation',
        'verify',
        `oci://${IMAGE}@${DIGEST}`,
        ...flags,
      ],
      { env: { ...process.env, AWS_ENDPOINT_URL_STS: emulator.url }, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
const policy = [
  '--repo',
  'acme/webapp',
  '--signer-workflow',
  BUILD,
  '--source-ref',
  'refs/heads/main',
  '--deny-self-hosted-runners',
];

test('only a token the issuer gave out signs an attestation', () => {
  expect(emulator.attest(IMAGE, DIGEST, 'eyJhbGciOi.forged.sig')).toEqual({
    error: 'the signing token was not issued by the OIDC issuer',
  });
  expect(emulator.attestations(DIGEST)).toEqual([]);
});

test("gh attestation verify passes main's build.yml and names what differs otherwise", async () => {
  expect((await verify(...policy)).stderr).toContain(`no attestations found for subject: ${DIGEST}`);

  emulator.attest(IMAGE, DIGEST, token('refs/heads/feature'));
  const branch = await verify(...policy);
  expect(branch.status).toBe(1);
  expect(branch.stderr).toContain('the source ref is refs/heads/feature, not refs/heads/main');

  emulator.attest(
    IMAGE,
    DIGEST,
    token('refs/heads/main', 'acme/webapp/.github/workflows/mine.yml@refs/heads/main'),
  );
  expect((await verify(...policy)).stderr).toContain(
    `the signer workflow is acme/webapp/.github/workflows/mine.yml, not ${BUILD}`,
  );

  emulator.attest(IMAGE, DIGEST, token('refs/heads/main'));
  const main = await verify(...policy);
  expect(main.status).toBe(0);
  expect(main.stdout).toContain('✓ Verification succeeded!');
});
