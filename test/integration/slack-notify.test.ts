import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { runAction, type ActionRun } from '../../simulator/runner/run-action.ts';
import { startSlackServer, TOKEN, WEBHOOK_PATH, type SlackServer } from '../../simulator/slack/server.ts';

let slack: SlackServer;
const runs: ActionRun[] = [];

beforeEach(async () => {
  slack = await startSlackServer();
});
afterEach(async () => {
  await slack.stop();
  // Whatever a test did, no secret was printed (`::add-mask::` is how a secret reaches the runner).
  for (const run of runs.splice(0)) {
    const printed = `${run.stdout}\n${run.stderr}`
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain(WEBHOOK_PATH);
    expect(printed).not.toContain(WEBHOOK_PATH.split('/').at(-1));
  }
});

const GITHUB_ENV = {
  GITHUB_ACTOR: 'octocat',
  GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '987654',
  GITHUB_WORKFLOW: 'Deploy',
};

async function notify(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction('slack-notify', inputs, {
    env: { ...GITHUB_ENV, ACTIONS_STEP_DEBUG: 'true', ...env },
  });
  runs.push(run);
  return run;
}

const api = (inputs: Record<string, string>) =>
  notify({ token: TOKEN, channel: '#deploys', 'api-url': slack.apiUrl, ...inputs });
const warnings = (run: ActionRun) => run.stdout.split('\n').filter((line) => line.startsWith('::warning::'));
const content = (value: unknown) => JSON.stringify(value);

