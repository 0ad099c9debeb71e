import { describe, expect, test } from '@jest/globals';
import {
  buildMessage,
  clampMessage,
  LIMITS,
  link,
  messageFromPayload,
  truncate,
  type Block,
  type MessageInput,
} from './message.ts';

const github = {
  actor: 'octocat',
  sha: '0123456789abcdef0123456789abcdef01234567',
  serverUrl: 'https://github.com',
  repository: 'acme/shop',
  runId: '42',
  workflow: 'Deploy',
};
const input = (extra: Partial<MessageInput> = {}): MessageInput => ({ fields: [], github, ...extra });
const blocksOf = (message: ReturnType<typeof buildMessage>) => message.attachments![0]!.blocks!;
const allText = (value: unknown) => JSON.stringify(value);

describe('buildMessage', () => {
  test('carries environment, status, URL, version, actor, commit and the run link', () => {
    const message = buildMessage(
      input({
        status: 'success',
        environment: 'feature-abc',
        url: 'https://abc.example.com',
        version: 'v1.2.3',
      }),
    );
    const text = allText(blocksOf(message));
    for (const expected of [
      'feature-abc',
      '*Status*\\nsuccess',
      '<https://abc.example.com|https://abc.example.com>',
      '`v1.2.3`',
      'octocat',
      '<https://github.com/acme/shop/commit/0123456789abcdef0123456789abcdef01234567|0123456>',
      '<https://github.com/acme/shop/actions/runs/42|Deploy #42>',
    ]) {
      expect(text).toContain(expected);
    }
    expect(message.text).toBe(':white_check_mark: Deployed feature-abc — https://abc.example.com');
  });

  test.each([
    ['started', ':rocket:', '#439FE0'],
    ['success', ':white_check_mark:', '#2EB67D'],
    ['failure', ':x:', '#E01E5A'],
    ['cancelled', ':no_entry_sign:', '#9E9E9E'],
  ] as const)('%s has its emoji and color', (status, emoji, color) => {
    const message = buildMessage(input({ status, environment: 'prod' }));
    expect(message.attachments![0]!.color).toBe(color);
    expect(blocksOf(message)[0]).toMatchObject({
      type: 'header',
      text: { text: expect.stringContaining(emoji) },
    });
  });

  test('a re-run links to its attempt', () => {
    const message = buildMessage(input({ github: { ...github, runAttempt: '3' } }));
    expect(allText(message)).toContain('/actions/runs/42/attempts/3|');
  });

  test('escapes & < > in every value it inserts: no mention or link can come from an input', () => {
    const message = buildMessage(
      input({
        status: 'failure',
        environment: '<!channel> a&b',
        url: '<https://evil|click>',
        version: '<!here>',
        text: '*bold* <https://x|x>',
        fields: [{ label: 'P<R', value: '<https://pr|#7> <@U123>' }],
      }),
    );
    const text = allText(message);
    expect(text).toContain('&lt;!channel&gt; a&amp;b');
    expect(text).toContain('*URL*\\n&lt;https://evil|click&gt;');
    expect(text).toContain('`&lt;!here&gt;`');
    expect(text).toContain('*bold* &lt;https://x|x&gt;');
    expect(text).toContain('*P&lt;R*\\n&lt;https://pr|#7&gt; &lt;@U123&gt;');
    // The notification text (mrkdwn as well).
    expect(message.text).toBe(
      ':x: Deploy failed: &lt;!channel&gt; a&amp;b — &lt;https://evil|click&gt; — *bold* &lt;https://x|x&gt;',
    );
    // Nothing an input gave is left unescaped in any mrkdwn text (the header is plain_text,
    // which Slack shows literally).
    const mrkdwnTexts = [message.text, ...text.matchAll(/"type":"mrkdwn","text":"((?:[^"\\]|\\.)*)"/g)].map(
      (m) => (typeof m === 'string' ? m : m[1]!),
    );
    expect(mrkdwnTexts.length).toBeGreaterThan(5);
    for (const raw of ['<!channel>', '<!here>', '<https://evil', '<@U123>', '<https://pr']) {
      for (const mrkdwnText of mrkdwnTexts) expect(mrkdwnText).not.toContain(raw);
    }
  });

  test.each([
    ['https://ok.example/a?b=1&c=2', '<https://ok.example/a?b=1&amp;c=2|https://ok.example/a?b=1&amp;c=2>'],
    [
      'https://ok.example/|<https://evil|click>',
      '<https://ok.example/%7C%3Chttps://evil%7Cclick%3E|https://ok.example/|&lt;https://evil|click&gt;>',
    ],
    ['javascript:alert(1)', 'javascript:alert(1)'],
  ])('link(%p): the label is the escaped URL and the target cannot be ended early', (url, expected) => {
    expect(link(url)).toBe(expected);
  });

  test('a link input is a labelled field whose value is the link, label escaped', () => {
    const url = 'https://github.com/o/r/actions/runs/1/artifacts/9';
    const message = buildMessage(input({ links: [{ label: 'Failure <report>', value: url }] }));
    const texts = blocksOf(message).flatMap((b) =>
      ((b['fields'] as { text: string }[] | undefined) ?? []).map((f) => f.text),
    );
    expect(texts).toContain(`*Failure &lt;report&gt;*\n<${url}|${url}>`);
  });

  test('splits many fields into sections of 10', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: String(i) }));
    const sections = blocksOf(buildMessage(input({ fields }))).filter((b) => b['fields']);
    expect(sections.map((s) => (s['fields'] as unknown[]).length)).toEqual([10, 10, 3]);
  });

  test('long input is cut to Slack limits, not dropped', () => {
    const fields = Array.from({ length: 600 }, (_, i) => ({ label: `F${i}`, value: 'v'.repeat(5000) }));
    const message = buildMessage(input({ environment: 'e'.repeat(500), text: 'x'.repeat(10_000), fields }));
    const blocks = blocksOf(message);
    expect(blocks).toHaveLength(LIMITS.blocks);
    expect((blocks[0]!['text'] as { text: string }).text).toHaveLength(LIMITS.header);
    const section = blocks[1]!['text'] as { text: string };
    expect(section.text).toHaveLength(LIMITS.text);
    expect(section.text.endsWith('…')).toBe(true);
    for (const block of blocks) {
      for (const field of (block['fields'] ?? []) as { text: string }[]) {
        expect(field.text.length).toBeLessThanOrEqual(LIMITS.field);
      }
    }
    expect(allText(blocks.at(-1))).toContain('more blocks not shown');
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.text);
  });
});

