import { randomUUID } from 'node:crypto';
import { AwsError, clientException, invalidParameter, serviceNotFound } from '../errors.ts';
import type { Operations } from '../protocol.ts';
import type { EmulatorState, Json, TaskRecord } from '../state.ts';
import { findCluster } from './clusters.ts';
import { findTaskDefinition, paginate } from './task-definitions.ts';
import { startTask, stopTask } from './tasks.ts';
import {
  advance,
  beginServiceDeployment,
  circuitBreakerTripped,
  setRollBack,
  type LifecycleHook,
} from './service-deployments.ts';

/**
 * ECS services with deployments as the ECS deployment controller has them: a PRIMARY deployment
 * and older ACTIVE ones, rolloutState IN_PROGRESS → COMPLETED | FAILED, counts, failedTasks, the
 * circuit breaker (optionally rolling back) and service events, newest first. A scheduler tick
 * reconciles every service on real time, starting and stopping tasks through ecs/tasks.ts, so
 * how long tasks take to start and which crash is the TaskBehavior a test set.
 */

export interface DeploymentConfiguration {
  deploymentCircuitBreaker: {
    enable: boolean;
    rollback: boolean;
    /** ECS's failure threshold: a percentage of the desired count (bounded 3–200 or not) or a count. */
    thresholdConfiguration?: { type?: 'BOUNDED_PERCENT' | 'UNBOUNDED_PERCENT' | 'COUNT'; value?: number };
  };
  maximumPercent: number;
  minimumHealthyPercent: number;
  /** ROLLING (default) or BLUE_GREEN / LINEAR / CANARY, run by service-deployments.ts' stages. */
  strategy?: 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  bakeTimeInMinutes?: number;
  lifecycleHooks?: LifecycleHook[];
  canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
  linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: number };
}

