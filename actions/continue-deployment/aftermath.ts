import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { describeServices } from '../lib/ecs-lookups.ts';
import { captureServices, newReport, writeFailureReport } from '../lib/failure-report.ts';
import type { ReportKeeper } from '../lib/report-store.ts';
import { recordReleased } from '../lib/release-history.ts';
import { describeTaskDefinition } from '../lib/task-definitions.ts';

/**
 * What a continued deployment leaves behind, as rolling-update does for its own: the revisions
 * that reached steady are marked released (release history), and a failure is captured at once
 * into the failure report, before ECS forgets the stopped tasks.
 */

export interface Outcome {
  service: string;
  serviceDeploymentArn: string;
  /** The revision the paused deployment moves to, read before it was continued. */
  target?: string;
  /** When the service deployment started (its events since then are the failure's). */
  startedAt?: number;
  failed: boolean;
  released: boolean;
  stagesSeen?: string[];
}

/** `arn:…:service-deployment/<cluster>/<service>/<id>` → cluster. */
export function clusterOf(serviceDeploymentArn: string): string {
  return serviceDeploymentArn.split(':').pop()!.split('/')[1]!;
}

/**
 * The task definition each paused service is moving to: UpdateService set it on the service
 * when the deployment began, and it stays there while the deployment waits at its hook.
 */
export async function targetsOf(
  ecs: ECSClient,
  paused: { service: string; serviceDeploymentArn: string }[],
): Promise<Map<string, string>> {
  const byCluster = new Map<string, string[]>();
  for (const p of paused) {
    const cluster = clusterOf(p.serviceDeploymentArn);
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), p.service]);
  }
  const targets = new Map<string, string>();
  for (const [cluster, names] of byCluster) {
    for (const [name, service] of await describeServices(ecs, cluster, names)) {
      if (service.taskDefinition) targets.set(name, service.taskDefinition);
    }
  }
  return targets;
}

/** Marks what was released and writes the failure report of what failed; never throws. */
export async function recordOutcomes(
  ecs: ECSClient,
  logs: CloudWatchLogsClient,
  outcomes: Outcome[],
  keep?: ReportKeeper,
): Promise<void> {
  await recordReleased(
    ecs,
    outcomes.flatMap((o) => (o.released && o.target ? [o.target] : [])),
  );
  const failed = outcomes.filter((o) => o.failed);
  if (failed.length === 0) return;
  // One report: its services may come from several clusters, the report names the first.
  const report = newReport('continue-deployment', clusterOf(failed[0]!.serviceDeploymentArn));
  report.services = (
    await Promise.all(
      [...new Set(failed.map((o) => clusterOf(o.serviceDeploymentArn)))].map((cluster) =>
        captureServices(
          {
            ecs,
            logs,
            taskDefinition: async (arn) => (await describeTaskDefinition(ecs, arn))?.taskDefinition,
          },
          cluster,
          failed
            .filter((o) => clusterOf(o.serviceDeploymentArn) === cluster)
            .map((o) => ({
              name: o.service,
              startedAt: o.startedAt ?? Date.now(),
              taskDefinitions: o.target ? [o.target] : [],
              serviceDeploymentArn: o.serviceDeploymentArn,
              ...(o.stagesSeen && { stagesSeen: o.stagesSeen }),
            })),
          report.errors,
        ),
      ),
    )
  ).flat();
  await writeFailureReport(report, keep);
}
