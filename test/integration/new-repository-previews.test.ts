import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { rehearse } from '../../simulator/rehearsal/engine.ts';
import { oneOffTasksSucceed } from '../../simulator/rehearsal/services.ts';
import pg from 'pg';
import {
  ACCOUNT,
  CALLERS,
  errors,
  missingFromProductCalls,
  newRepository,
  pullRequest,
  run,
  showLogOnFailure,
  type NewRepository,
} from '../helpers/new-repository.ts';

/** A new repository's previews, from its own preview, pause and janitor callers (helpers/new-repository.ts). */

let repo: NewRepository;
beforeAll(async () => {
  repo = await newRepository();
});
afterAll(async () => {
  await repo.stop();
});

describe('a pull request with the preview label', () => {
  test('opened → images built → preview deployed by digest → URL commented; closed → everything destroyed, revisions included', async () => {
    oneOffTasksSucceed(repo.services.emulator, 'pr-42');
    const open = run(repo, 'pr-open', pullRequest('labeled', ['preview']));
    const opened = await rehearse(join(CALLERS, 'preview.yml'), open);
    const log = open.lines.join('\n');
    showLogOnFailure(opened, open.lines);
    expect(errors(opened)).toEqual([]);
    expect(opened.conclusion).toBe('success');
    // Built once, pushed as the preview role to the preview twin (never where production
    // deploys from), deployed by its digest.
    expect(repo.services.emulator.ecr.repositories.get('backend')?.size ?? 0).toBe(0);
    const backend = repo.services.emulator.ecr.repositories.get('backend-preview')!;
    const image = [...backend.values()].find((i) => i.tags.some((t) => t.startsWith('pr-42-')))!;
    expect(image).toBeDefined();
    const gunicorn = repo.services.emulator.services().find((s) => s.serviceName === 'pr-42-gunicorn')!;
    const revision = repo.services.emulator.state.taskDefinitions
      .get('pr-42-gunicorn')!
      .find((r) => r.definition.taskDefinitionArn === gunicorn.taskDefinition)!;
    const containers = revision.definition['containerDefinitions'] as { image: string }[];
    expect(containers[0]!.image).toBe(
      `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/backend-preview@${image.digest}`,
    );
    // The URL on the pull request, and the roles it ran as.
    const comment = opened.githubCalls.find((c) => c.method === 'rest.issues.createComment');
    expect(JSON.stringify(comment)).toContain('https://pr-42.example.com');
    expect(new Set(repo.services.emulator.stsRecord().assumed.map((a) => a.sub))).toEqual(
      new Set(['repo:acme/webapp:pull_request']),
    );
    expect(log).toContain('Created database "pr_42".');
    expect(repo.services.slack.messages.some((m) => m.text.includes('pr-42'))).toBe(true);

    // A push to the pull request: a new image rolls out over the running preview.
    const first = gunicorn.taskDefinition;
    const push = run(repo, 'pr-push', {
      ...pullRequest('synchronize', ['preview']),
      payload: {
        ...pullRequest('synchronize', ['preview']).payload,
        pull_request: {
          ...pullRequest('synchronize', ['preview']).payload.pull_request,
          head: { ref: 'feature/login', sha: '4343434343434343434343434343434343434343' },
        },
      },
    });
    const pushed = await rehearse(join(CALLERS, 'preview.yml'), push);
    showLogOnFailure(pushed, push.lines);
    expect(errors(pushed)).toEqual([]);
    expect(
      repo.services.emulator.services().find((s) => s.serviceName === 'pr-42-gunicorn')!.taskDefinition,
    ).not.toBe(first);

    const close = run(repo, 'pr-close', pullRequest('closed', ['preview']));
    const closed = await rehearse(join(CALLERS, 'preview.yml'), close);
    expect(errors(closed)).toEqual([]);
    expect(closed.conclusion).toBe('success');
    expect(
      repo.services.emulator
        .services()
        .filter((s) => s.serviceName.startsWith('pr-42-') && s.status !== 'INACTIVE'),
    ).toEqual([]);
    const revisions = [...repo.services.emulator.state.taskDefinitions.entries()]
      .filter(([family]) => family.startsWith('pr-42-'))
      .flatMap(([, records]) => records.map((r) => r.definition.status));
    expect(revisions.length).toBeGreaterThanOrEqual(6);
    expect(new Set(revisions)).toEqual(new Set(['DELETE_IN_PROGRESS']));
    expect(repo.services.emulator.secrets.find('adhoc/pr-42/db-owner-password')).toBeUndefined();
    const database = new pg.Client({ connectionString: repo.services.database.adminUrl });
    await database.connect();
    try {
      expect((await database.query("SELECT 1 FROM pg_database WHERE datname = 'pr_42'")).rowCount).toBe(0);
    } finally {
      await database.end();
    }
  });

  test('without the label nothing runs and no role is assumed', async () => {
    const before = repo.services.emulator.stsRecord().assumed.length;
    const quiet = run(repo, 'pr-unlabelled', pullRequest('opened', []));
    const result = await rehearse(join(CALLERS, 'preview.yml'), quiet);
    expect(result.conclusion).toBe('success');
    expect(Object.values(result.jobs).map((j) => j.result)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(repo.services.emulator.stsRecord().assumed.length).toBe(before);
  });

  test('pause and resume a preview, then the janitor destroys one idle past its time', async () => {
    oneOffTasksSucceed(repo.services.emulator, 'pr-7');
    const open = run(repo, 'pr7-open', {
      ...pullRequest('labeled', ['preview']),
      payload: {
        ...pullRequest('labeled', ['preview']).payload,
        number: 7,
        pull_request: { ...pullRequest('labeled', ['preview']).payload.pull_request, number: 7 },
      },
    });
    const opened = await rehearse(join(CALLERS, 'preview.yml'), open);
    showLogOnFailure(opened, open.lines);
    expect(opened.conclusion).toBe('success');
    const desired = () =>
      repo.services.emulator
        .services()
        .filter((s) => s.serviceName.startsWith('pr-7-') && s.status === 'ACTIVE')
        .map((s) => s.desiredCount);

    const pause = run(
      repo,
      'pr7-pause',
      { name: 'workflow_dispatch', payload: {} },
      { inputs: { environment: 'pr-7', action: 'pause' } },
    );
    const paused = await rehearse(join(CALLERS, 'pause.yml'), pause);
    showLogOnFailure(paused, pause.lines);
    expect(paused.conclusion).toBe('success');
    expect(new Set(desired())).toEqual(new Set([0]));
    const resume = run(
      repo,
      'pr7-resume',
      { name: 'workflow_dispatch', payload: {} },
      { inputs: { environment: 'pr-7', action: 'resume' } },
    );
    expect((await rehearse(join(CALLERS, 'pause.yml'), resume)).conclusion).toBe('success');
    expect(new Set(desired())).toEqual(new Set([1]));

    oneOffTasksSucceed(repo.services.emulator, 'pr-8');
    const kept = run(repo, 'pr8-open', pullRequest('labeled', ['preview', 'keep-preview'], 8));
    expect((await rehearse(join(CALLERS, 'preview.yml'), kept)).conclusion).toBe('success');

    // Both idle for 100 hours: their last release marks say so.
    const at = new Date(Date.now() - 100 * 3_600_000).toISOString();
    for (const s of repo.services.emulator.services().filter((x) => /^pr-[78]-/.test(x.serviceName))) {
      const revision = [...repo.services.emulator.state.taskDefinitions.values()]
        .flat()
        .find((r) => r.definition.taskDefinitionArn === s.taskDefinition)!;
      for (const tag of revision.tags)
        if (tag.key.startsWith('adhoc-actions:') && tag.key.endsWith('-at')) tag.value = at;
    }
    const janitor = run(repo, 'janitor', { name: 'schedule', payload: { schedule: '17 3 * * *' } });
    const swept = await rehearse(join(CALLERS, 'janitor.yml'), janitor);
    showLogOnFailure(swept, janitor.lines);
    expect(errors(swept)).toEqual([]);
    expect(swept.conclusion).toBe('success');
    expect(
      repo.services.emulator
        .services()
        .filter((s) => s.serviceName.startsWith('pr-7-') && s.status !== 'INACTIVE'),
    ).toEqual([]);
    // The preview its pull request keeps (label keep-preview), as idle, is left running.
    expect(
      repo.services.emulator
        .services()
        .filter((s) => s.serviceName.startsWith('pr-8-') && s.status === 'ACTIVE').length,
    ).toBe(5);
  });
});

test("every call this flow made as a role is in doctor's list of what the product calls", () => {
  // A new call fails here until actions/doctor/product-calls.json (and the role) has it.
  expect(missingFromProductCalls(repo)).toEqual([]);
});
