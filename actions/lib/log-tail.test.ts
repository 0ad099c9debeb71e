import { beforeEach, expect, test } from '@jest/globals';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { LogTailer } from './log-tail.ts';

const logs = mockClient(CloudWatchLogsClient);
const page = (messages: string[], token: string) => ({
  events: messages.map((message) => ({ message, timestamp: 0 })),
  nextForwardToken: token,
});
let printed: string[];
let tailer: LogTailer;

beforeEach(() => {
  logs.reset();
  printed = [];
  tailer = new LogTailer(
    new CloudWatchLogsClient({ region: 'us-east-1' }),
    { group: 'g', stream: 's' },
    (lines) => printed.push(...lines),
  );
});

test('reads pages until the forward token repeats, then resumes from it', async () => {
  logs
    .on(GetLogEventsCommand)
    .resolvesOnce(page(['a', 'b'], 'f/1'))
    .resolvesOnce(page([], 'f/2')) // an empty page with a new token is not the end
    .resolvesOnce(page(['c'], 'f/3'))
    .resolvesOnce(page([], 'f/3'))
    .resolvesOnce(page(['d'], 'f/4'))
    .resolvesOnce(page([], 'f/4'));

  expect(await tailer.poll()).toBe(3);
  expect(await tailer.poll()).toBe(1);
  expect(printed).toEqual(['a', 'b', 'c', 'd']);
  const tokens = logs.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input.nextToken);
  expect(tokens).toEqual([undefined, 'f/1', 'f/2', 'f/3', 'f/3', 'f/4']);
  expect(logs.commandCalls(GetLogEventsCommand).every((call) => call.args[0].input.startFromHead)).toBe(true);
});

test('a stream that does not exist yet is no lines, not an error', async () => {
  logs.on(GetLogEventsCommand).rejects(
    Object.assign(new Error('The specified log stream does not exist.'), {
      name: 'ResourceNotFoundException',
    }),
  );
  expect(await tailer.poll()).toBe(0);
});

test('other errors are thrown', async () => {
  logs.on(GetLogEventsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  await expect(tailer.poll()).rejects.toThrow('denied');
});

test('drain picks up lines ingested after the first read', async () => {
  logs
    .on(GetLogEventsCommand)
    .resolvesOnce(page(['a'], 'f/1'))
    .resolvesOnce(page([], 'f/1'))
    .resolvesOnce(page(['late'], 'f/2'))
    .resolvesOnce(page([], 'f/2'))
    .resolves(page([], 'f/2'));
  await tailer.drain(1);
  expect(printed).toEqual(['a', 'late']);
});
