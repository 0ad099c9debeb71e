import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../simulator/runner/run-action.ts';

/** `npm run demo` as a newcomer runs it: it rehearses ad-hoc-deploy.yml, so it is the product. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Demo {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output: () => string;
  /** Resolves when `text` has been printed (after the first `after`, when given). */
  printed: (text: string, after?: string) => Promise<void>;
  done: Promise<{ code: number | null; output: string }>;
}

function demo(stateDir: string, args: string[] = [], temp?: string): Demo {
  const child = spawn(process.execPath, ['simulator/demo/main.ts', '--state-dir', stateDir, ...args], {
    cwd: ROOT,
    // npm run puts Node 24 first on PATH; the demo's one-off container runs `node`.
    env: {
      ...process.env,
      PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env['PATH']}`,
      ...(temp && { TMPDIR: temp }),
    },
  });
  let output = '';
  const waiters: { text: string; after: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const seen = (text: string, after: string) => {
    const from = after === '' ? 0 : output.indexOf(after);
    return from !== -1 && output.indexOf(text, from) !== -1;
  };
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.filter((w) => seen(w.text, w.after))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  // A demo that ends without printing what a test waits for fails that test now, with what it
  // printed, instead of hanging until jest's timeout.
  child.on('close', () => {
    for (const waiter of waiters.splice(0)) {
      waiter.reject(new Error(`the demo ended without printing ${JSON.stringify(waiter.text)}:\n${output}`));
    }
  });
  return {
    child,
    output: () => output,
    printed: (text, after = '') =>
      seen(text, after)
        ? Promise.resolve()
        : new Promise((resolve, reject) => waiters.push({ text, after, resolve, reject })),
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, output }))),
  };
}

test('--help, an unknown option and a corrupt state each answer in one line', async () => {
  const help = await demo(join(dir, 'help'), ['--help']).done;
  expect(help.code).toBe(0);
  expect(help.output).toMatch(/^usage: npm run demo -- \[--fail-migration \| --fail-rollout\]/);
  expect(help.output).toContain('--fail-rollout    the new gunicorn crashes on start');

  const unknown = await demo(join(dir, 'help'), ['--fail-migrations']).done;
  expect(unknown.code).toBe(2);
  expect(unknown.output).toBe("demo: unknown option '--fail-migrations' (npm run demo -- --help)\n");

  const corrupt = join(dir, 'corrupt');
  await mkdir(corrupt, { recursive: true });
  await writeFile(join(corrupt, 'state.json'), '{"deploys": 1, "emul');
  const refused = await demo(corrupt).done;
  expect(refused.code).toBe(1);
  expect(refused.output.trim().split('\n')).toHaveLength(1);
  expect(refused.output).toMatch(/^demo: .*state\.json is corrupt \(.*\): run with --reset\n$/);
  // The lock is released: --reset starts over.
  expect(existsSync(join(corrupt, 'lock'))).toBe(false);
});

test('creates feature-abc, then updates it from a changed copy of the workflow; a second demo at once refuses', async () => {
  const state = join(dir, 'deploys');
  const create = await demo(state).done;
  expect(create.code).toBe(0);
  expect(create.output).toContain(
    'Deploying v1 of feature-abc (create) by rehearsing .github/workflows/ad-hoc-deploy.yml',
  );
  expect(create.output).toContain('[rehearsal] terraform apply is a stand-in: seeding the emulator');
  expect(create.output).toContain('Applying blog.0001_initial... OK');
  expect(create.output).toMatch(/Job summary \(.*job-summary\.md\):/);
  expect(create.output).toContain('Environment: https://feature-abc.example.com');
  expect(create.output).toMatch(
    /\n✓ feature-abc v1 live at https:\/\/feature-abc\.example\.com in \d+\.\d s\n$/,
  );

  // A step added to (a copy of) the workflow shows in the demo: no demo code knows the steps.
  const original = await readFile(join(ROOT, '.github/workflows/ad-hoc-deploy.yml'), 'utf8');
  const marker = '      - name: Summary\n';
  expect(original).toContain(marker);
  const copy = join(dir, 'ad-hoc-deploy-copy.yml');
  await writeFile(
    copy,
    original.replace(marker, `      - name: Smoke test\n        run: echo "smoke test passed"\n\n${marker}`),
  );
  const update = demo(state, ['--workflow', copy]);
  await update.printed('Deploying v2');
  const second = await demo(state).done;
  expect(second.code).toBe(1);
  expect(second.output).toBe(
    `demo: ${state} is in use by another demo (pid ${update.child.pid}); wait for it to finish\n`,
  );
  const updated = await update.done;
  expect(updated.code).toBe(0);
  expect(updated.output).toContain('Deploying v2 of feature-abc (update)');
  expect(updated.output).toMatch(/step \d+\/\d+: Smoke test\n\s+smoke test passed/);
  expect(updated.output).toContain('Database "feature_abc" already existed.');
  expect(updated.output).not.toContain('Applying blog.0001_initial');
  expect(updated.output).toMatch(/feature-abc-gunicorn: steady on feature-abc-gunicorn:\d+/);
  expect(updated.output).toMatch(
    /✓ feature-abc v2 live at https:\/\/feature-abc\.example\.com in \d+\.\d s\n$/,
  );

  // A failed migration: said once, nothing rolled out, and the next run deploys v3 again.
  const failed = await demo(state, ['--fail-migration']).done;
  expect(failed.code).toBe(1);
  expect(failed.output).toContain(
    'django.db.utils.IntegrityError: column "slug" of relation "blog_post" contains null values',
  );
  expect(failed.output.match(/Last log lines:/g)).toHaveLength(1);
  expect(failed.output).toMatch(/Rolling update\n\s+skipped/);
  expect(failed.output).toMatch(
    /\n✗ feature-abc v3 failed at step \d+\/\d+ Deploy the app › Migrate in \d+\.\d s/,
  );

  // The new gunicorn crashes: reported with its reason and logs as soon as it happens (while the
  // rollout runs, before the rollback ends: an order, not a wall-clock bound), rolled back to the
  // running revision.
  const crash = demo(state, ['--fail-rollout']);
  await crash.printed(': Rolling update\n');
  await crash.printed('Essential container in task exited');
  const crashed = await crash.done;
  expect(crashed.code).toBe(1);
  expect(crashed.output).toContain('Deploying v3 of feature-abc (update)');
  expect(crashed.output).toContain("ModuleNotFoundError: No module named 'blog.feeds'");
  expect(crashed.output).toMatch(/feature-abc-gunicorn: rolled back to feature-abc-gunicorn:\d+ after/);
  expect(crashed.output).toMatch(/✗ feature-abc v3 failed at step \d+\/\d+ Deploy the app › Rolling update/);
  const reported = crashed.output.indexOf('Essential container in task exited');
  expect(reported).toBeGreaterThan(crashed.output.indexOf(': Rolling update\n'));
  expect(reported).toBeLessThan(crashed.output.search(/feature-abc-gunicorn: rolled back to/));
  const saved = JSON.parse(await readFile(join(state, 'state.json'), 'utf8')) as { deploys: number };
  expect(saved.deploys).toBe(2);
});

/** Pids of `pid`'s descendants, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid !== parent) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

test('Ctrl-C during the migration stops the one-off task, says where each step was, leaves nothing behind', async () => {
  const temp = join(dir, 'sigint-tmp');
  await mkdir(temp, { recursive: true });
  const run = demo(join(dir, 'sigint'), [], temp);
  // The migration's task, not the database step's one before it.
  await run.printed(': RUNNING', ': Migrate\n');
  const processes = descendants(run.child.pid!);
  expect(processes.length).toBeGreaterThan(0);
  run.child.kill('SIGINT');
  const { code, output } = await run.done;
  expect(code).toBe(130);
  expect(output).toMatch(/Interrupted after \d+\.\d s\. Where each step was:/);
  // Step numbers follow the workflow file, which may gain steps: match them by shape.
  expect(output).toMatch(/✓ done {2}1\/\d+ Check the environment and images/);
  expect(output).toMatch(/✗ interrupted {2}\d+\/\d+ Deploy the app › Migrate/);
  expect(output).toMatch(/· cancelled \(not started\) {2}\d+\/\d+ Summary/);
  // The action's own cancellation report: it stopped its task.
  expect(output).toMatch(/Cancelled while task [0-9a-f]+ was running; the task was stopped\./);
  const alive = processes.filter((pid) => existsSync(`/proc/${pid}`));
  expect(alive).toEqual([]);
  expect(await readdir(temp)).toEqual([]);
  expect(existsSync(join(dir, 'sigint', 'lock'))).toBe(false);
});
