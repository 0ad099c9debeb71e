import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { AddressInfo } from 'node:net';

/**
 * The embedded RDS of the demo (and of a create-database test): PGlite, PostgreSQL compiled to
 * WebAssembly, served on 127.0.0.1 over the PostgreSQL wire protocol, so the actions and the
 * app connect with `pg` as they would to RDS. Data in `dataDir`, or in memory.
 */
export async function startPglite(
  dataDir?: string,
): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
