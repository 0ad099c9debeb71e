import * as core from '@actions/core';
import { ContinueServiceDeploymentCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { ecsClient, logsClient } from '../lib/aws.ts';
import { s3Keeper } from '../lib/report-store.ts';
import { roleSession } from '../lib/role-session.ts';
import { DeploymentFailure, errorMessage } from '../lib/errors.ts';
import { decide, type DecideSettings, type Ending, type Rollout } from '../lib/rollout/decide.ts';
import { sdkGateway } from '../lib/rollout/gateway.ts';
import { watchRollouts } from '../lib/rollout/loop.ts';
import type { PausedHook } from '../lib/service-deployments.ts';
import { describeTaskDefinition } from '../lib/task-definitions.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { recordOutcomes, targetsOf } from './aftermath.ts';
import { getSettings } from './settings.ts';

/**
 * Acts on service deployments paused at a PAUSE hook (rolling-update's `paused` output):
 * ContinueServiceDeployment with CONTINUE or ROLLBACK for each, then the rollout loop
 * (lib/rollout) follows each until it has ended or paused again.
 */

type Status = Ending;

/** Never a rollback of our own: the action asked for is all this step does; a new pause ends the follow. */
const NO_ROLLBACK: DecideSettings = {
  rollback: false,
  failFast: false,
  waitUntil: 'paused',
  follower: true,
};

interface Follow extends Rollout {
  hook: PausedHook;
}

export async function main(): Promise<void> {
  const settings = getSettings();
  // A bake time can outlast the one-hour OIDC session: renew it before it ends.
  const session = settings.roleToAssume ? roleSession(settings.region, settings.roleToAssume) : undefined;
  const ecs = ecsClient(settings.region, session, 'standard');
  const logs = logsClient(settings.region, session);
  const action = settings.action === 'rollback' ? 'ROLLBACK' : 'CONTINUE';
  const hooks = Object.entries(settings.paused);
  // Read before continuing: the revision each service moves to (for release history and the report).
  const targets = await targetsOf(
    ecs,
    hooks.map(([service, hook]) => ({ service, serviceDeploymentArn: hook.serviceDeploymentArn })),
  ).catch((error: unknown) => {
    core.warning(`Could not read the services' target revisions: ${errorMessage(error)}`);
    return new Map<string, string>();
  });
  const startedAt = Date.now();
  let follows = hooks.map(([service, hook]) =>
    following(service, hook, targets.get(service), action, startedAt),
  );

  core.info(`${action} for ${follows.length} paused service deployment${follows.length === 1 ? '' : 's'}:`);
  follows = await Promise.all(
    follows.map(async (f) => {
      try {
        await send(ecs, f.hook, action);
        core.info(`  ${f.name}: ${action} sent at ${f.hook.stage} (hook ${f.hook.hookId}).`);
        return f;
      } catch (error) {
        const refused = decide(
          f,
          { kind: 'start-refused', detail: `ContinueServiceDeployment failed: ${errorMessage(error)}` },
          NO_ROLLBACK,
          Date.now(),
        );
        for (const call of refused.calls) if (call.call === 'say') core.error(call.text);
        return refused.state;
      }
    }),
  );

  // The same loop and decisions as rolling-update's, reading only the service deployments (they
  // may span clusters): outages waited out until the timeout, cancel and timeout reported per service.
  const cancel = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => cancel.abort());
  follows = await watchRollouts(
    sdkGateway({
      ecs,
      logs,
      // Only service deployments are read (describeServices: false): no call names a cluster.
      cluster: '',
      taskDefinition: async (arn) => (await describeTaskDefinition(ecs, arn))?.taskDefinition,
    }),
    follows,
    {
      settings: NO_ROLLBACK,
      timeoutMs: settings.timeoutMs,
      describeServices: false,
      signal: cancel.signal,
    },
  );
  const good = goodStatuses(settings.action);
  // Never replaces the step's own error.
  await recordOutcomes(
    ecs,
    logs,
    follows.map((f) => ({
      service: f.name,
      serviceDeploymentArn: f.hook.serviceDeploymentArn,
      ...(f.target && { target: f.target }),
      ...(f.deploymentStartedAt && { startedAt: f.deploymentStartedAt }),
      failed: !good.includes(f.status as Status),
      released: f.status === 'steady',
      stagesSeen: f.stages ?? [],
    })),
    s3Keeper(settings, session),
  ).catch((error: unknown) => core.warning(`Could not record the outcome: ${errorMessage(error)}`));
  await report(follows, settings.action);
}

/** A paused deployment as a rollout to follow: a ROLLBACK is followed as a rollback already under way. */
function following(
  service: string,
  hook: PausedHook,
  target: string | undefined,
  action: 'CONTINUE' | 'ROLLBACK',
  startedAt: number,
): Follow {
  return {
    name: service,
    hook,
    target: target ?? '',
    // What the service ran before is ECS's to restore; the step never rolls back to it itself.
    previous: '',
    expected: { taskDefinition: target ?? '' },
    serviceDeploymentArn: hook.serviceDeploymentArn,
    answeredHook: hook.hookId,
    phase: action === 'ROLLBACK' ? 'rolling-back' : 'rolling',
    ...(action === 'ROLLBACK' && {
      detail: `rolled back at ${hook.stage} (ContinueServiceDeployment ROLLBACK)`,
    }),
    startedAt,
    seenEvents: new Set(),
    lastFailedTasks: 0,
    lastRunning: 0,
  };
}

/** What counts as success: a continue ends steady (or paused at a later hook), a rollback rolled back. */
const goodStatuses = (action: 'continue' | 'rollback'): Status[] =>
  action === 'rollback' ? ['rolled-back'] : ['steady', 'paused'];

function send(ecs: ECSClient, hook: PausedHook, action: 'CONTINUE' | 'ROLLBACK') {
  return ecs.send(
    new ContinueServiceDeploymentCommand({
      serviceDeploymentArn: hook.serviceDeploymentArn,
      hookId: hook.hookId,
      action,
    }),
  );
}

async function report(follows: Follow[], action: 'continue' | 'rollback'): Promise<void> {
  core.setOutput(
    'results',
    JSON.stringify(
      Object.fromEntries(
        follows.map((f) => [
          f.name,
          {
            status: f.status,
            serviceDeploymentArn: f.hook.serviceDeploymentArn,
            seconds: f.seconds,
            ...(f.detail && { detail: f.detail }),
          },
        ]),
      ),
    ),
  );
  const paused = follows.filter((f) => f.paused);
  core.setOutput('paused', JSON.stringify(Object.fromEntries(paused.map((f) => [f.name, f.paused]))));
  await writeSummaryTable(
    action === 'rollback' ? 'Deployment rolled back' : 'Deployment continued',
    ['Service', 'Status', 'Seconds', 'Detail'],
    follows.map((f) => [f.name, f.status, f.seconds, f.detail]),
  );
  const good = goodStatuses(action);
  const bad = follows.filter((f) => !good.includes(f.status as Status));
  if (bad.length > 0) {
    throw new DeploymentFailure(
      `${action === 'rollback' ? 'Rollback' : 'Continue'} failed for ${bad.length} of ${follows.length} services: ${bad.map((f) => `${f.name} ${f.status}${f.detail ? ` (${f.detail})` : ''}`).join('; ')}.`,
    );
  }
  core.info(
    action === 'rollback'
      ? `All ${follows.length} services are rolled back.`
      : `All ${follows.length} services are ${paused.length > 0 ? 'steady or paused again' : 'steady'}.`,
  );
}
