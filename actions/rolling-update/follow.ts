import * as core from '@actions/core';
import {
  StopServiceDeploymentCommand,
  type Service,
  type ServiceDeployment,
  type Task,
} from '@aws-sdk/client-ecs';
import { describeStage, hasTrafficStages, judge } from '../lib/service-deployments.ts';
import { describeStop, shortName } from './assess.ts';
import type { Context, Watch } from './context.ts';
import { errorName, isTransient } from '../lib/poll.ts';
import { ecsDecides, failedStop, finish, printEvents, reportCrash, reportFailure } from './watch.ts';

/**
 * One poll of a service whose rollout ECS records as a service deployment (v2): its status is
 * the verdict, DescribeServices only adds events and stopped tasks. ECS's own rollbacks
 * (circuit breaker, alarms, a hook's timeout) are followed; ours go through StopServiceDeployment.
 */
export async function followServiceDeployment(
  context: Context,
  w: Watch,
  service: Service,
  deployment: ServiceDeployment,
  suspicious: boolean,
): Promise<void> {
  printEvents(w, service);
  printStage(w, deployment);
  const verdict = judge(deployment);

  if (w.phase === 'rolling-back') {
    if (verdict.state === 'rolled-back') {
      finish(w, 'rolled-back');
      core.info(`${w.name}: rolled back to ${shortName(w.previous)} after ${w.seconds} s.`);
    } else if (verdict.state === 'failed' || verdict.state === 'steady') {
      finish(
        w,
        'failed',
        `${w.detail}; ${verdict.state === 'failed' ? verdict.reason : 'the rollback did not happen'}`,
      );
      core.error(`${w.name}: ${w.detail}`);
    }
    return;
  }

  switch (verdict.state) {
    case 'steady':
      finish(w, 'steady');
      core.info(
        `${w.name}: steady on ${shortName(w.target)} after ${w.seconds} s (service deployment SUCCESSFUL).`,
      );
      return;
    case 'paused': {
      const { hook } = verdict;
      const waiting = `a ContinueServiceDeployment at ${hook.stage} (hook ${hook.hookId}, ${hook.timeoutAction ?? 'ROLLBACK'} at ${hook.expiresAt ?? 'its timeout'})`;
      if (context.settings.waitUntil === 'paused') {
        w.paused = hook;
        finish(w, 'paused', `paused at ${hook.stage}`);
        core.info(`${w.name}: paused at ${hook.stage} after ${w.seconds} s; it waits on ${waiting}.`);
      } else if (w.waiting !== waiting) {
        w.waiting = waiting;
        core.info(`${w.name}: paused; waits on ${waiting}.`);
      }
      return;
    }
    case 'waiting': {
      // ECS keeps a crashing rolling update IN_PROGRESS: a stopped task of ours is the failure.
      const stopped = suspicious ? await stoppedTask(context, w) : undefined;
      if (stopped && ecsDecides(context, service)) await reportCrash(context, w, stopped);
      else if (stopped) await failed(context, w, deployment, undefined, stopped, true);
      return;
    }
    case 'rolling-back':
    case 'rolled-back': {
      const stopped = await stoppedTask(context, w);
      await failed(context, w, deployment, `${deployment.status}: ${verdict.reason}`, stopped, false);
      if (verdict.state === 'rolled-back') {
        finish(w, 'rolled-back');
        core.info(`${w.name}: ECS rolled back to ${shortName(w.previous)} after ${w.seconds} s.`);
      }
      return;
    }
    case 'failed': {
      const stopped = await stoppedTask(context, w);
      await failed(context, w, deployment, `${deployment.status}: ${verdict.reason}`, stopped, false);
      finish(w, 'failed');
    }
  }
}

/** The latest failed stop of ours; a transient error only means: look again next poll. */
async function stoppedTask(context: Context, w: Watch): Promise<Task | undefined> {
  try {
    const task = await failedStop(context, w);
    w.recheck = false;
    return task;
  } catch (error) {
    if (!isTransient(error)) throw error;
    w.recheck = true;
    return undefined;
  }
}

function printStage(w: Watch, deployment: ServiceDeployment): void {
  const stage = deployment.lifecycleStage;
  if (!stage || stage === w.stage) return;
  w.stage = stage;
  if (!hasTrafficStages(deployment)) return;
  const at = new Date().toISOString().slice(11, 19);
  (w.stages ??= []).push(`${at} ${stage}`);
  core.info(`${w.name}: ${at} UTC ${describeStage(deployment)}`);
}

/**
 * Reports the failure at once (reason, stopped task, last log lines). With `ours`, the step
 * rolls back through ECS (StopServiceDeployment ROLLBACK) when `rollback` allows; ECS's own
 * rollback is only followed, never doubled.
 */
async function failed(
  context: Context,
  w: Watch,
  deployment: ServiceDeployment,
  reason: string | undefined,
  stopped: Task | undefined,
  ours: boolean,
): Promise<void> {
  const why = [reason, stopped && describeStop(stopped).replace(/\.$/, '')].filter(Boolean).join('; ');
  await reportFailure(context, w, why, stopped);
  if (!ours) {
    if (deployment.status?.startsWith('ROLLBACK_')) {
      w.phase = 'rolling-back';
      w.detail = `rolled back by ECS: ${why}`;
      core.info(`${w.name}: ECS is rolling back to ${shortName(w.previous)}; following it.`);
    }
    return;
  }
  if (!context.settings.rollback) {
    finish(w, 'failed', why);
    return;
  }
  try {
    await context.ecs.send(
      new StopServiceDeploymentCommand({
        serviceDeploymentArn: w.serviceDeploymentArn,
        stopType: 'ROLLBACK',
      }),
    );
  } catch (error) {
    // ECS started its own rollback first (circuit breaker, alarms): follow it, never double it.
    if (/ROLLBACK_(REQUESTED|IN_PROGRESS)/.test((error as Error).message ?? '')) {
      w.phase = 'rolling-back';
      w.detail = `rolled back by ECS: ${why}`;
      w.waiting = undefined;
      core.info(`${w.name}: ECS is already rolling back to ${shortName(w.previous)}; following it.`);
      return;
    }
    finish(w, 'failed', `${why}; the rollback could not start (${errorName(error)})`);
    core.error(`${w.name}: ${w.detail}.`);
    return;
  }
  w.phase = 'rolling-back';
  w.detail = `rolled back to ${shortName(w.previous)} (StopServiceDeployment ROLLBACK): ${why}`;
  w.waiting = undefined;
  core.info(
    `${w.name}: rolling back to ${shortName(w.previous)} through ECS (StopServiceDeployment ROLLBACK).`,
  );
}
