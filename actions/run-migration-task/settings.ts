import { regionInput } from '../lib/aws.ts';
import { parseCommand } from '../lib/command.ts';
import {
  booleanInput,
  checkOverridesSize,
  clusterInput,
  containerInput,
  multilineInput,
  numberInput,
  optionalInput,
  startedByInput,
  taskDefinitionInput,
} from '../lib/inputs.ts';
import { parseEnvironmentLines } from '../lib/key-value.ts';
import { networkInputs } from '../lib/network.ts';
import { reportStoreInput, type ReportStore } from '../lib/report-store.ts';
import type { OneOffTaskRequest } from '../lib/run-task-input.ts';

export interface Settings {
  region: string;
  taskDefinition: string;
  request: OneOffTaskRequest;
  streamLogs: boolean;
  timeoutMinutes: number;
  stopOnCancel: boolean;
  /** Where a failure report is kept besides the runner (a protected environment's tier). */
  reportStore?: ReportStore;
}

export function getSettings(): Settings {
  const commandText = optionalInput('command');
  const container = containerInput();
  const command = commandText === undefined ? undefined : parseCommand('command', commandText);
  const environment = parseEnvironmentLines('environment', multilineInput('environment'));
  // The overrides RunTask will get, give or take the container's name when none is given.
  checkOverridesSize(commandText !== undefined ? 'command' : 'environment', [
    { name: container ?? '', ...(command && { command }), environment },
  ]);
  const reportStore = reportStoreInput();
  return {
    region: regionInput(),
    taskDefinition: taskDefinitionInput(),
    request: {
      cluster: clusterInput(),
      ...(container !== undefined && { container }),
      ...(command !== undefined && { command }),
      environment,
      network: networkInputs(),
      startedBy: startedByInput('adhoc-actions/run-migration-task'),
    },
    streamLogs: booleanInput('stream-logs', true),
    timeoutMinutes: numberInput('timeout-minutes', 30, { min: 0.05, max: 24 * 60 }),
    stopOnCancel: booleanInput('stop-on-cancel', true),
    ...(reportStore && { reportStore }),
  };
}
