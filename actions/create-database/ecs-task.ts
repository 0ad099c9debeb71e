import * as core from '@actions/core';
import { ecsClient, logsClient } from '../lib/aws.ts';
import { ConfigurationError, DeploymentFailure } from '../lib/errors.ts';
import { prepareOneOffTask, runOneOffTask } from '../lib/one-off-task.ts';
import { printUntrusted } from '../lib/output.ts';
import type { Outcome } from './direct.ts';
import type { DatabaseRequest, Mode } from './settings.ts';
import { MARKER, psqlScript } from './sql.ts';

/**
 * mode: ecs-task — psql runs the script of sql.ts in a one-off task inside the VPC. The script
 * travels in an environment variable and reaches psql through `printf | psql`, so no shell ever
 * parses it; psql connects with the task's own PGHOST/PGUSER/PGPASSWORD (its task definition's
 * environment and secrets).
 */

export const SCRIPT_VARIABLE = 'CREATE_DATABASE_SQL';
export const COMMAND = [
  'sh',
  '-c',
  `printf '%s' "$${SCRIPT_VARIABLE}" | psql -X -q -A -t -v ON_ERROR_STOP=1`,
];

export async function runInTask(
  mode: Extract<Mode, { kind: 'ecs-task' }>,
  request: DatabaseRequest,
): Promise<Outcome> {
  const script = psqlScript(request);
  // The script carries the password only as a SCRAM verifier; still not for the log.
  for (const match of script.sql.matchAll(/SCRAM-SHA-256\$[^']+/g)) core.setSecret(match[0]);
  const ecs = ecsClient(mode.region);
  const logs = logsClient(mode.region);
  const prepared = await prepareOneOffTask(ecs, mode.taskDefinition, {
    ...mode.request,
    command: COMMAND,
    environment: [
      {
        ...(mode.request.container && { container: mode.request.container }),
        name: SCRIPT_VARIABLE,
        value: script.sql,
      },
    ],
  });
  core.info(`psql script:\n${script.display}`);

  const cancel = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => cancel.abort());
  const output: string[] = [];
  const result = await runOneOffTask(ecs, logs, prepared, {
    streamLogs: true,
    timeoutMs: mode.timeoutMinutes * 60_000,
    stopOnCancel: mode.stopOnCancel,
    signal: cancel.signal,
    // Another psql task of this family still running (the script travels in the environment,
    // so the command is the same for every database) is waited out, never run beside.
    ifRunning: 'wait',
    // psql is done in a second or two: look twice as often as run-migration-task does.
    pollMs: 500,
    onLines: (lines) => {
      output.push(...lines);
      printUntrusted(lines);
    },
  });
  if (!result.succeeded) {
    // psql's own words say more than the exit code: the first ERROR line, our checks' included.
    const error = output.find((line) => /\bERROR:/.test(line))?.replace(/^.*?ERROR:\s*/, '');
    if (error?.startsWith('Input "')) throw new ConfigurationError(error);
    throw new DeploymentFailure(error ? `psql failed: ${error} (${result.message})` : result.message);
  }
  const existed = output.includes(MARKER.exists);
  if (!existed && !output.includes(MARKER.missing)) {
    throw new DeploymentFailure(
      `The task succeeded but its log does not show the script's output: is container "${prepared.container}" logging with awslogs?`,
    );
  }
  return { created: request.action === 'create' && !existed, existed };
}
