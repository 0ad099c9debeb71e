/** The URL an app uses to reach the new database: its owner's credentials (or the admin's). */
export function databaseUrl(options: {
  host: string;
  port?: number;
  user?: string;
  password?: string;
  database: string;
  search?: string;
}): string {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const port = options.port === undefined || options.port === 5432 ? '' : `:${options.port}`;
  const user = options.user === undefined ? '' : encodeURIComponent(options.user);
  const password = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}`;
  const credentials = user === '' ? '' : `${user}${password}@`;
  return `postgres://${credentials}${host}${port}/${encodeURIComponent(options.database)}${options.search ?? ''}`;
}
