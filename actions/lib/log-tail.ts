import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LogDestination } from './awslogs.ts';
import { sleep } from './poll.ts';

/**
 * Follows one CloudWatch Logs stream from its first event: every event is handed to `onLines`
 * once and in order, however many pages arrive between two polls. GetLogEvents hands back the
 * token it was given when there is nothing newer, which is how a poll knows it is caught up.
 */
export class LogTailer {
  private readonly logs: CloudWatchLogsClient;
  private readonly destination: LogDestination;
  private readonly onLines: (lines: string[]) => void;
  private nextToken: string | undefined;
  /** Events handed out so far. */
  count = 0;

  constructor(logs: CloudWatchLogsClient, destination: LogDestination, onLines: (lines: string[]) => void) {
    this.logs = logs;
    this.destination = destination;
    this.onLines = onLines;
  }

  /**
   * Reads every page available now; returns how many new events there were. A failed page
   * throws with the token of the last page read kept, so the next poll resumes right there.
   */
  async poll(signal?: AbortSignal): Promise<number> {
    const before = this.count;
    for (;;) {
      let page;
      try {
        page = await this.logs.send(
          new GetLogEventsCommand({
            logGroupName: this.destination.group,
            logStreamName: this.destination.stream,
            startFromHead: true,
            ...(this.nextToken !== undefined && { nextToken: this.nextToken }),
          }),
          { ...(signal && { abortSignal: signal }) },
        );
      } catch (error) {
        // The awslogs driver creates the stream when the container starts.
        if (error instanceof Error && error.name === 'ResourceNotFoundException') break;
        throw error;
      }
      const lines = (page.events ?? []).map((event) => event.message ?? '');
      if (lines.length > 0) {
        this.count += lines.length;
        this.onLines(lines);
      }
      const caughtUp = page.nextForwardToken === undefined || page.nextForwardToken === this.nextToken;
      this.nextToken = page.nextForwardToken;
      if (caughtUp) break;
    }
    return this.count - before;
  }

  /**
   * After the task stopped: read to the end, then again after `graceMs` in case the last lines
   * were still being ingested, until a poll brings nothing (at most `rounds` times).
   */
  async drain(graceMs: number, rounds = 5): Promise<void> {
    await this.poll();
    for (let i = 0; i < rounds; i++) {
      await sleep(graceMs);
      if ((await this.poll()) === 0) return;
    }
  }
}
