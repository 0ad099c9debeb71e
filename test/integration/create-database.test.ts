import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { runDirect } from '../../actions/create-database/direct.ts';
import { validateIdentifier } from '../../actions/create-database/sql.ts';
import { ConfigurationError } from '../../actions/lib/errors.ts';
import { startEmulator, type Emulator } from '../../simulator/aws/index.ts';
import { startPglite } from '../../simulator/pglite.ts';
import { startPostgres, type Postgres } from '../helpers/postgres.ts';
import { runAction, type ActionRun } from '../../simulator/runner/run-action.ts';

let server: Postgres;
let admin: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client(server.url);
  await admin.connect();
}, 60_000);
afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

const runs: ActionRun[] = [];
async function createDatabase(inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runAction('create-database', { mode: 'direct', 'admin-url': server.url, ...inputs });
  runs.push(run);
  return run;
}

/** Everything but `::add-mask::` lines, which is how a secret reaches the runner to be masked. */
const printed = (run: ActionRun) =>
  `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

async function databases(): Promise<string[]> {
  return (await admin.query('SELECT datname FROM pg_database ORDER BY 1')).rows.map(
    (r) => r.datname as string,
  );
}
async function roles(): Promise<string[]> {
  return (await admin.query('SELECT rolname FROM pg_roles ORDER BY 1')).rows.map((r) => r.rolname as string);
}
async function owner(database: string): Promise<string | undefined> {
  const { rows } = await admin.query(
    'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
    [database],
  );
  return rows[0]?.owner as string | undefined;
}
async function connectAs(url: string): Promise<{ user: string; database: string }> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query('SELECT current_user AS user, current_database() AS database');
    return rows[0] as { user: string; database: string };
  } finally {
    await client.end();
  }
}

describe('create-database (direct, PostgreSQL 15)', () => {
  test('create twice: one database, created true then false', async () => {
    const first = await createDatabase({ name: 'feature-abc' });
    expect(first.errors).toEqual([]);
    expect(first.outputs['created']).toBe('true');
    const second = await createDatabase({ name: 'feature-abc' });
    expect(second.errors).toEqual([]);
    expect(second.outputs['created']).toBe('false');
    expect((await databases()).filter((name) => name === 'feature-abc')).toHaveLength(1);
    // Without an owner the URL carries the admin's credentials.
    expect(await connectAs(second.outputs['database-url']!)).toEqual({
      user: 'postgres',
      database: 'feature-abc',
    });
  });

  test('the owner role is created with its password and owns the database; the password is never printed', async () => {
    const password = `pw-'"\\;$1 %x@/:?#é`;
    const run = await createDatabase({
      name: 'feature-owner',
      owner: 'feature_owner',
      'owner-password': password,
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs['created']).toBe('true');
    expect(await owner('feature-owner')).toBe('feature_owner');
    const url = run.outputs['database-url']!;
    expect(await connectAs(url)).toEqual({ user: 'feature_owner', database: 'feature-owner' });
    await expect(connectAs(url.replace(encodeURIComponent(password), 'wrong'))).rejects.toThrow(
      /password authentication failed/,
    );
    for (const form of [password, encodeURIComponent(password), server.password]) {
      expect(printed(run)).not.toContain(form);
    }
    // The URL and the password were handed to the runner to mask (core escapes % \r \n there).
    const masked = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('::add-mask::'))
      .map((line) =>
        line.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'),
      );
    expect(masked).toEqual(expect.arrayContaining([url, password]));
    // The server keeps a SCRAM verifier, not the text.
    const { rows } = await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'feature_owner'");
    expect(rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  test('a second run with a new password changes the password of the role it created (rotation)', async () => {
    await createDatabase({
      name: 'feature-rotate',
      owner: 'rotate_owner',
      'owner-password': 'first-password',
    });
    const run = await createDatabase({
      name: 'feature-rotate',
      owner: 'rotate_owner',
      'owner-password': 'second-password',
    });
    expect(run.outputs['created']).toBe('false');
    expect(await connectAs(run.outputs['database-url']!)).toEqual({
      user: 'rotate_owner',
      database: 'feature-rotate',
    });
  });

  test('a database it created gets the owner asked for', async () => {
    await createDatabase({ name: 'feature-reown' });
    const run = await createDatabase({ name: 'feature-reown', owner: 'reown_owner', 'owner-password': 'pw' });
    expect(run.errors).toEqual([]);
    expect(await owner('feature-reown')).toBe('reown_owner');
  });

  test('template clones a seed database', async () => {
    await admin.query('CREATE DATABASE seed');
    const seed = new pg.Client(server.urlFor('seed'));
    await seed.connect();
    await seed.query(
      "CREATE TABLE fixtures (id int PRIMARY KEY, name text); INSERT INTO fixtures VALUES (1, 'alpha'), (2, 'beta')",
    );
    await seed.end();

    const refused = await createDatabase({ name: 'feature-seeded', template: 'seed' });
    expect(refused.errors).toEqual([
      'Input "template": "seed" is not allowed; list it in "allowed-templates" (empty: no template).',
    ]);
    const elsewhere = await createDatabase({
      name: 'feature-seeded',
      template: 'seed',
      'allowed-templates': 'other-seed\nSeed',
    });
    expect(elsewhere.errors).toEqual(['Input "template": "seed" is not in "allowed-templates".']);
    expect(await databases()).not.toContain('feature-seeded');

    const run = await createDatabase({
      name: 'feature-seeded',
      template: 'seed',
      'allowed-templates': 'seed',
      owner: 'seeded_owner',
      'owner-password': 'pw',
    });
    expect(run.errors).toEqual([]);
    expect(await owner('feature-seeded')).toBe('seeded_owner');
    // The template's objects keep their owner (here the admin): read them as the admin.
    const clone = new pg.Client(server.urlFor('feature-seeded'));
    await clone.connect();
    const { rows } = await clone.query('SELECT name FROM fixtures ORDER BY id');
    await clone.end();
    expect(rows.map((r) => r.name)).toEqual(['alpha', 'beta']);

    const missing = await createDatabase({
      name: 'feature-unseeded',
      template: 'no-such-seed',
      'allowed-templates': 'no-such-seed',
    });
    expect(missing.errors).toEqual(['Input "template": database "no-such-seed" does not exist.']);
    expect(await databases()).not.toContain('feature-unseeded');
  });

  test('drop removes the database with open connections, and its owner; dropping a missing one succeeds', async () => {
    await createDatabase({ name: 'feature-drop', owner: 'drop_owner', 'owner-password': 'pw' });
    const open = new pg.Client(server.urlFor('feature-drop'));
    await open.connect();
    open.on('error', () => undefined); // it is about to be terminated

    const run = await createDatabase({ name: 'feature-drop', owner: 'drop_owner', action: 'drop' });
    expect(run.errors).toEqual([]);
    expect(run.outputs).toEqual({ created: 'false', 'database-url': '' });
    expect(await databases()).not.toContain('feature-drop');
    expect(await roles()).not.toContain('drop_owner');
    await open.end().catch(() => undefined);

    const again = await createDatabase({ name: 'feature-drop', owner: 'drop_owner', action: 'drop' });
    expect(again.errors).toEqual([]);
    expect(again.exitCode).toBe(0);
    expect(again.lines).toContain('Database "feature-drop" did not exist.');
  });

  test.each([
    [
      { name: 'postgres', action: 'drop' },
      'Input "name": "postgres" is a system database and cannot be managed here.',
    ],
    [
      { name: 'x', owner: 'postgres', 'owner-password': 'p' },
      'Input "owner": "postgres" is a reserved role name.',
    ],
    [
      { name: 'x', owner: 'no_such_role' },
      'Input "owner-password" is required to create role "no_such_role".',
    ],
    [{ name: 'rdsadmin' }, 'Input "name": "rdsadmin" is a system database and cannot be managed here.'],
    [{ name: 'rds_x' }, 'Input "name": "rds_x" is a system database and cannot be managed here.'],
    [
      { name: 'template0', action: 'drop' },
      'Input "name": "template0" is a system database and cannot be managed here.',
    ],
    [{ name: 'x', owner: 'rdsadmin' }, 'Input "owner": "rdsadmin" is a reserved role name.'],
    [
      { name: 'x', owner: 'pg_monitor', action: 'drop' },
      'Input "owner": "pg_monitor" is a reserved role name.',
    ],
    [
      { name: 'x', template: 'postgres' },
      'Input "template": "postgres" is not allowed; list it in "allowed-templates" (empty: no template).',
    ],
    [{ name: 'a'.repeat(64) }, 'Input "name" is 64 bytes long; PostgreSQL names are at most 63 bytes.'],
    [{ name: ' padded' }, 'Input "name" must not start or end with white space.'],
    [{ name: 'x', mode: 'sideways' }, 'Input "mode" must be one of direct, ecs-task, got "sideways".'],
  ])('a mistake fails before any write: %p', async (inputs, error) => {
    const before = [await databases(), await roles()];
    const run = await createDatabase(inputs);
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([error]);
    expect([await databases(), await roles()]).toEqual(before);
  });

  test("a preview that names staging's database cannot drop it: the mark is bound to the environment that made it", async () => {
    const staging = { name: 'staging', owner: 'staging', 'owner-password': 'pw', environment: 'staging' };
    expect((await createDatabase(staging)).errors).toEqual([]);
    const mark = await admin.query(
      "SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = 'staging'",
    );
    expect(mark.rows[0].mark).toBe('managed by adhoc-actions: staging (environment staging)');

    // pr-42's tfvars say database_name = "staging"; its close drops "its" database.
    const attack = await createDatabase({
      name: 'staging',
      owner: 'staging',
      action: 'drop',
      environment: 'pr-42',
    });
    expect(attack.exitCode).not.toBe(0);
    expect(attack.errors).toEqual([
      'Input "owner": role "staging" exists and was not created by create-database for environment pr-42; it is left unchanged.',
    ]);
    // Nor by its deploy, which would re-mark it as its own.
    const claim = await createDatabase({ ...staging, environment: 'pr-42', 'owner-password': 'mine' });
    expect(claim.exitCode).not.toBe(0);
    expect(await databases()).toContain('staging');
    expect(await roles()).toContain('staging');

    // A mark from before environments were named: only the environment whose own database it is
    // may claim it (and its create rewrites the mark), never another.
    await createDatabase({ name: 'legacy_env' });
    await admin.query("COMMENT ON DATABASE legacy_env IS 'managed by adhoc-actions: legacy_env'");
    const foreign = await createDatabase({ name: 'legacy_env', action: 'drop', environment: 'pr-7' });
    expect(foreign.errors).toEqual([
      'Input "name": database "legacy_env" exists and was not created by create-database for environment pr-7; it is left unchanged.',
    ]);
    const own = await createDatabase({ name: 'legacy_env', environment: 'legacy-env' });
    expect(own.errors).toEqual([]);
    const upgraded = await admin.query(
      "SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = 'legacy_env'",
    );
    expect(upgraded.rows[0].mark).toBe('managed by adhoc-actions: legacy_env (environment legacy-env)');

    const dropped = await createDatabase({
      name: 'staging',
      owner: 'staging',
      action: 'drop',
      environment: 'staging',
    });
    expect(dropped.errors).toEqual([]);
    expect(await databases()).not.toContain('staging');
  });

  test('a superuser owner is refused', async () => {
    await admin.query("CREATE ROLE boss SUPERUSER LOGIN PASSWORD 'boss'");
    const run = await createDatabase({ name: 'feature-boss', owner: 'boss', 'owner-password': 'new' });
    expect(run.errors).toEqual([
      'Input "owner": role "boss" is a superuser; create-database manages only ordinary roles.',
    ]);
    expect(await databases()).not.toContain('feature-boss');
  });

  test('an existing role it did not create keeps its password; nothing is created', async () => {
    await admin.query("CREATE ROLE legacy_app LOGIN PASSWORD 'legacy-password'");
    const before = await databases();
    const run = await createDatabase({
      name: 'feature-legacy',
      owner: 'legacy_app',
      'owner-password': 'takeover-password',
    });
    expect(run.errors).toEqual([
      'Input "owner": role "legacy_app" exists and was not created by create-database; it is left unchanged.',
    ]);
    expect(await databases()).toEqual(before);
    const url = `postgres://legacy_app:legacy-password@127.0.0.1:${server.port}/postgres`;
    expect(await connectAs(url)).toEqual({ user: 'legacy_app', database: 'postgres' });
    // Nor is it dropped.
    const drop = await createDatabase({ name: 'feature-legacy', owner: 'legacy_app', action: 'drop' });
    expect(drop.errors).toEqual([run.errors[0]]);
    expect(await roles()).toContain('legacy_app');
  });

  test('an existing database it did not create keeps its owner and is not dropped', async () => {
    await admin.query("CREATE ROLE legacy_owner LOGIN PASSWORD 'x'");
    await admin.query('CREATE DATABASE "legacy-db" OWNER legacy_owner');
    const refusal =
      'Input "name": database "legacy-db" exists and was not created by create-database; it is left unchanged.';
    const reown = await createDatabase({ name: 'legacy-db', owner: 'new_owner', 'owner-password': 'pw' });
    expect(reown.errors).toEqual([refusal]);
    expect(await owner('legacy-db')).toBe('legacy_owner');
    expect(await roles()).not.toContain('new_owner');
    expect((await createDatabase({ name: 'legacy-db' })).errors).toEqual([refusal]);
    const drop = await createDatabase({ name: 'legacy-db', action: 'drop' });
    expect(drop.errors).toEqual([refusal]);
    expect(await databases()).toContain('legacy-db');
  });

  test('a role it created that later gained CREATEROLE, BYPASSRLS or REPLICATION is refused', async () => {
    await createDatabase({ name: 'feature-grown', owner: 'grown_owner', 'owner-password': 'pw-1' });
    for (const attribute of ['CREATEROLE', 'BYPASSRLS', 'REPLICATION']) {
      await admin.query(`ALTER ROLE grown_owner ${attribute}`);
      const run = await createDatabase({
        name: 'feature-grown',
        owner: 'grown_owner',
        'owner-password': 'pw-2',
      });
      expect(run.errors).toEqual([
        'Input "owner": role "grown_owner" has CREATEROLE, BYPASSRLS or REPLICATION; create-database manages only ordinary roles.',
      ]);
      await admin.query(`ALTER ROLE grown_owner NO${attribute}`);
    }
    // Still the first password: none of the refused runs changed it.
    const url = `postgres://grown_owner:pw-1@127.0.0.1:${server.port}/feature-grown`;
    expect(await connectAs(url)).toEqual({ user: 'grown_owner', database: 'feature-grown' });
  });

  test('a member of rds_superuser (the RDS master user, whatever its name) is refused', async () => {
    await admin.query('CREATE ROLE rds_superuser NOLOGIN');
    await admin.query("CREATE ROLE mastername LOGIN PASSWORD 'master-password' IN ROLE rds_superuser");
    const run = await createDatabase({ name: 'mastername', owner: 'mastername', 'owner-password': 'new' });
    expect(run.errors).toEqual([
      'Input "owner": role "mastername" is a member of rds_superuser; create-database manages only ordinary roles.',
    ]);
    const url = `postgres://mastername:master-password@127.0.0.1:${server.port}/postgres`;
    expect(await connectAs(url)).toEqual({ user: 'mastername', database: 'postgres' });
    await admin.query('DROP ROLE mastername');
    await admin.query('DROP ROLE rds_superuser');
  });

  test('two runs at once for a new environment: one creates, both succeed, both marked', async () => {
    const clients = [new pg.Client(server.url), new pg.Client(server.url)];
    await Promise.all(clients.map((client) => client.connect()));
    const request = {
      action: 'create' as const,
      name: 'feature-race',
      owner: 'race_owner',
      ownerPassword: 'race-pw',
    };
    try {
      const outcomes = await Promise.all(
        clients.map((client) => runDirect(client, request, () => undefined)),
      );
      expect(outcomes.map((o) => o.created).sort()).toEqual([false, true]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    const { rows } = await admin.query(
      `SELECT shobj_description(d.oid, 'pg_database') AS database, shobj_description(r.oid, 'pg_authid') AS role
       FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = 'feature-race'`,
    );
    expect(rows).toEqual([
      { database: 'managed by adhoc-actions: feature-race', role: 'managed by adhoc-actions: feature-race' },
    ]);
  });

  test('a run that died between CREATE DATABASE and its mark is finished by the next run', async () => {
    await createDatabase({ name: 'feature-died', owner: 'died_owner', 'owner-password': 'pw' });
    // As if the mark had never been written: unmarked, but owned by the marked role asked for.
    await admin.query('COMMENT ON DATABASE "feature-died" IS NULL');
    const run = await createDatabase({ name: 'feature-died', owner: 'died_owner', 'owner-password': 'pw' });
    expect(run.errors).toEqual([]);
    const { rows } = await admin.query(
      "SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = 'feature-died'",
    );
    expect(rows).toEqual([{ mark: 'managed by adhoc-actions: feature-died' }]);
    // Another owner asked for: not ours to hand over.
    await admin.query('COMMENT ON DATABASE "feature-died" IS NULL');
    const other = await createDatabase({
      name: 'feature-died',
      owner: 'other_owner',
      'owner-password': 'pw',
    });
    expect(other.errors).toEqual([
      'Input "name": database "feature-died" exists and was not created by create-database; it is left unchanged.',
    ]);
  });

  test('a non-superuser admin with CREATEDB and CREATEROLE (like the RDS master user) can create and hand over', async () => {
    await admin.query("CREATE ROLE dbadmin LOGIN CREATEDB CREATEROLE PASSWORD 'rds-like-password'");
    const url = `postgres://dbadmin:rds-like-password@127.0.0.1:${server.port}/postgres`;
    const run = await runAction('create-database', {
      mode: 'direct',
      'admin-url': url,
      name: 'feature-rds',
      owner: 'app_rds',
      'owner-password': 'app-password',
    });
    expect(run.errors).toEqual([]);
    expect(await owner('feature-rds')).toBe('app_rds');
    expect(await connectAs(run.outputs['database-url']!)).toEqual({
      user: 'app_rds',
      database: 'feature-rds',
    });

    // An environment named like the admin never resets the admin's password.
    const self = await runAction('create-database', {
      mode: 'direct',
      'admin-url': url,
      name: 'dbadmin',
      owner: 'dbadmin',
      'owner-password': 'takeover-password',
    });
    expect(self.errors).toEqual([
      'Input "owner": "dbadmin" is the admin role create-database connects as; it is left unchanged.',
    ]);
    expect(await connectAs(url)).toEqual({ user: 'dbadmin', database: 'postgres' });
    expect(await databases()).not.toContain('dbadmin');
    // Nor drops the admin's own database.
    const ownDb = await runAction('create-database', {
      mode: 'direct',
      'admin-url': server.urlFor('feature-rds'),
      name: 'feature-rds',
      action: 'drop',
    });
    expect(ownDb.errors).toEqual(['Input "name": "feature-rds" is the database admin-url connects to.']);
    // Nor re-owns it: the server-side rule knows the admin's database in both modes.
    const reown = await runAction('create-database', {
      mode: 'direct',
      'admin-url': server.urlFor('feature-rds'),
      name: 'feature-rds',
      owner: 'other_rds',
      'owner-password': 'pw',
    });
    expect(reown.errors).toEqual([
      'Input "name": "feature-rds" is the database create-database connects to; it is left unchanged.',
    ]);
    expect(await owner('feature-rds')).toBe('app_rds');
  });

  test('an unreachable host fails with a clear line after bounded retries, the password unprinted', async () => {
    const closed = `postgres://postgres:${server.password}@127.0.0.1:1/postgres`;
    const run = await createDatabase({ name: 'feature-x', 'admin-url': closed });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      expect.stringMatching(
        /^Cannot connect to the admin-url host 127\.0\.0\.1:1: .*ECONNREFUSED.* \(3 attempts\)\.$/,
      ),
    ]);
    expect(printed(run)).not.toContain(server.password);
  });

  test.each([
    [
      'a wrong password',
      (p: Postgres) => `postgres://postgres:wrong-password@127.0.0.1:${p.port}/postgres`,
      /^Input "admin-url": password authentication failed for user "postgres"/,
    ],
    [
      'a missing database',
      (p: Postgres) => p.urlFor('nope'),
      /^Input "admin-url": database "nope" does not exist/,
    ],
    [
      'not a URL',
      () => 'db.example.com:5432',
      /^Input "admin-url" must start with postgres:\/\/ or postgresql:\/\/, not db\.example\.com:\/\/\.$/,
    ],
    ['no URL', () => 'nothing at all', /^Input "admin-url" is not a URL/],
  ])('a bad admin-url (%s) fails with a clear line', async (_, url, error) => {
    const run = await createDatabase({ name: 'feature-y', 'admin-url': url(server) });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([expect.stringMatching(error)]);
    expect(printed(run)).not.toContain(server.password);
    expect(printed(run)).not.toContain('wrong-password');
  });

  test('no run printed a password', () => {
    expect(runs.length).toBeGreaterThan(10);
    for (const run of runs) {
      for (const secret of [
        server.password,
        'first-password',
        'second-password',
        'app-password',
        'rds-like-password',
        'takeover-password',
        'legacy-password',
      ]) {
        expect(printed(run)).not.toContain(secret);
      }
    }
  });
});

