import { describe, expect, test } from '@jest/globals';
import type { Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import {
  BUSY_MAX_MS,
  Cadence,
  FOLLOW_UPS,
  deploymentMark,
  FAST_MS,
  QUIET_ROUNDS,
  roundDelay,
  SAFETY_MS,
  SERVICE_EVERY_MS,
  SLOW_MS,
} from './cadence.ts';
import type { Rollout } from './decide.ts';

const NOW = 1_000_000;
const SD = 'arn:aws:ecs:us-east-1:1:service-deployment/app/web/abc';

function rollout(fields: Partial<Rollout> = {}): Rollout {
  return {
    name: 'web',
    target: 'web:3',
    previous: 'web:2',
    expected: { taskDefinition: 'web:3' },
    phase: 'rolling',
    startedAt: NOW,
    seenEvents: new Set(),
    lastFailedTasks: 0,
    lastRunning: 0,
    serviceDeploymentArn: SD,
    ...fields,
  };
}

const scalingUp = (running: number): ServiceDeployment => ({
  serviceDeploymentArn: SD,
  status: 'IN_PROGRESS',
  lifecycleStage: 'SCALE_UP',
  targetServiceRevision: {
    arn: 'r',
    requestedTaskCount: 2,
    runningTaskCount: running,
    pendingTaskCount: 2 - running,
  },
});

/** A service whose failures ECS rolls back itself (what modules/environment sets). */
const BREAKER: Service = {
  serviceName: 'web',
  status: 'ACTIVE',
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
};

/** A cadence that has described `web` until settled (its follow-ups done), last at NOW. */
function describedOnce(r: Rollout, options: { service?: Service; failFast?: boolean } = {}): Cadence {
  const cadence = new Cadence([r], NOW, { failFast: options.failFast ?? false });
  for (const at of [NOW - 2000, NOW - 1000, NOW]) {
    cadence.read(r, { serviceRead: true, service: options.service ?? BREAKER, deployment: scalingUp(0) }, at);
  }
  return cadence;
}

describe('roundDelay: a second while things move, slower when quiet, never past SLOW_MS', () => {
  test.each([
    [0, FAST_MS],
    [QUIET_ROUNDS - 1, FAST_MS],
    [QUIET_ROUNDS, 1500],
    [QUIET_ROUNDS + 1, SLOW_MS],
    [100, SLOW_MS],
  ])('after %i quiet rounds: %i ms', (quiet, expected) => {
    expect(roundDelay(quiet)).toBe(expected);
  });

  test('a change brings the second back', () => {
    const cadence = new Cadence([], NOW, { random: () => 0.5 });
    for (let i = 0; i < 10; i++) cadence.endRound(false);
    expect(cadence.endRound(false)).toBe(SLOW_MS);
    expect(cadence.endRound(true)).toBe(FAST_MS);
  });
});

describe('endRound: throttled rounds lengthen the wait, clean rounds ease it back', () => {
  test('1.5× a throttled round up to BUSY_MAX_MS, then a quarter second a clean round down to the wanted pace', () => {
    const cadence = new Cadence([], NOW, { random: () => 0.5 });
    expect(cadence.endRound(true, true)).toBe(1500);
    expect(cadence.endRound(true, true)).toBe(2250);
    expect(cadence.endRound(true, true)).toBe(BUSY_MAX_MS);
    expect(cadence.endRound(true, true)).toBe(BUSY_MAX_MS);
    expect(cadence.endRound(true, false)).toBe(BUSY_MAX_MS - 250);
    for (let i = 0; i < 40; i++) cadence.endRound(true, false);
    expect(cadence.endRound(true, false)).toBe(FAST_MS);
  });

  test('jittered ±10 % so watchers started together drift apart', () => {
    expect(new Cadence([], NOW, { random: () => 0 }).endRound(true)).toBe(900);
    expect(new Cadence([], NOW, { random: () => 0.999 }).endRound(true)).toBe(1100);
  });
});

describe('describesService: DescribeServices only when its data can change a decision', () => {
  const later = NOW + 1000;
  test.each([
    ['the service deployment did not change', rollout(), scalingUp(0), later, false],
    ['its counts moved', rollout(), scalingUp(1), later, true],
    ['its status moved', rollout(), { ...scalingUp(0), status: 'ROLLBACK_IN_PROGRESS' }, later, true],
    [
      'the breaker counted a failure',
      rollout(),
      { ...scalingUp(0), deploymentCircuitBreaker: { failureCount: 1 } },
      later,
      true,
    ],
    [
      'no service deployment (v1): always',
      rollout({ serviceDeploymentArn: undefined }),
      undefined,
      later,
      true,
    ],
    ['the service deployment is not found (yet)', rollout(), undefined, later, true],
    ['rolling back: always', rollout({ phase: 'rolling-back' }), scalingUp(0), later, true],
    ['a stop lookup is pending', rollout({ recheck: true }), scalingUp(0), later, true],
    ['not described for SERVICE_EVERY_MS: its events', rollout(), scalingUp(0), NOW + SERVICE_EVERY_MS, true],
  ] as const)('%s', (_why, r, deployment, now, expected) => {
    expect(describedOnce(rollout()).describesService(r, deployment, now)).toBe(expected);
  });

  test('where the step, not ECS, must catch the first failed task: every round', () => {
    const noBreaker = { serviceName: 'web', status: 'ACTIVE' };
    expect(
      describedOnce(rollout(), { service: noBreaker }).describesService(rollout(), scalingUp(0), NOW + 1000),
    ).toBe(true);
    expect(
      describedOnce(rollout(), { failFast: true }).describesService(rollout(), scalingUp(0), NOW + 1000),
    ).toBe(true);
  });

  test.each([
    ['a task of the new revision stopped (1 running → 0)', 1, 0, 0, FOLLOW_UPS],
    ['a pending task went away (2 started → 1)', 0, 0, 1, FOLLOW_UPS],
    ['progress only (pending → running)', 0, 1, 1, 0],
  ])(
    '%s: the change is described, then FOLLOW_UPS or none',
    (_why, runningBefore, running, pending, followUps) => {
      const web = rollout();
      const revision = (r: number, p: number): ServiceDeployment => ({
        ...scalingUp(0),
        targetServiceRevision: { arn: 'r', requestedTaskCount: 2, runningTaskCount: r, pendingTaskCount: p },
      });
      const before = revision(runningBefore, 2 - runningBefore);
      const cadence = new Cadence([web], NOW);
      for (const at of [NOW - 1000, NOW])
        cadence.read(web, { serviceRead: true, service: BREAKER, deployment: before }, at);
      const after = revision(running, pending);
      const described: boolean[] = [];
      for (let round = 1; round <= 4; round++) {
        const at = NOW + round * 1000;
        const yes = cadence.describesService(web, after, at);
        described.push(yes);
        cadence.read(web, { serviceRead: yes, ...(yes && { service: BREAKER }), deployment: after }, at);
      }
      expect(described).toEqual([
        true,
        ...Array<boolean>(followUps).fill(true),
        ...Array<boolean>(3 - followUps).fill(false),
      ]);
    },
  );

  test('never described: yes', () => {
    expect(new Cadence([rollout()], NOW).describesService(rollout(), scalingUp(0), NOW)).toBe(true);
  });
});

test('a task the new revision lost asks for a stop look in its round and the next: ECS may list it late', () => {
  const web = rollout();
  const revision = (running: number, pending: number): ServiceDeployment => ({
    ...scalingUp(0),
    targetServiceRevision: {
      arn: 'r',
      requestedTaskCount: 2,
      runningTaskCount: running,
      pendingTaskCount: pending,
    },
  });
  const cadence = new Cadence([web], NOW);
  cadence.read(web, { serviceRead: true, service: BREAKER, deployment: revision(1, 1) }, NOW);
  expect(cadence.taskLost(web)).toBe(false);
  // The pending one died: 1 + 1 started → 1 + 0.
  cadence.read(web, { serviceRead: true, service: BREAKER, deployment: revision(1, 0) }, NOW + 1000);
  const looks: boolean[] = [];
  for (let round = 0; round < 4; round++) {
    looks.push(cadence.taskLost(web));
    if (cadence.taskLost(web)) cadence.lookedForStops(web, NOW + 1000 * (round + 2));
  }
  expect(looks).toEqual([true, ...Array<boolean>(FOLLOW_UPS).fill(true), false, false].slice(0, 4));
  // Progress (pending → running) is no loss.
  cadence.read(web, { serviceRead: true, service: BREAKER, deployment: revision(2, 0) }, NOW + 9000);
  expect(cadence.taskLost(web)).toBe(false);
});

describe('safety looks for stopped tasks: every SAFETY_MS, rollouts a second apart', () => {
  test('the first comes SAFETY_MS into the watch, the next rollout a second before', () => {
    const web = rollout();
    const worker = rollout({ name: 'worker' });
    const cadence = new Cadence([web, worker], NOW);
    expect(cadence.safetyDue(web, NOW + SAFETY_MS - 1)).toBe(false);
    expect(cadence.safetyDue(web, NOW + SAFETY_MS)).toBe(true);
    expect(cadence.safetyDue(worker, NOW + SAFETY_MS - 1000)).toBe(true);
    expect(cadence.safetyDue(worker, NOW + SAFETY_MS - 1001)).toBe(false);
  });

  test('the turns wrap every 60 rollouts: of 120, two are due each second, not all at once', () => {
    const many = Array.from({ length: 120 }, (_, i) => rollout({ name: `svc${i}` }));
    const cadence = new Cadence(many, NOW);
    const dueAt = (r: Rollout) =>
      [...Array(SAFETY_MS / 1000).keys()].find((s) => cadence.safetyDue(r, NOW + s * 1000));
    const firstSecond = many.filter((r) => dueAt(r) === 1).length;
    expect(firstSecond).toBe(2);
  });

  test('any look resets it, and a due look asks for DescribeServices', () => {
    const web = rollout();
    const cadence = describedOnce(web);
    cadence.read(web, { serviceRead: true, deployment: scalingUp(0), service: BREAKER }, NOW + SAFETY_MS - 1);
    expect(cadence.describesService(web, scalingUp(0), NOW + SAFETY_MS)).toBe(true);
    cadence.lookedForStops(web, NOW + SAFETY_MS);
    expect(cadence.safetyDue(web, NOW + SAFETY_MS + 1)).toBe(false);
  });
});

test('read: a change of either mark is a change; the same reads again are not', () => {
  const web = rollout();
  const cadence = new Cadence([web], NOW);
  const service = { status: 'ACTIVE', events: [{ id: 'e1' }] };
  expect(cadence.read(web, { serviceRead: true, service, deployment: scalingUp(0) }, NOW)).toBe(true);
  expect(cadence.read(web, { serviceRead: false, deployment: scalingUp(0) }, NOW + 1000)).toBe(false);
  expect(cadence.read(web, { serviceRead: true, service, deployment: scalingUp(0) }, NOW + 2000)).toBe(false);
  const news = { ...service, events: [{ id: 'e2' }, { id: 'e1' }] };
  expect(cadence.read(web, { serviceRead: true, service: news, deployment: scalingUp(0) }, NOW + 3000)).toBe(
    true,
  );
  expect(cadence.read(web, { serviceRead: false, deployment: scalingUp(1) }, NOW + 4000)).toBe(true);
});

test('deploymentMark ignores what cannot change a decision (timestamps)', () => {
  const a = { ...scalingUp(1), updatedAt: new Date(1) };
  const b = { ...scalingUp(1), updatedAt: new Date(2) };
  expect(deploymentMark(a)).toBe(deploymentMark(b));
  expect(deploymentMark(a)).not.toBe(deploymentMark(scalingUp(2)));
});
