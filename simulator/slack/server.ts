import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Slack for tests and the demo: the Web API's chat.postMessage and chat.update (Bearer
 * token auth, `ok: false` errors, Slack's Block Kit limits enforced the way Slack rejects a
 * message) and incoming webhooks, on 127.0.0.1 at a random port. Messages are kept per channel;
 * a test scripts failures (429 with Retry-After, 5xx) for the next requests.
 */

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  attachments?: { color?: string; blocks?: unknown[] }[];
  /** How many times chat.update changed it. */
  updates: number;
  via: 'api' | 'webhook';
}

export interface RecordedRequest {
  at: number;
  path: string;
  status: number;
  authorization?: string;
  body: string;
}

export interface ScriptedFailure {
  status: number;
  /** Retry-After header value (seconds). */
  retryAfter?: string;
  body?: string;
}

export const TOKEN = 'xoxb-1234-5678-test-token-do-not-print';
export const WEBHOOK_PATH = '/services/T000TEST/B000TEST/webhook-secret-do-not-print';

const CHANNELS: Record<string, string> = { deploys: 'C0DEPLOYS', alerts: 'C0ALERTS' };
const WEBHOOK_CHANNEL = 'C0DEPLOYS';

export class SlackServer {
  readonly messages: StoredMessage[] = [];
  readonly requests: RecordedRequest[] = [];
  private failures: ScriptedFailure[] = [];
  private persistentFailure?: ScriptedFailure;
  private server?: Server;
  private clock = 1_700_000_000;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, response, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  get webhookUrl(): string {
    return `${this.url}${WEBHOOK_PATH}`;
  }

  /** The next requests fail like this, one each, in order. */
  failNext(...failures: ScriptedFailure[]): void {
    this.failures.push(...failures);
  }

  /** Every request fails like this until cleared (undefined). */
  failAlways(failure: ScriptedFailure | undefined): void {
    this.persistentFailure = failure;
  }

  channelId(name: string): string | undefined {
    return CHANNELS[name.replace(/^#/, '')] ?? (Object.values(CHANNELS).includes(name) ? name : undefined);
  }

  private handle(request: IncomingMessage, response: ServerResponse, body: string): void {
    const path = request.url ?? '/';
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({
        at: Date.now(),
        path,
        status,
        authorization: request.headers.authorization,
        body,
      });
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const type = typeof payload === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
      response.writeHead(status, { 'Content-Type': type, ...headers }).end(text);
    };
    const failure = this.failures.shift() ?? this.persistentFailure;
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {};
      return reply(
        failure.status,
        failure.body ?? (failure.status === 429 ? 'rate_limited' : 'upstream error'),
        headers,
      );
    }
    if (request.method !== 'POST') return reply(405, 'method_not_allowed');
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return path.startsWith('/services/')
        ? reply(400, 'invalid_payload')
        : reply(200, { ok: false, error: 'invalid_json' });
    }

    if (path.startsWith('/services/')) {
      if (path !== WEBHOOK_PATH) return reply(404, 'no_service');
      const problem = checkMessage(message);
      if (problem) return reply(400, problem);
      this.store(WEBHOOK_CHANNEL, message, 'webhook');
      return reply(200, 'ok');
    }

    const method = /^\/api\/([\w.]+)$/.exec(path)?.[1];
    const auth = request.headers.authorization;
    if (!auth) return reply(200, { ok: false, error: 'not_authed' });
    if (auth !== `Bearer ${TOKEN}`) return reply(200, { ok: false, error: 'invalid_auth' });
    if (method !== 'chat.postMessage' && method !== 'chat.update') {
      return reply(404, { ok: false, error: 'unknown_method' });
    }
    const channel = this.channelId(String(message['channel'] ?? ''));
    if (!channel) return reply(200, { ok: false, error: 'channel_not_found' });
    const problem = checkMessage(message);
    if (problem) return reply(200, { ok: false, error: problem });
    if (method === 'chat.postMessage') {
      const stored = this.store(channel, message, 'api');
      return reply(200, { ok: true, channel, ts: stored.ts, message: { text: stored.text } });
    }
    const existing = this.messages.find((m) => m.channel === channel && m.ts === message['ts']);
    if (!existing) return reply(200, { ok: false, error: 'message_not_found' });
    existing.text = String(message['text'] ?? '');
    // Like Slack: fields not sent keep their old value.
    if (message['blocks'] !== undefined) existing.blocks = message['blocks'] as unknown[];
    if (message['attachments'] !== undefined) {
      existing.attachments = message['attachments'] as StoredMessage['attachments'];
    }
    existing.updates++;
    return reply(200, { ok: true, channel, ts: existing.ts, text: existing.text });
  }

  private store(channel: string, message: Record<string, unknown>, via: StoredMessage['via']): StoredMessage {
    const stored: StoredMessage = {
      channel,
      ts: `${this.clock++}.000100`,
      text: String(message['text'] ?? ''),
      ...(message['blocks'] !== undefined && { blocks: message['blocks'] as unknown[] }),
      ...(message['attachments'] !== undefined && {
        attachments: message['attachments'] as StoredMessage['attachments'],
      }),
      updates: 0,
      via,
    };
    this.messages.push(stored);
    return stored;
  }
}

export async function startSlackServer(): Promise<SlackServer> {
  return new SlackServer().start();
}

/** Slack's limits, checked the way Slack answers: the error code of the first problem. */
function checkMessage(message: Record<string, unknown>): string | undefined {
  const text = message['text'];
  const blocks = (message['blocks'] ?? []) as Record<string, unknown>[];
  const attachments = (message['attachments'] ?? []) as { blocks?: Record<string, unknown>[] }[];
  if (typeof text === 'string' && text.length > 40_000) return 'msg_too_long';
  if (!text && blocks.length === 0 && attachments.length === 0) return 'no_text';
  const all = [...blocks, ...attachments.flatMap((a) => a.blocks ?? [])];
  if (all.length > 50) return 'invalid_blocks';
  for (const block of all) {
    const max = block['type'] === 'header' ? 150 : 3000;
    const blockText = block['text'] as { text?: string } | undefined;
    if (blockText?.text !== undefined && blockText.text.length > max) return 'invalid_blocks';
    const fields = (block['fields'] ?? []) as { text: string }[];
    if (fields.length > 10 || fields.some((f) => f.text.length > 2000)) return 'invalid_blocks';
    const elements = (block['type'] === 'context' ? block['elements'] : []) as { text?: string }[];
    if (elements.length > 10 || elements.some((e) => (e.text ?? '').length > 3000)) return 'invalid_blocks';
  }
  return undefined;
}
