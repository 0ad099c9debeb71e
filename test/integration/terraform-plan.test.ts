import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { runAction } from '../../simulator/runner/run-action.ts';

/**
 * terraform-plan as the runner runs it, with a `terraform` on PATH that shows a saved plan: the
 * digest the plan job passes on, the summary, and the apply job's refusal of another plan.
 */

const SECRET = 'hunter2-database-password';

function withPlan(value: string): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'tf-plan-action-'));
  const plan = {
    format_version: '1.2',
    resource_changes: [
      { address: 'aws_ssm_parameter.db', change: { actions: ['update'], before: null, after: { value } } },
      { address: 'aws_ecs_service.web["<b>"]', change: { actions: ['delete', 'create'] } },
      { address: 'aws_s3_bucket.logs', change: { actions: ['no-op'] } },
    ],
  };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  writeFileSync(
    join(dir, 'terraform'),
    `#!/bin/sh\n[ "$1 $2 $3" = "show -json tfplan" ] && exec cat "${join(dir, 'plan.json')}"\necho "no such plan: $*" >&2; exit 1\n`,
  );
  chmodSync(join(dir, 'terraform'), 0o755);
  return { dir, env: { PATH: `${dir}:${process.env['PATH']}` } };
}

test('the plan job: a digest, the changed resources in the summary, no planned value anywhere', async () => {
  const { dir, env } = withPlan(SECRET);
  const run = await runAction(
    'terraform-plan',
    { 'working-directory': dir, 'summary-title': 'terraform plan pr-1' },
    { env },
  );
  expect(run.errors).toEqual([]);
  expect(run.outputs['digest']).toMatch(/^[0-9a-f]{64}$/);
  expect(run.outputs['changes']).toBe('2');
  expect(run.summary).toContain('<h3>terraform plan pr-1</h3>');
  expect(run.summary).toContain('<tr><td>update</td><td>aws_ssm_parameter.db</td></tr>');
  expect(run.summary).toContain(
    '<td>delete + create</td><td>aws_ecs_service.web[&quot;&lt;b&gt;&quot;]</td>',
  );
  expect(run.summary).not.toContain('aws_s3_bucket.logs');
  expect(run.summary + run.stdout + run.stderr).not.toContain(SECRET);
});

test('the apply job: the approved plan passes; a plan whose value moved is refused', async () => {
  const approved = await runAction(
    'terraform-plan',
    { 'working-directory': withPlan('a').dir },
    { env: withPlan('a').env },
  );
  const digest = approved.outputs['digest']!;
  const same = withPlan('a');
  const passed = await runAction(
    'terraform-plan',
    { 'working-directory': same.dir, 'approved-digest': digest },
    { env: same.env },
  );
  expect(passed.exitCode).toBe(0);
  expect(passed.summary).toBe('');
  const moved = withPlan('b');
  const refused = await runAction(
    'terraform-plan',
    { 'working-directory': moved.dir, 'approved-digest': digest },
    { env: moved.env },
  );
  expect(refused.exitCode).toBe(1);
  expect(refused.errors).toEqual([
    'The plan changed since it was approved (state, code or providers moved): nothing was applied; run the workflow again to review the new plan.',
  ]);
});

test.each([
  [{ 'approved-digest': 'abc' }, 'Input "approved-digest" must be 64 hex digits, got "abc".'],
  [
    { 'approved-digest': '', 'expect-approval': 'true' },
    'Input "approved-digest" is empty: no approved plan reached this job, so nothing was applied.',
  ],
  [{ 'plan-file': 'other' }, 'terraform show -json other failed in'],
])('%o is refused with one error', async (inputs, error) => {
  const { dir, env } = withPlan('a');
  const run = await runAction('terraform-plan', { 'working-directory': dir, ...inputs }, { env });
  expect(run.exitCode).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(run.errors[0]).toContain(error);
});
