/**
 * Builds the Slack message (Block Kit inside a colored attachment) and keeps any message, built
 * or raw, inside Slack's limits: a long input is truncated, never rejected by Slack.
 */

export type Status = 'started' | 'success' | 'failure' | 'cancelled';
export const STATUSES: readonly Status[] = ['started', 'success', 'failure', 'cancelled'];

/** Slack's documented limits (https://docs.slack.dev/reference/block-kit/blocks). */
export const LIMITS = {
  blocks: 50,
  /** Section and context text, and the message's notification text. */
  text: 3000,
  header: 150,
  fieldsPerSection: 10,
  field: 2000,
  contextElements: 10,
} as const;

export interface Field {
  label: string;
  value: string;
}

export interface MessageInput {
  status?: Status;
  environment?: string;
  url?: string;
  /** Image tag or release being deployed. */
  version?: string;
  /** mrkdwn, shown under the header. */
  text?: string;
  fields: Field[];
  /** Labelled http(s) links (e.g. the failure report), each a field whose value is the link. */
  links?: Field[];
  /** Where the values of the context line come from: GITHUB_* variables of the runner. */
  github: GitHubContext;
}

export interface GitHubContext {
  actor?: string;
  sha?: string;
  serverUrl?: string;
  repository?: string;
  runId?: string;
  runAttempt?: string;
  workflow?: string;
}

export type Block = Record<string, unknown>;

export interface Message {
  text: string;
  blocks?: Block[];
  attachments?: { color?: string; blocks?: Block[]; [key: string]: unknown }[];
  [key: string]: unknown;
}

const STYLE: Record<Status, { emoji: string; color: string; verb: string }> = {
  started: { emoji: ':rocket:', color: '#439FE0', verb: 'Deploying' },
  success: { emoji: ':white_check_mark:', color: '#2EB67D', verb: 'Deployed' },
  failure: { emoji: ':x:', color: '#E01E5A', verb: 'Deploy failed:' },
  cancelled: { emoji: ':no_entry_sign:', color: '#9E9E9E', verb: 'Deploy cancelled:' },
};

export function githubContext(env: NodeJS.ProcessEnv): GitHubContext {
  return {
    actor: env['GITHUB_ACTOR'],
    sha: env['GITHUB_SHA'],
    serverUrl: env['GITHUB_SERVER_URL'] ?? 'https://github.com',
    repository: env['GITHUB_REPOSITORY'],
    runId: env['GITHUB_RUN_ID'],
    runAttempt: env['GITHUB_RUN_ATTEMPT'],
    workflow: env['GITHUB_WORKFLOW'],
  };
}

export function runUrl(github: GitHubContext): string | undefined {
  if (!github.repository || !github.runId) return undefined;
  const attempt = github.runAttempt && github.runAttempt !== '1' ? `/attempts/${github.runAttempt}` : '';
  return `${github.serverUrl}/${github.repository}/actions/runs/${github.runId}${attempt}`;
}

/** The default message: header with status emoji, text, fields, and who/what/where context. */
export function buildMessage(input: MessageInput): Message {
  const style = input.status && STYLE[input.status];
  const subject = input.environment ?? input.github.repository ?? 'deployment';
  const title = style ? `${style.emoji} ${style.verb} ${subject}` : subject;

  const fields: Field[] = [];
  if (input.environment) fields.push({ label: 'Environment', value: escape(input.environment) });
  if (input.status) fields.push({ label: 'Status', value: input.status });
  if (input.url) fields.push({ label: 'URL', value: link(input.url) });
  if (input.version) fields.push({ label: 'Version', value: `\`${escape(input.version)}\`` });
  fields.push(...input.fields.map(({ label, value }) => ({ label: escape(label), value: escape(value) })));
  fields.push(
    ...(input.links ?? []).map(({ label, value }) => ({ label: escape(label), value: link(value) })),
  );

  // The header is plain_text: Slack shows it literally, so it needs no escaping.
  const blocks: Block[] = [{ type: 'header', text: plain(title) }];
  // `text` keeps mrkdwn styling (*bold*, _italic_) but not links or mentions: & < > escaped.
  if (input.text) blocks.push({ type: 'section', text: mrkdwn(escape(input.text)) });
  for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
    const group = fields.slice(i, i + LIMITS.fieldsPerSection);
    blocks.push({ type: 'section', fields: group.map((f) => mrkdwn(`*${f.label}*\n${f.value}`)) });
  }
  const context = contextLine(input.github);
  if (context.length > 0) blocks.push({ type: 'context', elements: context.map(mrkdwn) });

  // The notification text (and what clients without blocks show).
  // The notification text is mrkdwn too: every part escaped.
  const summary = [title, input.url, input.text]
    .filter(Boolean)
    .map((part) => escape(part!))
    .join(' — ');
  return clampMessage({
    text: summary,
    attachments: [{ color: style?.color ?? '#DDDDDD', blocks }],
  });
}

