/**
 * The local demo: deploys the ad hoc environment `feature-abc` with the built actions, the way
 * the workflow runs them, against the AWS emulator. `npm run demo` (a second run is an update).
 */
import { startEmulator } from '../test/emulator/index.ts';
import { runAction, type ActionRun } from '../test/helpers/run-action.ts';
import { seedEnvironment } from './environment.ts';

const ENVIRONMENT = 'feature-abc';

function step(title: string, run: ActionRun): void {
  console.log(`\n▶ ${title}`);
  for (const line of run.lines) console.log(`  ${line}`);
  for (const error of run.errors) console.log(`  ✗ ${error}`);
  const summary = run.summary
    .replace(/<[^>]+>/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
  if (summary) console.log(`  summary: ${summary}`);
  if (run.exitCode !== 0) throw new Error(`${title} failed (exit code ${run.exitCode})`);
}

const emulator = await startEmulator();
try {
  const env = emulator.env();
  seedEnvironment(emulator, ENVIRONMENT);
  for (const release of ['v1', 'v2']) {
    console.log(`\n=== deploy ${release} of ${ENVIRONMENT} ===`);
    const registered = await runAction(
      'register-task-definition',
      {
        'task-definitions': ['gunicorn', 'celery', 'beat', 'migrate']
          .map((s) => `${ENVIRONMENT}-${s}`)
          .join('\n'),
        'image-tag': release,
        repository: 'backend',
      },
      { env },
    );
    step('register task definitions', registered);
  }
} catch (error) {
  console.error(`\n${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await emulator.stop();
}
