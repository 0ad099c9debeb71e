import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { clientException, invalidParameter } from '../errors.ts';
import { appendLogEvents } from '../logs.ts';
import type { Operations } from '../protocol.ts';
import type {
  ContainerRecord,
  EmulatorState,
  Json,
  TaskBehavior,
  TaskDefinitionRecord,
  TaskRecord,
} from '../state.ts';
import { findCluster } from './clusters.ts';
import { findTaskDefinition, paginate } from './task-definitions.ts';

/**
 * Tasks on ECS's life cycle, PROVISIONING → PENDING → RUNNING → DEPROVISIONING → STOPPED, on
 * real time: how long each phase takes, what the container logs and how it exits come from the
 * TaskBehavior a test set for the task definition. RunTask and the service scheduler both start
 * tasks here.
 */

type ContainerDefinition = Json & {
  name: string;
  image: string;
  essential?: boolean;
  command?: string[];
  entryPoint?: string[];
  environment?: { name: string; value: string }[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
};

type ContainerOverride = {
  name?: string;
  command?: string[];
  environment?: { name: string; value: string }[];
};

export interface StartTaskOptions {
  clusterArn: string;
  definition: TaskDefinitionRecord;
  group: string;
  startedBy?: string;
  overrides?: { containerOverrides?: ContainerOverride[] };
  /** Extra DescribeTasks fields: launchType, capacityProviderName, attachments … */
  extra?: Json;
}

/** Per-task things DescribeTasks does not show. */
interface Runtime {
  behavior: TaskBehavior;
  kill?: () => void;
}
const runtimes = new WeakMap<TaskRecord, Runtime>();

export function behaviorFor(state: EmulatorState, definition: TaskDefinitionRecord): TaskBehavior {
  const { family, revision } = definition.definition;
  return state.taskBehaviors.get(`${family}:${revision}`) ?? state.taskBehaviors.get(family) ?? {};
}

const containersOf = (definition: TaskDefinitionRecord) =>
  definition.definition['containerDefinitions'] as ContainerDefinition[];

export function startTask(state: EmulatorState, options: StartTaskOptions): TaskRecord {
  const clusterName = options.clusterArn.slice(options.clusterArn.lastIndexOf('/') + 1);
  const id = randomBytes(16).toString('hex');
  const taskArn = state.arn('ecs', `task/${clusterName}/${id}`);
  const task: TaskRecord = {
    taskArn,
    clusterArn: options.clusterArn,
    taskDefinitionArn: options.definition.definition.taskDefinitionArn,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    group: options.group,
    ...(options.startedBy && { startedBy: options.startedBy }),
    createdAt: state.now(),
    cpu: options.definition.definition['cpu'],
    memory: options.definition.definition['memory'],
    overrides: {
      containerOverrides: options.overrides?.containerOverrides ?? [],
      inferenceAcceleratorOverrides: [],
    },
    version: 1,
    ...options.extra,
    containers: containersOf(options.definition).map((c): ContainerRecord => ({
      containerArn: state.arn('ecs', `container/${clusterName}/${id}/${randomBytes(8).toString('hex')}`),
      taskArn,
      name: c.name,
      image: c.image,
      lastStatus: 'PENDING',
      essential: c.essential !== false,
    })),
  };
  state.tasks.set(taskArn, task);
  const behavior = behaviorFor(state, options.definition);
  runtimes.set(task, { behavior });

  const startMs = behavior.startMs ?? state.timing.startMs;
  state.schedule(Math.min(state.timing.provisionMs, startMs), () => setStatus(task, 'PENDING'));
  state.schedule(startMs, () => {
    if (task.desiredStatus === 'STOPPED') return;
    if (behavior.failToStart) {
      finish(state, task, { stopCode: 'TaskFailedToStart', reason: behavior.failToStart });
      return;
    }
    run(state, task, options);
  });
  return task;
}

function setStatus(task: TaskRecord, status: string): void {
  if (task.lastStatus === 'STOPPED' || task.lastStatus === 'DEPROVISIONING') return;
  task.lastStatus = status;
  task.version = Number(task['version']) + 1;
}

/** The task's awslogs destination for a container, as the awslogs driver names it. */
export function logStream(definition: TaskDefinitionRecord, container: string, taskArn: string) {
  const options = containersOf(definition).find((c) => c.name === container)?.logConfiguration;
  const group = options?.options?.['awslogs-group'];
  if (options?.logDriver !== 'awslogs' || !group) return undefined;
  const prefix = options.options?.['awslogs-stream-prefix'];
  const id = taskArn.slice(taskArn.lastIndexOf('/') + 1);
  return { group, stream: prefix ? `${prefix}/${container}/${id}` : id };
}

function run(state: EmulatorState, task: TaskRecord, options: StartTaskOptions): void {
  setStatus(task, 'RUNNING');
  task.startedAt = state.now();
  for (const container of task.containers) container.lastStatus = 'RUNNING';
  const runtime = runtimes.get(task)!;
  const { behavior } = runtime;
  const main = task.containers.find((c) => c.essential) ?? task.containers[0]!;
  const destination = logStream(options.definition, main.name, task.taskArn);
  const log = (messages: string[]) => {
    if (destination) appendLogEvents(state, destination.group, destination.stream, messages);
  };
  log([]); // the awslogs driver creates the stream when the container starts

  if (behavior.localProcess) {
    runLocalProcess(state, task, options, main, log);
    return;
  }
  const lines = [...(behavior.logs ?? [])].sort((a, b) => a.afterMs - b.afterMs);
  let written = 0;
  const writeUntil = (ms: number) => {
    const start = written;
    while (written < lines.length && lines[written]!.afterMs <= ms) written++;
    if (written > start) log(lines.slice(start, written).map((line) => line.message));
  };
  for (const afterMs of new Set(lines.map((line) => line.afterMs))) {
    state.schedule(afterMs, () => task.desiredStatus === 'RUNNING' && writeUntil(afterMs));
  }
  if (behavior.exitAfterMs !== undefined) {
    const exitAfterMs = behavior.exitAfterMs;
    state.schedule(exitAfterMs, () => {
      if (task.desiredStatus !== 'RUNNING') return;
      writeUntil(exitAfterMs);
      main.exitCode = behavior.exitCode ?? 0;
      finish(state, task, {
        stopCode: 'EssentialContainerExited',
        reason: behavior.stoppedReason ?? 'Essential container in task exited',
      });
    });
  }
}

function runLocalProcess(
  state: EmulatorState,
  task: TaskRecord,
  options: StartTaskOptions,
  main: ContainerRecord,
  log: (messages: string[]) => void,
): void {
  const definition = containersOf(options.definition).find((c) => c.name === main.name)!;
  const override = options.overrides?.containerOverrides?.find((o) => o.name === main.name);
  const argv = [...(definition.entryPoint ?? []), ...(override?.command ?? definition.command ?? [])];
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/' };
  for (const { name, value } of [...(definition.environment ?? []), ...(override?.environment ?? [])])
    env[name] = value;
  const child = spawn(argv[0] ?? 'true', argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const runtime = runtimes.get(task)!;
  runtime.kill = () => child.kill('SIGTERM');
  const cleanup = () => child.kill('SIGKILL');
  state.cleanups.add(cleanup);
  let open = 2;
  const closed = new Promise<void>((resolve) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => log([line]));
      stream.on('close', () => --open === 0 && resolve());
    }
  });
  child.on('error', (error) => log([`exec ${argv[0]}: ${error.message}`]));
  child.on('close', async (code, signal) => {
    await closed;
    state.cleanups.delete(cleanup);
    main.exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
    if (task.desiredStatus === 'RUNNING') {
      finish(state, task, {
        stopCode: 'EssentialContainerExited',
        reason: 'Essential container in task exited',
      });
    }
  });
}