export interface DeploymentRecord {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

/** A service as DescribeServices returns it (timestamps in epoch seconds). */
export interface ServiceRecord {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderItem[];
  platformVersion?: string;
  schedulingStrategy: 'REPLICA';
  deploymentController: { type: 'ECS' };
  deploymentConfiguration: DeploymentConfiguration;
  networkConfiguration?: Json;
  deployments: DeploymentRecord[];
  /** Newest first, as ECS returns them. */
  events: ServiceEvent[];
  createdAt: number;
  /** The ARN of the service deployment the last UpdateService started (service-deployments.ts). */
  currentServiceDeployment?: string;
}

export interface CapacityProviderItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

export interface CreateServiceOptions {
  desiredCount?: number;
  launchType?: string;
  /** Instead of a launch type, as ECS has it (a service has one or the other). */
  capacityProviderStrategy?: CapacityProviderItem[];
  deploymentConfiguration?: Partial<DeploymentConfiguration>;
  networkConfiguration?: Json;
  /** Failed tasks that trip the circuit breaker; default ECS's min(max(ceil(desired / 2), 3), 200). */
  circuitBreakerThreshold?: number;
  /**
   * How long a task must stay RUNNING before it counts as healthy (its health check grace): only
   * healthy tasks let old ones stop and complete a deployment. Default 0.
   */
  healthyAfterMs?: number;
}

/** What DescribeServices does not show. */
interface Internal {
  circuitBreakerThreshold?: number;
  healthyAfterMs: number;
  /** The task definition of the last deployment that COMPLETED: where a rollback goes. */
  lastCompleted?: string;
  /** Whether the "steady state" event was written since the service last changed. */
  steady: boolean;
}

interface Registry {
  services: Map<string, ServiceRecord>;
  internals: WeakMap<ServiceRecord, Internal>;
  deploymentTasks: WeakMap<DeploymentRecord, TaskRecord[]>;
  /** Stopped tasks already accounted for. */
  seen: WeakSet<TaskRecord>;
  ticking: boolean;
}

const registries = new WeakMap<EmulatorState, Registry>();

/** How often the scheduler reconciles: fast enough that timings of tens of ms mean something. */
export const TICK_MS = 25;

function registry(state: EmulatorState): Registry {
  let found = registries.get(state);
  if (!found) {
    found = {
      services: new Map(),
      internals: new WeakMap(),
      deploymentTasks: new WeakMap(),
      seen: new WeakSet(),
      ticking: false,
    };
    registries.set(state, found);
  }
  return found;
}

export function listServiceRecords(state: EmulatorState): ServiceRecord[] {
  return [...registry(state).services.values()];
}

const nameOf = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
const key = (clusterName: string, serviceName: string) => `${clusterName}/${serviceName}`;
const shortId = (taskArn: string) => taskArn.slice(taskArn.lastIndexOf('/') + 1);

function deploymentId(): string {
  let digits = String(1 + Math.floor(Math.random() * 9));
  while (digits.length < 19) digits += String(Math.floor(Math.random() * 10));
  return `ecs-svc/${digits}`;
}

function addEvent(state: EmulatorState, service: ServiceRecord, message: string): void {
  service.events.unshift({
    id: randomUUID(),
    createdAt: state.now(),
    message: `(service ${service.serviceName}) ${message}`,
  });
  if (service.events.length > 100) service.events.length = 100;
}

function resolveTaskDefinition(state: EmulatorState, ref: unknown): string {
  const record = findTaskDefinition(state, ref);
  if (!record) throw clientException('TaskDefinition not found.');
  if (record.definition.status !== 'ACTIVE') throw clientException('TaskDefinition is inactive');
  return record.definition.taskDefinitionArn;
}

/**
 * A new PRIMARY deployment of `taskDefinition`; the old primary becomes ACTIVE and drains. A
 * rollback's deployment belongs to the service deployment it rolls back, so starts none.
 */
function newDeployment(
  state: EmulatorState,
  service: ServiceRecord,
  taskDefinition: string,
  rollback = false,
): DeploymentRecord {
  const sources = [...service.deployments];
  for (const deployment of service.deployments) deployment.status = 'ACTIVE';
  const id = deploymentId();
  const deployment: DeploymentRecord = {
    id,
    status: 'PRIMARY',
    taskDefinition,
    desiredCount: service.desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: state.now(),
    updatedAt: state.now(),
    ...(service.launchType && { launchType: service.launchType }),
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
  };
  service.deployments.unshift(deployment);
  service.taskDefinition = taskDefinition;
  registry(state).deploymentTasks.set(deployment, []);
  registry(state).internals.get(service)!.steady = false;
  if (!rollback && sources.length > 0) beginServiceDeployment(state, service, deployment, sources);
  return deployment;
}

/**
 * Rolls `service` back to `taskDefinition`: the deployment still running it (blue/green's blue,
 * a rolling update's old tasks) becomes PRIMARY again, else a new deployment starts.
 */
function rollBack(state: EmulatorState, service: ServiceRecord, taskDefinition: string): DeploymentRecord {
  const reg = registry(state);
  const failed = service.deployments.find((d) => d.status === 'PRIMARY')!;
  failed.rolloutState = 'FAILED';
  failed.updatedAt = state.now();
  const back = service.deployments.find(
    (d) =>
      d !== failed && d.taskDefinition === taskDefinition && live(reg.deploymentTasks.get(d)!).length > 0,
  );
  if (!back) {
    const fresh = newDeployment(state, service, taskDefinition, true);
    failed.rolloutStateReason = `ECS deployment rolling back to deploymentId ${fresh.id}.`;
    return fresh;
  }
  for (const deployment of service.deployments) deployment.status = 'ACTIVE';
  back.status = 'PRIMARY';
  back.rolloutState = 'IN_PROGRESS';
  back.rolloutStateReason = `ECS deployment ${back.id} in progress.`;
  back.updatedAt = state.now();
  failed.rolloutStateReason = `ECS deployment rolling back to deploymentId ${back.id}.`;
  service.deployments = [back, ...service.deployments.filter((d) => d !== back)];
  service.taskDefinition = taskDefinition;
  reg.internals.get(service)!.steady = false;
  addEvent(state, service, `rolling back to deployment ${back.id}.`);
  return back;
}

/** The failed tasks that trip a service's circuit breaker from now on (a test's event). */
export function setCircuitBreakerThreshold(
  state: EmulatorState,
  service: ServiceRecord,
  failed: number,
): void {
  registry(state).internals.get(service)!.circuitBreakerThreshold = failed;
}

/** Seeds a service (CreateService as a test needs it); its tasks start on the scheduler's timeline. */
export function createService(
  state: EmulatorState,
  clusterRef: string,
  serviceName: string,
  taskDefinition: string,
  options: CreateServiceOptions = {},
): ServiceRecord {
  const cluster = findCluster(state, clusterRef);
  const services = registry(state).services;
  if (services.get(key(cluster.clusterName, serviceName))?.status === 'ACTIVE') {
    throw invalidParameter('Creation of service was not idempotent.');
  }
  const service: ServiceRecord = {
    serviceArn: state.arn('ecs', `service/${cluster.clusterName}/${serviceName}`),
    serviceName,
    clusterArn: cluster.clusterArn,
    status: 'ACTIVE',
    taskDefinition: resolveTaskDefinition(state, taskDefinition),
    desiredCount: options.desiredCount ?? 1,
    runningCount: 0,
    pendingCount: 0,
    ...(options.capacityProviderStrategy
      ? { capacityProviderStrategy: options.capacityProviderStrategy }
      : { launchType: options.launchType ?? 'FARGATE' }),
    platformVersion: 'LATEST',
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      ...options.deploymentConfiguration,
      deploymentCircuitBreaker: {
        enable: false,
        rollback: false,
        ...options.deploymentConfiguration?.deploymentCircuitBreaker,
      },
    },
    ...(options.networkConfiguration && { networkConfiguration: options.networkConfiguration }),
    deployments: [],
    events: [],
    createdAt: state.now(),
  };
  registry(state).internals.set(service, {
    steady: false,
    healthyAfterMs: options.healthyAfterMs ?? 0,
    ...(options.circuitBreakerThreshold !== undefined && {
      circuitBreakerThreshold: options.circuitBreakerThreshold,
    }),
  });
  services.set(key(cluster.clusterName, serviceName), service);
  newDeployment(state, service, service.taskDefinition);
  startTicking(state);
  return service;
}