describe('hostile names', () => {
  /** A deterministic generator: the same 1,000 names every run. */
  function hostileNames(): string[] {
    const pieces = [
      '"',
      "'",
      '""',
      "''",
      ';',
      '\\',
      '$$',
      '$1',
      '%s',
      '%I',
      '--',
      '/*',
      '*/',
      "E'",
      '`',
      ' ',
      '\t',
      '\n',
      '\0',
      '\u0007',
      'a',
      'Z',
      '_',
      '-',
      '.',
      ',',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '=',
      '&',
      '|',
      '<',
      '>',
      '?',
      '!',
      '#',
      'é',
      'ß',
      'Ω',
      'я',
      '中',
      '日本',
      '🚀',
      '👨‍👩‍👧',
      'e\u0301',
      '\u200d',
      '\u202e',
      '\u00a0',
      '\ufeff',
      '\u3000',
      'DROP',
      'DATABASE',
      'postgres',
      'ROLE',
      'SUPERUSER',
      'CREATE',
      'TABLE',
      'pwned',
      '"; DROP DATABASE sentinel; --',
      '"; CREATE ROLE pwned SUPERUSER; --',
      "'; CREATE TABLE pwned (x int); --",
      '" TEMPLATE sentinel OWNER "postgres',
      '\\"; SELECT pg_sleep(5); --',
      '$$; DROP DATABASE sentinel; $$',
    ];
    let seed = 20240611;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const names = new Set<string>([
      '',
      ' ',
      'a'.repeat(63),
      'a'.repeat(64),
      'é'.repeat(31) + 'a',
      'é'.repeat(32),
      '🚀'.repeat(15) + 'abc',
      '🚀'.repeat(16),
      'UPPER',
      'upper',
      'template1',
      'postgres',
      ...pieces,
    ]);
    while (names.size < 1000) {
      const count = 1 + random(12);
      let name = '';
      for (let i = 0; i < count; i++) name += pieces[random(pieces.length)];
      if (random(10) === 0) name += 'x'.repeat(random(70));
      names.add(name);
    }
    return [...names];
  }

  test('1,000 names: each created exactly as written or refused with a ConfigurationError, and none runs SQL', async () => {
    await admin.query('CREATE DATABASE sentinel');
    const before = { databases: await databases(), roles: await roles() };
    const valid: string[] = [];
    for (const name of hostileNames()) {
      try {
        validateIdentifier('name', name, 'database');
        valid.push(name);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toMatch(/^Input "name"[ :]/);
      }
    }
    expect(valid.length).toBeGreaterThan(500);
    expect(1000 - valid.length).toBeGreaterThan(100);

    // The action's own code against the server, four connections at a time (a process per
    // name would take minutes; a sample goes through the bundle below).
    const clients = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const client = new pg.Client(server.url);
        await client.connect();
        return client;
      }),
    );
    const quiet = () => undefined;
    const eachName = (action: 'create' | 'drop') =>
      Promise.all(
        clients.map(async (client, i) => {
          for (let j = i; j < valid.length; j += clients.length) {
            const outcome = await runDirect(client, { action, name: valid[j]! }, quiet);
            expect(outcome).toEqual({ created: action === 'create', existed: action === 'drop' });
          }
        }),
      );
    try {
      await eachName('create');
      // Every valid name is now exactly one database of exactly that name, and nothing else is new.
      const added = (await databases()).filter((d) => !before.databases.includes(d));
      expect(added.sort()).toEqual([...valid].sort());
      await eachName('drop');
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    expect(await databases()).toEqual(before.databases);
    expect(await roles()).toEqual(before.roles);
    const { rows } = await admin.query("SELECT relname FROM pg_class WHERE relname LIKE '%pwned%'");
    expect(rows).toEqual([]);
  }, 180_000);

  test('through the action: a sample is created exactly or refused with one line naming the input', async () => {
    const before = await databases();
    const sample = [
      'a"b',
      "it's",
      'x; DROP DATABASE sentinel; --',
      '日本🚀',
      'é'.repeat(32),
      'a\nb',
      '',
      '"',
    ];
    for (const name of sample) {
      const run = await createDatabase({ name });
      if (run.exitCode === 0) {
        expect(run.outputs['created']).toBe('true');
        expect((await databases()).filter((d) => !before.includes(d))).toEqual([name]);
        await admin.query(`DROP DATABASE "${name.replace(/"/g, '""')}"`);
      } else {
        expect(run.errors).toEqual([expect.stringMatching(/^Input "name" /)]);
      }
    }
    expect(await databases()).toEqual(before);
  });
});

