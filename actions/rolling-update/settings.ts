import { checkRoleArn } from '../lib/role-session.ts';
import { regionInput } from '../lib/aws.ts';
import { ConfigurationError } from '../lib/errors.ts';
import {
  booleanInput,
  choiceInput,
  clusterInput,
  jsonInput,
  multilineInput,
  numberInput,
  optionalInput,
} from '../lib/inputs.ts';
import { reportStoreInput, type ReportStore } from '../lib/report-store.ts';
import { parseServiceLines, parseTaskDefinitionsJson, type ServiceLine } from './plan.ts';

export interface Settings {
  region: string;
  cluster: string;
  services: ServiceLine[];
  /** family → task definition ARN (register-task-definition's `task-definition-arns`). */
  taskDefinitions?: Record<string, string>;
  wait: boolean;
  timeoutMs: number;
  forceNewDeployment: boolean;
  rollback: boolean;
  /**
   * Roll back at the first stopped task even when ECS would decide (circuit breaker or alarms
   * set to roll back); by default ECS's thresholds decide and a crash is a warning.
   */
  failFast: boolean;
  /** Start even over another release's rollout still in progress (a stuck one, knowingly). */
  startOver: boolean;
  /** Every read and check, the plan and each move's diff printed, no UpdateService. */
  dryRun: boolean;
  /** `paused`: done once every service is steady or paused at a PAUSE hook awaiting action. */
  waitUntil: 'steady' | 'paused';
  /** Re-assumed with a fresh GitHub OIDC token before each session ends (long bakes and pauses). */
  roleToAssume?: string;
  /** Where a failure report is kept besides the runner (a protected environment's tier). */
  reportStore?: ReportStore;
}

export function getSettings(): Settings {
  const roleToAssume = optionalInput('role-to-assume');
  const lines = multilineInput('services');
  if (lines.length === 0) throw new ConfigurationError('Input "services" is required.');
  const taskDefinitions = parseTaskDefinitionsJson(jsonInput('task-definitions'));
  const reportStore = reportStoreInput();
  return {
    region: regionInput(),
    cluster: clusterInput(),
    services: parseServiceLines(lines),
    ...(taskDefinitions && { taskDefinitions }),
    wait: booleanInput('wait', true),
    timeoutMs: numberInput('timeout-minutes', 15, { min: 0.05, max: 360 }) * 60_000,
    forceNewDeployment: booleanInput('force-new-deployment', false),
    rollback: booleanInput('rollback', true),
    failFast: booleanInput('fail-fast', false),
    startOver: booleanInput('start-over', false),
    dryRun: booleanInput('dry-run', false),
    waitUntil: choiceInput('wait-until', ['steady', 'paused'] as const, 'steady'),
    ...(roleToAssume && { roleToAssume: checkRoleArn('role-to-assume', roleToAssume) }),
    ...(reportStore && { reportStore }),
  };
}
