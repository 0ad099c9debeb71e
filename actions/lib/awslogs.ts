import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { TaskDefinition } from '@aws-sdk/client-ecs';

export interface LogDestination {
  group: string;
  stream: string;
}

/**
 * Where the awslogs driver writes a container's output: `<prefix>/<container>/<task id>` in the
 * group of the task definition's logConfiguration; undefined when the container does not use it.
 */
export function logDestination(
  taskDefinition: TaskDefinition,
  container: string,
  taskArn: string,
): LogDestination | undefined {
  const config = taskDefinition.containerDefinitions?.find((c) => c.name === container)?.logConfiguration;
  const group = config?.options?.['awslogs-group'];
  if (config?.logDriver !== 'awslogs' || !group) return undefined;
  const prefix = config.options?.['awslogs-stream-prefix'];
  const taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1);
  return { group, stream: prefix ? `${prefix}/${container}/${taskId}` : taskId };
}

/** The last `count` lines of a stream (empty when it does not exist): what a crash left behind. */
export async function lastLogLines(
  logs: CloudWatchLogsClient,
  { group, stream }: LogDestination,
  count: number,
): Promise<string[]> {
  try {
    const page = await logs.send(
      new GetLogEventsCommand({
        logGroupName: group,
        logStreamName: stream,
        limit: count,
        startFromHead: false,
      }),
    );
    return (page.events ?? []).map((event) => event.message ?? '');
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return [];
    throw error;
  }
}
