import { regionInput } from '../lib/aws.ts';
import { parseCommand } from '../lib/command.ts';
import { booleanInput, multilineInput, numberInput, optionalInput, requiredInput } from '../lib/inputs.ts';
import { parseEnvironmentLines } from '../lib/key-value.ts';
import { networkInputs } from '../lib/network.ts';
import type { OneOffTaskRequest } from '../lib/run-task-input.ts';

export interface Settings {
  region: string;
  taskDefinition: string;
  request: OneOffTaskRequest;
  streamLogs: boolean;
  timeoutMinutes: number;
  stopOnCancel: boolean;
}

export function getSettings(): Settings {
  const command = optionalInput('command');
  const container = optionalInput('container');
  return {
    region: regionInput(),
    taskDefinition: requiredInput('task-definition'),
    request: {
      cluster: requiredInput('cluster'),
      ...(container !== undefined && { container }),
      ...(command !== undefined && { command: parseCommand('command', command) }),
      environment: parseEnvironmentLines('environment', multilineInput('environment')),
      network: networkInputs(),
      startedBy: optionalInput('started-by') ?? 'adhoc-actions/run-migration-task',
    },
    streamLogs: booleanInput('stream-logs', true),
    timeoutMinutes: numberInput('timeout-minutes', 30, { min: 0.05, max: 24 * 60 }),
    stopOnCancel: booleanInput('stop-on-cancel', true),
  };
}