/** Moves a task through DEPROVISIONING to STOPPED. */
export function finish(
  state: EmulatorState,
  task: TaskRecord,
  { stopCode, reason }: { stopCode: string; reason: string },
): void {
  if (task.stopCode !== undefined) return; // already stopping
  task.desiredStatus = 'STOPPED';
  task.stopCode = stopCode;
  task.stoppedReason = reason;
  task.stoppingAt = state.now();
  const wasRunning = task.lastStatus === 'RUNNING';
  setStatus(task, 'DEPROVISIONING');
  state.schedule(state.timing.stopMs, () => {
    task.lastStatus = 'STOPPED';
    task.stoppedAt = state.now();
    task.version = Number(task['version']) + 1;
    for (const container of task.containers) {
      container.lastStatus = 'STOPPED';
      // A container that was running when the task was stopped got SIGTERM.
      if (container.exitCode === undefined && wasRunning) container.exitCode = 143;
    }
  });
}

/** A running task's essential container exits with `exitCode` now (a test's event, not a timer). */
export function exitTask(state: EmulatorState, task: TaskRecord, exitCode: number): void {
  if (task.desiredStatus !== 'RUNNING') return;
  const main = task.containers[0]!;
  main.exitCode = exitCode;
  finish(state, task, {
    stopCode: 'EssentialContainerExited',
    reason: `Essential container in task exited`,
  });
}

/** StopTask and the service scheduler: SIGTERM to a local process, then STOPPED. */
export function stopTask(state: EmulatorState, task: TaskRecord, stopCode: string, reason: string): void {
  if (task.desiredStatus === 'STOPPED') return;
  runtimes.get(task)?.kill?.();
  finish(state, task, { stopCode, reason });
}