function startTicking(state: EmulatorState): void {
  const reg = registry(state);
  if (reg.ticking) return;
  reg.ticking = true;
  setRollBack(state, (service, taskDefinition) => rollBack(state, service, taskDefinition));
  // shutdown() clears pending timers and runs the cleanups: the tick stops with the emulator.
  state.cleanups.add(() => (reg.ticking = false));
  const tick = () => {
    if (!reg.ticking) return;
    for (const service of reg.services.values()) if (service.status === 'ACTIVE') reconcile(state, service);
    state.schedule(TICK_MS, tick);
  };
  state.schedule(TICK_MS, tick);
}

/** The failed tasks at which ECS's breaker fails a deployment (the Developer Guide's formula). */
function threshold(service: ServiceRecord, internal: Internal): number {
  if (internal.circuitBreakerThreshold !== undefined) return internal.circuitBreakerThreshold;
  const config = service.deploymentConfiguration.deploymentCircuitBreaker.thresholdConfiguration;
  const value = config?.value ?? 50;
  if (config?.type === 'COUNT') return value;
  const computed = Math.ceil((service.desiredCount * value) / 100);
  if (config?.type === 'UNBOUNDED_PERCENT') return Math.max(computed, 1);
  return Math.min(Math.max(computed, 3), 200);
}

