import * as core from '@actions/core';
import { sleep } from '../lib/poll.ts';
import type { Message } from './message.ts';

/**
 * Slack's Web API (chat.postMessage / chat.update) and incoming webhooks over fetch, with
 * bounded retries: 429 waits Retry-After, 5xx and network errors back off exponentially.
 * Error messages name the method and Slack's error code, never the URL or token.
 */

export interface RetryPolicy {
  /** Requests in all, the first included. */
  attempts: number;
  /** Backoff before retry n is base × 2^(n-1) when Slack gives no Retry-After. */
  baseDelayMs: number;
  /** A longer Retry-After is cut to this: a notification is not worth holding a deploy for. */
  maxRetryAfterMs: number;
  /** Per request. */
  timeoutMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxRetryAfterMs: 30_000,
  timeoutMs: 10_000,
};

export class SlackError extends Error {
  override name = 'SlackError';
  retryable: boolean;
  retryAfter: string | null;
  constructor(message: string, retryable: boolean, retryAfter: string | null = null) {
    super(message);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }
}

/** Web API errors that are Slack's fault and worth another try. */
const RETRYABLE_API_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Milliseconds to wait before retry `retry` (1 for the first). */
export function retryDelay(retry: number, retryAfter: string | null, policy: RetryPolicy): number {
  const backoff = policy.baseDelayMs * 2 ** (retry - 1);
  if (retryAfter === null) return Math.min(backoff, policy.maxRetryAfterMs);
  const seconds = Number(retryAfter);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
  if (!Number.isFinite(ms)) return Math.min(backoff, policy.maxRetryAfterMs);
  return Math.min(Math.max(ms, 0), policy.maxRetryAfterMs);
}

export interface PostResult {
  ts?: string;
  channel?: string;
}

export async function withRetries<T>(
  what: string,
  request: () => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const slackError = toSlackError(error);
      if (!slackError.retryable || attempt >= policy.attempts) {
        const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
        throw new SlackError(`${what}: ${slackError.message}${tries}`, false);
      }
      const delay = retryDelay(attempt, slackError.retryAfter, policy);
      core.info(
        `${what}: ${slackError.message}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${policy.attempts}).`,
      );
      await sleep(delay);
    }
  }
}

function toSlackError(error: unknown): SlackError {
  if (error instanceof SlackError) return error;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new SlackError('request timed out', true);
  }
  // fetch says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND …) in `cause`.
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return new SlackError(`cannot reach Slack (${reason})`, true);
}

async function send(url: string, headers: Record<string, string>, body: unknown, policy: RetryPolicy) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(policy.timeoutMs),
  });
  const text = await response.text();
  if (response.status === 429 || response.status >= 500) {
    throw new SlackError(
      `HTTP ${response.status}${response.status === 429 ? ' (rate limited)' : ''}`,
      true,
      response.headers.get('retry-after'),
    );
  }
  return { status: response.status, ok: response.ok, text };
}

/** An incoming webhook: answers `ok`, or an error code as text (`invalid_token`, `no_service` …). */
export async function postWebhook(url: string, message: Message, policy = DEFAULT_POLICY): Promise<void> {
  await withRetries(
    'Slack webhook',
    async () => {
      const response = await send(url, {}, message, policy);
      if (!response.ok) {
        throw new SlackError(`HTTP ${response.status} ${response.text.trim().slice(0, 200)}`, false);
      }
    },
    policy,
  );
}

/** A Web API method; `ok: false` becomes an error naming Slack's error code. */
export async function callApi(
  apiUrl: string,
  method: 'chat.postMessage' | 'chat.update',
  token: string,
  body: Record<string, unknown>,
  policy = DEFAULT_POLICY,
): Promise<PostResult> {
  const url = new URL(method, apiUrl).toString();
  return withRetries(
    `Slack ${method}`,
    async () => {
      const response = await send(url, { Authorization: `Bearer ${token}` }, body, policy);
      let parsed: { ok?: boolean; error?: string; ts?: string; channel?: string };
      try {
        parsed = JSON.parse(response.text) as typeof parsed;
      } catch {
        throw new SlackError(`HTTP ${response.status}, not a Slack API response`, false);
      }
      if (!parsed.ok) {
        const code = parsed.error ?? `HTTP ${response.status}`;
        throw new SlackError(code, RETRYABLE_API_ERRORS.has(code));
      }
      return { ts: parsed.ts, channel: parsed.channel };
    },
    policy,
  );
}
