import { AwsError, resourceNotFound } from './errors.ts';
import type { Operations } from './protocol.ts';
import type { EmulatorState, Json, LogEvent } from './state.ts';

/**
 * CloudWatch Logs as GetLogEvents has it: pages of at most 10,000 events or 1 MB (each event
 * counts its UTF-8 size plus 26 bytes), forward/backward tokens, and at the end of a stream the
 * forward token handed back unchanged — the signal a tailer uses to know it is caught up.
 */

export const MAX_EVENTS = 10_000;
export const MAX_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;

export function appendLogEvents(
  state: EmulatorState,
  group: string,
  stream: string,
  messages: string[],
): void {
  const streams = state.logGroups.get(group) ?? new Map<string, LogEvent[]>();
  state.logGroups.set(group, streams);
  const events = streams.get(stream) ?? [];
  streams.set(stream, events);
  const now = Date.now();
  for (const message of messages) events.push({ timestamp: now, message, ingestionTime: now });
}

function streamEvents(state: EmulatorState, input: Json): LogEvent[] {
  const group = String(input['logGroupName'] ?? input['logGroupIdentifier'] ?? '');
  const streams = state.logGroups.get(group);
  if (!streams) throw resourceNotFound('The specified log group does not exist.');
  const events = streams.get(String(input['logStreamName'] ?? ''));
  if (!events) throw resourceNotFound('The specified log stream does not exist.');
  return events;
}

const token = (direction: 'f' | 'b', index: number) => `${direction}/${String(index).padStart(56, '0')}`;

function parseToken(value: unknown): { direction: 'f' | 'b'; index: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^([fb])\/(\d{56})$/.exec(String(value));
  if (!match) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  return { direction: match[1] as 'f' | 'b', index: Number(match[2]) };
}

/** How many events from `start` fit one page going forward. */
function pageForward(events: LogEvent[], start: number, limit: number): number {
  let bytes = 0;
  let end = start;
  while (end < events.length && end - start < limit) {
    bytes += Buffer.byteLength(events[end]!.message) + EVENT_OVERHEAD;
    if (bytes > MAX_BYTES) break;
    end++;
  }
  return end;
}

/** How many events before `end` fit one page going backward. */
function pageBackward(events: LogEvent[], end: number, limit: number): number {
  let bytes = 0;
  let start = end;
  while (start > 0 && end - start < limit) {
    bytes += Buffer.byteLength(events[start - 1]!.message) + EVENT_OVERHEAD;
    if (bytes > MAX_BYTES) break;
    start--;
  }
  return start;
}

export const logsOperations: Operations = {
  GetLogEvents(state, input) {
    const all = streamEvents(state, input);
    const startTime = input['startTime'] as number | undefined;
    const endTime = input['endTime'] as number | undefined;
    const events = all.filter(
      (e) =>
        (startTime === undefined || e.timestamp >= startTime) &&
        (endTime === undefined || e.timestamp < endTime),
    );
    const limit = Math.min(Number(input['limit'] ?? MAX_EVENTS), MAX_EVENTS);
    if (limit < 1) throw new AwsError('InvalidParameterException', 'limit must be at least 1.');
    const given = parseToken(input['nextToken']);
    const forward = given ? given.direction === 'f' : input['startFromHead'] === true;
    let start: number;
    let end: number;
    if (forward) {
      start = given?.index ?? 0;
      end = pageForward(events, start, limit);
    } else {
      end = given?.index ?? events.length;
      start = pageBackward(events, end, limit);
    }
    return {
      events: events
        .slice(start, end)
        .map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime })),
      // At the end of the stream the forward token is the one given: nothing newer yet.
      nextForwardToken: token('f', end),
      nextBackwardToken: token('b', start),
    };
  },

  DescribeLogStreams(state, input) {
    const group = String(input['logGroupName'] ?? input['logGroupIdentifier'] ?? '');
    const streams = state.logGroups.get(group);
    if (!streams) throw resourceNotFound('The specified log group does not exist.');
    const prefix = String(input['logStreamNamePrefix'] ?? '');
    return {
      logStreams: [...streams.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .map(([logStreamName, events]) => ({
          logStreamName,
          arn: state.arn('logs', `log-group:${group}:log-stream:${logStreamName}`),
          firstEventTimestamp: events[0]?.timestamp,
          lastEventTimestamp: events.at(-1)?.timestamp,
        })),
    };
  },
};
