/**
 * POST /_control/<method> of the emulator the job's AWS endpoints point at: how the stand-ins
 * reach what stands for AWS and GitHub (a push to ECR, the attestations store).
 */
export async function emulatorControl(
  env: Record<string, string | undefined>,
  method: string,
  ...params: unknown[]
): Promise<unknown> {
  const endpoint = env['AWS_ENDPOINT_URL_STS'] ?? env['AWS_ENDPOINT_URL_ECR'];
  if (!endpoint) throw new Error(`[rehearsal] no emulator endpoint in the step's environment for ${method}`);
  const response = await fetch(`${endpoint}/_control/${method}`, {
    method: 'POST',
    body: JSON.stringify(params),
  });
  return response.json();
}
