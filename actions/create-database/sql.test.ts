import { describe, expect, test } from '@jest/globals';
import pg from 'pg';
import {
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
  ])('refuses %p', (name, message) => {
    expect(() => validateIdentifier('name', name, 'database')).toThrow(message);
  });

  test('template may be a system template; roles refuse reserved names', () => {
    expect(validateIdentifier('template', 'template0', 'template')).toBe('template0');
    for (const role of ['public', 'PUBLIC', 'postgres', 'pg_monitor', 'rds_superuser', 'current_user']) {
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
    for (const statement of [createRole('r', "p'w"), setRolePassword('r', "p'w")]) {
      expect(statement.display).toMatch(/PASSWORD '\*\*\*'$/);
      expect(statement.sql).toMatch(/PASSWORD 'SCRAM-SHA-256\$4096:[^']+'$/);
      expect(statement.sql).not.toContain("p'w");
    }
  });

  test('a non-ASCII password goes as text for the server to hash (SASLprep is not reproduced)', () => {
    expect(createRole('r', 'pässword').sql).toBe(`CREATE ROLE "r" WITH LOGIN PASSWORD 'pässword'`);
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
    expect(script.display).not.toMatch(/SCRAM/);
  });

  test('drop: FORCE, then the role unless it still owns something', () => {
    const script = psqlScript({ action: 'drop', name: 'x', owner: 'o' });
    expect(script.sql).toContain('DROP DATABASE IF EXISTS "x" WITH (FORCE);');
    expect(script.sql).toContain('dependent_objects_still_exist');
  });
});
