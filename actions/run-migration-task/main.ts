import * as core from '@actions/core';
import { ecsClient, logsClient } from '../lib/aws.ts';
import { DeploymentFailure } from '../lib/errors.ts';
import { prepareOneOffTask, runOneOffTask } from '../lib/one-off-task.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { taskId } from '../lib/task-outcome.ts';
import { ifRunningInput } from './if-running.ts';
import { getSettings } from './settings.ts';

export async function main(): Promise<void> {
  // Outputs are written even when the step fails or gives up: empty until known.
  core.setOutput('task-arn', '');
  core.setOutput('exit-code', '');
  const settings = getSettings();
  const ifRunning = ifRunningInput();
  const ecs = ecsClient(settings.region);
  const logs = logsClient(settings.region);
  const prepared = await prepareOneOffTask(ecs, settings.taskDefinition, settings.request);

  // A cancelled job gets SIGINT, then SIGTERM: stop the task rather than leave it running.
  const cancel = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => cancel.abort());

  const started = Date.now();
  const result = await runOneOffTask(ecs, logs, prepared, {
    streamLogs: settings.streamLogs,
    timeoutMs: settings.timeoutMinutes * 60_000,
    stopOnCancel: settings.stopOnCancel,
    ifRunning,
    signal: cancel.signal,
    onStarted: (taskArn) => core.setOutput('task-arn', taskArn),
  });
  core.setOutput('exit-code', result.exitCode === undefined ? '' : String(result.exitCode));
  core.setOutput('stopped-reason', result.stoppedReason);
  const command = settings.request.command?.join(' ') ?? '(task definition command)';
  await writeSummaryTable(
    'One-off task',
    ['Task', 'Task definition', 'Command', 'Exit code', 'Seconds', 'Result'],
    [
      [
        taskId(result.taskArn),
        `${prepared.definition.family}:${prepared.definition.revision}`,
        command,
        result.exitCode,
        Math.round((Date.now() - started) / 1000),
        result.succeeded ? 'succeeded' : [result.message, result.lastLines.at(-1)].filter(Boolean).join(' '),
      ],
    ],
  );
  if (!result.succeeded) {
    const tail =
      result.lastLines.length > 0
        ? `\nLast log lines:\n${result.lastLines.map((l) => `  ${l}`).join('\n')}`
        : '';
    throw new DeploymentFailure(result.message + tail);
  }
  core.info(result.message);
}