function contextLine(github: GitHubContext): string[] {
  const repoUrl = github.repository && `${github.serverUrl}/${github.repository}`;
  const parts: string[] = [];
  if (github.actor) parts.push(`Actor: *${escape(github.actor)}*`);
  if (github.sha) {
    const short = escape(github.sha.slice(0, 7));
    parts.push(repoUrl ? `Commit: <${repoUrl}/commit/${github.sha}|${short}>` : `Commit: ${short}`);
  }
  const run = runUrl(github);
  if (run) parts.push(`<${run}|${escape(github.workflow ?? 'Workflow run')} #${escape(github.runId!)}>`);
  return parts;
}

const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

/** Slack's three control characters in mrkdwn. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Slack link to an http(s) URL, labelled with the URL itself; anything else is shown as
 * escaped text. Inside the link, `<`, `>`, `|` and whitespace are percent-encoded and `&` is
 * escaped, so no input (e.g. `https://a|<https://evil|click>`) can end the link early or
 * choose its label.
 */
export function link(url: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(url)) return escape(url);
  const target = url.replace(/[<>|\s]/g, encodeURIComponent).replace(/&/g, '&amp;');
  return `<${target}|${escape(url)}>`;
}

/** Cuts `text` to at most `max` UTF-16 units ending in …, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * Fits any message (built or a raw `payload`) into Slack's limits: at most 50 blocks in the
 * message (top level and attachments together), text objects, fields and context elements cut
 * to their maximum. Unknown block types are left alone.
 */
export function clampMessage(message: Message): Message {
  let budget = LIMITS.blocks;
  const clampList = (blocks: Block[] | undefined): Block[] | undefined => {
    if (!Array.isArray(blocks)) return blocks;
    const kept = blocks.slice(0, Math.max(0, budget)).map(clampBlock);
    if (kept.length < blocks.length && kept.length > 0) {
      // The last slot says what was dropped, so a reader knows the message is not complete.
      kept[kept.length - 1] = {
        type: 'context',
        elements: [
          mrkdwn(`_${blocks.length - kept.length + 1} more blocks not shown (Slack's limit is 50)_`),
        ],
      };
    }
    budget -= kept.length;
    return kept;
  };
  const result: Message = { ...message, text: truncate(String(message.text ?? ''), LIMITS.text) };
  if (message.blocks !== undefined) result.blocks = clampList(message.blocks);
  if (Array.isArray(message.attachments)) {
    result.attachments = message.attachments.map((attachment) =>
      attachment.blocks === undefined ? attachment : { ...attachment, blocks: clampList(attachment.blocks) },
    );
  }
  return result;
}

function clampBlock(block: Block): Block {
  const result: Block = { ...block };
  const maxText = block['type'] === 'header' ? LIMITS.header : LIMITS.text;
  if (isText(block['text'])) result['text'] = clampText(block['text'], maxText);
  if (Array.isArray(block['fields'])) {
    const fields = block['fields'].slice(0, LIMITS.fieldsPerSection);
    result['fields'] = fields.map((f) => (isText(f) ? clampText(f, LIMITS.field) : f));
  }
  if (block['type'] === 'context' && Array.isArray(block['elements'])) {
    const elements = block['elements'].slice(0, LIMITS.contextElements);
    result['elements'] = elements.map((e) => (isText(e) ? clampText(e, LIMITS.text) : e));
  }
  return result;
}

interface TextObject {
  type: string;
  text: string;
}

function isText(value: unknown): value is TextObject {
  const object = value as TextObject | undefined;
  return (
    typeof object === 'object' &&
    object !== null &&
    (object.type === 'mrkdwn' || object.type === 'plain_text') &&
    typeof object.text === 'string'
  );
}

function clampText(text: TextObject, max: number): TextObject {
  return { ...text, text: truncate(text.text, max) };
}

/**
 * A raw `payload`: a message object (text, blocks, attachments …) or a bare list of blocks.
 * Returns an error message for anything else.
 */
export function messageFromPayload(payload: unknown, fallbackText: string): Message | string {
  if (Array.isArray(payload)) return clampMessage({ text: fallbackText, blocks: payload as Block[] });
  if (typeof payload !== 'object' || payload === null) {
    return 'must be a JSON object (a message with text, blocks or attachments) or an array of blocks';
  }
  const message = payload as Message;
  for (const key of ['blocks', 'attachments'] as const) {
    if (message[key] !== undefined && !Array.isArray(message[key])) return `"${key}" must be an array`;
  }
  return clampMessage({ ...message, text: typeof message.text === 'string' ? message.text : fallbackText });
}
