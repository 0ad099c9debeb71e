import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { runAction } from '../../simulator/runner/run-action.ts';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await emulator.stop();
});

const WEB = `sha256:${'a'.repeat(64)}`;
const WORKER = `sha256:${'b'.repeat(64)}`;
const critical = {
  name: 'CVE-2024-0001',
  severity: 'CRITICAL',
  uri: 'https://example.invalid/CVE-2024-0001',
  attributes: [
    { key: 'package_name', value: 'openssl' },
    { key: 'package_version', value: '3.0.1' },
  ],
};
const medium = {
  name: 'CVE-2024-0002',
  severity: 'MEDIUM',
  attributes: [{ key: 'package_name', value: 'zlib' }],
};

const gate = (inputs: Record<string, string>) =>
  runAction('image-scan-gate', { images: `backend@${WEB}`, ...inputs }, { env: emulator.env() });
const ecrCalls = () => emulator.calls(undefined, 'ecr');

describe('image-scan-gate', () => {
  test('a CRITICAL finding blocks with one line naming the image and the counts, and makes no further calls', async () => {
    emulator.ecr.pushImage('backend', WEB, { findings: [critical, medium] });

    const run = await gate({});

    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      `Image scan found 1 finding(s) at or above CRITICAL in backend@${WEB.slice(0, 19)}: 1 CRITICAL.`,
    ]);
    expect(run.outputs['blocked']).toBe('true');
    expect(JSON.parse(run.outputs['findings']!)).toEqual([
      expect.objectContaining({
        id: 'CVE-2024-0001',
        severity: 'CRITICAL',
        package: 'openssl',
        version: '3.0.1',
      }),
      expect.objectContaining({ id: 'CVE-2024-0002', severity: 'MEDIUM', package: 'zlib' }),
    ]);
    // Only the one read: nothing in ECS (or anywhere else) was touched.
    expect(emulator.callCounts()).toEqual({ DescribeImageScanFindings: 1 });
    expect(run.summary).toContain('CVE-2024-0001');
    expect(run.summary).toContain('blocks');
  });

  test('an image seeded over the control API (as the rehearsal does) passes a clean scan', async () => {
    const seeded = await fetch(`${emulator.url}/_control/pushImage`, {
      method: 'POST',
      body: JSON.stringify(['backend', WEB, { inProgressMs: 0, findings: [medium] }]),
    });
    expect(seeded.status).toBe(200);

    const run = await gate({});

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['blocked']).toBe('false');
    expect(run.lines).toContain(`Image scan gate passed for backend@${WEB.slice(0, 19)}.`);
  });

  test('an allow-listed finding passes and the summary says until when', async () => {
    emulator.ecr.pushImage('backend', WEB, { findings: [critical] });

    const run = await gate({ 'allow-list': 'CVE-2024-0001 until 2999-12-31 no fix upstream yet' });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['blocked']).toBe('false');
    expect(run.summary).toContain('allowed until 2999-12-31');
  });

  test('an expired allow-list entry blocks again and the error says it expired', async () => {
    emulator.ecr.pushImage('backend', WEB, { findings: [critical] });

    const run = await gate({ 'allow-list': 'CVE-2024-0001 until 2020-01-31' });

    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('allow-list entries expired: CVE-2024-0001 (2020-01-31)');
  });

  test('a scan still running is waited for, then judged', async () => {
    emulator.ecr.pushImage('backend', WEB, { inProgressMs: 2500, findings: [critical] });

    const run = await gate({});

    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('1 CRITICAL');
    expect(ecrCalls().length).toBeGreaterThanOrEqual(2);
  }, 20_000);

  test('a scan that never completes times out naming the image', async () => {
    emulator.ecr.pushImage('backend', WEB);
    emulator.ecr.pushImage('frontend', WORKER, { inProgressMs: Infinity });

    const run = await gate({ images: `backend@${WEB}\nfrontend@${WORKER}`, 'timeout-minutes': '0.05' });

    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      `Timed out waiting for the image scan of frontend@${WORKER.slice(0, 19)}: scan IN_PROGRESS.`,
    ]);
  }, 20_000);

  test('a scan that cannot give a result (UNSUPPORTED_IMAGE) blocks a gated deploy, and only warns with threshold none', async () => {
    emulator.ecr.pushImage('backend', WEB, {
      status: 'UNSUPPORTED_IMAGE',
      description: 'The operating system is not supported.',
    });

    const gated = await gate({});
    const preview = await gate({ 'severity-threshold': 'none' });

    expect(gated.exitCode).toBe(1);
    expect(gated.errors).toEqual([
      `Image scan gave no result for backend@${WEB.slice(0, 19)}: scan UNSUPPORTED_IMAGE (The operating system is not supported.).`,
    ]);
    expect(preview.exitCode).toBe(0);
    expect(preview.outputs['blocked']).toBe('false');
  });

  test('an image with no scan yet is waited for and the timeout says no scan was found', async () => {
    emulator.ecr.pushImage('backend', WEB, { none: true });

    const run = await gate({ 'timeout-minutes': '0.05' });

    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([expect.stringContaining(`backend@${WEB.slice(0, 19)}: no scan found`)]);
    expect(emulator.calls('DescribeImageScanFindings').length).toBeGreaterThanOrEqual(2);
  }, 20_000);

  test('a tag is checked as ECR resolves it, and named by its tag', async () => {
    emulator.ecr.pushImage('backend', WEB, { findings: [critical] }, ['v41']);

    const run = await gate({ images: '123456789012.dkr.ecr.us-east-1.amazonaws.com/backend:v41' });

    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      'Image scan found 1 finding(s) at or above CRITICAL in backend:v41: 1 CRITICAL.',
    ]);
    expect(emulator.calls('DescribeImageScanFindings')[0]!.input).toMatchObject({
      registryId: '123456789012',
      imageId: { imageTag: 'v41' },
    });
  });

  test('threshold none passes everything and still reports the findings', async () => {
    emulator.ecr.pushImage('backend', WEB, { findings: [critical] });

    const run = await gate({ 'severity-threshold': 'none' });

    expect(run.exitCode).toBe(0);
    expect(run.outputs['blocked']).toBe('false');
    expect(JSON.parse(run.outputs['findings']!)).toHaveLength(1);
  });

  test('enhanced (Inspector) findings across pages count, with their fixed version', async () => {
    const enhanced = Array.from({ length: 1500 }, (_, i) => ({
      severity: i === 1400 ? 'HIGH' : 'LOW',
      packageVulnerabilityDetails: {
        vulnerabilityId: `CVE-2024-${1000 + i}`,
        vulnerablePackages: [{ name: 'libxml2', version: '2.9.1', fixedInVersion: '2.9.14' }],
      },
    }));
    emulator.ecr.pushImage('backend', WEB, { status: 'ACTIVE', enhanced: true, findings: enhanced });

    const run = await gate({ 'severity-threshold': 'HIGH' });

    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/1 finding\(s\) at or above HIGH .*: 1 HIGH\.$/);
    expect(emulator.callCounts()).toEqual({ DescribeImageScanFindings: 2 });
    expect(run.summary).toContain('2.9.14');
  });

  test('throttling is waited out', async () => {
    emulator.ecr.pushImage('backend', WEB, { findings: [medium] });
    emulator.setFaults({ throttleRate: 0.5 }, 7);

    const run = await gate({});

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
  }, 30_000);

  test('finding text reaches the summary as text, not HTML', async () => {
    emulator.ecr.pushImage('backend', WEB, {
      findings: [{ name: 'CVE-<img src=x onerror=alert(1)>', severity: 'LOW' }],
    });

    const run = await gate({});

    expect(run.exitCode).toBe(0);
    expect(run.summary).not.toContain('<img');
    expect(run.summary).toContain('&lt;img');
  });

  test.each([
    [{ images: 'backend@sha256:abc' }, 'Input "images": "backend@sha256:abc" has a malformed digest'],
    [{ images: 'backend' }, 'Input "images": "backend" is not REPOSITORY@sha256:DIGEST or REPOSITORY:TAG'],
    [{ 'allow-list': 'CVE-2024-0001 until 2024-02-30' }, 'Input "allow-list": "2024-02-30"'],
    [{ 'severity-threshold': 'SEVERE' }, 'Input "severity-threshold" must be one of'],
  ])('bad input %j fails with one line naming it and no calls', async (inputs, message) => {
    const run = await gate(inputs);

    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(message);
    expect(emulator.calls()).toEqual([]);
  });

  test('an unknown image is one line naming it, and the step does not wait on the other scans', async () => {
    emulator.ecr.createRepository('backend');
    emulator.ecr.pushImage('frontend', WORKER, { inProgressMs: Infinity });

    const run = await gate({ images: `backend@${WEB}\nfrontend@${WORKER}` });
    // It did not wait on the scan in progress: no second look at it.
    const looks = emulator
      .calls('DescribeImageScanFindings')
      .filter((c) => JSON.stringify(c.input).includes(WORKER));
    expect(looks.length).toBeLessThanOrEqual(1);

    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(/^Input "images": backend@sha256:a+: ImageNotFoundException/),
    ]);
  });
});

