import * as core from '@actions/core';
import type { ServiceDeployment, Task } from '@aws-sdk/client-ecs';
import { printUntrusted } from '../output.ts';
import {
  CALL_TIMEOUT_MS,
  errorName,
  isTransient,
  TransientReads,
  withCallTimeout,
  type RetryOptions,
} from '../poll.ts';
import {
  closingLine,
  decide,
  failedStopOf,
  needsStops,
  type Call,
  type DecideSettings,
  type Observation,
  type Rollout,
  type RollbackCall,
} from './decide.ts';
import { culprit } from './assess.ts';
import { Cadence } from './cadence.ts';
import { watchUntil, type WatchRound } from '../watch-until.ts';
import type { EcsGateway } from './gateway.ts';

/**
 * The one watch loop of every rollout (rolling-update's services, continue-deployment's
 * service deployments): read rounds at the pace `Cadence` sets (a second while anything
 * moves, reading only what can change a decision), each rollout's observation handed to
 * `decide`, its calls carried out. It owns only what is I/O: the reads (outages waited out
 * with backoff until the deadline), the stopped-task lookups `needsStops` asks for, the calls,
 * the deadline and the job's cancel. Never throws: every rollout ends with a status.
 */

const LOG_LINES = 10;

export interface LoopOptions {
  settings: DecideSettings;
  timeoutMs: number;
  /** Whether DescribeServices is read (events, counts, stopped tasks), or only service deployments. */
  describeServices: boolean;
  /** Aborted when the job is cancelled (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  retry?: Pick<RetryOptions, 'baseMs' | 'maxMs'>;
}

export async function watchRollouts<R extends Rollout>(
  gateway: EcsGateway,
  rollouts: R[],
  options: LoopOptions,
): Promise<R[]> {
  const watched = [...rollouts];
  const deadline = Date.now() + options.timeoutMs;
  const what = options.describeServices ? 'DescribeServices' : 'DescribeServiceDeployments';
  const reads = new TransientReads(what, { ...options.retry, warn: core.warning, info: core.info });
  const seenStops = new Map<string, Set<string>>();

  /** Hands one observation to decide, carries out its calls; a rollback's answer goes back in at once. */
  const observe = async (i: number, observation: Observation): Promise<void> => {
    const { state, calls } = decide(watched[i]!, observation, options.settings, Date.now());
    watched[i] = state;
    for (const call of calls) {
      const answer = await carryOut(gateway, state, call);
      if (answer) await observe(i, answer);
    }
  };
  const giveUp = async (
    observation: Extract<Observation, { kind: 'cancelled' | 'timed-out' | 'unreadable' }>,
  ) => {
    const left = watched.flatMap((r, i) => (r.phase === 'done' ? [] : [i]));
    for (const i of left) await observe(i, observation);
    const outage = reads.failures > 0 ? `${what} failing: ${errorName(reads.lastError)}` : undefined;
    core.error(
      closingLine(
        observation,
        left.map((i) => watched[i]!),
        { timeoutMs: options.timeoutMs, ...(outage && { outage }) },
      ),
    );
  };

  const cadence = new Cadence(watched, Date.now(), { failFast: options.settings.failFast });
  /** One round's reads: the service deployments, then only the services the cadence asks for. */
  const readRound = async (active: number[], abortSignal: AbortSignal) => {
    const deployments = await gateway.serviceDeployments(
      active.flatMap((i) => watched[i]!.serviceDeploymentArn ?? []),
      abortSignal,
    );
    const now = Date.now();
    const described = new Set(
      options.describeServices
        ? active.filter((i) =>
            cadence.describesService(watched[i]!, deploymentOf(watched[i]!, deployments), now),
          )
        : [],
    );
    const services = await gateway.services(
      [...described].map((i) => watched[i]!.name),
      abortSignal,
    );
    return { deployments, services, described };
  };

