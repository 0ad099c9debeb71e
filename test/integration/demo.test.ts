import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/run-action.ts';

/** `npm run demo` as a newcomer runs it: create, update, then a migration that fails. */

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'demo-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function demo(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['demo/main.ts', '--state-dir', stateDir, ...args], {
      cwd: ROOT,
      // npm run puts Node 24 first on PATH; the demo's migrate container runs `node`.
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env['PATH']}` },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('creates feature-abc, then updates it, then a failed migration stops the rollout', async () => {
  const create = await demo();
  expect(create.code).toBe(0);
  expect(create.output).toContain('Deploying v1 of feature-abc (create)');
  expect(create.output).toContain('Applying blog.0001_initial... OK');
  expect(create.output).toMatch(
    /feature-abc-gunicorn\s+steady\s+feature-abc-gunicorn:1 → feature-abc-gunicorn:2/,
  );
  expect(create.output).toMatch(/Slack #deploys \(updated 1×\): .*Deployed feature-abc/);

  const update = await demo();
  expect(update.code).toBe(0);
  expect(update.output).toContain('Deploying v2 of feature-abc (update)');
  expect(update.output).toContain('Database "feature_abc" already existed.');
  expect(update.output).toContain('Applying blog.0003_post_field_2... OK');
  expect(update.output).not.toContain('Applying blog.0001_initial');
  expect(update.output).toMatch(/feature-abc-celery\s+steady\s+feature-abc-celery:2 → feature-abc-celery:3/);

  const failed = await demo('--fail-migration');
  expect(failed.code).toBe(1);
  expect(failed.output).toContain(
    'django.db.utils.IntegrityError: column "slug" of relation "blog_post" contains null values',
  );
  expect(failed.output).toMatch(
    /✗ Migrations failed, nothing was rolled out. Task [0-9a-f]{32} failed: container "backend" exited with exit code 1/,
  );
  expect(failed.output).not.toContain('Rolling update of gunicorn');
});
