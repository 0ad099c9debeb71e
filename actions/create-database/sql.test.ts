import { describe, expect, test } from '@jest/globals';
import pg from 'pg';
import {
  checks,
  createDatabase,
  createRole,
  dropDatabase,
  psqlScript,
  quoteIdent,
  quoteLiteral,
  scramVerifier,
  setRolePassword,
  validateIdentifier,
} from './sql.ts';

describe('quoting', () => {
  test.each(['plain', 'a"b', '""', "it's", 'back\\slash', "\\'", '日本🚀', ' x '])(
    '%p is quoted as pg quotes it',
    (text) => {
      expect(quoteIdent(text)).toBe(pg.escapeIdentifier(text));
      expect(quoteLiteral(text)).toBe(pg.escapeLiteral(text).trim());
    },
  );
});

describe('validateIdentifier', () => {
  test('accepts up to 63 bytes of anything printable', () => {
    for (const name of [
      'a'.repeat(63),
      'é'.repeat(31) + 'a',
      'a"; DROP DATABASE x; --',
      "'",
      '🚀'.repeat(15) + 'abc',
    ]) {
      expect(validateIdentifier('name', name, 'database')).toBe(name);
    }
  });

  test.each([
    ['', 'Input "name" must not be empty.'],
    ['a'.repeat(64), 'Input "name" is 64 bytes long; PostgreSQL names are at most 63 bytes.'],
    ['é'.repeat(32), 'Input "name" is 64 bytes long; PostgreSQL names are at most 63 bytes.'],
    ['a\u0000b', 'Input "name" must not contain control characters.'],
    ['a\nb', 'Input "name" must not contain control characters.'],
    [' a', 'Input "name" must not start or end with white space.'],
    ['a\u00a0', 'Input "name" must not start or end with white space.'],
    ['a\ud800', 'Input "name" is not valid Unicode.'],
    ['template1', 'Input "name": "template1" is a system database and cannot be managed here.'],
    ['rds_x', 'Input "name": "rds_x" is a system database and cannot be managed here.'],
    ['PG_x', 'Input "name": "PG_x" is a system database and cannot be managed here.'],
  ])('refuses %p', (name, message) => {
    expect(() => validateIdentifier('name', name, 'database')).toThrow(message);
  });

  test('template may be a system template; roles refuse reserved names', () => {
    expect(validateIdentifier('template', 'template0', 'template')).toBe('template0');
    for (const role of [
      'public',
      'PUBLIC',
      'postgres',
      'pg_monitor',
      'rds_superuser',
      'rdsadmin',
      'current_user',
    ]) {
      expect(() => validateIdentifier('owner', role, 'role')).toThrow(
        /^Input "owner": ".*" is a reserved role name\.$/,
      );
    }
  });
});

