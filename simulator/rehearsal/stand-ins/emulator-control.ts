/**
 * POST /_control/<method> of the emulator the job's AWS endpoints point at: how the stand-ins
 * reach what stands for AWS and GitHub (a push to ECR, the attestations store). It acts in the
 * account `EMULATOR_ACCOUNT` names, or else the one the job's credentials act in.
 */
export async function emulatorControl(
  env: Record<string, string | undefined>,
  method: string,
  ...params: unknown[]
): Promise<unknown> {
  const endpoint = env['AWS_ENDPOINT_URL_STS'] ?? env['AWS_ENDPOINT_URL_ECR'];
  if (!endpoint) throw new Error(`[rehearsal] no emulator endpoint in the step's environment for ${method}`);
  const where = env['EMULATOR_ACCOUNT']
    ? `?account=${env['EMULATOR_ACCOUNT']}`
    : env['AWS_ACCESS_KEY_ID']
      ? `?signer=${env['AWS_ACCESS_KEY_ID']}`
      : '';
  const response = await fetch(`${endpoint}/_control/${method}${where}`, {
    method: 'POST',
    body: JSON.stringify(params),
  });
  if (!response.ok) throw new Error(`emulator ${method}: ${response.status} ${await response.text()}`);
  return response.json();
}
