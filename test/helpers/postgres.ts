import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, statfsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL server for tests and the demo: initdb into a temporary folder, listen
 * on 127.0.0.1 at a free port (socket in the same folder), password (SCRAM) authentication over
 * TCP. As root the server runs as the `postgres` user (initdb and pg_ctl refuse root).
 */
export interface Postgres {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Where psql and friends are. */
  bindir: string;
  /** A URL for another database of this server (same superuser). */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const running = new Set<{ bindir: string; data: string; asUser: string[] }>();
// A test that crashes before its afterAll still leaves no server behind.
process.on('exit', () => {
  for (const server of running) {
    try {
      execFileSync(
        ...command(server.asUser, join(server.bindir, 'pg_ctl'), [
          'stop',
          '-D',
          server.data,
          '-m',
          'immediate',
        ]),
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // Already gone.
    }
  }
});

export function postgresBindir(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // No pg_config on PATH.
  }
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  const bindir = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bindir) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql.');
  return bindir;
}

function command(asUser: string[], file: string, args: string[]): [string, string[]] {
  return asUser.length > 0 ? [asUser[0]!, [...asUser.slice(1), file, ...args]] : [file, args];
}

function memoryDir(): string | undefined {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return statfsSync('/dev/shm').bavail * statfsSync('/dev/shm').bsize > 2 * 1024 ** 3
      ? '/dev/shm'
      : undefined;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPostgres(): Promise<Postgres> {
  const bindir = postgresBindir();
  // In memory when there is room: CREATE DATABASE writes its template (~8 MB) to the WAL, and
  // tests that create hundreds of databases are disk-bound otherwise.
  const dir = await mkdtemp(join(memoryDir() ?? tmpdir(), 'pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`);
  let asUser: string[] = [];
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    await chown(dir, uid, gid);
    await chown(pwfile, uid, gid);
    await chmod(dir, 0o700);
    asUser =
      existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')
        ? ['runuser', '-u', 'postgres', '--']
        : ['sudo', '-u', 'postgres'];
  }
  const exec = (file: string, args: string[]) =>
    run(...command(asUser, join(bindir, file), args), { cwd: dir });
  await exec('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--pwfile',
    pwfile,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=50',
    '-c max_wal_size=256MB',
    '-c wal_level=minimal',
    '-c max_wal_senders=0',
  ].join(' ');
  const server = { bindir, data, asUser };
  running.add(server);
  try {
    await exec('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), '-o', options]);
  } catch (error) {
    running.delete(server);
    const log = await readFile(join(dir, 'log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
  }
  const urlFor = (database: string) =>
    `postgres://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    url: urlFor('postgres'),
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    bindir,
    urlFor,
    async stop() {
      await exec('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
      running.delete(server);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
