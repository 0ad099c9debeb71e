/** Waits `ms`, or less when `signal` aborts (so a cancelled job stops waiting at once). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Splits `items` into chunks of at most `size` (DescribeServices takes 10, DescribeTasks 100). */
export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** AWS error names of a rate limit reached. */
const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
/** AWS error names that mean "try again later", not "you asked for something wrong". */
const TRANSIENT_NAMES = new Set([
  ...THROTTLE_NAMES,
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'ServerException',
  'InternalServerError',
  'InternalFailure',
  'InternalServerException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

/** ECS (or any AWS API) refused the call for the account's rate limit. */
export function isThrottle(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return THROTTLE_NAMES.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}

/** Throttling, a 5xx, a timeout or a dropped connection: worth waiting out. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return (
    TRANSIENT_NAMES.has(e.name) ||
    (e.code !== undefined && NETWORK_CODES.has(e.code)) ||
    (status !== undefined && (status >= 500 || status === 429))
  );
}

export interface RetryOptions {
  /** First wait after a failure, doubled each failure up to `maxMs`; each wait jittered ±50 %. */
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
  /** Where the two outage lines go (warning when it starts, info when it ends). */
  warn?: (line: string) => void;
  info?: (line: string) => void;
}

/**
 * One kind of read a watch loop repeats (DescribeTasks, GetLogEvents, DescribeServices) that
 * must ride out an outage: a transient failure is remembered and the read skipped until its
 * jittered, capped backoff passes, so the loop carries on with its other reads and its own
 * deadline. One warning when the outage starts and one line when it ends, not one per attempt.
 */
export class TransientReads {
  readonly what: string;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  private readonly warn: (line: string) => void;
  private readonly info: (line: string) => void;
  /** Consecutive failures; 0 while the reads succeed. */
  failures = 0;
  private failingSince = 0;
  private nextAttemptAt = 0;
  /** The last transient error, for a give-up message. */
  lastError: Error | undefined;

  constructor(what: string, options: RetryOptions) {
    this.what = what;
    this.baseMs = options.baseMs ?? 500;
    this.maxMs = options.maxMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.warn = options.warn ?? (() => {});
    this.info = options.info ?? (() => {});
  }

  /** Milliseconds until the next attempt may run (0 when it may run now). */
  waitMs(now = Date.now()): number {
    return Math.max(0, this.nextAttemptAt - now);
  }

  /**
   * Runs `read` unless backing off. Resolves `{ value }` on success, undefined when skipped or
   * failed transiently (or `abandon()` says the loop is ending anyway); rethrows any other error.
   */
  async read<T>(
    read: () => Promise<T>,
    abandon: () => boolean = () => false,
  ): Promise<{ value: T } | undefined> {
    if (this.waitMs() > 0) return undefined;
    let value: T;
    try {
      value = await read();
    } catch (error) {
      // The loop's deadline or the job's cancel aborted the call: the loop ends, no outage.
      if (abandon()) return undefined;
      if (!isTransient(error)) throw error;
      this.failed(error as Error);
      return undefined;
    }
    if (this.failures > 0) {
      const seconds = Math.round((Date.now() - this.failingSince) / 100) / 10;
      this.info(`${this.what} answers again after ${seconds} s of errors; carrying on.`);
    }
    this.failures = 0;
    this.lastError = undefined;
    return { value };
  }

  private failed(error: Error): void {
    if (this.failures === 0) {
      this.failingSince = Date.now();
      this.warn(
        `${this.what} failed (${error.name}: ${error.message.split('\n')[0]}); retrying with backoff until the timeout.`,
      );
    }
    this.failures++;
    this.lastError = error;
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.failures - 1, 20));
    this.nextAttemptAt = Date.now() + ceiling * (0.5 + this.random() / 2);
  }
}

/**
 * The SDK waits forever for a hung connection: each watch-loop call gets `ms` (and `signal`,
 * the loop's deadline or cancel). A call cut off by `ms` throws a TimeoutError, which is
 * transient; one cut off by `signal` throws as the SDK does.
 */
export async function withCallTimeout<T>(
  ms: number,
  signal: AbortSignal | undefined,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timer = AbortSignal.timeout(ms);
  try {
    return await call(signal ? AbortSignal.any([signal, timer]) : timer);
  } catch (error) {
    if (timer.aborted && !signal?.aborted) {
      throw Object.assign(new Error(`no answer within ${ms / 1000} s`), { name: 'TimeoutError' });
    }
    throw error;
  }
}

/** How long one read of a watch loop may take before it counts as a (transient) timeout. */
export const CALL_TIMEOUT_MS = 10_000;

/** `Name: first line of the message`, for one-line reports of an AWS error. */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  return `${error.name}: ${error.message.split('\n')[0]}`;
}
