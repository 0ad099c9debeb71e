import { describe, expect, test } from '@jest/globals';
import type { Deployment, Service, ServiceDeployment, Task } from '@aws-sdk/client-ecs';
import {
  closingLine,
  decide,
  failedStopOf,
  needsStops,
  type Call,
  type DecideSettings,
  type Observation,
  type Rollout,
} from './decide.ts';
import { ARN, deployment, service } from './fixtures.ts';

const SD_ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/app/web/abc';
const NOW = Date.UTC(2026, 11, 2, 12, 0, 30);
const STARTED = NOW - 30_000;

function rollout(fields: Partial<Rollout> = {}): Rollout {
  return {
    name: 'web',
    target: ARN(3),
    previous: ARN(2),
    expected: { taskDefinition: ARN(3), deploymentId: 'ecs-svc/3' },
    phase: 'rolling',
    startedAt: STARTED,
    seenEvents: new Set(),
    lastFailedTasks: 0,
    lastRunning: 0,
    ...fields,
  };
}

const steadyOn = (revision: number) =>
  service([deployment(revision, { runningCount: 2, rolloutState: 'COMPLETED' })]);
const rollingTo3 = (fields: Partial<Deployment> = {}, serviceFields: Partial<Service> = {}) =>
  service(
    [
      deployment(3, { runningCount: 1, ...fields }),
      deployment(2, { status: 'ACTIVE', runningCount: 1, rolloutState: 'COMPLETED' }),
    ],
    serviceFields,
  );

function serviceDeployment(fields: Partial<ServiceDeployment>): ServiceDeployment {
  return { serviceDeploymentArn: SD_ARN, status: 'IN_PROGRESS', ...fields };
}

const crashed: Task = {
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/app/0a1b2c',
  taskDefinitionArn: ARN(3),
  startedBy: 'ecs-svc/3',
  desiredStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  stoppingAt: new Date(NOW - 1000),
  containers: [{ name: 'web', exitCode: 3 }],
};

const described = (
  s: Service | undefined,
  extra: Partial<Extract<Observation, { kind: 'described' }>> = {},
): Observation => ({ kind: 'described', serviceRead: true, ...(s && { service: s }), ...extra });

/** A task of web:3 stopped: seen on the deployments list (v1), on a service deployment (v2), or while ECS's breaker decides. */
const crashV1 = described(rollingTo3({ failedTasks: 1 }), { stops: { stopped: crashed } });
const crashV2 = described(rollingTo3({ failedTasks: 1 }), {
  deployment: serviceDeployment({}),
  stops: { stopped: crashed },
});
const crashUnderBreaker = described(
  rollingTo3(
    { failedTasks: 1 },
    { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } },
  ),
  { stops: { stopped: crashed } },
);

const SETTINGS: DecideSettings = { rollback: true, failFast: false, waitUntil: 'steady' };

/** The calls, as `level: text` lines and call names, so a row reads like the log it makes. */
const shown = (calls: Call[]) =>
  calls.map((c) =>
    c.call === 'say'
      ? `${c.level}: ${c.text}${c.logsOf ? ' [+logs]' : ''}`
      : c.call === 'print-untrusted'
        ? `events: ${c.lines.join(' | ')}`
        : c.call === 'update-service'
          ? `UpdateService ${c.taskDefinition.replace(/.*\//, '')}`
          : 'StopServiceDeployment ROLLBACK',
  );

interface Row {
  ending: string;
  given?: Partial<Rollout>;
  settings?: Partial<DecideSettings>;
  /** Observations in order; each one's decision feeds the next. */
  see: Observation[];
  phase: Rollout['phase'];
  status?: Rollout['status'];
  detail?: RegExp;
  /** Every call of the last decision, in order. */
  calls?: string[];
}