describe('emulated ECR', () => {
  test('answers DescribeImages and the not-found errors with ECR error types', async () => {
    const { ECRClient, DescribeImagesCommand, DescribeImageScanFindingsCommand } =
      await import('@aws-sdk/client-ecr');
    // The emulator itself, as the operator sees it (IAM would answer a repository outside the
    // role's policy with AccessDenied before ECR says it does not exist).
    const env = emulator.env({ role: null });
    const ecr = new ECRClient({
      endpoint: env['AWS_ENDPOINT_URL_ECR']!,
      region: env['AWS_REGION']!,
      credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']! },
    });
    emulator.ecr.pushImage('backend', WEB, { inProgressMs: 60_000 }, ['v1']);

    const described = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'backend', imageIds: [{ imageTag: 'v1' }] }),
    );
    expect(described.imageDetails).toEqual([
      expect.objectContaining({ imageDigest: WEB, imageScanStatus: { status: 'IN_PROGRESS' } }),
    ]);
    await expect(
      ecr.send(
        new DescribeImageScanFindingsCommand({ repositoryName: 'shop/api', imageId: { imageDigest: WEB } }),
      ),
    ).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
    await expect(
      ecr.send(
        new DescribeImageScanFindingsCommand({
          repositoryName: 'backend',
          imageId: { imageDigest: WORKER },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ImageNotFoundException' });
    ecr.destroy();
  });
});
