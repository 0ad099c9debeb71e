/**
 * The emulator's whole world, in memory. Operation handlers (ecs/*.ts, logs.ts) read and change
 * it; tests seed it through the control methods in index.ts.
 */

export type Json = Record<string, unknown>;

export interface TaskDefinitionRecord {
  /** What DescribeTaskDefinition returns, timestamps in epoch seconds. */
  definition: Json & { family: string; revision: number; taskDefinitionArn: string; status: string };
  tags: { key: string; value: string }[];
}

export interface ClusterRecord {
  clusterArn: string;
  clusterName: string;
  status: string;
  capacityProviders: string[];
  tags: { key: string; value: string }[];
}

export interface LogEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  message: string;
  ingestionTime: number;
}

/** How a task started from a task definition behaves; tests script it per family or revision. */
export interface TaskBehavior {
  /** Milliseconds from RunTask (or a service placing it) to RUNNING; default `timing.startMs`. */
  startMs?: number;
  /** The task never runs: it stops with stopCode TaskFailedToStart and this reason, e.g. `CannotPullContainerError: ...`. */
  failToStart?: string;
  /** Lines the first essential container writes, `afterMs` after it starts running. */
  logs?: { afterMs: number; message: string }[];
  /** Milliseconds after RUNNING the essential container exits; unset: it runs until stopped. */
  exitAfterMs?: number;
  /** The container's exit code when it exits on its own; default 0. */
  exitCode?: number;
  /** The task's stoppedReason when its container exits on its own. */
  stoppedReason?: string;
  /** Run the container command (with overrides) as a local process: its output is the log, its status the exit code. */
  localProcess?: boolean;
}

export interface Timing {
  /** PROVISIONING → PENDING. */
  provisionMs: number;
  /** Default RunTask → RUNNING. */
  startMs: number;
  /** DEPROVISIONING → STOPPED. */
  stopMs: number;
}

export interface ContainerRecord {
  containerArn: string;
  taskArn: string;
  name: string;
  image: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  essential: boolean;
}

/** A task as DescribeTasks returns it (timestamps in epoch seconds). */
export interface TaskRecord extends Json {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  lastStatus: string;
  desiredStatus: string;
  group: string;
  startedBy?: string;
  createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers: ContainerRecord[];
}

/** The account of a one-account emulator (what the one-account bootstrap render mocks). */
export const DEFAULT_ACCOUNT = '123456789012';

export class EmulatorState {
  /** Pending timers and child processes, so stopping the emulator leaves nothing running. */
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly cleanups = new Set<() => void>();

  /** The account these resources are in (the emulator holds one state per account). */
  readonly account: string;
  region = 'us-east-1';
  /** family → revisions in order; index i holds revision i + 1. */
  readonly taskDefinitions = new Map<string, TaskDefinitionRecord[]>();
  readonly clusters = new Map<string, ClusterRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  /** Keyed by `family` or `family:revision`; the more specific one wins. */
  readonly taskBehaviors = new Map<string, TaskBehavior>();
  /** Reasons the next RunTask calls fail with (`failures[]`), one per call, e.g. RESOURCE:MEMORY. */
  readonly runTaskFailures: string[] = [];
  timing: Timing = { provisionMs: 20, startMs: 100, stopMs: 50 };
  /** log group → log stream → events in order. */
  readonly logGroups = new Map<string, Map<string, LogEvent[]>>();

  constructor(account = DEFAULT_ACCOUNT) {
    this.account = account;
  }

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.account}:${resource}`;
  }

  /** Runs `fn` after `ms` unless the emulator stops first. */
  schedule(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  shutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups.clear();
  }

  /** Epoch seconds, the JSON 1.1 protocol's timestamp format. */
  now(): number {
    return Date.now() / 1000;
  }
}
