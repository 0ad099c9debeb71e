import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  ListTasksCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ECSClient,
  type Service,
  type ServiceDeployment,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { lastLogLines, logDestination } from '../awslogs.ts';
import { describeServices } from '../ecs-lookups.ts';
import { chunks, isThrottle } from '../poll.ts';
import { describeServiceDeployments } from '../service-deployments.ts';
import { culprit } from './assess.ts';

/**
 * Every ECS and CloudWatch Logs call a rollout's watch makes, behind one interface (as
 * actions/checkout keeps git behind IGitCommandManager): the loop is tested against the
 * emulator through the SDK, and could be against any other implementation.
 */
export interface EcsGateway {
  /** DescribeServices, 10 a call. */
  services(names: string[], abortSignal: AbortSignal): Promise<Map<string, Service>>;
  /** DescribeServiceDeployments, 20 a call. */
  serviceDeployments(arns: string[], abortSignal: AbortSignal): Promise<Map<string, ServiceDeployment>>;
  /** Stopped tasks of a service not described before (`seen` grows with each one described). */
  stoppedTasks(service: string, seen: Set<string>): Promise<Task[]>;
  /** UpdateService: the PRIMARY deployment it created and the service deployment it started. */
  updateService(
    service: string,
    taskDefinition: string,
    forceNewDeployment: boolean,
  ): Promise<{ deploymentId?: string; serviceDeploymentArn?: string }>;
  stopServiceDeployment(serviceDeploymentArn: string): Promise<void>;
  /** The last lines of the container that explains a stop; empty when it logs nowhere we can read. */
  lastLines(task: Task, count: number): Promise<{ container: string; lines: string[] }>;
  /** ECS calls answered ThrottlingException so far, retries included: the account is busy. */
  throttles(): number;
}

export interface SdkGatewayOptions {
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  cluster: string;
  /** DescribeTaskDefinition, cached by the caller (the target's log configuration is read again on failure). */
  taskDefinition: (arn: string) => Promise<TaskDefinition | undefined>;
}

export function sdkGateway({ ecs, logs, cluster, taskDefinition }: SdkGatewayOptions): EcsGateway {
  const throttled = throttleCounter(ecs);
  return {
    throttles: () => throttled.count,

    services: (names, abortSignal) =>
      names.length > 0 ? describeServices(ecs, cluster, names, abortSignal) : Promise.resolve(new Map()),

    serviceDeployments: (arns, abortSignal) =>
      arns.length > 0 ? describeServiceDeployments(ecs, arns, abortSignal) : Promise.resolve(new Map()),

    async stoppedTasks(service, seen) {
      const { taskArns = [] } = await ecs.send(
        new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED' }),
      );
      const fresh = taskArns.filter((arn) => !seen.has(arn));
      const pages = await Promise.all(
        chunks(fresh, 100).map((tasks) => ecs.send(new DescribeTasksCommand({ cluster, tasks }))),
      );
      const tasks = pages.flatMap((page) => page.tasks ?? []);
      for (const task of tasks) seen.add(task.taskArn!);
      return tasks;
    },

    async updateService(service, definition, forceNewDeployment) {
      const response = await ecs.send(
        new UpdateServiceCommand({ cluster, service, taskDefinition: definition, forceNewDeployment }),
      );
      const deploymentId = response.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
      const serviceDeploymentArn = response.service?.currentServiceDeployment;
      return { ...(deploymentId && { deploymentId }), ...(serviceDeploymentArn && { serviceDeploymentArn }) };
    },

    async stopServiceDeployment(serviceDeploymentArn) {
      await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' }));
    },

    async lastLines(task, count) {
      const container = culprit(task)?.name;
      if (!container || !task.taskDefinitionArn || !task.taskArn) return { container: '', lines: [] };
      const definition = await taskDefinition(task.taskDefinitionArn);
      const destination = definition && logDestination(definition, container, task.taskArn);
      if (!destination) return { container, lines: [] };
      return { container, lines: await lastLogLines(logs, destination, count) };
    },
  };
}

const counters = new WeakMap<ECSClient, { count: number }>();

/**
 * Counts every attempt ECS throttles, below the SDK's retries (which hide them from the caller):
 * the loop slows down while the account's rate limits are reached.
 */
function throttleCounter(ecs: ECSClient): { count: number } {
  const counter = counters.get(ecs);
  if (counter) return counter;
  const created = { count: 0 };
  counters.set(ecs, created);
  ecs.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isThrottle(error)) created.count++;
        throw error;
      }
    },
    // Inside the retry middleware (finalizeRequest, high), outside the deserializer: each attempt's error.
    { step: 'finalizeRequest', priority: 'low', name: 'adhocActionsThrottleCounter' },
  );
  return created;
}