export function findTask(state: EmulatorState, clusterArn: string, ref: string): TaskRecord | undefined {
  const id = ref.slice(ref.lastIndexOf('/') + 1);
  return [...state.tasks.values()].find((t) => t.clusterArn === clusterArn && t.taskArn.endsWith(`/${id}`));
}

function describeTask(task: TaskRecord): Json {
  return { ...task, containers: task.containers.map(({ essential: _essential, ...container }) => container) };
}

function validateRunTask(input: Json, definition: TaskDefinitionRecord): void {
  if (input['launchType'] && input['capacityProviderStrategy']) {
    throw invalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  }
  if (definition.definition['networkMode'] === 'awsvpc' && !input['networkConfiguration']) {
    throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  const names = containersOf(definition).map((c) => c.name);
  const overrides =
    (input['overrides'] as { containerOverrides?: ContainerOverride[] } | undefined)?.containerOverrides ??
    [];
  for (const override of overrides) {
    if (!override.name || !names.includes(override.name)) {
      throw invalidParameter(
        `Override for container named ${override.name} is not a container in the TaskDefinition.`,
      );
    }
  }
  const count = Number(input['count'] ?? 1);
  if (!Number.isInteger(count) || count < 1 || count > 10)
    throw invalidParameter('count must be between 1 and 10.');
}

function attachments(input: Json): Json[] {
  const awsvpc = (
    input['networkConfiguration'] as { awsvpcConfiguration?: { subnets?: string[] } } | undefined
  )?.awsvpcConfiguration;
  if (!awsvpc) return [];
  return [
    {
      id: randomBytes(8).toString('hex'),
      type: 'ElasticNetworkInterface',
      status: 'ATTACHED',
      details: [
        { name: 'subnetId', value: awsvpc.subnets?.[0] ?? '' },
        {
          name: 'privateIPv4Address',
          value: `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        },
      ],
    },
  ];
}

export const taskOperations: Operations = {
  RunTask(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const definition = findTaskDefinition(state, input['taskDefinition']);
    if (!definition || definition.definition.status !== 'ACTIVE')
      throw clientException('TaskDefinition not found.');
    validateRunTask(input, definition);
    const failure = state.runTaskFailures.shift();
    if (failure) {
      return {
        tasks: [],
        failures: [
          { arn: state.arn('ecs', `container-instance/${cluster.clusterName}/emulated`), reason: failure },
        ],
      };
    }
    const strategy = input['capacityProviderStrategy'] as { capacityProvider: string }[] | undefined;
    const tasks = Array.from({ length: Number(input['count'] ?? 1) }, () =>
      startTask(state, {
        clusterArn: cluster.clusterArn,
        definition,
        group: (input['group'] as string | undefined) ?? `family:${definition.definition.family}`,
        ...(typeof input['startedBy'] === 'string' && { startedBy: input['startedBy'] }),
        overrides: (input['overrides'] as StartTaskOptions['overrides']) ?? {},
        extra: {
          attachments: attachments(input),
          ...(strategy
            ? { capacityProviderName: strategy[0]?.capacityProvider }
            : { launchType: input['launchType'] ?? 'EC2' }),
          ...(input['tags'] !== undefined && { tags: input['tags'] }),
        },
      }),
    );
    return { tasks: tasks.map(describeTask), failures: [] };
  },

  DescribeTasks(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const refs = (input['tasks'] as string[] | undefined) ?? [];
    if (refs.length === 0 || refs.length > 100)
      throw invalidParameter('Tasks cannot be empty and can have at most 100 items.');
    const tasks: Json[] = [];
    const failures: Json[] = [];
    for (const ref of refs) {
      const task = findTask(state, cluster.clusterArn, ref);
      if (task) tasks.push(describeTask(task));
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    return { tasks, failures };
  },

  StopTask(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const task = findTask(state, cluster.clusterArn, String(input['task'] ?? ''));
    if (!task) throw invalidParameter('The referenced task was not found.');
    stopTask(state, task, 'UserInitiated', (input['reason'] as string | undefined) ?? 'Task stopped by user');
    return { task: describeTask(task) };
  },

  ListTasks(state, input) {
    const cluster = findCluster(state, input['cluster']);
    const desired = (input['desiredStatus'] as string | undefined) ?? 'RUNNING';
    const family = input['family'] as string | undefined;
    const service = input['serviceName'] as string | undefined;
    const startedBy = input['startedBy'] as string | undefined;
    const arns = [...state.tasks.values()]
      .filter(
        (t) =>
          t.clusterArn === cluster.clusterArn &&
          t.desiredStatus === desired &&
          (!family || t.taskDefinitionArn.includes(`:task-definition/${family}:`)) &&
          (!service || t.group === `service:${service.slice(service.lastIndexOf('/') + 1)}`) &&
          (!startedBy || t.startedBy === startedBy),
      )
      .map((t) => t.taskArn);
    return paginate(arns, input, 'taskArns', 100);
  },
};
