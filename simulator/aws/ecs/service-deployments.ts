import { randomUUID } from 'node:crypto';
import { AwsError, invalidParameter } from '../errors.ts';
import type { Operations } from '../protocol.ts';
import type { EmulatorState, Json } from '../state.ts';
import { findCluster } from './clusters.ts';
import type { DeploymentRecord, ServiceRecord } from './services.ts';
import { paginate } from './task-definitions.ts';

/**
 * ECS service deployments (ListServiceDeployments, DescribeServiceDeployments,
 * StopServiceDeployment, ContinueServiceDeployment) on top of services.ts' deployments: one
 * record per UpdateService that starts a deployment, its status (IN_PROGRESS → SUCCESSFUL, or
 * ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL | ROLLBACK_FAILED, or STOPPED), its lifecycle
 * stage, the circuit breaker's count and PAUSE hooks awaiting ContinueServiceDeployment. The
 * scheduler tick in services.ts calls `advance` for each service; minutes (bake times, hook
 * timeouts) run on `minuteMs` so a test can bake for "2 minutes" in a second.
 */

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOP_REQUESTED'
  | 'STOPPED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

export interface LifecycleHook {
  targetType?: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  lifecycleStages: string[];
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: 'CONTINUE' | 'ROLLBACK' };
}

export interface HookDetail {
  hookId: string;
  targetType: 'PAUSE';
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  /** Epoch seconds. */
  expiresAt: number;
  timeoutAction: 'CONTINUE' | 'ROLLBACK';
}

/** What DescribeServiceDeployments returns for one deployment (timestamps in epoch seconds). */
export interface ServiceDeploymentRecord {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  sourceServiceRevisions: Json[];
  targetServiceRevision: Json;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  lifecycleStage: string;
  lifecycleHookDetails?: HookDetail[];
  deploymentConfiguration: Json;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  deploymentCircuitBreaker: { status: string; failureCount: number; threshold: number };
}