const ROWS: Row[] = [
  {
    ending: 'steady (v1: the expected deployment alone, COMPLETED, running = desired)',
    see: [described(steadyOn(3))],
    phase: 'done',
    status: 'steady',
    calls: ['info: web: steady on web:3 after 30 s.'],
  },
  {
    ending: 'steady (v2: the service deployment SUCCESSFUL)',
    given: { serviceDeploymentArn: SD_ARN },
    see: [described(steadyOn(3), { deployment: serviceDeployment({ status: 'SUCCESSFUL' }) })],
    phase: 'done',
    status: 'steady',
    calls: ['info: web: steady on web:3 after 30 s (service deployment SUCCESSFUL).'],
  },
  {
    ending: 'still rolling: the wait is told once, in words',
    see: [described(rollingTo3())],
    phase: 'rolling',
    calls: ['info: web: 1/2 running on web:3; web:2 still has 1 task to stop'],
  },
  {
    ending: 'failed: refused at the start (UpdateService, ContinueServiceDeployment)',
    see: [{ kind: 'start-refused', detail: 'UpdateService failed (X: no); nothing was deployed' }],
    phase: 'done',
    status: 'failed',
    detail: /^UpdateService failed \(X: no\); nothing was deployed$/,
    calls: ['error: web: UpdateService failed (X: no); nothing was deployed.'],
  },
  {
    ending: 'failed: the service is gone',
    see: [described(undefined)],
    phase: 'done',
    status: 'failed',
    detail: /^the service is gone$/,
    calls: ['error: web: the service is gone.'],
  },
  {
    ending: 'failed: rolloutState FAILED with rollback off',
    settings: { rollback: false },
    see: [described(rollingTo3({ rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start.' }))],
    phase: 'done',
    status: 'failed',
    detail: /^rolloutState FAILED: tasks failed to start$/,
  },
  {
    ending: 'failed: no previous revision to roll back to',
    given: { previous: ARN(3) },
    see: [described(rollingTo3({ rolloutState: 'FAILED' }))],
    phase: 'done',
    status: 'failed',
    detail: /\(no previous task definition to roll back to\)$/,
  },
  {
    ending: 'failed: superseded by another deploy (never rolled back over it)',
    see: [described(steadyOn(4))],
    phase: 'done',
    status: 'failed',
    detail: /another deployment replaced ours: the service now deploys web:4/,
    calls: [
      'error: web: the deployment of web:3 failed: another deployment replaced ours: the service now deploys web:4',
    ],
  },
  {
    ending: 'a crash without ECS deciding: reported with its logs, then our rollback (UpdateService)',
    see: [crashV1],
    phase: 'rolling',
    calls: [
      'info: web: 1/2 running on web:3 (1 failed); web:2 still has 1 task to stop',
      'error: web: the deployment of web:3 failed: task 0a1b2c stopped: Essential container in task exited (EssentialContainerExited); container "web" exited with code 3 [+logs]',
      'info: web: rolling back to web:2.',
      'UpdateService web:2',
    ],
  },
  {
    ending: 'rolled back by us (v1): UpdateService answered, then steady on the previous revision',
    see: [
      crashV1,
      { kind: 'rollback-started', via: 'update-service', deploymentId: 'ecs-svc/2b' },
      described(steadyOn(2)),
    ],
    phase: 'done',
    status: 'rolled-back',
    detail: /^rolled back to web:2: task 0a1b2c stopped/,
    calls: ['info: web: rolled back, steady on web:2 after 30 s.'],
  },
  {
    // Review of 22.1: the branch went by the service deployment's ARN, not by the call made; a
    // v2 rollout whose service deployment one answer left out is watched as v1 and rolled back
    // with UpdateService, and its rollback must then watch the previous revision.
    ending:
      'rolled back by UpdateService though the rollout has a service deployment (left out of one answer)',
    given: { serviceDeploymentArn: SD_ARN },
    see: [
      crashV1,
      { kind: 'rollback-started', via: 'update-service', deploymentId: 'ecs-svc/2b' },
      described(
        service([
          deployment(2, { id: 'ecs-svc/2b', runningCount: 1 }),
          deployment(3, { status: 'ACTIVE', rolloutState: 'FAILED' }),
        ]),
      ),
      described(steadyOn(2)),
    ],
    phase: 'done',
    status: 'rolled-back',
    detail: /^rolled back to web:2: task 0a1b2c stopped/,
  },
  {
    ending: 'failed: our rollback could not start',
    see: [
      crashV1,
      { kind: 'rollback-refused', via: 'update-service', error: 'AccessDeniedException: no', message: 'no' },
    ],
    phase: 'done',
    status: 'failed',
    detail: /; the rollback to web:2 could not start \(AccessDeniedException: no\)$/,
  },
  {
    ending: 'failed: the rollback failed too',
    given: {
      phase: 'rolling-back',
      detail: 'rolled back to web:2: boom',
      expected: { taskDefinition: ARN(2) },
    },
    see: [
      described(
        service([
          deployment(2, { rolloutState: 'FAILED', rolloutStateReason: 'no luck' }),
          deployment(3, { status: 'ACTIVE' }),
        ]),
      ),
    ],
    phase: 'done',
    status: 'failed',
    detail: /^rolled back to web:2: boom; the rollback failed too: rolloutState FAILED: no luck$/,
  },
  {
    ending: 'a crash while the circuit breaker decides: a warning with its logs, no rollback of ours',
    see: [crashUnderBreaker],
    phase: 'rolling',
    calls: [
      'info: web: 1/2 running on web:3 (1 failed); web:2 still has 1 task to stop',
      expect.stringMatching(
        /^warning: web: a task of web:3 stopped: .*ECS's circuit breaker \(or alarms\) decides.*\[\+logs\]$/,
      ) as unknown as string,
    ],
  },
  {
    ending: 'fail-fast preempts the circuit breaker: our rollback at the first crash',
    settings: { failFast: true },
    see: [crashUnderBreaker],
    phase: 'rolling',
    calls: [
      'info: web: 1/2 running on web:3 (1 failed); web:2 still has 1 task to stop',
      expect.stringMatching(/^error: web: the deployment of web:3 failed/) as unknown as string,
      'info: web: rolling back to web:2.',
      'UpdateService web:2',
    ],
  },
  {
    ending: 'rolled back by ECS (v1 breaker): followed to steady on the previous revision',
    see: [
      described(
        service([
          deployment(2, { id: 'ecs-svc/2b', runningCount: 1 }),
          deployment(3, { status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker' }),
        ]),
      ),
      described(steadyOn(2)),
    ],
    phase: 'done',
    status: 'rolled-back',
    detail: /^rolled back by the ECS circuit breaker to web:2: rolloutState FAILED: circuit breaker$/,
  },
  {
    ending: 'rolled back by ECS (v2): ROLLBACK_SUCCESSFUL, its reason kept, no StopServiceDeployment',
    given: { serviceDeploymentArn: SD_ARN },
    see: [
      described(steadyOn(2), {
        deployment: serviceDeployment({
          status: 'ROLLBACK_SUCCESSFUL',
          statusReason: 'Circuit breaker: 3 tasks failed.',
        }),
      }),
    ],
    phase: 'done',
    status: 'rolled-back',
    detail: /^rolled back by ECS: ROLLBACK_SUCCESSFUL: Circuit breaker: 3 tasks failed$/,
    calls: [
      'error: web: the deployment of web:3 failed: ROLLBACK_SUCCESSFUL: Circuit breaker: 3 tasks failed',
      'info: web: ECS is rolling back to web:2; following it.',
      'info: web: rolled back to web:2 after 30 s.',
    ],
  },
  {
    ending: 'rolled back by us (v2): StopServiceDeployment, then ROLLBACK_SUCCESSFUL',
    given: { serviceDeploymentArn: SD_ARN },
    see: [
      crashV2,
      { kind: 'rollback-started', via: 'stop-service-deployment' },
      described(steadyOn(2), { deployment: serviceDeployment({ status: 'ROLLBACK_SUCCESSFUL' }) }),
    ],
    phase: 'done',
    status: 'rolled-back',
    detail: /^rolled back to web:2 \(StopServiceDeployment ROLLBACK\): task 0a1b2c/,
  },
  {
    ending: 'ECS already rolling back when ours is asked (v2): followed, never doubled',
    given: { serviceDeploymentArn: SD_ARN },
    see: [
      crashV2,
      {
        kind: 'rollback-refused',
        via: 'stop-service-deployment',
        error: 'ClientException: in ROLLBACK_IN_PROGRESS',
        message: 'in ROLLBACK_IN_PROGRESS',
      },
    ],
    phase: 'rolling-back',
    detail: /^rolled back by ECS: task 0a1b2c/,
    calls: ['info: web: ECS is already rolling back to web:2; following it.'],
  },
  {
    ending: 'paused at a PAUSE hook (wait-until: paused)',
    given: { serviceDeploymentArn: SD_ARN },
    settings: { waitUntil: 'paused' },
    see: [
      described(rollingTo3(), {
        deployment: serviceDeployment({
          lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
          lifecycleHookDetails: [{ hookId: 'h1', targetType: 'PAUSE', status: 'AWAITING_ACTION' }],
        }),
      }),
    ],
    phase: 'done',
    status: 'paused',
    detail: /^paused at POST_TEST_TRAFFIC_SHIFT$/,
  },
  {
    ending: 'the hook a continue answered: ECS catching up, not a new pause',
    given: { serviceDeploymentArn: SD_ARN, answeredHook: 'h1' },
    settings: { waitUntil: 'paused' },
    see: [
      described(undefined, {
        serviceRead: false,
        deployment: serviceDeployment({
          lifecycleHookDetails: [{ hookId: 'h1', targetType: 'PAUSE', status: 'AWAITING_ACTION' }],
        }),
      }),
    ],
    phase: 'rolling',
    calls: [],
  },
  {
    ending: 'failed: a service deployment ECS no longer knows (continue-deployment reads only those)',
    given: { serviceDeploymentArn: SD_ARN },
    see: [described(undefined, { serviceRead: false })],
    phase: 'done',
    status: 'failed',
    detail: /^the service deployment was not found$/,
  },
  {
    ending: 'continue-deployment, ROLLBACK asked but ECS completed the deployment: steady on the target',
    given: {
      serviceDeploymentArn: SD_ARN,
      answeredHook: 'h1',
      phase: 'rolling-back',
      detail: 'rolled back at BAKE_TIME',
    },
    settings: { rollback: false, waitUntil: 'paused', follower: true },
    see: [
      described(undefined, { serviceRead: false, deployment: serviceDeployment({ status: 'SUCCESSFUL' }) }),
    ],
    phase: 'done',
    status: 'steady',
    detail: /ECS completed the deployment instead$/,
  },
  {
    ending: 'continue-deployment: a pause at the next hook ends it, paused again',
    given: { serviceDeploymentArn: SD_ARN, answeredHook: 'h1' },
    settings: { rollback: false, waitUntil: 'paused', follower: true },
    see: [
      described(undefined, {
        serviceRead: false,
        deployment: serviceDeployment({
          lifecycleStage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
          lifecycleHookDetails: [{ hookId: 'h2', targetType: 'PAUSE', status: 'AWAITING_ACTION' }],
        }),
      }),
    ],
    phase: 'done',
    status: 'paused',
    detail: /^paused again at POST_PRODUCTION_TRAFFIC_SHIFT$/,
  },
  {
    ending: 'timed out: what it waited on, and what ECS carries on with',
    given: { waiting: '1/2 running on web:3', seen: { running: 1, desired: 2, taskDefinition: ARN(3) } },
    see: [{ kind: 'timed-out' }],
    phase: 'done',
    status: 'timed-out',
    detail: /^waits on 1\/2 running on web:3; ECS is still deploying web \(1\/2 on web:3\)$/,
  },
  {
    ending: 'cancelled: ECS carries on, named',
    given: { stage: 'BAKE_TIME' },
    see: [{ kind: 'cancelled' }],
    phase: 'done',
    status: 'cancelled',
    detail: /^cancelled while it waited on its deployment; ECS is still deploying web \(at BAKE_TIME\)$/,
  },
  {
    ending: 'unwatched: a read that waiting will not fix',
    see: [{ kind: 'unreadable', error: 'AccessDeniedException: not allowed' }],
    phase: 'done',
    status: 'unwatched',
    detail:
      /^could not watch it \(AccessDeniedException: not allowed\); ECS is still deploying web \(not described since the update\)$/,
  },
];

describe('decide: every ending of a rollout', () => {
  test.each(ROWS)('$ending', ({ given, settings, see, phase, status, detail, calls }) => {
    let state = rollout(given);
    let last: Call[] = [];
    for (const observation of see) {
      const before = structuredClone(state);
      const decision = decide(state, observation, { ...SETTINGS, ...settings }, NOW);
      // Pure: the rollout handed in is left as it was.
      expect(state).toEqual(before);
      state = decision.state;
      last = decision.calls;
    }
    expect(state.phase).toBe(phase);
    expect(state.status).toBe(status);
    if (detail) expect(state.detail).toMatch(detail);
    if (calls) expect(shown(last)).toEqual(calls);
  });

  test('a rollout already done is left alone', () => {
    const done = rollout({ phase: 'done', status: 'steady' });
    expect(decide(done, { kind: 'cancelled' }, SETTINGS, NOW)).toEqual({ state: done, calls: [] });
  });

  test('service events are printed once, oldest first, as untrusted text', () => {
    const events = [
      { id: 'e2', message: 'second' },
      { id: 'e1', message: 'first' },
    ];
    const first = decide(rollout(), described(rollingTo3({}, { events })), SETTINGS, NOW);
    expect(shown(first.calls)[0]).toBe('events: first | second');
    const again = decide(first.state, described(rollingTo3({}, { events })), SETTINGS, NOW);
    expect(shown(again.calls).filter((c) => c.startsWith('events'))).toEqual([]);
  });

  test('traffic stages are recorded with the time, once each', () => {
    const canary = (stage: ServiceDeployment['lifecycleStage']) =>
      described(rollingTo3(), {
        deployment: serviceDeployment({
          lifecycleStage: stage,
          deploymentConfiguration: { strategy: 'CANARY' },
        }),
      });
    const given = rollout({ serviceDeploymentArn: SD_ARN });
    const one = decide(given, canary('TEST_TRAFFIC_SHIFT'), SETTINGS, NOW);
    const two = decide(one.state, canary('TEST_TRAFFIC_SHIFT'), SETTINGS, NOW + 1000);
    const three = decide(two.state, canary('BAKE_TIME'), SETTINGS, NOW + 2000);
    expect(three.state.stages).toEqual(['12:00:30 TEST_TRAFFIC_SHIFT', '12:00:32 BAKE_TIME']);
  });
});

describe('needsStops: ListTasks only when a stopped task is likely or explains a failure', () => {
  const d3 = (fields: Partial<Deployment>) => rollingTo3(fields);
  test.each([
    ['nothing suggests one', rollout(), d3({}), undefined, false, false],
    ['failed tasks went up', rollout(), d3({ failedTasks: 1 }), undefined, false, true],
    ['fewer running than last round', rollout({ lastRunning: 2 }), d3({}), undefined, false, true],
    ['a look failed and is pending', rollout({ recheck: true }), d3({}), undefined, false, true],
    ["the service's safety look is due", rollout(), d3({}), undefined, true, true],
    ['steady: never', rollout(), steadyOn(3), undefined, true, false],
    [
      'rolling back: never',
      rollout({ phase: 'rolling-back' }),
      d3({ failedTasks: 5 }),
      undefined,
      false,
      false,
    ],
    [
      'v2 failed verdict: always, for the report',
      rollout({ serviceDeploymentArn: SD_ARN }),
      d3({}),
      serviceDeployment({ status: 'ROLLBACK_IN_PROGRESS' }),
      false,
      true,
    ],
    [
      'v2 waiting, nothing suggests one',
      rollout({ serviceDeploymentArn: SD_ARN }),
      d3({}),
      serviceDeployment({}),
      false,
      false,
    ],
  ] as const)('%s', (_why, given, s, deployment, safetyDue, expected) => {
    expect(needsStops(given, s, deployment, safetyDue)).toBe(expected);
  });
});

test('failedStopOf: only failed stops of the watched deployment count', () => {
  const other = { ...crashed, taskArn: 'x/other', startedBy: 'ecs-svc/2' };
  const scaledIn: Task = {
    ...crashed,
    taskArn: 'x/scaled',
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: 'Scaling activity',
  };
  expect(failedStopOf(rollout(), [other, scaledIn], NOW)).toBeUndefined();
  expect(failedStopOf(rollout(), [other, crashed, scaledIn], NOW)).toBe(crashed);
  // Nothing updated (no deployment of ours): only stops since the watch began.
  const followed = rollout({ expected: { taskDefinition: ARN(3) }, startedAt: NOW });
  expect(failedStopOf(followed, [crashed], NOW)).toBeUndefined();
});

test('closingLine names each rollout given up on', () => {
  const late = rollout({ phase: 'done', status: 'timed-out', detail: 'waits on its deployment' });
  expect(
    closingLine({ kind: 'timed-out' }, [late], { timeoutMs: 120_000, outage: 'DescribeServices failing: X' }),
  ).toBe('Timed out after 2 minutes (DescribeServices failing: X): web waits on its deployment.');
  expect(closingLine({ kind: 'cancelled' }, [late], { timeoutMs: 0 })).toBe(
    'Cancelled; ECS carries on with the deployments of web (waits on its deployment).',
  );
});
