import * as core from '@actions/core';
import { ecsClient, logsClient } from '../lib/aws.ts';
import { DeploymentFailure } from '../lib/errors.ts';
import { captureTask, newReport, writeFailureReport } from '../lib/failure-report.ts';
import { s3Keeper, type ReportKeeper } from '../lib/report-store.ts';
import { prepareOneOffTask, runOneOffTask, type PreparedTask } from '../lib/one-off-task.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { taskId } from '../lib/task-outcome.ts';
import { ifRunningInput } from './if-running.ts';
import { getSettings } from './settings.ts';

export async function main(): Promise<void> {
  // Outputs are written even when the step fails or gives up: empty until known.
  core.setOutput('task-arn', '');
  core.setOutput('exit-code', '');
  core.setOutput('failure-report', '');
  core.setOutput('failure-report-url', '');
  const settings = getSettings();
  const keep = s3Keeper(settings);
  const ifRunning = ifRunningInput();
  const ecs = ecsClient(settings.region);
  const logs = logsClient(settings.region);
  const prepared = await prepareOneOffTask(ecs, settings.taskDefinition, settings.request);

  // A cancelled job gets SIGINT, then SIGTERM: stop the task rather than leave it running.
  const cancel = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => cancel.abort());

  const started = Date.now();
  let taskArn: string | undefined;
  // A task that timed out or could not be watched is reported too; the step keeps its own error.
  const result = await runOneOffTask(ecs, logs, prepared, {
    streamLogs: settings.streamLogs,
    timeoutMs: settings.timeoutMinutes * 60_000,
    stopOnCancel: settings.stopOnCancel,
    ifRunning,
    signal: cancel.signal,
    onStarted: (arn) => {
      taskArn = arn;
      core.setOutput('task-arn', arn);
    },
  }).catch(async (error: unknown) => {
    if (taskArn) await captureFailure(ecs, logs, prepared, taskArn, keep);
    throw error;
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
    await captureFailure(ecs, logs, prepared, result.taskArn, keep);
    const tail =
      result.lastLines.length > 0
        ? `\nLast log lines:\n${result.lastLines.map((l) => `  ${l}`).join('\n')}`
        : '';
    throw new DeploymentFailure(result.message + tail);
  }
  core.info(result.message);
}

/** The failed task's stop data and last log lines, read at once: ECS forgets it within the hour. */
async function capture(
  ecs: ReturnType<typeof ecsClient>,
  logs: ReturnType<typeof logsClient>,
  prepared: PreparedTask,
  taskArn: string,
  keep: ReportKeeper | undefined,
): Promise<void> {
  const cluster = prepared.input.cluster!;
  const failure = newReport('run-migration-task', cluster);
  failure.task = await captureTask(
    {
      ecs,
      logs,
      // The task runs the prepared revision: its log configuration is already at hand.
      taskDefinition: async (arn) =>
        arn === prepared.definition.taskDefinitionArn ? prepared.definition : undefined,
    },
    cluster,
    taskArn,
    failure.errors,
  );
  await writeFailureReport(failure, keep);
}

/** The report never replaces the step's own error. */
function captureFailure(...args: Parameters<typeof capture>): Promise<void> {
  return capture(...args).catch((error: unknown) =>
    core.warning(`Could not write the failure report: ${(error as Error).message}`),
  );
}