/** Stages a BLUE_GREEN, LINEAR or CANARY deployment goes through, in order (ServiceDeploymentLifecycleStage). */
export const TRAFFIC_STAGES = [
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

/** ECS refuses PAUSE hooks at these stages (they are for AWS_LAMBDA hooks only). */
const NO_PAUSE = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

export interface DeploymentTiming {
  /** How long a "minute" of bake time or hook timeout lasts; default 60 000. */
  minuteMs: number;
  /** How long a traffic stage without its own duration takes. */
  stageMs: number;
}

/** What the service scheduler tells `advance` about a service on one tick. */
export interface Progress {
  primary: DeploymentRecord;
  /** The primary has desiredCount healthy tasks. */
  primaryHealthy: boolean;
  /** No task of another deployment is left running or stopping. */
  othersDrained: boolean;
  threshold: number;
}

interface Tracked {
  record: ServiceDeploymentRecord;
  service: ServiceRecord;
  target: DeploymentRecord;
  /** The deployment a rollback returns to, once one started. */
  rollbackTo?: DeploymentRecord;
  /** Epoch ms the current stage began (after its pause, if one held it). */
  stageSince: number;
  /** PAUSE hooks already passed at the current stage. */
  pausedAt?: string;
}

interface Registry {
  byArn: Map<string, Tracked>;
  byTarget: WeakMap<DeploymentRecord, Tracked>;
  timing: DeploymentTiming;
  /** Off: ECS as before late 2024, with no service deployments (rolling-update's v1 path). */
  enabled: boolean;
  /** services.ts' rollback: back to the source revision's task definition, reusing its tasks when they still run. */
  rollBack?: (service: ServiceRecord, taskDefinition: string) => DeploymentRecord;
}

const registries = new WeakMap<EmulatorState, Registry>();

function registry(state: EmulatorState): Registry {
  let found = registries.get(state);
  if (!found) {
    found = {
      byArn: new Map(),
      byTarget: new WeakMap(),
      timing: { minuteMs: 60_000, stageMs: 100 },
      enabled: true,
    };
    registries.set(state, found);
  }
  return found;
}

export function setDeploymentTiming(state: EmulatorState, timing: Partial<DeploymentTiming>): void {
  const reg = registry(state);
  reg.timing = { ...reg.timing, ...timing };
}

export function enableServiceDeployments(state: EmulatorState, enabled: boolean): void {
  registry(state).enabled = enabled;
}

export function setRollBack(
  state: EmulatorState,
  rollBack: (service: ServiceRecord, taskDefinition: string) => DeploymentRecord,
): void {
  registry(state).rollBack = rollBack;
}

export function listServiceDeploymentRecords(state: EmulatorState): ServiceDeploymentRecord[] {
  return [...registry(state).byArn.values()].map((t) => t.record);
}

const strategyOf = (service: ServiceRecord) =>
  String((service.deploymentConfiguration as unknown as Json)['strategy'] ?? 'ROLLING');

const revisionArn = (state: EmulatorState, service: ServiceRecord, deployment: DeploymentRecord) => {
  const [, cluster, name] = service.serviceArn.split(':service/')[1]!.match(/^(.*)\/(.*)$/) ?? [];
  return state.arn('ecs', `service-revision/${cluster}/${name}/${deployment.id.replace('ecs-svc/', '')}`);
};

const IN_FLIGHT = new Set<ServiceDeploymentStatus>([
  'PENDING',
  'IN_PROGRESS',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'STOP_REQUESTED',
]);

/** UpdateService started `target`: a new service deployment; one still in flight is stopped by it, as in ECS. */
export function beginServiceDeployment(
  state: EmulatorState,
  service: ServiceRecord,
  target: DeploymentRecord,
  sources: DeploymentRecord[],
): void {
  const reg = registry(state);
  if (!reg.enabled) return;
  for (const tracked of reg.byArn.values()) {
    if (tracked.service === service && IN_FLIGHT.has(tracked.record.status)) {
      settle(state, tracked, 'STOPPED', 'Stopped by a newer service deployment.');
    }
  }
  const cluster = service.clusterArn.slice(service.clusterArn.lastIndexOf('/') + 1);
  const arn = state.arn(
    'ecs',
    `service-deployment/${cluster}/${service.serviceName}/${target.id.replace('ecs-svc/', '')}`,
  );
  const now = state.now();
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  const record: ServiceDeploymentRecord = {
    serviceDeploymentArn: arn,
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    createdAt: now,
    startedAt: now,
    updatedAt: now,
    sourceServiceRevisions: sources.map((d) => ({
      arn: revisionArn(state, service, d),
      requestedTaskCount: d.desiredCount,
      runningTaskCount: d.runningCount,
      pendingTaskCount: d.pendingCount,
    })),
    targetServiceRevision: {
      arn: revisionArn(state, service, target),
      requestedTaskCount: target.desiredCount,
    },
    status: 'IN_PROGRESS',
    lifecycleStage: strategyOf(service) === 'ROLLING' ? 'SCALE_UP' : 'PRE_SCALE_UP',
    deploymentConfiguration: structuredClone(service.deploymentConfiguration) as unknown as Json,
    deploymentCircuitBreaker: {
      status: breaker.enable ? 'MONITORING' : 'DISABLED',
      failureCount: 0,
      threshold: 0,
    },
  };
  const tracked: Tracked = { record, service, target, stageSince: Date.now() };
  reg.byArn.set(arn, tracked);
  reg.byTarget.set(target, tracked);
  (service as unknown as Json)['currentServiceDeployment'] = arn;
}

function touch(state: EmulatorState, record: ServiceDeploymentRecord): void {
  record.updatedAt = state.now();
}

function settle(
  state: EmulatorState,
  tracked: Tracked,
  status: ServiceDeploymentStatus,
  reason?: string,
): void {
  const { record } = tracked;
  record.status = status;
  if (reason) record.statusReason = reason;
  if (status === 'STOPPED') record.stoppedAt = state.now();
  else record.finishedAt = state.now();
  for (const hook of record.lifecycleHookDetails ?? []) {
    if (hook.status === 'AWAITING_ACTION') hook.status = 'FAILED';
  }
  touch(state, record);
}

/** Starts rolling back to the first source revision (ROLLBACK_IN_PROGRESS until it is steady). */
function startRollback(state: EmulatorState, tracked: Tracked, reason: string, by?: DeploymentRecord): void {
  const { record, service } = tracked;
  const reg = registry(state);
  const sourceTaskDefinition = service.deployments.find(
    (d) => d !== tracked.target && d.taskDefinition !== tracked.target.taskDefinition,
  )?.taskDefinition;
  const to =
    by ?? (sourceTaskDefinition && reg.rollBack ? reg.rollBack(service, sourceTaskDefinition) : undefined);
  if (!to) {
    settle(state, tracked, 'ROLLBACK_FAILED', `${reason} No previous service revision to roll back to.`);
    return;
  }
  tracked.rollbackTo = to;
  record.status = 'ROLLBACK_IN_PROGRESS';
  record.statusReason = reason;
  record.rollback = { reason, startedAt: state.now(), serviceRevisionArn: revisionArn(state, service, to) };
  for (const hook of record.lifecycleHookDetails ?? []) {
    if (hook.status === 'AWAITING_ACTION') hook.status = 'SUCCEEDED';
  }
  touch(state, record);
}

/** services.ts' circuit breaker failed `failed`; `rollback` is the deployment it rolls back with, if any. */
export function circuitBreakerTripped(
  state: EmulatorState,
  failed: DeploymentRecord,
  rollback: DeploymentRecord | undefined,
): void {
  const tracked = registry(state).byTarget.get(failed);
  if (!tracked || !IN_FLIGHT.has(tracked.record.status)) return;
  tracked.record.deploymentCircuitBreaker.status = 'TRIGGERED';
  // The count that tripped it, as ECS reports it afterwards.
  tracked.record.deploymentCircuitBreaker.failureCount = failed.failedTasks;
  const reason = 'Service deployment rolled back because the circuit breaker threshold was exceeded.';
  if (rollback) startRollback(state, tracked, reason, rollback);
  else
    settle(
      state,
      tracked,
      'STOPPED',
      'Service deployment stopped because the circuit breaker threshold was exceeded.',
    );
}

/** How long a traffic stage lasts on its own, in ms (not counting a pause). */
function stageDuration(reg: Registry, config: Json, stage: string): number {
  const { minuteMs, stageMs } = reg.timing;
  if (stage === 'BAKE_TIME') return Number(config['bakeTimeInMinutes'] ?? 0) * minuteMs;
  if (stage !== 'PRODUCTION_TRAFFIC_SHIFT') return stageMs;
  const strategy = config['strategy'];
  if (strategy === 'CANARY') {
    const canary = (config['canaryConfiguration'] ?? {}) as Json;
    return stageMs + Number(canary['canaryBakeTimeInMinutes'] ?? 0) * minuteMs;
  }
  if (strategy === 'LINEAR') {
    const linear = (config['linearConfiguration'] ?? {}) as Json;
    const steps = Math.ceil(100 / Number(linear['stepPercent'] ?? 10));
    return stageMs + (steps - 1) * Number(linear['stepBakeTimeInMinutes'] ?? 0) * minuteMs;
  }
  return stageMs;
}

function pauseHooks(config: Json, stage: string): LifecycleHook[] {
  if (NO_PAUSE.has(stage)) return [];
  return ((config['lifecycleHooks'] ?? []) as LifecycleHook[]).filter(
    (h) => h.targetType === 'PAUSE' && h.lifecycleStages.includes(stage),
  );
}

/**
 * One scheduler tick for a service: moves its current service deployment on. Returns whether
 * the scheduler must keep the other deployments' tasks running (blue/green before clean-up).
 */
export function advance(
  state: EmulatorState,
  service: ServiceRecord,
  progress: Progress,
): { holdOthers: boolean } {
  const reg = registry(state);
  const arn = (service as unknown as Json)['currentServiceDeployment'] as string | undefined;
  const tracked = arn ? reg.byArn.get(arn) : undefined;
  if (!tracked) return { holdOthers: false };
  const { record, target } = tracked;
  const now = Date.now();
  record.targetServiceRevision['runningTaskCount'] = target.runningCount;
  record.targetServiceRevision['pendingTaskCount'] = target.pendingCount;
  if (record.deploymentCircuitBreaker.status === 'MONITORING') {
    record.deploymentCircuitBreaker.failureCount = target.failedTasks;
    record.deploymentCircuitBreaker.threshold = progress.threshold;
  }

  if (record.status === 'ROLLBACK_IN_PROGRESS' || record.status === 'ROLLBACK_REQUESTED') {
    const to = tracked.rollbackTo;
    if (to && to.rolloutState === 'COMPLETED') settle(state, tracked, 'ROLLBACK_SUCCESSFUL');
    else if (to && to.rolloutState === 'FAILED')
      settle(state, tracked, 'ROLLBACK_FAILED', `${record.statusReason} The rollback failed too.`);
    return { holdOthers: false };
  }
  if (record.status !== 'IN_PROGRESS' || progress.primary !== target) return { holdOthers: false };

  const config = record.deploymentConfiguration;
  if (strategyOf(service) === 'ROLLING') {
    // Early success: ECS calls the deployment done once the new tasks are healthy, while old ones still drain.
    if (progress.primaryHealthy) {
      record.lifecycleStage = 'CLEAN_UP';
      settle(state, tracked, 'SUCCESSFUL', 'Service deployment completed successfully.');
    }
    return { holdOthers: false };
  }

  // A PAUSE hook holds the stage until ContinueServiceDeployment or its timeout.
  const stage = record.lifecycleStage;
  const awaiting = record.lifecycleHookDetails?.find((h) => h.status === 'AWAITING_ACTION');
  if (awaiting) {
    if (now < awaiting.expiresAt * 1000) return { holdOthers: true };
    awaiting.status = 'TIMED_OUT';
    touch(state, record);
    if (awaiting.timeoutAction === 'ROLLBACK') {
      startRollback(state, tracked, `Lifecycle hook ${awaiting.hookId} timed out at ${stage}; rolling back.`);
      return { holdOthers: false };
    }
    tracked.stageSince = now;
  } else if (tracked.pausedAt !== stage) {
    tracked.pausedAt = stage;
    const hooks = pauseHooks(config, stage);
    if (hooks.length > 0) {
      record.lifecycleHookDetails = hooks.map((h) => ({
        hookId: randomUUID(),
        targetType: 'PAUSE',
        status: 'AWAITING_ACTION',
        expiresAt: (now + (h.timeoutConfiguration?.timeoutInMinutes ?? 1440) * reg.timing.minuteMs) / 1000,
        timeoutAction: h.timeoutConfiguration?.action ?? 'ROLLBACK',
      }));
      touch(state, record);
      return { holdOthers: true };
    }
  }

  const done =
    stage === 'SCALE_UP'
      ? progress.primaryHealthy
      : stage === 'CLEAN_UP'
        ? progress.othersDrained
        : now - tracked.stageSince >= stageDuration(reg, config, stage);
  if (done) {
    if (stage === 'CLEAN_UP') {
      settle(state, tracked, 'SUCCESSFUL', 'Service deployment completed successfully.');
      return { holdOthers: false };
    }
    record.lifecycleStage =
      TRAFFIC_STAGES[TRAFFIC_STAGES.indexOf(stage as (typeof TRAFFIC_STAGES)[number]) + 1]!;
    tracked.stageSince = now;
    touch(state, record);
  }
  return { holdOthers: record.lifecycleStage !== 'CLEAN_UP' };
}

const notFound = () =>
  new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');

function findTracked(state: EmulatorState, input: Json): Tracked {
  const arn = input['serviceDeploymentArn'];
  if (typeof arn !== 'string' || arn === '') throw invalidParameter('serviceDeploymentArn is required.');
  const tracked = registry(state).byArn.get(arn);
  if (!tracked) throw notFound();
  return tracked;
}

const brief = (r: ServiceDeploymentRecord): Json => ({
  serviceDeploymentArn: r.serviceDeploymentArn,
  serviceArn: r.serviceArn,
  clusterArn: r.clusterArn,
  createdAt: r.createdAt,
  startedAt: r.startedAt,
  ...(r.finishedAt !== undefined && { finishedAt: r.finishedAt }),
  targetServiceRevisionArn: r.targetServiceRevision['arn'],
  status: r.status,
  ...(r.statusReason && { statusReason: r.statusReason }),
});

export const serviceDeploymentOperations: Operations = {
  ListServiceDeployments(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const ref = String(input['service'] ?? '');
    if (ref === '') throw invalidParameter('service is required.');
    const name = ref.slice(ref.lastIndexOf('/') + 1);
    const statuses = input['status'] as string[] | undefined;
    const records = [...registry(state).byArn.values()]
      .filter((t) => t.service.clusterArn === cluster.clusterArn && t.service.serviceName === name)
      .map((t) => t.record)
      .filter((r) => !statuses || statuses.includes(r.status))
      .reverse()
      .map(brief);
    return paginate(records as never, { maxResults: 20, ...input }, 'serviceDeployments', 100);
  },

  DescribeServiceDeployments(state, input) {
    const arns = input['serviceDeploymentArns'] as string[] | undefined;
    if (!arns || arns.length === 0) throw invalidParameter('serviceDeploymentArns cannot be empty.');
    if (arns.length > 20) throw invalidParameter('serviceDeploymentArns can have at most 20 items.');
    const reg = registry(state);
    const serviceDeployments: Json[] = [];
    const failures: Json[] = [];
    for (const arn of arns) {
      const tracked = reg.byArn.get(arn);
      if (tracked) serviceDeployments.push(structuredClone(tracked.record) as unknown as Json);
      else failures.push({ arn, reason: 'MISSING' });
    }
    return { serviceDeployments, failures };
  },

  StopServiceDeployment(state, input) {
    const tracked = findTracked(state, input);
    const stopType = input['stopType'] ?? 'ROLLBACK';
    if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') {
      throw invalidParameter(`stopType ${String(stopType)} is not valid; use ROLLBACK.`);
    }
    if (tracked.record.status !== 'IN_PROGRESS' && tracked.record.status !== 'PENDING') {
      throw new AwsError(
        'ConflictException',
        `The service deployment is ${tracked.record.status} and cannot be stopped.`,
      );
    }
    if (stopType === 'ABORT') settle(state, tracked, 'STOPPED', 'Service deployment stopped by request.');
    else startRollback(state, tracked, 'Service deployment rolled back by a StopServiceDeployment request.');
    return { serviceDeploymentArn: tracked.record.serviceDeploymentArn };
  },

  ContinueServiceDeployment(state, input) {
    const tracked = findTracked(state, input);
    const hookId = input['hookId'];
    if (typeof hookId !== 'string' || hookId === '') throw invalidParameter('hookId is required.');
    const action = input['action'] ?? 'CONTINUE';
    if (action !== 'CONTINUE' && action !== 'ROLLBACK') {
      throw invalidParameter(`action ${String(action)} is not valid; use CONTINUE or ROLLBACK.`);
    }
    const hook = tracked.record.lifecycleHookDetails?.find((h) => h.hookId === hookId);
    if (!hook) throw invalidParameter(`The service deployment has no lifecycle hook ${hookId}.`);
    if (hook.status !== 'AWAITING_ACTION' || tracked.record.status !== 'IN_PROGRESS') {
      throw new AwsError(
        'ClientException',
        `The lifecycle hook ${hookId} is ${hook.status}, not AWAITING_ACTION; the service deployment is ${tracked.record.status}.`,
      );
    }
    hook.status = 'SUCCEEDED';
    if (action === 'ROLLBACK') {
      startRollback(state, tracked, `Service deployment rolled back at lifecycle hook ${hookId}.`);
    } else {
      tracked.stageSince = Date.now();
      touch(state, tracked.record);
    }
    return { serviceDeploymentArn: tracked.record.serviceDeploymentArn };
  },
};
