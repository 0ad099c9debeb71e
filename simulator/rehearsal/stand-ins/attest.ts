import { appendKeyValues } from './files.ts';
import { emulatorControl } from './emulator-control.ts';
import type { StandIn } from './index.ts';

/**
 * actions/attest-build-provenance: nothing is signed by Sigstore; the subject (subject-name and
 * subject-digest) is recorded with the claims of the job's OIDC token, asked for as the real
 * action asks (audience sigstore), so the attestation names exactly what GitHub's would: the
 * repository, the ref, the workflow that ran (job_workflow_ref) and the runner.
 */
export const attestBuildProvenance: StandIn = {
  describe: "records the subject with the job's OIDC token claims in the emulator's attestations",
  async run({ with: inputs, env, print }) {
    const name = inputs['subject-name'] ?? '';
    const digest = inputs['subject-digest'] ?? '';
    if (!name || !/^sha256:[0-9a-f]{64}$/.test(digest)) {
      print(
        '::error::One of subject-path, subject-digest, or subject-checksums must be provided (with subject-name)',
      );
      return false;
    }
    const url = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (!url || !requestToken) {
      print(
        '::error::Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable (the job needs id-token: write)',
      );
      return false;
    }
    const response = await fetch(`${url}&audience=sigstore`, {
      headers: { authorization: `Bearer ${requestToken}` },
    });
    if (!response.ok) {
      print(`::error::Failed to get ID Token: ${response.status}`);
      return false;
    }
    const { value: token } = (await response.json()) as { value: string };
    const id = await emulatorControl(env, 'attest', name, digest, token);
    if (typeof id !== 'number') {
      print(`::error::${JSON.stringify(id)}`);
      return false;
    }
    print(`Attestation created for ${name}@${digest}`);
    await appendKeyValues(env['GITHUB_OUTPUT']!, {
      'attestation-id': String(id),
      'attestation-url': `https://github.com/${env['GITHUB_REPOSITORY']}/attestations/${id}`,
    });
    return true;
  },
};
