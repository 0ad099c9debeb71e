import * as core from '@actions/core';
import { ContinueServiceDeploymentCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { ecsClient, logsClient } from '../lib/aws.ts';
import { roleSession } from '../lib/role-session.ts';
import { DeploymentFailure, errorMessage } from '../lib/errors.ts';
import { errorName, sleep, TransientReads } from '../lib/poll.ts';
import {
  describeServiceDeployments,
  describeStage,
  judge,
  type PausedHook,
} from '../lib/service-deployments.ts';
import { writeSummaryTable } from '../lib/summary.ts';
import { recordOutcomes, targetsOf } from './aftermath.ts';
import { getSettings } from './settings.ts';

/**
 * Acts on service deployments paused at a PAUSE hook (rolling-update's `paused` output):
 * ContinueServiceDeployment with CONTINUE or ROLLBACK for each, then one
 * DescribeServiceDeployments round a second (20 a call) until each has ended or paused again.
 */

const POLL_MS = 1000;

type Status = 'steady' | 'rolled-back' | 'paused' | 'failed' | 'timed-out' | 'cancelled';

interface Follow {
  service: string;
  hook: PausedHook;
  status?: Status;
  detail?: string;
  stage?: string;
  paused?: PausedHook;
  seconds?: number;
  target?: string;
  deploymentStartedAt?: number;
  stagesSeen: string[];
}

export async function main(): Promise<void> {
  const settings = getSettings();
  // A bake time can outlast the one-hour OIDC session: renew it before it ends.
  const session = settings.roleToAssume ? roleSession(settings.region, settings.roleToAssume) : undefined;
  const ecs = ecsClient(settings.region, session);
  const action = settings.action === 'rollback' ? 'ROLLBACK' : 'CONTINUE';
  const follows: Follow[] = Object.entries(settings.paused).map(([service, hook]) => ({
    service,
    hook,
    stagesSeen: [],
  }));
  // Read before continuing: the revision each service moves to (for release history and the report).
  const targets = await targetsOf(
    ecs,
    follows.map((f) => ({ service: f.service, serviceDeploymentArn: f.hook.serviceDeploymentArn })),
  ).catch((error: unknown) => {
    core.warning(`Could not read the services' target revisions: ${errorMessage(error)}`);
    return new Map<string, string>();
  });
  for (const f of follows) f.target = targets.get(f.service);
  const startedAt = Date.now();
  const end = (f: Follow, status: Status, detail?: string) => {
    f.status = status;
    if (detail) f.detail = detail;
    f.seconds = Math.round((Date.now() - startedAt) / 100) / 10;
  };

  core.info(`${action} for ${follows.length} paused service deployment${follows.length === 1 ? '' : 's'}:`);
  await Promise.all(
    follows.map(async (f) => {
      try {
        await send(ecs, f.hook, action);
        core.info(`  ${f.service}: ${action} sent at ${f.hook.stage} (hook ${f.hook.hookId}).`);
      } catch (error) {
        end(f, 'failed', `ContinueServiceDeployment failed: ${errorMessage(error)}`);
        core.error(`${f.service}: ${f.detail}`);
      }
    }),
  );

  const deadline = startedAt + settings.timeoutMs;
  // Reads that fail for a while (throttling, 5xx, dropped connections) are waited out until the
  // timeout, as rolling-update waits them out: ECS carries on meanwhile, and so does the watch.
  const reads = new TransientReads('DescribeServiceDeployments', { warn: core.warning, info: core.info });
  const cancel = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => cancel.abort());
  for (;;) {
    const active = follows.filter((f) => !f.status);
    if (active.length === 0) break;
    if (cancel.signal.aborted) {
      for (const f of active)
        end(
          f,
          'cancelled',
          `cancelled ${f.stage ? `at ${f.stage}` : 'while it ran'}; ECS carries on with it`,
        );
      break;
    }
    if (Date.now() >= deadline) {
      const outage =
        reads.failures > 0 ? `; DescribeServiceDeployments failing: ${errorName(reads.lastError)}` : '';
      for (const f of active) end(f, 'timed-out', `still ${f.stage ?? 'in progress'}${outage}`);
      break;
    }
    const began = Date.now();
    const read = await reads.read(
      () =>
        describeServiceDeployments(
          ecs,
          active.map((f) => f.hook.serviceDeploymentArn),
        ),
      () => cancel.signal.aborted || Date.now() >= deadline,
    );
    const found = read?.value;
    for (const f of found ? active : []) {
      const deployment = found!.get(f.hook.serviceDeploymentArn);
      if (!deployment) {
        end(f, 'failed', 'the service deployment was not found');
        continue;
      }
      if (deployment.startedAt) f.deploymentStartedAt = new Date(deployment.startedAt).getTime();
      if (deployment.lifecycleStage && deployment.lifecycleStage !== f.stage) {
        f.stage = deployment.lifecycleStage;
        f.stagesSeen.push(`${new Date().toISOString().slice(11, 19)} ${f.stage}`);
        core.info(`${f.service}: ${new Date().toISOString().slice(11, 19)} UTC ${describeStage(deployment)}`);
      }
      const verdict = judge(deployment);
      if (verdict.state === 'steady') end(f, 'steady');
      else if (verdict.state === 'rolled-back') end(f, 'rolled-back', verdict.reason);
      else if (verdict.state === 'failed') end(f, 'failed', verdict.reason);
      else if (verdict.state === 'paused' && verdict.hook.hookId !== f.hook.hookId) {
        f.paused = verdict.hook;
        end(f, 'paused', `paused again at ${verdict.hook.stage}`);
      }
      if (f.status)
        core.info(`${f.service}: ${f.status}${f.detail ? ` (${f.detail})` : ''} after ${f.seconds} s.`);
    }
    if (follows.some((f) => !f.status)) {
      const wait = Math.max(POLL_MS - (Date.now() - began), reads.waitMs());
      await sleep(Math.max(0, Math.min(wait, deadline - Date.now())), cancel.signal);
    }
  }
  const good = goodStatuses(settings.action);
  // Never replaces the step's own error.
  await recordOutcomes(
    ecs,
    logsClient(settings.region, session),
    follows.map((f) => ({
      service: f.service,
      serviceDeploymentArn: f.hook.serviceDeploymentArn,
      ...(f.target && { target: f.target }),
      ...(f.deploymentStartedAt && { startedAt: f.deploymentStartedAt }),
      failed: !good.includes(f.status!),
      released: f.status === 'steady',
      stagesSeen: f.stagesSeen,
    })),
  ).catch((error: unknown) => core.warning(`Could not record the outcome: ${errorMessage(error)}`));
  await report(follows, settings.action);
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
          f.service,
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
  core.setOutput('paused', JSON.stringify(Object.fromEntries(paused.map((f) => [f.service, f.paused]))));
  await writeSummaryTable(
    action === 'rollback' ? 'Deployment rolled back' : 'Deployment continued',
    ['Service', 'Status', 'Seconds', 'Detail'],
    follows.map((f) => [f.service, f.status, f.seconds, f.detail]),
  );
  const good = goodStatuses(action);
  const bad = follows.filter((f) => !good.includes(f.status!));
  if (bad.length > 0) {
    throw new DeploymentFailure(
      `${action === 'rollback' ? 'Rollback' : 'Continue'} failed for ${bad.length} of ${follows.length} services: ${bad.map((f) => `${f.service} ${f.status}${f.detail ? ` (${f.detail})` : ''}`).join('; ')}.`,
    );
  }
  core.info(
    action === 'rollback'
      ? `All ${follows.length} services are rolled back.`
      : `All ${follows.length} services are ${paused.length > 0 ? 'steady or paused again' : 'steady'}.`,
  );
}
