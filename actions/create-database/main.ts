import * as core from '@actions/core';
import { connectAdmin, runDirect, type Outcome } from './direct.ts';
import { databaseUrl } from './database-url.ts';
import { runInTask } from './ecs-task.ts';
import { ownerPassword } from './owner-password.ts';
import { getSettings, type Settings } from './settings.ts';
import { allowedTemplatesInput, checkTemplate } from './templates.ts';

export async function main(): Promise<void> {
  const settings = getSettings();
  const { database, mode } = settings;
  if (settings.passwordSource && database.action === 'create') {
    database.ownerPassword = await ownerPassword(settings.passwordSource);
  }
  checkTemplate(database.template, allowedTemplatesInput());
  let outcome: Outcome;
  if (mode.kind === 'direct') {
    const client = await connectAdmin(mode.admin);
    try {
      outcome = await runDirect(client, database);
    } finally {
      await client.end().catch(() => undefined);
    }
  } else {
    outcome = await runInTask(mode, database);
  }

  if (database.action === 'drop') {
    core.info(
      outcome.existed ? `Dropped database "${database.name}".` : `Database "${database.name}" did not exist.`,
    );
  } else {
    core.info(
      outcome.created
        ? `Created database "${database.name}".`
        : `Database "${database.name}" already existed.`,
    );
  }
  core.setOutput('created', String(outcome.created));
  const url = database.action === 'create' ? urlFor(settings) : undefined;
  if (url !== undefined) {
    core.setSecret(url);
    // The runner masks each line of a secret separately; the %-encoded password is a second form.
    if (database.ownerPassword) core.setSecret(encodeURIComponent(database.ownerPassword));
  }
  core.setOutput('database-url', url ?? '');
}

function urlFor({ database, mode }: Settings): string | undefined {
  const owner =
    database.owner === undefined ? {} : { user: database.owner, password: database.ownerPassword };
  if (mode.kind === 'direct') {
    const { admin } = mode;
    const credentials = database.owner === undefined ? { user: admin.user, password: admin.password } : owner;
    return databaseUrl({
      host: admin.host,
      port: admin.port,
      database: database.name,
      search: admin.search,
      ...credentials,
    });
  }
  if (mode.databaseHost === undefined) return undefined;
  const [host = '', port] = mode.databaseHost.split(/:(?=\d+$)/);
  return databaseUrl({ host, ...(port && { port: Number(port) }), database: database.name, ...owner });
}