const live = (tasks: TaskRecord[]) => tasks.filter((t) => t.desiredStatus === 'RUNNING');
const running = (tasks: TaskRecord[]) => live(tasks).filter((t) => t.lastStatus === 'RUNNING');

/** One scheduler pass over a service: account for stopped tasks, then start, stop and report. */
function reconcile(state: EmulatorState, service: ServiceRecord): void {
  const reg = registry(state);
  const internal = reg.internals.get(service)!;
  const tasksOf = (d: DeploymentRecord) => reg.deploymentTasks.get(d)!;
  const now = Date.now();
  const healthy = (tasks: TaskRecord[]) =>
    running(tasks).filter((t) => now - Number(t.startedAt) * 1000 >= internal.healthyAfterMs);
  let primary = service.deployments.find((d) => d.status === 'PRIMARY')!;
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;

  // Tasks that stopped on their own count against the deployment rolling out.
  for (const deployment of service.deployments) {
    for (const task of tasksOf(deployment)) {
      if (task.desiredStatus !== 'STOPPED' || reg.seen.has(task)) continue;
      reg.seen.add(task);
      if (task.stopCode === 'ServiceSchedulerInitiated') continue;
      internal.steady = false;
      if (deployment === primary && deployment.rolloutState === 'IN_PROGRESS') {
        deployment.failedTasks++;
        deployment.updatedAt = state.now();
      }
    }
  }

  if (
    breaker.enable &&
    primary.rolloutState === 'IN_PROGRESS' &&
    primary.failedTasks >= threshold(service, internal)
  ) {
    primary.rolloutState = 'FAILED';
    primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    primary.updatedAt = state.now();
    addEvent(state, service, `deployment ${primary.id} deployment failed: tasks failed to start.`);
    const target = internal.lastCompleted;
    const failed = primary;
    if (breaker.rollback && target && target !== primary.taskDefinition) {
      primary = newDeployment(state, service, target, true);
      failed.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${primary.id}.`;
      addEvent(state, service, `rolling back to deployment ${primary.id}.`);
    }
    circuitBreakerTripped(state, failed, primary === failed ? undefined : primary);
  }

  const desired = service.desiredCount;
  primary.desiredCount = desired;
  const all = service.deployments.flatMap((d) => live(tasksOf(d)));
  const maxTotal = Math.max(
    desired,
    Math.floor((desired * service.deploymentConfiguration.maximumPercent) / 100),
  );
  // A deployment the circuit breaker failed launches nothing more.
  const launching = !(breaker.enable && primary.rolloutState === 'FAILED');
  // Blue/green, linear and canary start the whole green revision beside the blue one.
  const room =
    service.deploymentConfiguration.strategy && service.deploymentConfiguration.strategy !== 'ROLLING'
      ? desired
      : maxTotal - all.length;
  const toStart = launching ? Math.min(desired - live(tasksOf(primary)).length, room) : 0;
  const definition = findTaskDefinition(state, primary.taskDefinition)!;
  const started: TaskRecord[] = [];
  for (let i = 0; i < toStart; i++) {
    const task = startTask(state, {
      clusterArn: service.clusterArn,
      definition,
      group: `service:${service.serviceName}`,
      startedBy: primary.id,
      extra: service.capacityProviderStrategy
        ? { capacityProviderName: service.capacityProviderStrategy[0]?.capacityProvider }
        : { ...(service.launchType && { launchType: service.launchType }) },
    });
    tasksOf(primary).push(task);
    started.push(task);
  }
  if (started.length > 0) {
    internal.steady = false;
    addEvent(
      state,
      service,
      `has started ${started.length} tasks: ${started.map((t) => `(task ${shortId(t.taskArn)})`).join(' ')}.`,
    );
  }

  // Old deployments drain while enough tasks stay RUNNING (minimumHealthyPercent).
  const minHealthy = Math.ceil((desired * service.deploymentConfiguration.minimumHealthyPercent) / 100);
  let healthyCount = service.deployments.reduce((n, d) => n + healthy(tasksOf(d)).length, 0);
  const primaryDone = healthy(tasksOf(primary)).length >= desired;
  const { holdOthers } = advance(state, service, {
    primary,
    primaryHealthy: primaryDone,
    othersDrained: service.deployments.every(
      (d) => d === primary || tasksOf(d).every((t) => t.lastStatus === 'STOPPED'),
    ),
    threshold: threshold(service, internal),
  });
  const stopped: TaskRecord[] = [];
  const stop = (task: TaskRecord, reason: string) => {
    stopTask(state, task, 'ServiceSchedulerInitiated', reason);
    reg.seen.add(task);
    stopped.push(task);
  };
  for (const old of service.deployments.filter((d) => d !== primary && !holdOthers)) {
    for (const task of live(tasksOf(old))) {
      const reason = `Scaling activity initiated by (deployment ${primary.id})`;
      if (task.lastStatus !== 'RUNNING') stop(task, reason);
      else if (primaryDone || healthyCount - 1 >= minHealthy) {
        stop(task, reason);
        healthyCount--;
      }
    }
  }
  // Scale-in of the primary (desiredCount lowered): pending tasks go first.
  const extra = live(tasksOf(primary)).length - desired;
  if (extra > 0) {
    const byPending = [...live(tasksOf(primary))].sort(
      (a, b) => Number(a.lastStatus === 'RUNNING') - Number(b.lastStatus === 'RUNNING'),
    );
    for (const task of byPending.slice(0, extra)) stop(task, 'Service scaled in');
  }
  if (stopped.length > 0) {
    addEvent(
      state,
      service,
      `has stopped ${stopped.length} running tasks: ${stopped.map((t) => `(task ${shortId(t.taskArn)})`).join(' ')}.`,
    );
  }

  // Counts, and drained old deployments leave the list as in ECS.
  for (const deployment of service.deployments) {
    const tasks = tasksOf(deployment);
    const runningCount = running(tasks).length;
    const pendingCount = live(tasks).length - runningCount;
    if (deployment.runningCount !== runningCount || deployment.pendingCount !== pendingCount) {
      deployment.runningCount = runningCount;
      deployment.pendingCount = pendingCount;
      deployment.updatedAt = state.now();
    }
    if (deployment !== primary) deployment.desiredCount = live(tasks).length;
  }
  // A deployment the circuit breaker failed stays listed until the rollback completes, as in ECS.
  const drained = (d: DeploymentRecord) => tasksOf(d).every((t) => t.lastStatus === 'STOPPED');
  service.deployments = service.deployments.filter(
    (d) =>
      d === primary || !drained(d) || (d.rolloutState === 'FAILED' && primary.rolloutState === 'IN_PROGRESS'),
  );
  service.runningCount = service.deployments.reduce((n, d) => n + d.runningCount, 0);
  service.pendingCount = service.deployments.reduce((n, d) => n + d.pendingCount, 0);

  const settled =
    service.deployments.every((d) => d === primary || drained(d)) &&
    primary.runningCount === desired &&
    primary.pendingCount === 0 &&
    healthy(tasksOf(primary)).length === desired;
  if (settled && primary.rolloutState === 'IN_PROGRESS') {
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    primary.updatedAt = state.now();
    internal.lastCompleted = primary.taskDefinition;
    service.deployments = [primary];
    addEvent(state, service, `(deployment ${primary.id}) deployment completed.`);
  }
  if (settled && primary.rolloutState === 'COMPLETED' && !internal.steady) {
    internal.steady = true;
    addEvent(state, service, 'has reached a steady state.');
  }
}

function findService(state: EmulatorState, clusterName: string, ref: string): ServiceRecord | undefined {
  return registry(state).services.get(key(clusterName, nameOf(ref)));
}

/** What DescribeServices and UpdateService answer: a copy, so nothing outside changes the state. */
function describeService(service: ServiceRecord): Json {
  return structuredClone(service) as unknown as Json;
}

export const serviceOperations: Operations = {
  DescribeServices(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const refs = (input['services'] as string[] | undefined) ?? [];
    if (refs.length === 0) throw invalidParameter('Services cannot be empty.');
    if (refs.length > 10) throw invalidParameter('services can have at most 10 items.');
    const services: Json[] = [];
    const failures: Json[] = [];
    for (const ref of refs) {
      const service = findService(state, cluster.clusterName, ref);
      if (service) services.push(describeService(service));
      else {
        failures.push({
          arn: ref.startsWith('arn:') ? ref : state.arn('ecs', `service/${cluster.clusterName}/${ref}`),
          reason: 'MISSING',
        });
      }
    }
    return { services, failures };
  },

  UpdateService(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const service = findService(state, cluster.clusterName, String(input['service'] ?? ''));
    if (!service) throw serviceNotFound();
    if (service.status !== 'ACTIVE')
      throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
    const taskDefinition =
      input['taskDefinition'] === undefined
        ? undefined
        : resolveTaskDefinition(state, input['taskDefinition']);
    const desiredCount = input['desiredCount'] as number | undefined;
    if (desiredCount !== undefined && (!Number.isInteger(desiredCount) || desiredCount < 0)) {
      throw invalidParameter('desiredCount must be a non-negative integer.');
    }
    const configuration = input['deploymentConfiguration'] as Partial<DeploymentConfiguration> | undefined;
    if (configuration) {
      service.deploymentConfiguration = {
        ...service.deploymentConfiguration,
        ...configuration,
        deploymentCircuitBreaker: {
          ...service.deploymentConfiguration.deploymentCircuitBreaker,
          ...configuration.deploymentCircuitBreaker,
        },
      };
    }
    if (desiredCount !== undefined && desiredCount !== service.desiredCount) {
      service.desiredCount = desiredCount;
      registry(state).internals.get(service)!.steady = false;
    }
    if (
      (taskDefinition && taskDefinition !== service.taskDefinition) ||
      input['forceNewDeployment'] === true
    ) {
      newDeployment(state, service, taskDefinition ?? service.taskDefinition);
    }
    startTicking(state);
    return { service: describeService(service) };
  },

  ListServices(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const arns = listServiceRecords(state)
      .filter((s) => s.clusterArn === cluster.clusterArn && s.status === 'ACTIVE')
      .map((s) => s.serviceArn);
    // ECS pages ListServices at 10 unless asked for up to 100.
    return paginate(arns, { maxResults: 10, ...input }, 'serviceArns', 100);
  },

  /**
   * As ECS: refused while tasks are desired unless `force`; the service goes DRAINING, its tasks
   * stop, and it is INACTIVE once they have (DescribeServices still shows it, as ECS does).
   */
  DeleteService(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const service = findService(state, cluster.clusterName, String(input['service'] ?? ''));
    if (!service || service.status === 'INACTIVE') throw serviceNotFound();
    if (service.desiredCount > 0 && input['force'] !== true)
      throw invalidParameter('The service cannot be stopped while it is scaled above 0.');
    const reg = registry(state);
    service.desiredCount = 0;
    service.status = 'DRAINING';
    addEvent(state, service, 'has begun draining.');
    const tasks = service.deployments.flatMap((d) => live(reg.deploymentTasks.get(d) ?? []));
    for (const task of tasks) stopTask(state, task, 'ServiceSchedulerInitiated', 'Service deleted');
    const settle = () => {
      if (service.status !== 'DRAINING') return;
      if (tasks.some((t) => t.lastStatus !== 'STOPPED')) state.schedule(TICK_MS, settle);
      else service.status = 'INACTIVE';
    };
    state.schedule(TICK_MS, settle);
    return { service: describeService(service) };
  },
};
