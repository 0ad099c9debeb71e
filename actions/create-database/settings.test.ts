import { expect, test } from '@jest/globals';
import { databaseUrl } from './database-url.ts';
import { parseAdminUrl } from './settings.ts';

test('parseAdminUrl reads the parts and keeps the query string', () => {
  expect(parseAdminUrl('postgresql://admin:p%40ss@db.internal:6432/main?sslmode=require')).toEqual({
    text: 'postgresql://admin:p%40ss@db.internal:6432/main?sslmode=require',
    host: 'db.internal',
    port: 6432,
    user: 'admin',
    password: 'p@ss',
    database: 'main',
    search: '?sslmode=require',
  });
  expect(parseAdminUrl('postgres://admin@db').database).toBe('postgres');
});

test.each([
  ['mysql://a:b@h/d', 'Input "admin-url" must start with postgres:// or postgresql://, not mysql://.'],
  ['nonsense', 'Input "admin-url" is not a URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE).'],
  ['postgres://h/d', 'Input "admin-url" has no user.'],
])('parseAdminUrl(%p) fails without quoting the URL', (text, message) => {
  expect(() => parseAdminUrl(text)).toThrow(message);
});

test('databaseUrl encodes what needs it and leaves the default port out', () => {
  expect(databaseUrl({ host: 'db', user: 'o', password: 'p@ss:/', database: 'a b' })).toBe(
    'postgres://o:p%40ss%3A%2F@db/a%20b',
  );
  expect(databaseUrl({ host: '::1', port: 6432, database: 'x', search: '?sslmode=require' })).toBe(
    'postgres://[::1]:6432/x?sslmode=require',
  );
});