describe('create-database (ecs-task: psql in a one-off task)', () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator();
    emulator.setTiming({ provisionMs: 10, startMs: 20, stopMs: 10 });
    emulator.createCluster('shared');
    emulator.registerTaskDefinition({
      family: 'db-admin',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      containerDefinitions: [
        {
          name: 'psql',
          image: 'public.ecr.aws/docker/library/postgres:15',
          essential: true,
          // In AWS these come from Secrets Manager; the emulator runs the command here, so
          // psql reaches the test server.
          environment: [
            { name: 'PGHOST', value: '127.0.0.1' },
            { name: 'PGPORT', value: String(server.port) },
            { name: 'PGUSER', value: 'postgres' },
            { name: 'PGPASSWORD', value: server.password },
            { name: 'PGDATABASE', value: 'postgres' },
          ],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/db-admin',
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': 'db',
            },
          },
        },
      ],
    });
    emulator.setTaskBehavior('db-admin', { localProcess: true });
  });
  afterEach(async () => {
    await emulator.stop();
  });

  const inTask = (inputs: Record<string, string>) =>
    runAction(
      'create-database',
      {
        mode: 'ecs-task',
        cluster: 'shared',
        'task-definition': 'db-admin',
        subnets: 'subnet-1',
        'database-host': `127.0.0.1:${server.port}`,
        ...inputs,
      },
      { env: emulator.env() },
    );

  test('create twice, owner and password; drop; the password never leaves the runner as text', async () => {
    const password = `task-pw-'"\\;$$`;
    const inputs = { name: 'task-db', owner: 'task_owner', 'owner-password': password };
    const first = await inTask(inputs);
    expect(first.errors).toEqual([]);
    expect(first.outputs['created']).toBe('true');
    const second = await inTask(inputs);
    expect(second.errors).toEqual([]);
    expect(second.outputs['created']).toBe('false');
    expect((await databases()).filter((d) => d === 'task-db')).toHaveLength(1);
    expect(await owner('task-db')).toBe('task_owner');
    expect(await connectAs(second.outputs['database-url']!)).toEqual({
      user: 'task_owner',
      database: 'task-db',
    });

    const runTask = emulator.calls('RunTask').map((call) => JSON.stringify(call.input));
    expect(runTask).toHaveLength(2);
    for (const text of [...runTask, printed(first), printed(second)]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(JSON.stringify(password).slice(1, -1));
    }

    const open = new pg.Client(server.urlFor('task-db'));
    await open.connect();
    open.on('error', () => undefined);
    const dropped = await inTask({ name: 'task-db', owner: 'task_owner', action: 'drop' });
    expect(dropped.errors).toEqual([]);
    expect(dropped.outputs['created']).toBe('false');
    expect(await databases()).not.toContain('task-db');
    expect(await roles()).not.toContain('task_owner');
    await open.end().catch(() => undefined);
  }, 30_000);

  test("through psql too, another environment's database is refused before any write", async () => {
    expect(
      (await inTask({ name: 'staging2', owner: 'staging2', 'owner-password': 'pw', environment: 'staging2' }))
        .errors,
    ).toEqual([]);
    const attack = await inTask({
      name: 'staging2',
      owner: 'staging2',
      action: 'drop',
      environment: 'pr-42',
    });
    expect(attack.errors.join('\n')).toContain(
      'Input "owner": role "staging2" exists and was not created by create-database for environment pr-42; it is left unchanged.',
    );
    expect(await databases()).toContain('staging2');
    expect(
      (await inTask({ name: 'staging2', owner: 'staging2', action: 'drop', environment: 'staging2' })).errors,
    ).toEqual([]);
    expect(await databases()).not.toContain('staging2');
  }, 30_000);

  test('hostile names are created exactly as written through psql too', async () => {
    const before = await databases();
    for (const name of ["x'; DROP DATABASE sentinel; --", '$$ \\gexec $$', 'a"b 日本🚀']) {
      const run = await inTask({ name });
      expect(run.errors).toEqual([]);
      expect((await databases()).filter((d) => !before.includes(d))).toEqual([name]);
      await admin.query(`DROP DATABASE "${name.replace(/"/g, '""')}"`);
    }
  }, 30_000);

  test('the checks in the script stop it before any write, with the input named', async () => {
    await admin.query("CREATE ROLE task_boss SUPERUSER LOGIN PASSWORD 'x'").catch(() => undefined);
    const before = [await databases(), await roles()];
    const boss = await inTask({ name: 'task-boss', owner: 'task_boss', 'owner-password': 'new' });
    expect(boss.errors).toEqual([
      'Input "owner": role "task_boss" is a superuser; create-database manages only ordinary roles.',
    ]);
    const seedless = await inTask({
      name: 'task-seedless',
      template: 'no-such-seed',
      'allowed-templates': 'no-such-seed',
    });
    expect(seedless.errors).toEqual(['Input "template": database "no-such-seed" does not exist.']);
    expect([await databases(), await roles()]).toEqual(before);
  }, 30_000);

  test('what it did not create is left as it is: a role keeps its password, a database its owner', async () => {
    await admin.query("CREATE ROLE task_legacy LOGIN PASSWORD 'task-legacy-password'");
    await admin.query('CREATE DATABASE "task-legacy" OWNER task_legacy');
    const before = [await databases(), await roles()];
    const role = await inTask({
      name: 'task-new',
      owner: 'task_legacy',
      'owner-password': 'takeover-password',
    });
    expect(role.errors).toEqual([
      'Input "owner": role "task_legacy" exists and was not created by create-database; it is left unchanged.',
    ]);
    const url = `postgres://task_legacy:task-legacy-password@127.0.0.1:${server.port}/task-legacy`;
    expect(await connectAs(url)).toEqual({ user: 'task_legacy', database: 'task-legacy' });
    const refusal =
      'Input "name": database "task-legacy" exists and was not created by create-database; it is left unchanged.';
    const reown = await inTask({ name: 'task-legacy', owner: 'task_new', 'owner-password': 'pw' });
    expect(reown.errors).toEqual([refusal]);
    expect((await inTask({ name: 'task-legacy', action: 'drop' })).errors).toEqual([refusal]);
    expect(await owner('task-legacy')).toBe('task_legacy');
    expect([await databases(), await roles()]).toEqual(before);
    expect(emulator.calls('RunTask')).toHaveLength(3);
  }, 30_000);

  test('the master user the task connects as, whatever its name, is refused and keeps its password', async () => {
    // Like RDS: the task's PGUSER is no superuser but has CREATEDB and CREATEROLE.
    await admin.query("CREATE ROLE dbmaster LOGIN CREATEDB CREATEROLE PASSWORD 'dbmaster-password'");
    emulator.registerTaskDefinition({
      family: 'db-admin-rds',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      containerDefinitions: [
        {
          name: 'psql',
          image: 'public.ecr.aws/docker/library/postgres:15',
          essential: true,
          environment: [
            { name: 'PGHOST', value: '127.0.0.1' },
            { name: 'PGPORT', value: String(server.port) },
            { name: 'PGUSER', value: 'dbmaster' },
            { name: 'PGPASSWORD', value: 'dbmaster-password' },
            { name: 'PGDATABASE', value: 'postgres' },
          ],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/db-admin',
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': 'db',
            },
          },
        },
      ],
    });
    emulator.setTaskBehavior('db-admin-rds', { localProcess: true });
    const asMaster = (inputs: Record<string, string>) =>
      inTask({ 'task-definition': 'db-admin-rds', ...inputs });
    const run = await asMaster({
      name: 'dbmaster',
      owner: 'dbmaster',
      'owner-password': 'takeover-password',
    });
    expect(run.errors).toEqual([
      'Input "owner": "dbmaster" is the admin role create-database connects as; it is left unchanged.',
    ]);
    const url = `postgres://dbmaster:dbmaster-password@127.0.0.1:${server.port}/postgres`;
    expect(await connectAs(url)).toEqual({ user: 'dbmaster', database: 'postgres' });
    expect(await databases()).not.toContain('dbmaster');
    // The same master user creates, marks and hands over an ordinary environment, twice.
    for (const created of ['true', 'false']) {
      const ok = await asMaster({ name: 'task-rds', owner: 'task_rds', 'owner-password': 'task-rds-pw' });
      expect(ok.errors).toEqual([]);
      expect(ok.outputs['created']).toBe(created);
    }
    expect(await owner('task-rds')).toBe('task_rds');
  }, 30_000);
});

