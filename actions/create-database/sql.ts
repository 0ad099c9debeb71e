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
  'rdsrepladmin',
  'rdstopmgr',
]);
/** Prefixes PostgreSQL (pg_) and RDS (rds_) keep for their own roles and databases. */
const RESERVED_PREFIX = /^(pg_|rds_)/i;

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
  if (kind === 'database' && (RESERVED_DATABASES.has(value) || RESERVED_PREFIX.test(value))) {
    throw new ConfigurationError(`${what}: "${value}" is a system database and cannot be managed here.`);
  }
  if (kind === 'role' && (RESERVED_ROLES.has(value.toLowerCase()) || RESERVED_PREFIX.test(value))) {
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

/**
 * What create-database writes on every role and database it creates, and looks for before it
 * changes or drops one: a COMMENT, because a comment is a catalog entry of the object itself
 * (pg_shdescription), so it survives what the object survives: pg_dumpall dumps COMMENT ON ROLE
 * and pg_dump --create COMMENT ON DATABASE, and an RDS snapshot or a read replica copies the
 * catalogs as they are. RDS's master user may write it (CREATEROLE for a role, owner-role
 * membership for a database). A marker role's membership could not mark a database, and
 * would itself be one more role to guard.
 */
export const MANAGED = 'managed by adhoc-actions';

/** Whose mark: the database's name and, from workflows, the environment that asked for it. */
export type MarkOwner = Pick<DatabaseRequest, 'name' | 'environment'>;

/** The mark this request writes: `managed by adhoc-actions: <db> (environment <env>)`. */
export function markOf({ name, environment }: MarkOwner): string {
  return `${MANAGED}: ${name}${environment === undefined ? '' : ` (environment ${environment})`}`;
}

/**
 * The marks this request may act on. Without an environment, any of ours (the action used on
 * its own). With one, only that environment's: a preview that names `database_name = "staging"`
 * must not drop staging's database when it closes. A mark from before environments were named
 * (`managed by adhoc-actions: <db>`) is claimed only by the environment whose own database it is
 * (the module's default name: the environment's with - as _), and is rewritten on its next create.
 */
function markedSql(oid: string, catalog: 'pg_authid' | 'pg_database', owner: MarkOwner): string {
  const mark = `coalesce(shobj_description(${oid}, '${catalog}'), '')`;
  if (owner.environment === undefined) return `starts_with(${mark}, ${quoteLiteral(MANAGED)})`;
  const accepted = [markOf(owner)];
  if (owner.name === owner.environment.replace(/-/g, '_')) accepted.push(`${MANAGED}: ${owner.name}`);
  return `${mark} IN (${accepted.map(quoteLiteral).join(', ')})`;
}

/**
 * Creates and marks the role in one implicit transaction (two statements in one simple query,
 * as both pg and psql's \gexec send it): no unmarked role is left behind by a crash between.
 */
export function createRole(role: string, password: string, owner: MarkOwner): Statement {
  const clause = passwordClause(password);
  const head = `CREATE ROLE ${quoteIdent(role)} WITH LOGIN`;
  const mark = `; COMMENT ON ROLE ${quoteIdent(role)} IS ${quoteLiteral(markOf(owner))}`;
  return { sql: `${head} ${clause.sql}${mark}`, display: `${head} ${clause.display}${mark}` };
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

/** CREATE DATABASE runs alone (never in a transaction block), so the mark follows it. */
export function markDatabase(owner: MarkOwner): Statement {
  return plain(`COMMENT ON DATABASE ${quoteIdent(owner.name)} IS ${quoteLiteral(markOf(owner))}`);
}

/** A role keeps the mark of the database it was made for (re-marked like the database). */
export function markRole(role: string, owner: MarkOwner): Statement {
  return plain(`COMMENT ON ROLE ${quoteIdent(role)} IS ${quoteLiteral(markOf(owner))}`);
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
  roleExists: 'SELECT 1 FROM pg_roles WHERE rolname = $1',
  adminIsSuperuser: 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
} as const;

/** The SQLSTATE of RAISE EXCEPTION: the checks' refusals, each one line starting `Input "`. */
export const CHECK_FAILED = 'P0001';

/**
 * The rules of what create-database may touch, as one DO block both modes run before their
 * first write (pg sends it in direct mode, psql in the task), so they are enforced by the
 * server with what it knows: who the admin is (current_user, whatever the master user is
 * called), each role's attributes, and the marks. Each refusal is RAISE EXCEPTION with one line
 * naming the input. Every name is a quoted literal.
 */
export function checks(request: DatabaseRequest): Statement {
  const lit = quoteLiteral;
  const name = lit(request.name);
  const rules: string[] = [];
  const refuse = (condition: string, message: string, value: string) =>
    rules.push(`IF ${condition} THEN RAISE EXCEPTION ${lit(message)}, ${value}; END IF;`);
  const databaseExists = `EXISTS (SELECT FROM pg_database WHERE datname = ${name})`;
  const marked = (oid: string, catalog: 'pg_authid' | 'pg_database') => markedSql(oid, catalog, request);
  const notOurs =
    request.environment === undefined
      ? 'was not created by create-database'
      : `was not created by create-database for environment ${request.environment}`;

  refuse(
    `${name} = current_database()`,
    'Input "name": "%" is the database create-database connects to; it is left unchanged.',
    name,
  );
  if (request.owner !== undefined) {
    const owner = lit(request.owner);
    const role = (condition: string) =>
      `EXISTS (SELECT FROM pg_roles WHERE rolname = ${owner} AND (${condition}))`;
    refuse(
      `${owner} IN (current_user, session_user)`,
      'Input "owner": "%" is the admin role create-database connects as; it is left unchanged.',
      owner,
    );
    refuse(
      role('rolsuper'),
      'Input "owner": role "%" is a superuser; create-database manages only ordinary roles.',
      owner,
    );
    refuse(
      role('rolcreaterole OR rolbypassrls OR rolreplication'),
      'Input "owner": role "%" has CREATEROLE, BYPASSRLS or REPLICATION; create-database manages only ordinary roles.',
      owner,
    );
    // RDS's master user and those it made admins; by oid, so a missing role is no error.
    refuse(
      `EXISTS (SELECT FROM pg_roles r, pg_roles g WHERE r.rolname = ${owner} AND g.rolname = 'rds_superuser' AND pg_has_role(r.oid, g.oid, 'MEMBER'))`,
      'Input "owner": role "%" is a member of rds_superuser; create-database manages only ordinary roles.',
      owner,
    );
    refuse(
      role(`NOT ${marked('oid', 'pg_authid')}`),
      `Input "owner": role "%" exists and ${notOurs}; it is left unchanged.`,
      owner,
    );
    if (request.action === 'create' && request.ownerPassword === undefined) {
      refuse(
        `NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${owner})`,
        'Input "owner-password" is required to create role "%".',
        owner,
      );
    }
  }
  // A database is ours when marked, or (a run that died between CREATE DATABASE and COMMENT)
  // when it is owned by the marked role asked for.
  const ownedByOurRole =
    request.owner === undefined
      ? ''
      : ` AND NOT EXISTS (SELECT FROM pg_roles r WHERE r.oid = d.datdba AND r.rolname = ${lit(request.owner)} AND ${marked('r.oid', 'pg_authid')})`;
  refuse(
    `EXISTS (SELECT FROM pg_database d WHERE datname = ${name} AND NOT ${marked('d.oid', 'pg_database')}${ownedByOurRole})`,
    `Input "name": database "%" exists and ${notOurs}; it is left unchanged.`,
    name,
  );
  if (request.action === 'create' && request.template !== undefined) {
    const template = lit(request.template);
    refuse(
      `NOT ${databaseExists} AND NOT EXISTS (SELECT FROM pg_database WHERE datname = ${template})`,
      'Input "template": database "%" does not exist.',
      template,
    );
  }
  // The log shows what the block is for; the block itself is a page of one line.
  return {
    sql: `DO ${lit(`BEGIN ${rules.join(' ')} END`)}`,
    display: "DO '…' -- refuses what create-database may not touch (sql.ts checks)",
  };
}

/** What the psql script prints first, so the step knows whether the database was there. */
export const MARKER = {
  exists: 'create-database: database exists',
  missing: 'create-database: database missing',
};

/**
 * mode: ecs-task — one psql script (run with ON_ERROR_STOP) doing what direct mode does. psql
 * has no IF, so each conditional statement is a literal selected only when needed and run by
 * \gexec; the rules that must stop the script are the DO block of checks(). Every name and
 * statement is quoted here: the script has no text of the user's outside a literal.
 */
export function psqlScript(request: DatabaseRequest): Statement {
  const lit = quoteLiteral;
  const name = lit(request.name);
  const lines: Statement[] = [];
  const add = (statement: Statement) =>
    lines.push({ sql: `${statement.sql};`, display: `${statement.display};` });
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

  // Checks first: a refusal stops the script before its first write.
  add(checks(request));
  add(plain(`SELECT CASE WHEN ${databaseExists} THEN ${lit(MARKER.exists)} ELSE ${lit(MARKER.missing)} END`));

  if (request.action === 'drop') {
    add(dropDatabase(request.name));
    if (request.owner !== undefined) {
      // A role still owning objects elsewhere is kept with a warning, as in direct mode.
      const drop = dropRole(request.owner).sql;
      add(
        plain(
          `DO ${lit(`BEGIN EXECUTE ${lit(drop)}; EXCEPTION WHEN dependent_objects_still_exist THEN RAISE WARNING 'Role "%" was kept: %', ${lit(request.owner)}, SQLERRM; END`)}`,
        ),
      );
    }
  } else {
    if (request.owner !== undefined) {
      if (request.ownerPassword !== undefined) {
        gexec(createRole(request.owner, request.ownerPassword, request), `NOT ${roleExists}`);
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
    // The checks passed: the database is marked already or was created just now.
    gexec(markDatabase(request));
    if (request.owner !== undefined) {
      gexec(markRole(request.owner, request));
      gexec(setDatabaseOwner(request.name, request.owner));
    }
  }
  return { sql: lines.map((l) => l.sql).join('\n') + '\n', display: lines.map((l) => l.display).join('\n') };
}
