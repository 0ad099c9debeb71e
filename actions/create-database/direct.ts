import * as core from '@actions/core';
import pg from 'pg';
import { ConfigurationError } from '../lib/errors.ts';
import { sleep } from '../lib/poll.ts';
import type { AdminUrl, DatabaseRequest } from './settings.ts';
import {
  CHECK_FAILED,
  checks,
  createDatabase,
  createRole,
  dropDatabase,
  dropRole,
  grantRoleToAdmin,
  markDatabase,
  markRole,
  QUERIES,
  setDatabaseOwner,
  setRolePassword,
  type Statement,
} from './sql.ts';

/** mode: direct — the statements of sql.ts over one admin connection (pg). */

export interface ConnectPolicy {
  attempts: number;
  baseDelayMs: number;
  connectTimeoutMs: number;
}

export const CONNECT_POLICY: ConnectPolicy = { attempts: 3, baseDelayMs: 500, connectTimeoutMs: 10_000 };

/** Network trouble and a server still starting: worth another try; anything else is not. */
const RETRYABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EPIPE',
  '57P03', // cannot_connect_now
]);

/** Errors the admin-url itself causes: wrong password, unknown user or database, no SSL. */
const ADMIN_URL_ERRORS = new Set(['28P01', '28000', '3D000', '42501']);

interface PgError extends Error {
  code?: string;
}

export async function connectAdmin(admin: AdminUrl, policy = CONNECT_POLICY): Promise<pg.Client> {
  const where = `${admin.host.includes(':') ? `[${admin.host}]` : admin.host}:${admin.port}`;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({
      connectionString: admin.text,
      connectionTimeoutMillis: policy.connectTimeoutMs,
      application_name: 'adhoc-actions/create-database',
    });
    // A connection dropped later surfaces on the next query; without a listener it would crash.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      const { code, message } = error as PgError;
      if (code !== undefined && ADMIN_URL_ERRORS.has(code)) {
        throw new ConfigurationError(`Input "admin-url": ${message} (${where}).`);
      }
      const retryable = (code !== undefined && RETRYABLE.has(code)) || /timeout|terminated/i.test(message);
      const reason = code && !message.includes(code) ? `${code} ${message}` : message;
      if (!retryable || attempt >= policy.attempts) {
        const tries = attempt > 1 ? ` (${attempt} attempts)` : '';
        throw new ConfigurationError(`Cannot connect to the admin-url host ${where}: ${reason}${tries}.`);
      }
      const delay = policy.baseDelayMs * 2 ** (attempt - 1);
      core.info(`Cannot connect to ${where} (${reason}); retrying in ${delay / 1000} s.`);
      await sleep(delay);
    }
  }
}

export interface Outcome {
  created: boolean;
  /** Whether the database was there before (drop: whether it was dropped). */
  existed: boolean;
}

/** What runDirect needs of a connection: pg's Client, or an adapter (PGlite in the demo). */
export interface Queryable {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/** `log` prints each statement run (its display form: no password); tests pass their own. */
export async function runDirect(
  client: Queryable,
  request: DatabaseRequest,
  log: (line: string) => void = core.info,
): Promise<Outcome> {
  const exists = async (sql: string, value: string) => (await client.query(sql, [value])).rowCount! > 0;
  const execute = async (statement: Statement) => {
    log(statement.display);
    await client.query(statement.sql);
  };
  // The rules (sql.ts checks) before the first write, and again after losing a race to
  // another session, which may have created something that is not ours.
  const check = async () => {
    try {
      await client.query(checks(request).sql);
    } catch (error) {
      const { code, message } = error as PgError;
      if (code === CHECK_FAILED && message.startsWith('Input "')) throw new ConfigurationError(message);
      throw error;
    }
  };
  await check();
  const role = request.owner !== undefined && (await exists(QUERIES.roleExists, request.owner));
  const existed = await exists(QUERIES.databaseExists, request.name);

  if (request.action === 'drop') {
    await execute(dropDatabase(request.name));
    if (request.owner !== undefined && role) {
      try {
        await execute(dropRole(request.owner));
      } catch (error) {
        // The role still owns something in another database: keep it, the database is gone.
        if ((error as PgError).code !== '2BP01') throw error;
        core.warning(`Role "${request.owner}" was kept: ${(error as Error).message}.`);
      }
    }
    return { created: false, existed };
  }

  if (request.owner !== undefined) {
    const owner = request.owner;
    // checks() refused a missing role without a password.
    if (!role) {
      try {
        await execute(createRole(owner, request.ownerPassword!, request));
      } catch (error) {
        // Created since we looked: ours (marked) gets the password, anyone else's is refused.
        if (!lostRace(error, '42710')) throw error;
        await check();
        await execute(setRolePassword(owner, request.ownerPassword!));
      }
    } else if (request.ownerPassword !== undefined) {
      await execute(setRolePassword(owner, request.ownerPassword));
    }
    // RDS's master user is no superuser: it must be a member of a role to give it a database.
    const adminIsSuperuser = (await client.query(QUERIES.adminIsSuperuser)).rows[0]?.rolsuper === true;
    if (!adminIsSuperuser) await execute(grantRoleToAdmin(owner));
  }

  let created = false;
  if (!existed) {
    try {
      await execute(createDatabase(request.name, { template: request.template, owner: request.owner }));
      created = true;
    } catch (error) {
      const { code, message } = error as PgError;
      if (code === '55006' && request.template !== undefined) {
        throw new ConfigurationError(`Input "template": ${message}; close its connections and run again.`);
      }
      if (!lostRace(error, '42P04')) throw error;
      await check();
    }
  }
  // Marked already, just created, or left unmarked by a run that died here (see checks).
  await execute(markDatabase(request));
  if (request.owner !== undefined) await execute(markRole(request.owner, request));
  if (!created) {
    log(`Database "${request.name}" exists${request.template ? ' (template not applied)' : ''}.`);
    if (request.owner !== undefined) await execute(setDatabaseOwner(request.name, request.owner));
  }
  return { created, existed };
}

/**
 * Created by another session since we looked: `duplicate` when it had committed before our
 * statement began, 23505 (unique_violation on the catalog's name index) when we waited for its
 * commit.
 */
function lostRace(error: unknown, duplicate: '42710' | '42P04'): boolean {
  const { code } = error as PgError;
  return code === duplicate || code === '23505';
}