describe('PGlite, the embedded RDS of the demo, over the wire protocol', () => {
  let pglite: Awaited<ReturnType<typeof startPglite>>;
  beforeAll(async () => {
    pglite = await startPglite();
  }, 60_000);
  afterAll(async () => {
    await pglite?.stop();
  });
  const run = (inputs: Record<string, string>) =>
    runAction('create-database', { mode: 'direct', 'admin-url': pglite.adminUrl, ...inputs });

  test('create twice, owner, template, drop', async () => {
    const create = { name: 'feature "abc"', owner: 'feature_abc', 'owner-password': "p'w" };
    const first = await run(create);
    expect(first.errors).toEqual([]);
    expect(first.outputs['created']).toBe('true');
    expect((await run(create)).outputs['created']).toBe('false');
    const clone = await run({
      name: 'clone',
      template: 'feature "abc"',
      'allowed-templates': 'feature "abc"',
    });
    expect(clone.outputs['created']).toBe('true');

    const client = new pg.Client(pglite.adminUrl);
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname NOT LIKE $1 ORDER BY 1',
        ['template%'],
      );
      expect(rows).toEqual([
        { datname: 'clone', owner: 'postgres' },
        { datname: 'feature "abc"', owner: 'feature_abc' },
        { datname: 'postgres', owner: 'postgres' },
      ]);
    } finally {
      await client.end();
    }
    expect((await run({ name: 'feature "abc"', owner: 'feature_abc', action: 'drop' })).errors).toEqual([]);
    expect((await run({ name: 'clone', action: 'drop' })).errors).toEqual([]);
    expect((await run({ name: 'clone', action: 'drop' })).exitCode).toBe(0);
  }, 60_000);

  test('a role and a database it did not create are refused and left as they are', async () => {
    // PGlite serves one connection at a time: the test's own queries go between the runs.
    const query = async (sql: string) => {
      const client = new pg.Client(pglite.adminUrl);
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    const state = () =>
      query(
        "SELECT rolpassword, (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'legacy') AS owner FROM pg_authid WHERE rolname = 'legacy'",
      );
    await query("CREATE ROLE legacy LOGIN PASSWORD 'legacy-pw'");
    await query('CREATE DATABASE legacy OWNER legacy');
    const before = await state();
    expect(before).toEqual([{ rolpassword: expect.stringMatching(/^SCRAM-SHA-256/), owner: 'legacy' }]);
    const role = await run({ name: 'fresh', owner: 'legacy', 'owner-password': 'new-pw' });
    expect(role.errors).toEqual([
      'Input "owner": role "legacy" exists and was not created by create-database; it is left unchanged.',
    ]);
    const drop = await run({ name: 'legacy', action: 'drop' });
    expect(drop.errors).toEqual([
      'Input "name": database "legacy" exists and was not created by create-database; it is left unchanged.',
    ]);
    expect(await state()).toEqual(before);
  }, 60_000);
});