describe('truncate', () => {
  test('keeps short text and never splits a surrogate pair', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    const cut = truncate('a😀😀', 3);
    expect(cut).toBe('a…');
    expect(cut.length).toBeLessThanOrEqual(3);
  });
});

describe('payload', () => {
  test('an array is a list of blocks, an object a message; both are clamped', () => {
    const many: Block[] = Array.from({ length: 80 }, () => ({
      type: 'section',
      text: { type: 'mrkdwn', text: 'y'.repeat(4000) },
    }));
    const fromArray = messageFromPayload(many, 'fallback');
    expect(fromArray).toMatchObject({ text: 'fallback' });
    const blocks = (fromArray as { blocks: Block[] }).blocks;
    expect(blocks).toHaveLength(50);
    expect((blocks[0]!['text'] as { text: string }).text).toHaveLength(3000);

    expect(messageFromPayload({ text: 'hi', blocks: [{ type: 'divider' }] }, 'fallback')).toEqual({
      text: 'hi',
      blocks: [{ type: 'divider' }],
    });
  });

  test('anything else is an error', () => {
    expect(messageFromPayload('text', 'x')).toMatch(/must be a JSON object/);
    expect(messageFromPayload({ blocks: {} }, 'x')).toBe('"blocks" must be an array');
  });

  test('blocks in attachments count toward the 50', () => {
    const blocks: Block[] = Array.from({ length: 30 }, () => ({ type: 'divider' }));
    const clamped = clampMessage({ text: '', blocks, attachments: [{ blocks }] });
    expect(clamped.blocks!.length + clamped.attachments![0]!.blocks!.length).toBe(50);
  });
});
