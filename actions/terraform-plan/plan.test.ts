import { describe, expect, test } from '@jest/globals';
import { parsePlan, planDigest, plannedChanges } from './plan.ts';

const change = (address: string, actions: string[], after: unknown = {}) => ({
  address,
  change: { actions, before: null, after, after_unknown: {} },
});
const plan = (...resource_changes: unknown[]) => ({ format_version: '1.2', resource_changes });

describe('planDigest: one digest for what a plan would do', () => {
  const base = plan(change('aws_ssm_parameter.db', ['update'], { value: 'a', name: '/x' }));

  test.each<[string, unknown, boolean]>([
    ['the same plan', plan(change('aws_ssm_parameter.db', ['update'], { value: 'a', name: '/x' })), true],
    [
      'keys in another order (JSON objects have none)',
      plan({
        change: { after_unknown: {}, after: { name: '/x', value: 'a' }, before: null, actions: ['update'] },
        address: 'aws_ssm_parameter.db',
      }),
      true,
    ],
    [
      'metadata outside the resource changes (format_version, timestamps)',
      { ...base, format_version: '1.3', timestamp: '2026-12-03T07:00:00Z' },
      true,
    ],
    [
      'a planned value moved',
      plan(change('aws_ssm_parameter.db', ['update'], { value: 'b', name: '/x' })),
      false,
    ],
    [
      'another action',
      plan(change('aws_ssm_parameter.db', ['delete', 'create'], { value: 'a', name: '/x' })),
      false,
    ],
    [
      'one more resource',
      plan(
        change('aws_ssm_parameter.db', ['update'], { value: 'a', name: '/x' }),
        change('aws_s3_bucket.b', ['create']),
      ),
      false,
    ],
    ['no changes at all', plan(), false],
  ])('%s → same digest: %s', (_why, other, same) => {
    expect(planDigest(other) === planDigest(base)).toBe(same);
  });

  test('numbers count as the plan wrote them: two integers a double cannot tell apart differ', () => {
    const text = (n: string) =>
      `{"resource_changes":[{"address":"a","change":{"actions":["update"],"after":{"n":${n}}}}]}`;
    expect(planDigest(parsePlan(text('9007199254740993')))).not.toBe(
      planDigest(parsePlan(text('9007199254740992'))),
    );
    expect(planDigest(parsePlan(text('1.5')))).toBe(planDigest(parsePlan(text('1.5'))));
  });

  test('a digest is 64 hex digits; a plan without resource_changes has one too', () => {
    expect(planDigest({})).toMatch(/^[0-9a-f]{64}$/);
    expect(planDigest({})).toBe(planDigest(plan()));
  });

  test('what is not a plan is refused, named', () => {
    expect(() => planDigest([])).toThrow('terraform show -json did not print a plan');
    expect(() => planDigest({ resource_changes: 'x' })).toThrow("The plan's resource_changes is not a list.");
  });
});

describe('plannedChanges: which resources change, never how', () => {
  test('no-op and read are left out; replace shows both actions', () => {
    expect(
      plannedChanges(
        plan(
          change('aws_ssm_parameter.db', ['update'], { value: 'hunter2' }),
          change('aws_ecs_service.web["<b>"]', ['delete', 'create']),
          change('aws_s3_bucket.logs', ['no-op']),
          change('data.aws_caller_identity.me', ['read']),
        ),
      ),
    ).toEqual([
      { actions: 'update', address: 'aws_ssm_parameter.db' },
      { actions: 'delete + create', address: 'aws_ecs_service.web["<b>"]' },
    ]);
  });
});