describe('statements', () => {
  test('quote every name and never show the password', () => {
    expect(createDatabase('a"b', { template: 'seed', owner: 'o"' }).sql).toBe(
      'CREATE DATABASE "a""b" TEMPLATE "seed" OWNER "o"""',
    );
    expect(dropDatabase('x').sql).toBe('DROP DATABASE IF EXISTS "x" WITH (FORCE)');
    for (const statement of [createRole('r', "p'w", { name: 'db' }), setRolePassword('r', "p'w")]) {
      expect(statement.display).toMatch(/PASSWORD '\*\*\*'(;|$)/);
      expect(statement.sql).toMatch(/PASSWORD 'SCRAM-SHA-256\$4096:[^']+'(;|$)/);
      expect(statement.sql).not.toContain("p'w");
    }
  });

  test('a non-ASCII password goes as text for the server to hash (SASLprep is not reproduced)', () => {
    expect(createRole('r', 'pässword', { name: 'd' }).sql).toBe(
      `CREATE ROLE "r" WITH LOGIN PASSWORD 'pässword'; COMMENT ON ROLE "r" IS 'managed by adhoc-actions: d'`,
    );
  });

  test("scramVerifier has PostgreSQL's format and depends on salt", () => {
    const salt = Buffer.alloc(16, 1);
    const verifier = scramVerifier('secret', salt);
    expect(verifier).toMatch(
      /^SCRAM-SHA-256\$4096:AQEBAQEBAQEBAQEBAQEBAQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
    expect(scramVerifier('secret', salt)).toBe(verifier);
    expect(scramVerifier('secret')).not.toBe(verifier);
  });
});

describe('psqlScript', () => {
  test('create: checks first, then the marker, then conditional statements through \\gexec', () => {
    const script = psqlScript({
      action: 'create',
      name: "x'; DROP",
      owner: 'o',
      ownerPassword: 'pw',
      template: 'seed',
    });
    const lines = script.sql.trim().split('\n');
    expect(lines[0]).toMatch(/^DO '/);
    expect(lines[1]).toBe(
      "SELECT CASE WHEN EXISTS (SELECT FROM pg_database WHERE datname = 'x''; DROP') THEN 'create-database: database exists' ELSE 'create-database: database missing' END;",
    );
    expect(lines.slice(2).every((line) => line.startsWith("SELECT '") && line.endsWith(' \\gexec'))).toBe(
      true,
    );
    expect(script.sql).not.toContain("'pw'");
    expect(script.display.split('\n')[0]).toBe(
      "DO '…' -- refuses what create-database may not touch (sql.ts checks);",
    );
    expect(script.display).not.toMatch(/SCRAM/);
  });

  test('create marks the role in the same statement as CREATE ROLE, and the database after it', () => {
    const { sql } = psqlScript({ action: 'create', name: 'x', owner: 'o', ownerPassword: 'pw' });
    expect(sql).toContain(
      `''; COMMENT ON ROLE "o" IS ''managed by adhoc-actions: x''' WHERE NOT EXISTS (SELECT FROM pg_roles`,
    );
    expect(sql).toContain(`SELECT 'COMMENT ON DATABASE "x" IS ''managed by adhoc-actions: x''' \\gexec`);
  });

  test('drop: checks, then FORCE, then the role unless it still owns something', () => {
    const script = psqlScript({ action: 'drop', name: 'x', owner: 'o' });
    expect(script.sql.split('\n')[0]).toBe(`${checks({ action: 'drop', name: 'x', owner: 'o' }).sql};`);
    expect(script.sql).toContain('DROP DATABASE IF EXISTS "x" WITH (FORCE);');
    expect(script.sql).toContain('dependent_objects_still_exist');
  });
});

describe('checks', () => {
  test('one DO block with every rule for an owner, each raising one line naming its input', () => {
    const { sql } = checks({ action: 'create', name: 'd', owner: 'o', template: 't' });
    expect(sql).toMatch(/^DO '.*'$/s);
    expect(sql.split('\n')).toHaveLength(1);
    for (const rule of [
      'current_database()',
      'IN (current_user, session_user)',
      'rolsuper',
      'rolcreaterole OR rolbypassrls OR rolreplication',
      'rds_superuser',
      "shobj_description(oid, ''pg_authid'')",
      "shobj_description(d.oid, ''pg_database'')",
      'Input "owner-password" is required',
      'Input "template": database',
    ]) {
      expect(sql).toContain(rule);
    }
    expect([...sql.matchAll(/RAISE EXCEPTION ''Input "/g)]).toHaveLength(9);
  });

  test('without an owner only the database rules; drop needs no password or template', () => {
    expect(checks({ action: 'drop', name: 'd' }).sql).not.toContain('pg_roles');
    const drop = checks({ action: 'drop', name: 'd', owner: 'o' }).sql;
    expect(drop).not.toContain('owner-password');
    expect(drop).toContain('was not created by create-database');
  });

  test('names stay inside literals, even inside the DO body', () => {
    const { sql } = checks({ action: 'drop', name: "x'; DROP DATABASE y; --", owner: 'o\\' });
    // The body is one literal: after undoing its quoting, each name is one literal again.
    const body = /^DO E?'(.*)'$/s.exec(sql)![1]!.replace(/''/g, "'").replace(/\\\\/g, '\\');
    expect(body).toContain("'x''; DROP DATABASE y; --'");
    expect(body).toContain("E'o\\\\'");
  });
});
