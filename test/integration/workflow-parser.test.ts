import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadWorkflow } from '../../simulator/rehearsal/workflow.ts';
import { ROOT } from '../../simulator/runner/run-action.ts';

// actionlint checks the files (workflows.test.ts); GitHub's own parser is what the service runs,
// so every workflow — the reusable ones, this repository's CI and release, the example callers —
// must also convert without an error there.
const folders = ['.github/workflows', 'examples/django-repo/.github/workflows'];
const files = folders.flatMap((folder) =>
  readdirSync(join(ROOT, folder))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(folder, name)),
);

describe("GitHub's workflow parser", () => {
  it.each(files)('%s parses and converts without errors', async (file) => {
    await expect(loadWorkflow(join(ROOT, file))).resolves.toMatchObject({ file: join(ROOT, file) });
  });

  it('rejects a broken workflow, so the check can fail', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'parser-'));
    try {
      const file = join(dir, 'broken.yml');
      writeFileSync(
        file,
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: x\n        run: both\n',
      );
      await expect(loadWorkflow(file)).rejects.toThrow('is not a valid workflow');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
