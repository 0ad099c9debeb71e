import * as core from '@actions/core';
import { ConfigurationError } from '../lib/errors.ts';
import { buildMessage, githubContext, messageFromPayload, type Message } from './message.ts';
import { callApi, postWebhook, SlackError, type PostResult } from './slack.ts';
import { getSettings, type Settings, type Target } from './settings.ts';

export async function main(): Promise<void> {
  const settings = getSettings();
  const message = render(settings);
  const { target } = settings;
  // An update that fails still hands its message on, so a later step can update it again.
  const previous = target.kind === 'update' ? { ts: target.ts, channel: target.channelId } : {};
  let result: PostResult;
  try {
    result = await deliver(target, message);
  } catch (error) {
    if (!(error instanceof SlackError) || settings.failOnError) throw error;
    // Slack being down or refusing the message never fails a deploy unless asked to.
    core.warning(`Slack notification not sent: ${error.message}`);
    result = previous;
  }
  core.setOutput('message-ts', result.ts ?? '');
  core.setOutput('channel-id', result.channel ?? '');
}

function render(settings: Settings): Message {
  const built = buildMessage({ ...settings, github: githubContext(process.env) });
  if (settings.payload === undefined) return built;
  const message = messageFromPayload(settings.payload, built.text);
  if (typeof message === 'string') throw new ConfigurationError(`Input "payload" ${message}.`);
  return message;
}

async function deliver(target: Target, message: Message): Promise<PostResult> {
  switch (target.kind) {
    case 'webhook':
      await postWebhook(target.url, message);
      core.info('Posted the message to the Slack webhook.');
      return {};
    case 'post': {
      const result = await callApi(target.apiUrl, 'chat.postMessage', target.token, {
        ...message,
        channel: target.channel,
      });
      core.info(`Posted the message to ${result.channel} (ts ${result.ts}).`);
      return result;
    }
    case 'update': {
      // chat.update keeps attachments it is not sent: a raw payload replacing the built message
      // (which lives in an attachment) would otherwise show both.
      const result = await callApi(target.apiUrl, 'chat.update', target.token, {
        attachments: [],
        ...message,
        channel: target.channelId,
        ts: target.ts,
      });
      core.info(`Updated message ${target.ts} in ${target.channelId}.`);
      return { ts: result.ts ?? target.ts, channel: result.channel ?? target.channelId };
    }
  }
}
