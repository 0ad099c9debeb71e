import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StandIn } from './index.ts';

/** grafana/setup-k6-action: puts the rehearsal's k6 (k6-run.ts, a stated subset) first on PATH. */
export const setupK6: StandIn = {
  describe:
    "puts the rehearsal's k6 on PATH: the default load-test script's behaviour, not a JavaScript runtime",
  async run({ env, run }) {
    await appendFile(
      env['GITHUB_PATH']!,
      `${join(run.options.repoRoot, 'simulator/rehearsal/stand-ins/k6-bin')}\n`,
    );
    return true;
  },
};
