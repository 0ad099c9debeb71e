/**
 * The demo's stand-in for the Django app's `manage.py`: the migrate task of the demo runs this
 * as a local process (the emulator's container), against the embedded PostgreSQL, so the log
 * lines the action streams, the SQL and the exit code are all real.
 *   node simulator/demo/app/manage.ts migrate | collectstatic
 * DATABASE_URL: the database; RELEASE: vN adds one migration per release; FAIL_MIGRATION=1 makes
 * the newest migration one PostgreSQL refuses (NOT NULL on a column holding NULLs).
 */
import pg from 'pg';

const release = Number(/^v(\d+)$/.exec(process.env['RELEASE'] ?? '')?.[1] ?? 1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MIGRATIONS: [string, string][] = [
  [
    'contenttypes.0001_initial',
    'CREATE TABLE IF NOT EXISTS django_content_type (id serial PRIMARY KEY, app_label text, model text)',
  ],
  ['auth.0001_initial', 'CREATE TABLE IF NOT EXISTS auth_user (id serial PRIMARY KEY, username text UNIQUE)'],
  [
    'sessions.0001_initial',
    'CREATE TABLE IF NOT EXISTS django_session (session_key text PRIMARY KEY, expire_date timestamptz)',
  ],
  [
    'blog.0001_initial',
    'CREATE TABLE IF NOT EXISTS blog_post (id serial PRIMARY KEY, title text, body text)',
  ],
  ...Array.from({ length: release }, (_, i): [string, string] => [
    `blog.${String(i + 2).padStart(4, '0')}_post_field_${i + 1}`,
    `ALTER TABLE blog_post ADD COLUMN IF NOT EXISTS field_${i + 1} text`,
  ]),
];
if (process.env['FAIL_MIGRATION'] === '1') {
  MIGRATIONS.push([
    `blog.${String(release + 2).padStart(4, '0')}_post_slug_required`,
    "INSERT INTO blog_post (title) VALUES ('draft'); ALTER TABLE blog_post ADD COLUMN IF NOT EXISTS slug text; ALTER TABLE blog_post ALTER COLUMN slug SET NOT NULL",
  ]);
}

async function migrate(): Promise<number> {
  const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS django_migrations (id serial PRIMARY KEY, name text UNIQUE, applied timestamptz DEFAULT now())',
    );
    const applied = new Set(
      (await client.query<{ name: string }>('SELECT name FROM django_migrations')).rows.map((r) => r.name),
    );
    const pending = MIGRATIONS.filter(([name]) => !applied.has(name));
    console.log('Operations to perform:');
    console.log('  Apply all migrations: auth, blog, contenttypes, sessions');
    console.log('Running migrations:');
    if (pending.length === 0) console.log('  No migrations to apply.');
    for (const [name, sql] of pending) {
      await sleep(150);
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO django_migrations (name) VALUES ($1)', [name]);
        await client.query('COMMIT');
        console.log(`  Applying ${name}... OK`);
      } catch (error) {
        await client.query('ROLLBACK');
        console.log(`  Applying ${name}...Traceback (most recent call last):`);
        console.log('  File "/app/manage.py", line 22, in <module>');
        console.log(`django.db.utils.IntegrityError: ${(error as Error).message}`);
        return 1;
      }
    }
    return 0;
  } finally {
    await client.end();
  }
}

const command = process.argv[2];
if (command === 'migrate') {
  process.exitCode = await migrate();
} else if (command === 'collectstatic') {
  await sleep(200);
  console.log(`${120 + release} static files copied to '/app/staticfiles'.`);
} else {
  console.error(`Unknown command: ${command}`);
  process.exitCode = 2;
}
