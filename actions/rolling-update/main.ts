import * as core from '@actions/core';
import { nameFromArn } from '../lib/arn.ts';
import { ecsClient, logsClient } from '../lib/aws.ts';
import { captureServices, newReport, writeFailureReport } from '../lib/failure-report.ts';
import { recordReleased } from '../lib/release-history.ts';
import { s3Keeper } from '../lib/report-store.ts';
import { roleSession } from '../lib/role-session.ts';
import { shortName } from '../lib/rollout/assess.ts';
import { decide } from '../lib/rollout/decide.ts';
import { sdkGateway } from '../lib/rollout/gateway.ts';
import { errorName } from '../lib/poll.ts';
import { watchRollouts } from '../lib/rollout/loop.ts';
import { taskDefinition, type Context, type Watch } from './context.ts';
import { prepareWatches } from './prepare.ts';
import { failedWatches, report } from './report.ts';
import { getSettings } from './settings.ts';
import { diffDefinitions } from '../lib/task-definition-diff.ts';
import { writeSummaryTable } from '../lib/summary.ts';

export async function main(): Promise<void> {
  core.setOutput('failure-report', '');
  core.setOutput('failure-report-url', '');
  const settings = getSettings();
  // A bake time or a pause can outlast the one-hour OIDC session: renew it before it ends.
  const credentials = settings.roleToAssume ? roleSession(settings.region, settings.roleToAssume) : undefined;
  const cancel = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => cancel.abort());
  const ecs = ecsClient(settings.region, credentials, 'standard');
  const logs = logsClient(settings.region, credentials);
  const taskDefinitions: Context['taskDefinitions'] = new Map();
  const context: Context = {
    settings,
    ecs,
    logs,
    gateway: sdkGateway({
      ecs,
      logs,
      cluster: settings.cluster,
      taskDefinition: (arn) => taskDefinition({ ecs, taskDefinitions }, arn),
    }),
    taskDefinitions,
    signal: cancel.signal,
    keepReport: s3Keeper(settings, credentials),
  };
  // Every read and check happens before the first UpdateService, so a mistake changes nothing.
  let watches = await prepareWatches(context);
  const clusterName = nameFromArn(settings.cluster);
  core.info(
    `Updating ${watches.length} service${watches.length === 1 ? '' : 's'} in cluster ${clusterName}:`,
  );
  for (const w of watches) {
    core.info(
      `  ${w.name}: ${w.updated ? `${shortName(w.previous)} → ${shortName(w.target)}` : `stays on ${shortName(w.target)}`}${settings.forceNewDeployment && w.updated ? ' (new deployment forced)' : ''}`,
    );
    // What ECS decides by: with a breaker or alarms that roll back, its thresholds end a failing rollout.
    if (w.policy)
      core.info(
        `    ECS decides by: ${w.policy}${settings.failFast ? ' (fail-fast: the step rolls back at the first stopped task)' : ''}`,
      );
  }
  if (settings.dryRun) {
    await dryRun(context, watches);
    return;
  }
  // One UpdateService failing must not leave the others unwatched and unreported.
  const started = await Promise.allSettled(watches.map((w) => startUpdate(context, w)));
  watches = watches.map((w, i) => {
    const outcome = started[i]!;
    if (outcome.status === 'fulfilled') return w;
    const refused = decide(
      w,
      {
        kind: 'start-refused',
        detail: `UpdateService failed (${errorName(outcome.reason)}); nothing was deployed`,
      },
      settings,
      Date.now(),
    );
    for (const call of refused.calls) if (call.call === 'say') core.error(call.text);
    return refused.state;
  });

  if (settings.wait) {
    watches = await watchRollouts(context.gateway, watches, {
      settings,
      timeoutMs: settings.timeoutMs,
      describeServices: true,
      signal: cancel.signal,
    });
  } else {
    for (const w of watches) {
      if (w.phase === 'done') continue;
      w.phase = 'done';
      w.status = w.updated ? 'updated' : 'unchanged';
      w.seconds = 0;
    }
  }
  // Release history: what reached steady is what a rollback may return to.
  await recordReleased(
    context.ecs,
    watches.filter((w) => w.status === 'steady').map((w) => w.target),
  );
  // The report never replaces the step's own error.
  await captureFailure(context, failedWatches(watches)).catch((error: unknown) =>
    core.warning(`Could not write the failure report: ${(error as Error).message}`),
  );
  await report(watches);
}

/** UpdateService for a service that moves (or is forced); a service already on its target is only followed. */
async function startUpdate(context: Context, w: Watch): Promise<void> {
  w.startedAt = Date.now();
  if (!w.updated) return;
  const started = await context.gateway.updateService(w.name, w.target, context.settings.forceNewDeployment);
  w.expected = {
    taskDefinition: w.target,
    ...(started.deploymentId && { deploymentId: started.deploymentId }),
  };
  if (started.serviceDeploymentArn) w.serviceDeploymentArn = started.serviceDeploymentArn;
}

/**
 * The plan and nothing else: every check above has run (cluster, services, targets, another
 * rollout in progress); each move is shown with what it changes against what the service runs
 * now, as the reviewer of a production deploy should see it before approving.
 */
async function dryRun(context: Context, watches: Watch[]): Promise<void> {
  const rows = await Promise.all(
    watches.map(async (w) => {
      const [now, next] = await Promise.all([
        taskDefinition(context, w.previous),
        taskDefinition(context, w.target),
      ]);
      const diff = w.updated && next ? diffDefinitions(now, next) : [];
      return { w, diff };
    }),
  );
  core.info('Dry run: nothing was updated.');
  for (const { w, diff } of rows) for (const line of diff) core.info(`  ${w.name}: ${line}`);
  core.setOutput(
    'results',
    JSON.stringify(
      Object.fromEntries(
        rows.map(({ w, diff }) => [
          w.name,
          {
            status: w.updated ? 'would-update' : 'unchanged',
            taskDefinition: w.target,
            previousTaskDefinition: w.previous,
            diff,
          },
        ]),
      ),
    ),
  );
  core.setOutput('end-state', '');
  core.setOutput('paused', '{}');
  await writeSummaryTable(
    'Rolling update (dry run: nothing updated)',
    ['Service', 'Task definition', 'Changes'],
    rows.map(({ w, diff }) => [
      w.name,
      w.updated ? `${shortName(w.previous)} → ${shortName(w.target)}` : shortName(w.target),
      diff.join('; ') || (w.updated ? 'a new deployment of the same definition' : 'none'),
    ]),
  );
}

/** Reads what ECS knows about the failed services at once, before it forgets the stopped tasks. */
async function captureFailure(context: Context, failed: Watch[]): Promise<void> {
  if (failed.length === 0) return;
  const failure = newReport('rolling-update', context.settings.cluster);
  failure.services = await captureServices(
    {
      ecs: context.ecs,
      logs: context.logs,
      taskDefinition: (arn) => taskDefinition(context, arn),
    },
    context.settings.cluster,
    failed.map((w) => ({
      name: w.name,
      startedAt: w.startedAt,
      taskDefinitions: [w.target],
      ...(w.serviceDeploymentArn && { serviceDeploymentArn: w.serviceDeploymentArn }),
      ...(w.stages && { stagesSeen: w.stages }),
    })),
    failure.errors,
  );
  await writeFailureReport(failure, context.keepReport);
}
