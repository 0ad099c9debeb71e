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
  seedSharedStack(emulator, database.adminUrl);
  return {
    emulator,
    slack,
    database,
    secrets: {
      DATABASE_ADMIN_URL: database.adminUrl,
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

/** The shared stack's name in the example roots (terraform/examples/shared). */
export const SHARED_STACK = 'adhoc';

/**
 * What an administrator's apply of the shared root leaves that the workflows use: the db-admin
 * task definition (psql; here its command runs as a local process against PGlite, with the
 * credentials ECS would read from the RDS-managed master secret) and Django's key secret.
 */
export function seedSharedStack(emulator: Emulator, adminUrl: string): void {
  const url = new URL(adminUrl);
  emulator.registerTaskDefinition({
    family: `${SHARED_STACK}-db-admin`,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${emulator.state.account}:role/adhoc-actions/${SHARED_STACK}-ecs-task-execution`,
    containerDefinitions: [
      {
        name: 'psql',
        image: 'public.ecr.aws/docker/library/postgres:15-alpine',
        essential: true,
        environment: [
          { name: 'PGHOST', value: url.hostname },
          { name: 'PGPORT', value: url.port },
          { name: 'PGUSER', value: url.username },
          { name: 'PGPASSWORD', value: url.password },
          { name: 'PGDATABASE', value: 'postgres' },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${SHARED_STACK}/db-admin`,
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'db-admin',
          },
        },
      },
    ],
  });
  emulator.setTaskBehavior(`${SHARED_STACK}-db-admin`, { localProcess: true });
  emulator.createSecret(`${SHARED_STACK}/django-secret-key`, 'rehearsal-django-secret-key');
}
