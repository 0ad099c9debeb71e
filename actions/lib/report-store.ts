import { basename } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig, type CredentialsProvider } from './aws.ts';
import { ConfigurationError } from './errors.ts';
import { optionalInput, quote } from './inputs.ts';

/**
 * Where a protected environment's failure report is kept: an S3 prefix of its own tier (the
 * production account's state bucket, failure-reports/<environment>/), written by the deploy
 * role and readable only by that account's principals. A workflow artifact would be readable
 * by everyone who can read the repository's runs, pull-request authors included.
 */
export interface ReportStore {
  bucket: string;
  /** Key prefix, empty or ending in "/". */
  prefix: string;
}

export const STORE_INPUT = 'failure-report-location';

// S3's bucket naming rules: 3–63 lowercase letters, digits, dots and hyphens, letter or digit at
// both ends.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket[/prefix]`, checked before the action changes anything. */
export function parseReportLocation(value: string, input = STORE_INPUT): ReportStore {
  const match = /^s3:\/\/([^/]+)(?:\/([\s\S]*))?$/.exec(value);
  const bucket = match?.[1] ?? '';
  const prefix = match?.[2] ?? '';
  const problem = !match
    ? 'is not s3://<bucket>/<prefix>'
    : !BUCKET.test(bucket)
      ? `names the bucket ${quote(bucket)}, which is not an S3 bucket name`
      : prefix.split('/').some((part, i, all) => (part === '' && i < all.length - 1) || /^\.\.?$/.test(part))
        ? 'has an empty, "." or ".." part in its prefix'
        : [...prefix].some((c) => c < ' ' || c === '\\')
          ? 'has a control character or backslash in its prefix'
          : undefined;
  if (problem) throw new ConfigurationError(`Input "${input}": ${quote(value)} ${problem}.`);
  return { bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

export function reportStoreInput(): ReportStore | undefined {
  const value = optionalInput(STORE_INPUT);
  return value === undefined ? undefined : parseReportLocation(value);
}

/** One key per run attempt and report file: a re-run is a new attempt and keeps the first. */
export function reportKey(store: ReportStore, path: string, env = process.env): string {
  return `${store.prefix}${env['GITHUB_RUN_ID'] ?? 'local'}-${env['GITHUB_RUN_ATTEMPT'] ?? '1'}/${basename(path)}`;
}

/** The S3 console's page of the object: it opens only for someone signed in to that account. */
export function consoleUrl(region: string, bucket: string, key: string): string {
  return `https://${region}.console.aws.amazon.com/s3/object/${bucket}?region=${region}&prefix=${encodeURIComponent(key)}`;
}

export interface StoredReport {
  uri: string;
  url: string;
}

/** Keeps a report file's body in the store; what failure-report.ts calls once it has one. */
export type ReportKeeper = (path: string, body: string) => Promise<StoredReport>;

/** The keeper of an action's `reportStore` setting; undefined without one (the report stays on the runner). */
export function s3Keeper(
  { reportStore: store, region }: { reportStore?: ReportStore; region: string },
  credentials?: CredentialsProvider,
): ReportKeeper | undefined {
  if (!store) return undefined;
  return async (path, body) => {
    const key = reportKey(store, path);
    const s3 = new S3Client({
      ...clientConfig(region),
      ...(credentials && { credentials }),
      // An endpoint of its own (an emulator) answers path-style requests only.
      forcePathStyle: Boolean(process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL']),
      // The state bucket may live in another region than the deploy.
      followRegionRedirects: true,
    });
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: store.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          // Never over another report: the deploy role may write reports, not replace them.
          IfNoneMatch: '*',
        }),
      );
    } finally {
      s3.destroy();
    }
    return { uri: `s3://${store.bucket}/${key}`, url: consoleUrl(region, store.bucket, key) };
  };
}
