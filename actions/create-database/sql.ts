import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../lib/errors.ts';
import type { DatabaseRequest } from './settings.ts';

/**
 * Every SQL text create-database sends, in one place for both modes (pg in direct mode, psql in
 * a one-off task). Names are validated, then always quoted; nothing from an input is ever
 * spliced into SQL unquoted.
 */

/** PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes; we refuse rather than truncate. */
export const MAX_IDENTIFIER_BYTES = 63;

/** Databases every server has (and RDS's own): never created over, re-owned or dropped. */
const RESERVED_DATABASES = new Set(['postgres', 'template0', 'template1', 'rdsadmin']);
/** Roles PostgreSQL reserves or RDS manages. */
const RESERVED_ROLES = new Set([
  'public',
  'none',
  'current_user',
  'session_user',
  'current_role',
  'postgres',
  'rdsadmin',
]);

/**
 * Checks a database or role name: 1 to 63 bytes of UTF-8, no NUL and no other control
 * character (they cannot be typed into psql or a DATABASE_URL, and are never meant).
 */
export function validateIdentifier(
  input: string,
  value: string,
  kind: 'database' | 'role' | 'template',
): string {
  const what = `Input "${input}"`;
  if (value === '') throw new ConfigurationError(`${what} must not be empty.`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw new ConfigurationError(
      `${what} is ${bytes} bytes long; PostgreSQL names are at most ${MAX_IDENTIFIER_BYTES} bytes.`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new ConfigurationError(`${what} must not contain control characters.`);
  }
  if (value.trim() !== value) {
    throw new ConfigurationError(`${what} must not start or end with white space.`);
  }
  if (/[\uD800-\uDFFF]/.test(value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
    throw new ConfigurationError(`${what} is not valid Unicode.`);
  }
  if (kind === 'database' && RESERVED_DATABASES.has(value)) {
    throw new ConfigurationError(`${what}: "${value}" is a system database and cannot be managed here.`);
  }
  if (kind === 'role' && (RESERVED_ROLES.has(value.toLowerCase()) || /^(pg_|rds_)/i.test(value))) {
    throw new ConfigurationError(`${what}: "${value}" is a reserved role name.`);
  }
  return value;
}

/** A quoted identifier: `"` around, inner `"` doubled (PostgreSQL's quote_ident). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A string literal that means the same whatever standard_conforming_strings says: quotes
 * doubled, and with a backslash in it the E'' form with backslashes doubled (as pg's
 * escapeLiteral and PostgreSQL's quote_literal do).
 */
export function quoteLiteral(value: string): string {
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/**
 * A SCRAM-SHA-256 verifier for `password`, the form PostgreSQL stores. Sent instead of the
 * password, so the plain text never reaches the server's statement log or an ECS task's
 * overrides; PostgreSQL stores a verifier given in PASSWORD as is. Only for ASCII passwords:
 * PostgreSQL runs others through SASLprep first, which is not reproduced here.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export const isAscii = (text: string) => /^[\x20-\x7e]*$/.test(text);

/** A statement and what may be printed of it (the password replaced). */
export interface Statement {
  sql: string;
  display: string;
}

const plain = (sql: string): Statement => ({ sql, display: sql });

function passwordClause(password: string): { sql: string; display: string } {
  const secret = isAscii(password) ? scramVerifier(password) : password;
  return { sql: `PASSWORD ${quoteLiteral(secret)}`, display: "PASSWORD '***'" };
}

export function createRole(role: string, password: string): Statement {
  const clause = passwordClause(password);
  const head = `CREATE ROLE ${quoteIdent(role)} WITH LOGIN`;
  return { sql: `${head} ${clause.sql}`, display: `${head} ${clause.display}` };
}

export function setRolePassword(role: string, password: string): Statement {
  const clause = passwordClause(password);
  const head = `ALTER ROLE ${quoteIdent(role)} WITH LOGIN`;
  return { sql: `${head} ${clause.sql}`, display: `${head} ${clause.display}` };
}

/** Lets a non-superuser admin (RDS's master user) create and hand over databases owned by `role`. */
export function grantRoleToAdmin(role: string): Statement {
  return plain(`GRANT ${quoteIdent(role)} TO CURRENT_USER`);
}

export function createDatabase(name: string, options: { template?: string; owner?: string }): Statement {
  const parts = [`CREATE DATABASE ${quoteIdent(name)}`];
  if (options.template !== undefined) parts.push(`TEMPLATE ${quoteIdent(options.template)}`);
  if (options.owner !== undefined) parts.push(`OWNER ${quoteIdent(options.owner)}`);
  return plain(parts.join(' '));
}

export function setDatabaseOwner(name: string, owner: string): Statement {
  return plain(`ALTER DATABASE ${quoteIdent(name)} OWNER TO ${quoteIdent(owner)}`);
}

/** FORCE (PostgreSQL 13+) ends the database's open connections first. */
export function dropDatabase(name: string): Statement {
  return plain(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

export function dropRole(role: string): Statement {
  return plain(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
}

/** Catalog reads (bind parameters: the names never become SQL). */
export const QUERIES = {
  databaseExists: 'SELECT 1 FROM pg_database WHERE datname = $1',
  role: 'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
  adminIsSuperuser: 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
} as const;

/** What the psql script prints first, so the step knows whether the database was there. */
export const MARKER = {
  exists: 'create-database: database exists',
  missing: 'create-database: database missing',
};

/**
 * mode: ecs-task — one psql script (run with ON_ERROR_STOP) doing what direct mode does. psql
 * has no IF, so each conditional statement is a literal selected only when needed and run by
 * \gexec; the checks that must stop the script are a DO block raising an exception. Every
 * name and statement is quoted here: the script has no text of the user's outside a literal.
 */
export function psqlScript(request: DatabaseRequest): Statement {
  const lit = quoteLiteral;
  const name = lit(request.name);
  const lines: Statement[] = [];
  const add = (statement: Statement) => lines.push(statement);
  const gexec = (statement: Statement, condition?: string) => {
    const where = condition === undefined ? '' : ` WHERE ${condition}`;
    lines.push({
      sql: `SELECT ${lit(statement.sql)}${where} \\gexec`,
      display: `${statement.display}${where ? ` --${where}` : ''}`,
    });
  };
  const roleExists =
    request.owner === undefined ? '' : `EXISTS (SELECT FROM pg_roles WHERE rolname = ${lit(request.owner)})`;
  const databaseExists = `EXISTS (SELECT FROM pg_database WHERE datname = ${name})`;

  // Checks first: a mistake stops the script before its first write.
  const checks: string[] = [];
  if (request.owner !== undefined) {
    const owner = lit(request.owner);
    checks.push(
      `IF EXISTS (SELECT FROM pg_roles WHERE rolname = ${owner} AND rolsuper) THEN RAISE EXCEPTION 'Input "owner": role "%" is a superuser; create-database manages only ordinary roles.', ${owner}; END IF;`,
    );
    if (request.action === 'create' && request.ownerPassword === undefined) {
      checks.push(
        `IF NOT ${roleExists} THEN RAISE EXCEPTION 'Input "owner-password" is required to create role "%".', ${owner}; END IF;`,
      );
    }
  }
  if (request.action === 'create' && request.template !== undefined) {
    const template = lit(request.template);
    checks.push(
      `IF NOT ${databaseExists} AND NOT EXISTS (SELECT FROM pg_database WHERE datname = ${template}) THEN RAISE EXCEPTION 'Input "template": database "%" does not exist.', ${template}; END IF;`,
    );
  }
  if (checks.length > 0) add(plain(`DO ${lit(`BEGIN ${checks.join(' ')} END`)};`));
  add(
    plain(`SELECT CASE WHEN ${databaseExists} THEN ${lit(MARKER.exists)} ELSE ${lit(MARKER.missing)} END;`),
  );

  if (request.action === 'drop') {
    add(plain(`${dropDatabase(request.name).sql};`));
    if (request.owner !== undefined) {
      // A role still owning objects elsewhere is kept with a warning, as in direct mode.
      const drop = dropRole(request.owner).sql;
      add(
        plain(
          `DO ${lit(`BEGIN EXECUTE ${lit(drop)}; EXCEPTION WHEN dependent_objects_still_exist THEN RAISE WARNING 'Role "%" was kept: %', ${lit(request.owner)}, SQLERRM; END`)};`,
        ),
      );
    }
  } else {
    if (request.owner !== undefined) {
      if (request.ownerPassword !== undefined) {
        gexec(createRole(request.owner, request.ownerPassword), `NOT ${roleExists}`);
        gexec(setRolePassword(request.owner, request.ownerPassword));
      }
      gexec(
        grantRoleToAdmin(request.owner),
        'NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)',
      );
    }
    gexec(
      createDatabase(request.name, { template: request.template, owner: request.owner }),
      `NOT ${databaseExists}`,
    );
    if (request.owner !== undefined) gexec(setDatabaseOwner(request.name, request.owner));
  }
  return { sql: lines.map((l) => l.sql).join('\n') + '\n', display: lines.map((l) => l.display).join('\n') };
}
