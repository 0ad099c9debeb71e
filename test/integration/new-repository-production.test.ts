import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { rehearse } from '../../simulator/rehearsal/engine.ts';
import { oneOffTasksSucceed } from '../../simulator/rehearsal/services.ts';
import {
  CALLERS,
  errors,
  missingFromProductCalls,
  newRepository,
  run,
  showLogOnFailure,
  VARS,
  type NewRepository,
} from '../helpers/new-repository.ts';

/** A new repository's path to production, from its own production and rollback callers (helpers/new-repository.ts). */

let repo: NewRepository;
beforeAll(async () => {
  repo = await newRepository();
});
afterAll(async () => {
  await repo.stop();
});

describe('a push to main', () => {
  test('builds once, deploys staging, plans and applies prod after approval, then promotes the same digest to production', async () => {
    oneOffTasksSucceed(repo.services.emulator, 'staging');
    oneOffTasksSucceed(repo.services.emulator, 'prod');
    const gates: string[] = [];
    const push = run(
      repo,
      'push-main',
      {
        name: 'push',
        payload: { ref: 'refs/heads/main', after: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
      },
      {
        approveEnvironments: ({ environment, job }) => {
          gates.push(`${job}@${environment}`);
          return true;
        },
      },
    );
    const result = await rehearse(join(CALLERS, 'production.yml'), push);
    const log = push.lines.join('\n');
    showLogOnFailure(result, push.lines);
    expect(errors(result)).toEqual([]);
    expect(result.conclusion).toBe('success');
    // Each tier through its own gate and role.
    expect(gates).toEqual(
      expect.arrayContaining([expect.stringMatching(/@staging$/), expect.stringMatching(/@production$/)]),
    );
    const subs = new Set(
      repo.services.emulator.stsRecord().assumed.map((a) => `${a.roleArn.split('/').pop()} ${a.sub}`),
    );
    expect(subs).toEqual(
      expect.objectContaining({}) &&
        new Set([
          // Main's images: only the build role pushes where staging and production deploy from.
          'github-actions-build repo:acme/webapp:ref:refs/heads/main',
          'github-actions-production repo:acme/webapp:environment:staging',
          'github-actions-plan repo:acme/webapp:ref:refs/heads/main',
          'github-actions-production repo:acme/webapp:environment:production',
          ...[...subs].filter((s) => s.includes('pull_request')),
        ]),
    );
    // Staging and production run the same bytes.
    const image = (service: string) => {
      const running = repo.services.emulator.services().find((s) => s.serviceName === service)!;
      const revision = [...repo.services.emulator.state.taskDefinitions.values()]
        .flat()
        .find((r) => r.definition.taskDefinitionArn === running.taskDefinition)!;
      return (revision.definition['containerDefinitions'] as { image: string }[])[0]!.image;
    };
    expect(image('staging-gunicorn')).toMatch(/\/backend@sha256:[0-9a-f]{64}$/);
    expect(image('prod-gunicorn')).toBe(image('staging-gunicorn'));
    expect(log).toContain('Created database "staging".');
  });
});

describe('day two', () => {
  const push = (sha: string, approve: (gate: { job: string; environment: string }) => boolean) =>
    run(
      repo,
      `push-${sha.slice(0, 4)}`,
      { name: 'push', payload: { ref: 'refs/heads/main', after: sha } },
      {
        vars: { ...VARS, PRODUCTION_CANARY: 'true' },
        approveEnvironments: approve,
      },
    );
  const gunicorn = () => repo.services.emulator.services().find((s) => s.serviceName === 'prod-gunicorn')!;
  const deployment = () =>
    repo.services.emulator
      .serviceDeployments()
      .find((d) => d.serviceDeploymentArn === gunicorn().currentServiceDeployment)!;

  test('the canary both ways: a reviewer continues one push, rejects the next and production is back on the first', async () => {
    // The strategy a user sets outside Terraform (terraform/README): blue/green, paused after test traffic.
    repo.services.emulator.setDeploymentTiming({ minuteMs: 400, stageMs: 100 });
    Object.assign(gunicorn().deploymentConfiguration, {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' },
        },
      ],
    });
    const shipped = push('b'.repeat(40), () => true);
    const first = await rehearse(join(CALLERS, 'production.yml'), shipped);
    showLogOnFailure(first, shipped.lines);
    expect(errors(first)).toEqual([]);
    expect(first.jobs['production']!.result).toBe('success');
    expect(deployment().status).toBe('SUCCESSFUL');
    const live = gunicorn().taskDefinition;

    const rejected = push('c'.repeat(40), ({ job }) => job !== 'canary-continue');
    const second = await rehearse(join(CALLERS, 'production.yml'), rejected);
    expect(second.conclusion).toBe('failure');
    expect(rejected.lines.join('\n')).toMatch(/canary-continue[\s\S]*waits for a reviewer: refused/);
    expect(deployment().status).toBe('ROLLBACK_SUCCESSFUL');
    expect(gunicorn().taskDefinition).toBe(live);
  });

  test('rollback from the repository: after the rejected canary left prod mixed, every service on the previous release, no migration', async () => {
    const runTasks = repo.services.emulator.calls('RunTask').length;
    const revision = (name: string) =>
      repo.services.emulator
        .services()
        .find((s) => s.serviceName === name)!
        .taskDefinition.split(':')
        .pop();
    const backend = ['prod-gunicorn', 'prod-celery', 'prod-beat'];
    // The rejected canary rolled gunicorn back; the others finished on the new revision.
    expect(new Set(backend.map(revision)).size).toBe(2);
    const back = run(
      repo,
      'rollback-prod',
      { name: 'workflow_dispatch', payload: {} },
      {
        inputs: { environment: 'prod' },
        approveEnvironments: true,
      },
    );
    const result = await rehearse(join(CALLERS, 'rollback.yml'), back);
    showLogOnFailure(result, back.lines);
    expect(errors(result)).toEqual([]);
    expect(result.conclusion).toBe('success');
    expect(backend.map(revision)).toEqual(backend.map(() => revision('prod-gunicorn')));
    expect(repo.services.emulator.calls('RunTask').length).toBe(runTasks);
  });
});

test("every call this flow made as a role is in doctor's list of what the product calls", () => {
  // A new call fails here until actions/doctor/product-calls.json (and the role) has it.
  expect(missingFromProductCalls(repo)).toEqual([]);
});
