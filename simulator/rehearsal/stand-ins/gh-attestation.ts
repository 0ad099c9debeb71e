/**
 * `gh attestation verify oci://<registry>/<repository>@sha256:… --repo R --signer-workflow W
 * --source-ref REF [--deny-self-hosted-runners]`, as the rehearsal's runner answers it: the
 * emulator's attestations of the digest (what the attest-build-provenance stand-in recorded)
 * are checked as gh checks a Sigstore certificate's fields: the subject, the source repository,
 * the signer workflow (the certificate's SAN: job_workflow_ref without its @ref), the source ref
 * and the runner. Exit 0 with gh's success line, or 1 naming what did not match.
 */
import { emulatorControl } from './emulator-control.ts';
import type { Attestation } from '../../aws/attestations.ts';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  if (args[0] !== 'attestation' || args[1] !== 'verify') {
    console.error(`[rehearsal] gh ${args.join(' ')} has no stand-in (only gh attestation verify)`);
    return 1;
  }
  const target = args[2] ?? '';
  const image = /^oci:\/\/(.+)@(sha256:[0-9a-f]{64})$/.exec(target);
  if (!image) {
    console.error(`[rehearsal] gh attestation verify: ${target} is not oci://<image>@sha256:<digest>`);
    return 1;
  }
  const [, subjectName, digest] = image as unknown as [string, string, string];
  const repo = flag(args, '--repo');
  const signer = flag(args, '--signer-workflow');
  const sourceRef = flag(args, '--source-ref');
  const hostedOnly = args.includes('--deny-self-hosted-runners');
  if (!repo) {
    console.error('error: one of --owner or --repo is required');
    return 1;
  }
  const found = (await emulatorControl(process.env, 'attestations', digest)) as Attestation[];
  console.error(`Loaded digest ${digest} for ${target}`);
  if (found.length === 0) {
    console.error(
      `✗ Loading attestations from GitHub API failed\n\nError: no attestations found for subject: ${digest}`,
    );
    return 1;
  }
  const why = (a: Attestation): string | undefined => {
    const c = a.claims;
    if (a.subjectName !== subjectName) return `the subject is ${a.subjectName}, not ${subjectName}`;
    if (c['repository'] !== repo) return `the source repository is ${c['repository']}, not ${repo}`;
    const workflow = String(c['job_workflow_ref'] ?? '').replace(/@.*$/, '');
    if (signer && workflow !== signer) return `the signer workflow is ${workflow || '(none)'}, not ${signer}`;
    if (sourceRef && c['ref'] !== sourceRef) return `the source ref is ${c['ref']}, not ${sourceRef}`;
    if (hostedOnly && c['runner_environment'] !== 'github-hosted')
      return 'it was built on a self-hosted runner';
    return undefined;
  };
  const reasons = found.map(why);
  if (reasons.some((r) => r === undefined)) {
    console.log(
      `✓ Verification succeeded!\n\nThe following policy criteria will be enforced:\n- Source repository: ${repo}\n- Signer workflow: ${signer ?? '(any)'}\n- Source ref: ${sourceRef ?? '(any)'}`,
    );
    return 0;
  }
  console.error(
    `✗ Verification failed\n\nError: ${found.length} attestation(s) of ${digest}, none matches the policy: ${reasons.join('; ')}`,
  );
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