  /** One round: the reads, each rollout's observation decided, the pace of the next. */
  const decideRound = async (signal: AbortSignal): Promise<WatchRound> => {
    const began = Date.now();
    const throttlesBefore = gateway.throttles();
    const active = watched.flatMap((r, i) => (r.phase === 'done' ? [] : [i]));
    if (active.length === 0) return { done: true, waitMs: 0 };
    const round = await reads.read(
      () => withCallTimeout(CALL_TIMEOUT_MS, signal, (abortSignal) => readRound(active, abortSignal)),
      () => signal.aborted,
    );
    let moved = false;
    if (round) {
      const { services, deployments, described } = round.value;
      const now = Date.now();
      await Promise.all(
        active.map(async (i) => {
          const rollout = watched[i]!;
          const serviceRead = described.has(i);
          const service = serviceRead ? services.get(rollout.name) : undefined;
          const deployment = deploymentOf(rollout, deployments);
          if (cadence.read(rollout, { service, serviceRead, deployment }, now)) moved = true;
          let stops: Extract<Observation, { kind: 'described' }>['stops'];
          const safetyDue = cadence.safetyDue(rollout, now);
          // A due look is taken in a described round, whether or not this round needs ListTasks.
          if (serviceRead && safetyDue) cadence.lookedForStops(rollout, now);
          if (needsStops(rollout, service, deployment, safetyDue || cadence.taskLost(rollout))) {
            cadence.lookedForStops(rollout, now);
            const seen = seenStops.get(rollout.name) ?? new Set<string>();
            seenStops.set(rollout.name, seen);
            try {
              stops = {
                stopped: failedStopOf(rollout, await gateway.stoppedTasks(rollout.name, seen), Date.now()),
              };
            } catch (error) {
              // ListTasks/DescribeTasks failing for a while: look again on the next poll.
              if (!isTransient(error)) throw error;
              stops = 'unavailable';
            }
          }
          await observe(i, {
            kind: 'described',
            serviceRead,
            ...(service && { service }),
            ...(deployment && { deployment }),
            ...(stops && { stops }),
          });
          if (watched[i]!.phase === 'done' || watched[i]!.phase !== rollout.phase) moved = true;
        }),
      );
    }
    const pace = cadence.endRound(moved, gateway.throttles() > throttlesBefore);
    const done = watched.every((r) => r.phase === 'done');
    return { done, waitMs: Math.max(pace - (Date.now() - began), reads.waitMs()) };
  };

  try {
    const end = await watchUntil(
      { deadline, ...(options.signal && { signal: options.signal }) },
      decideRound,
    );
    if (end !== 'done' && watched.some((r) => r.phase !== 'done'))
      await giveUp({ kind: end === 'cancelled' ? 'cancelled' : 'timed-out' });
  } catch (error) {
    await giveUp({ kind: 'unreadable', error: errorName(error) });
  }
  return watched;
}

const deploymentOf = (rollout: Rollout, deployments: Map<string, ServiceDeployment>) =>
  rollout.serviceDeploymentArn ? deployments.get(rollout.serviceDeploymentArn) : undefined;

/** Carries out one call; a rollback call answers with what came of it. */
async function carryOut(gateway: EcsGateway, rollout: Rollout, call: Call): Promise<Observation | undefined> {
  switch (call.call) {
    case 'say':
      sayLine(call.level, call.text + (call.logsOf ? await logTail(gateway, call.logsOf) : ''));
      return undefined;
    case 'print-untrusted':
      printUntrusted(call.lines);
      return undefined;
    case 'update-service':
      return rollingBack(call.call, async () => {
        const { deploymentId } = await gateway.updateService(rollout.name, call.taskDefinition, false);
        return deploymentId;
      });
    case 'stop-service-deployment':
      return rollingBack(call.call, async () => {
        await gateway.stopServiceDeployment(call.serviceDeploymentArn);
        return undefined;
      });
  }
}

/** A rollback call's answer, as decide takes it: started (with the deployment it made), or refused and why. */
async function rollingBack(
  via: RollbackCall,
  start: () => Promise<string | undefined>,
): Promise<Observation> {
  try {
    const deploymentId = await start();
    return { kind: 'rollback-started', via, ...(deploymentId && { deploymentId }) };
  } catch (error) {
    return {
      kind: 'rollback-refused',
      via,
      error: errorName(error),
      message: (error as Error).message ?? '',
    };
  }
}

function sayLine(level: 'info' | 'warning' | 'error', text: string): void {
  if (level === 'error') core.error(text);
  else if (level === 'warning') core.warning(text);
  else core.info(text);
}

/** The last log lines of a stopped task's culprit container, to append to its line; '' when none. */
async function logTail(gateway: EcsGateway, task: Task): Promise<string> {
  try {
    const { container, lines } = await gateway.lastLines(task, LOG_LINES);
    if (lines.length === 0) return '';
    return `\nLast ${lines.length} log lines of ${container}:\n${lines.map((l) => `  ${l}`).join('\n')}`;
  } catch (error) {
    core.warning(`Could not read the logs of container ${culprit(task)?.name}: ${(error as Error).message}`);
    return '';
  }
}
