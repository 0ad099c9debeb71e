import { checkRoleArn } from '../lib/role-session.ts';
import { regionInput } from '../lib/aws.ts';
import { ConfigurationError } from '../lib/errors.ts';
import { choiceInput, jsonInput, numberInput, optionalInput } from '../lib/inputs.ts';
import { reportStoreInput, type ReportStore } from '../lib/report-store.ts';
import type { PausedHook } from '../lib/service-deployments.ts';

export interface Settings {
  region: string;
  /** service → where its deployment waits (rolling-update's `paused` output). */
  paused: Record<string, PausedHook>;
  action: 'continue' | 'rollback';
  timeoutMs: number;
  /** Re-assumed with a fresh GitHub OIDC token before each session ends (long bakes and pauses). */
  roleToAssume?: string;
  /** Where a failure report is kept besides the runner (a protected environment's tier). */
  reportStore?: ReportStore;
}

const DEPLOYMENT_ARN = /^arn:aws[\w-]*:ecs:[a-z0-9-]+:\d{12}:service-deployment\/[\w-]+\/[\w-]+\/[\w-]+$/;

/** rolling-update's `paused` output, checked entry by entry before any ContinueServiceDeployment. */
export function parsePaused(value: unknown): Record<string, PausedHook> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      'Input "paused" must be a JSON object from service to paused hook (rolling-update\'s paused output).',
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0)
    throw new ConfigurationError('Input "paused" names no paused service deployment.');
  for (const [service, hook] of entries) {
    const { serviceDeploymentArn, hookId } = (hook ?? {}) as Partial<PausedHook>;
    if (typeof serviceDeploymentArn !== 'string' || !DEPLOYMENT_ARN.test(serviceDeploymentArn)) {
      throw new ConfigurationError(`Input "paused": service "${service}" has no valid serviceDeploymentArn.`);
    }
    if (typeof hookId !== 'string' || hookId === '') {
      throw new ConfigurationError(`Input "paused": service "${service}" has no hookId.`);
    }
  }
  return value as Record<string, PausedHook>;
}

export function getSettings(): Settings {
  const roleToAssume = optionalInput('role-to-assume');
  const reportStore = reportStoreInput();
  return {
    region: regionInput(),
    paused: parsePaused(jsonInput('paused') ?? {}),
    action: choiceInput('action', ['continue', 'rollback'] as const, 'continue'),
    timeoutMs: numberInput('timeout-minutes', 30, { min: 0.05, max: 360 }) * 60_000,
    ...(roleToAssume && { roleToAssume: checkRoleArn('role-to-assume', roleToAssume) }),
    ...(reportStore && { reportStore }),
  };
}
