import type { Service } from '@aws-sdk/client-ecs';
import { describeServices, requireActiveCluster } from '../lib/ecs-lookups.ts';
import { ConfigurationError } from '../lib/errors.ts';
import { TAGS } from '../lib/releases.ts';
import { describeTaskDefinition } from '../lib/task-definitions.ts';
import { ourDeployment, shortName } from '../lib/rollout/assess.ts';
import { taskDefinition, type Context, type Watch } from './context.ts';
import { chooseTarget } from './plan.ts';
import { describePolicy } from '../lib/rollout/policy.ts';

/**
 * Every read and check before the first UpdateService: the cluster, each service (ACTIVE, ECS
 * controller) and its target task definition. A mistake throws here and nothing has changed.
 */
export async function prepareWatches(context: Context): Promise<Watch[]> {
  const { settings, ecs } = context;
  await requireActiveCluster(ecs, settings.cluster);
  const described = await describeServices(
    ecs,
    settings.cluster,
    settings.services.map((s) => s.service),
  );
  const missing = settings.services.filter((s) => !described.has(s.service)).map((s) => `"${s.service}"`);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Input "services": ${missing.length === 1 ? 'service' : 'services'} ${missing.join(', ')} not found in cluster "${settings.cluster}".`,
    );
  }
  return Promise.all(
    settings.services.map(async (line): Promise<Watch> => {
      const service = described.get(line.service)!;
      if (service.status !== 'ACTIVE') {
        throw new ConfigurationError(
          `Input "services": service "${line.service}" is ${service.status}, not ACTIVE.`,
        );
      }
      const controller = service.deploymentController?.type ?? 'ECS';
      if (controller !== 'ECS') {
        throw new ConfigurationError(
          `Input "services": service "${line.service}" uses the ${controller} deployment controller; rolling-update drives ECS rolling updates only.`,
        );
      }
      const current = service.taskDefinition!;
      const target = chooseTarget(line, current, settings.taskDefinitions, settings.forceNewDeployment);
      const definition = await taskDefinition(context, target.taskDefinition);
      const input = target.source === 'task-definitions' ? 'task-definitions' : 'services';
      if (!definition) {
        throw new ConfigurationError(
          `Input "${input}": task definition "${target.taskDefinition}" (service "${line.service}") was not found.`,
        );
      }
      if (definition.status !== 'ACTIVE') {
        throw new ConfigurationError(
          `Input "${input}": task definition "${shortName(definition.taskDefinitionArn)}" (service "${line.service}") is ${definition.status}.`,
        );
      }
      const arn = definition.taskDefinitionArn!;
      if (!settings.startOver) await refuseOverAnotherRollout(context, line.service, service, arn);
      const updated = arn !== current || settings.forceNewDeployment;
      return {
        line,
        name: line.service,
        previous: current,
        target: arn,
        updated,
        policy: describePolicy(service),
        // Not updated: follow whatever the service is doing with that definition until steady.
        expected: { taskDefinition: arn },
        phase: 'rolling',
        ...(!updated && { detail: 'already on this task definition' }),
        startedAt: Date.now(),
        seenEvents: new Set((service.events ?? []).map((e) => e.id!)),
        lastFailedTasks: ourDeployment(service, { taskDefinition: arn })?.failedTasks ?? 0,
        lastRunning: 0,
      };
    }),
  );
}

/**
 * A rollout still in progress to a revision of another release is another deploy's: the
 * concurrency group that should queue deploys is repository-wide, so any workflow may cancel one
 * and start its own. Starting over it would cut that rollout short and hide its outcome, so it is
 * refused, named. A re-run of the same release follows its own rollout instead, and Terraform's
 * first revision (no release tag) is no deploy.
 */
async function refuseOverAnotherRollout(
  context: Context,
  name: string,
  service: Service,
  target: string,
): Promise<void> {
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  if (!primary?.taskDefinition || primary.rolloutState !== 'IN_PROGRESS' || primary.taskDefinition === target)
    return;
  const [theirs, ours] = await Promise.all(
    [primary.taskDefinition, target].map((ref) => describeTaskDefinition(context.ecs, ref)),
  );
  const release = (d: typeof theirs) => d?.tags?.find((t) => t.key === TAGS.release)?.value;
  const other = release(theirs);
  if (other === undefined || other === release(ours)) return;
  const started = primary.createdAt ? `, started ${new Date(primary.createdAt).toISOString()}` : '';
  throw new ConfigurationError(
    `Input "services": service "${name}" is still rolling out ${shortName(primary.taskDefinition)} of release ${other} (deployment ${primary.id}${started}), another deploy's; rolling-update does not start over it. Wait for it to end or roll it back, then run again (start-over: true replaces it, for a rollout known to be stuck).`,
  );
}
