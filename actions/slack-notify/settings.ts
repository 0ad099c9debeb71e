import { ConfigurationError } from '../lib/errors.ts';
import {
  booleanInput,
  choiceInput,
  exclusiveInputs,
  jsonInput,
  multilineInput,
  optionalInput,
  quote,
  secretInput,
} from '../lib/inputs.ts';
import { parseKeyValueLines } from '../lib/key-value.ts';
import { STATUSES, type Field, type MessageInput } from './message.ts';

export type Target =
  | { kind: 'webhook'; url: string }
  | { kind: 'post'; apiUrl: string; token: string; channel: string }
  | { kind: 'update'; apiUrl: string; token: string; channelId: string; ts: string };

/** What the message says comes from the inputs; the GitHub context is read when it is built. */
export interface Settings extends Omit<MessageInput, 'github'> {
  target: Target;
  /** Parsed `payload` JSON: replaces the built message. */
  payload?: unknown;
  failOnError: boolean;
}

export function getSettings(): Settings {
  // Masked first: nothing below may print them, but an error message could quote an input.
  const webhookUrl = secretInput('webhook-url');
  const token = secretInput('token');
  exclusiveInputs(['webhook-url', 'token']);
  const status = optionalInput('status');
  return {
    target: target(webhookUrl, token),
    ...(status !== undefined && { status: choiceInput('status', STATUSES, 'success') }),
    environment: optionalInput('environment'),
    url: optionalInput('url'),
    version: optionalInput('version'),
    text: optionalInput('text'),
    fields: parseKeyValueLines('fields', multilineInput('fields'), 'Label=value').map(({ key, value }) => ({
      label: key,
      value,
    })),
    links: linksInput(),
    payload: jsonInput('payload'),
    failOnError: booleanInput('fail-on-error', false),
  };
}

/** `links`: Label=https://… lines; anything but an http(s) URL is refused, naming the label. */
function linksInput(): Field[] {
  return parseKeyValueLines('links', multilineInput('links'), 'Label=https://...').map(({ key, value }) => {
    if (!/^https?:\/\/\S+$/.test(value)) {
      throw new ConfigurationError(`Input "links": ${quote(key)} is not an http(s) URL: ${quote(value)}.`);
    }
    return { label: key, value };
  });
}

function target(webhookUrl: string | undefined, token: string | undefined): Target {
  const ts = optionalInput('message-ts');
  const channelId = optionalInput('channel-id');
  const channel = optionalInput('channel');
  if (webhookUrl !== undefined) {
    slackUrl('webhook-url', webhookUrl);
    if (ts !== undefined) {
      throw new ConfigurationError(
        'Input "message-ts" needs "token": a webhook cannot update a message it posted.',
      );
    }
    return { kind: 'webhook', url: webhookUrl };
  }
  if (token === undefined) throw new ConfigurationError('Input "webhook-url" or "token" is required.');
  // It travels in an HTTP header: a line break or space would split or corrupt it. Never shown.
  if (!/^[\x21-\x7e]{1,512}$/.test(token)) {
    throw new ConfigurationError(
      'Input "token" is not a Slack token (printable characters, no spaces); the value is not shown.',
    );
  }
  const apiUrl = apiUrlInput();
  if (ts !== undefined) {
    if (!/^\d+\.\d+$/.test(ts)) {
      throw new ConfigurationError(`Input "message-ts": ${quote(ts)} is not a Slack message timestamp.`);
    }
    if (channelId !== undefined && !CHANNEL_ID.test(channelId)) {
      throw new ConfigurationError(`Input "channel-id": ${quote(channelId)} is not a Slack channel ID.`);
    }
    if (channelId === undefined) {
      throw new ConfigurationError(
        'Input "message-ts" needs "channel-id" (the channel-id output of the step that posted the message).',
      );
    }
    return { kind: 'update', apiUrl, token, channelId, ts };
  }
  if (channel === undefined) {
    throw new ConfigurationError('Input "channel" is required with "token" (a channel name or ID).');
  }
  if (!CHANNEL.test(channel)) {
    throw new ConfigurationError(
      `Input "channel": ${quote(channel)} is not a Slack channel name or ID (up to 80 letters, digits, - _ .).`,
    );
  }
  return { kind: 'post', apiUrl, token, channel };
}

/** Slack channel names: up to 80 characters, no spaces or punctuation but - _ . (IDs: letters and digits). */
const CHANNEL = /^#?[\p{L}\p{N}_.-]{1,80}$/u;
const CHANNEL_ID = /^[A-Z0-9]{1,32}$/;

function apiUrlInput(): string {
  const url = slackUrl('api-url', optionalInput('api-url') ?? 'https://slack.com/api/');
  // `new URL('chat.update', base)` replaces the last segment unless the base ends in /.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

/** Plain http only to this machine: a local Slack stand-in in tests. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A Slack URL: https, or http to a loopback host. The error names the input but never shows
 * the value: a webhook URL is a secret.
 */
export function slackUrl(name: string, value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const allowed =
    url !== undefined &&
    url.username === '' &&
    url.password === '' &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)));
  if (!allowed || /\s/.test(value)) {
    throw new ConfigurationError(
      `Input "${name}" must be an https URL (http only to localhost, 127.0.0.1 or [::1]); the value is not shown.`,
    );
  }
  return url!;
}