describe('slack-notify', () => {
  test('started then success with the returned message-ts leaves one message, updated', async () => {
    const started = await api({ status: 'started', environment: 'feature-abc', version: 'v41' });
    expect(started.errors).toEqual([]);
    expect(started.outputs).toEqual({
      'message-ts': expect.stringMatching(/^\d+\.\d+$/),
      'channel-id': 'C0DEPLOYS',
    });
    expect(content(slack.messages[0])).toContain(':rocket:');

    const done = await api({
      status: 'success',
      environment: 'feature-abc',
      version: 'v41',
      'message-ts': started.outputs['message-ts']!,
      'channel-id': started.outputs['channel-id']!,
    });
    expect(done.errors).toEqual([]);
    expect(done.outputs).toEqual(started.outputs);
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message!.updates).toBe(1);
    expect(content(message)).toContain(':white_check_mark:');
    expect(content(message)).not.toContain(':rocket:');
    expect(message!.attachments![0]!.color).toBe('#2EB67D');
  });

  test('the default message carries environment, status, URL, version, actor, commit and the run link', async () => {
    await api({
      status: 'failure',
      environment: 'production',
      url: 'https://shop.example.com',
      version: 'v2.3.4',
    });
    const text = content(slack.messages[0]);
    for (const expected of [
      'production',
      'failure',
      '<https://shop.example.com|https://shop.example.com>',
      'v2.3.4',
      'octocat',
      `https://github.com/acme/shop/commit/${GITHUB_ENV.GITHUB_SHA}|a1b2c3d`,
      'https://github.com/acme/shop/actions/runs/987654|Deploy #987654',
    ]) {
      expect(text).toContain(expected);
    }
  });

  test('webhook mode posts the message', async () => {
    const run = await notify({
      'webhook-url': slack.webhookUrl,
      status: 'success',
      environment: 'feature-abc',
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(slack.messages).toEqual([expect.objectContaining({ via: 'webhook', channel: 'C0DEPLOYS' })]);
    expect(content(slack.messages[0])).toContain('feature-abc');
    expect(run.outputs).toEqual({ 'message-ts': '', 'channel-id': '' });
  });

  test('429 is retried after Retry-After, then succeeds', async () => {
    slack.failNext({ status: 429, retryAfter: '1' });
    const run = await api({ status: 'started', environment: 'e' });
    expect(run.errors).toEqual([]);
    expect(warnings(run)).toEqual([]);
    expect(slack.messages).toHaveLength(1);
    const [limited, ok] = slack.requests;
    expect([limited!.status, ok!.status]).toEqual([429, 200]);
    expect(ok!.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  test('persistent 5xx: a warning and a green step by default, a red one with fail-on-error', async () => {
    slack.failAlways({ status: 503 });
    const lenient = await api({ status: 'success' });
    expect(lenient.exitCode).toBe(0);
    expect(lenient.errors).toEqual([]);
    expect(warnings(lenient)).toEqual([
      '::warning::Slack notification not sent: Slack chat.postMessage: HTTP 503 (after 4 attempts)',
    ]);
    expect(slack.requests).toHaveLength(4);

    const strict = await api({ status: 'success', 'fail-on-error': 'true' });
    expect(strict.exitCode).toBe(1);
    expect(strict.errors).toEqual(['Slack chat.postMessage: HTTP 503 (after 4 attempts)']);
    expect(slack.messages).toEqual([]);
  });

  test('a failed update still hands its message on', async () => {
    const started = await api({ status: 'started' });
    slack.failAlways({ status: 500 });
    const done = await api({
      status: 'success',
      'message-ts': started.outputs['message-ts']!,
      'channel-id': started.outputs['channel-id']!,
    });
    expect(done.exitCode).toBe(0);
    expect(done.outputs).toEqual(started.outputs);
  });

  test.each([
    ['channel_not_found', { channel: '#nowhere' }],
    ['invalid_auth', { token: 'xoxb-wrong' }],
  ])('ok: false (%s) is not retried and names the error', async (code, inputs) => {
    const lenient = await api({ status: 'success', ...inputs });
    expect(lenient.exitCode).toBe(0);
    expect(warnings(lenient)).toEqual([
      `::warning::Slack notification not sent: Slack chat.postMessage: ${code}`,
    ]);
    const strict = await api({ status: 'success', 'fail-on-error': 'true', ...inputs });
    expect(strict.errors).toEqual([`Slack chat.postMessage: ${code}`]);
    expect(slack.requests).toHaveLength(2);
  });

  test('long input is cut to fit Slack limits, not rejected', async () => {
    // 610 fields make 61 sections (over the 50 blocks), 10 of them over the 2,000 a field; an
    // environment variable holds at most 128 KiB, so the rest are short.
    const long = Array.from({ length: 10 }, (_, i) => `Long ${i}=${'v'.repeat(2500)}`);
    const short = Array.from({ length: 600 }, (_, i) => `F${i}=${i}`);
    const fields = [...long, ...short].join('\n');
    const run = await api({
      status: 'success',
      environment: 'e'.repeat(400),
      text: 'x'.repeat(20_000),
      fields,
    });
    expect(run.errors).toEqual([]);
    expect(warnings(run)).toEqual([]);
    // The server rejects a message over the limits the way Slack does (invalid_blocks).
    expect(slack.messages).toHaveLength(1);
    expect(content(slack.messages[0])).toContain(`${'x'.repeat(2990)}…`);
    expect(content(slack.messages[0])).toContain(`${'v'.repeat(1900)}…`);
    expect(content(slack.messages[0])).toContain('more blocks not shown');
  });

  test('a raw payload replaces the built message and an update drops the old attachment', async () => {
    const started = await api({ status: 'started' });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'custom *block*' } }];
    const run = await api({
      payload: JSON.stringify(blocks),
      'message-ts': started.outputs['message-ts']!,
      'channel-id': started.outputs['channel-id']!,
    });
    expect(run.errors).toEqual([]);
    expect(slack.messages[0]).toMatchObject({ blocks, attachments: [] });
  });

  test('<!channel> and a crafted link in the inputs arrive at Slack escaped, not as a mention or link', async () => {
    const run = await notify({
      'webhook-url': slack.webhookUrl,
      status: 'failure',
      environment: '<!channel>',
      url: '<https://evil.example|click>',
      text: 'see <https://evil.example|here> & <!here>',
      fields: 'PR=<https://evil.example|#1>',
    });
    expect(run.errors).toEqual([]);
    const posted = content(slack.messages[0]);
    expect(posted).toContain('&lt;!channel&gt;');
    expect(posted).toContain('&lt;https://evil.example|click&gt;');
    expect(posted).toContain('see &lt;https://evil.example|here&gt; &amp; &lt;!here&gt;');
    // Only in the plain_text header, which Slack shows literally; in mrkdwn never.
    expect(posted.match(/<!channel>/g)).toHaveLength(1);
    expect(posted).toContain('"type":"plain_text","text":":x: Deploy failed: <!channel>"');
    expect(posted).not.toContain('<https://evil.example');
    expect(posted).not.toContain('<!here>');
  });

  test('links: the failure report arrives as a working link; a non-http value is refused before posting', async () => {
    const report = 'https://github.com/o/r/actions/runs/7/artifacts/42';
    const run = await notify({
      'webhook-url': slack.webhookUrl,
      status: 'failure',
      links: `Failure report=${report}`,
    });
    expect(run.errors).toEqual([]);
    expect(content(slack.messages[0])).toContain(`*Failure report*\\n<${report}|${report}>`);

    const bad = await notify({ 'webhook-url': slack.webhookUrl, links: 'Report=javascript:alert(1)' });
    expect(bad.exitCode).toBe(1);
    expect(bad.errors).toEqual(['Input "links": "Report" is not an http(s) URL: "javascript:alert(1)".']);
    expect(slack.messages).toHaveLength(1);
  });

  test.each([
    ['webhook-url', 'http://hooks.example.com/services/T/B/secretpart'],
    ['webhook-url', 'ftp://127.0.0.1/services/T/B/secretpart'],
    ['webhook-url', 'https://user:secretpart@hooks.example.com/x'],
    ['api-url', 'http://slack.example.com/api/secretpart'],
    ['api-url', 'not a url secretpart'],
  ])('%s %p is refused before any request, without printing it', async (name, value) => {
    const run = await notify(
      name === 'api-url' ? { token: TOKEN, channel: '#deploys', 'api-url': value } : { [name]: value },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      `Input "${name}" must be an https URL (http only to localhost, 127.0.0.1 or [::1]); the value is not shown.`,
    ]);
    expect(
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain('secretpart');
    expect(slack.requests).toEqual([]);
  });

  test.each([
    [{ channel: '#deploys' }, 'Input "webhook-url" or "token" is required.'],
    [{ token: TOKEN }, 'Input "channel" is required with "token" (a channel name or ID).'],
    [
      { token: TOKEN, channel: 'deploys', status: 'ok' },
      'Input "status" must be one of started, success, failure, cancelled, got "ok".',
    ],
    [
      { token: TOKEN, 'message-ts': '1.2' },
      'Input "message-ts" needs "channel-id" (the channel-id output of the step that posted the message).',
    ],
    [
      { token: TOKEN, channel: 'deploys', payload: '{' },
      expect.stringMatching(/^Input "payload" is not valid JSON/),
    ],
  ])('a mistake in %p fails with one line, fail-on-error or not', async (inputs, error) => {
    const run = await notify({ 'api-url': slack.apiUrl, ...inputs });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([error]);
    expect(slack.requests).toEqual([]);
  });
});
