import { DescribeImageScanFindingsCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { ConfigurationError, DeploymentFailure } from '../lib/errors.ts';
import { watchUntil, type WatchRound } from '../lib/watch-until.ts';
import { findingsOf, SCANNED, WAITING } from './ecr-findings.ts';
import { imageName, type Finding, type ImageRef } from './gate.ts';

const POLL_MS = 2000;

export type ScanResult = { image: string; findings: Finding[] } | { image: string; unusable: string };

/** Errors that mean "the image or repository is wrong", reported at once. */
const MISSING = new Set(['ImageNotFoundException', 'RepositoryNotFoundException']);

function transient(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  return (
    /Throttl|TooManyRequests|ServiceUnavailable|ServerException/.test(e.name ?? '') ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500 ||
    e.$retryable !== undefined
  );
}

/**
 * Waits for the scan of one image to finish (a scan not yet started, or throttling and 5xx past
 * the SDK's own retries, are waited out too) and reads every page of its findings.
 */
export async function scanResult(
  ecr: ECRClient,
  ref: ImageRef,
  deadline: number,
  signal?: AbortSignal,
): Promise<ScanResult> {
  const image = imageName(ref);
  let last = 'no answer yet';
  let result: ScanResult | undefined;
  /** One read of every findings page; not done while the scan is pending or ECR answers 5xx. */
  const look = async (): Promise<WatchRound> => {
    try {
      const findings: Finding[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecr.send(
          new DescribeImageScanFindingsCommand({
            ...(ref.registryId && { registryId: ref.registryId }),
            repositoryName: ref.repository,
            imageId: ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag! },
            maxResults: 1000,
            ...(nextToken && { nextToken }),
          }),
          { abortSignal: signal },
        );
        const status = page.imageScanStatus?.status ?? 'PENDING';
        if (WAITING.has(status)) {
          last = `scan ${status}`;
          break;
        }
        if (!SCANNED.has(status)) {
          const why = page.imageScanStatus?.description;
          result = { image, unusable: `scan ${status}${why ? ` (${why})` : ''}` };
          return { done: true, waitMs: 0 };
        }
        findings.push(...findingsOf(page, image));
        nextToken = page.nextToken;
        if (!nextToken) {
          result = { image, findings };
          return { done: true, waitMs: 0 };
        }
      } while (nextToken);
    } catch (error) {
      const name = (error as Error).name;
      if (MISSING.has(name)) {
        throw new ConfigurationError(`Input "images": ${image}: ${name}: ${(error as Error).message}`);
      }
      if (name === 'ScanNotFoundException') last = 'no scan found (scan on push off, or not started yet)';
      else if (transient(error)) last = `${name}: ${(error as Error).message}`;
      else throw error;
    }
    return { done: false, waitMs: POLL_MS };
  };
  const end = await watchUntil({ deadline, ...(signal && { signal }) }, look);
  if (end === 'cancelled') signal!.throwIfAborted();
  // A last look at the deadline: a scan that finished during the final wait still counts.
  if (end === 'done' || (await look()).done) return result!;
  throw new DeploymentFailure(`Timed out waiting for the image scan of ${image}: ${last}.`);
}
