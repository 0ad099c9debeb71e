import { startEmulator, type Emulator } from '../aws/index.ts';
import { startPglite } from '../pglite.ts';
import { startSlackServer, TOKEN, type SlackServer } from '../slack/server.ts';

/** The machine a rehearsal plays AWS, RDS and Slack on, as the demo starts them. */
export interface Services {
  emulator: Emulator;
  slack: SlackServer;
  database: { adminUrl: string; stop: () => Promise<void> };
  /** Secrets a workflow gets unless the caller gives its own. */
  secrets: Record<string, string>;
  /** Action inputs whose public value means a local server here. */
  redirects: Record<string, string>;
  stop: () => Promise<void>;
}

export async function startServices(pgliteDir?: string): Promise<Services> {
  const emulator = await startEmulator();
  const slack = await startSlackServer();
  const database = await startPglite(pgliteDir);
  // Tasks start in a moment; the rehearsal's one-off containers exit 0 after a short log.
  emulator.setTiming({ provisionMs: 100, startMs: 300, stopMs: 100 });
  return {
    emulator,
    slack,
    database,
    secrets: {
      DATABASE_ADMIN_URL: database.adminUrl,
      DATABASE_OWNER_PASSWORD: 'rehearsal-owner-pw',
      SLACK_TOKEN: TOKEN,
    },
    redirects: { 'https://slack.com/api/': slack.apiUrl },
    stop: async () => {
      await database.stop();
      await slack.stop();
      await emulator.stop();
    },
  };
}

/** One-off tasks of `<environment>-migrate` print their command and exit 0 (no Django here). */
export function oneOffTasksSucceed(emulator: Emulator, environment: string): void {
  emulator.setTaskBehavior(`${environment}-migrate`, {
    startMs: 200,
    logs: [{ afterMs: 50, message: '[rehearsal] one-off container stand-in: the command would run here' }],
    exitAfterMs: 300,
    exitCode: 0,
  });
}
