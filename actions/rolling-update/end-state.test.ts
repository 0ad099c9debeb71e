import { expect, test } from '@jest/globals';
import type { Watch } from './context.ts';
import { endState } from './end-state.ts';

const arn = (ref: string) => `arn:aws:ecs:us-east-1:1:task-definition/${ref}`;
const watch = (name: string, status: Watch['status'], seen?: string): Watch =>
  ({
    name,
    status,
    previous: arn(`${name}:1`),
    target: arn(`${name}:2`),
    ...(seen && { seen: { running: 1, desired: 2, taskDefinition: arn(seen) } }),
  }) as Watch;

test('every service on the new version: nothing to tell', () => {
  expect(endState([watch('web', 'steady'), watch('worker', 'steady')]).line).toBe('');
});

test('one of three rolled back: mixed versions, each named, and the rollback that makes them one', () => {
  const end = endState([watch('web', 'steady'), watch('worker', 'rolled-back'), watch('beat', 'steady')]);
  expect(end.mixed).toBe(true);
  expect(end.runs).toEqual({
    web: { revision: 'web:2', version: 'new' },
    worker: { revision: 'worker:1', version: 'previous' },
    beat: { revision: 'beat:2', version: 'new' },
  });
  expect(end.line).toBe(
    'End state: web runs web:2 (new), worker runs worker:1 (previous), beat runs beat:2 (new). Mixed versions: to put every service back on the previous release, roll back (rollback.yml, release previous: web to web:1, beat to beat:1); or fix the failure and deploy again.',
  );
});

test('all rolled back: one version, no mix, still told', () => {
  const end = endState([watch('web', 'rolled-back'), watch('worker', 'rolled-back')]);
  expect(end.mixed).toBe(false);
  expect(end.line).toBe('End state: web runs web:1 (previous), worker runs worker:1 (previous).');
});

test('a timed-out or failed service is what ECS was last seen running', () => {
  const end = endState([watch('web', 'timed-out', 'web:2'), watch('worker', 'failed', 'worker:1')]);
  expect(end.runs).toEqual({
    web: { revision: 'web:2', version: 'deploying' },
    worker: { revision: 'worker:1', version: 'previous' },
  });
  expect(end.mixed).toBe(true);
});
