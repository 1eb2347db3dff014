// Helpers of the fault suite.
import { connectDb } from '../../src/db/client.ts';
import { postgresUrl, psql } from '../helpers/postgres.ts';

/** Makes the database refuse the bot until the returned function is called. */
export async function takeDatabaseDown(databaseUrl: string): Promise<() => Promise<void>> {
  if (databaseUrl.startsWith('file:')) {
    // SQLite: another process holding the write lock is what an unavailable database looks like.
    const blocker = await connectDb(databaseUrl);
    let release!: () => void;
    let locked!: () => void;
    const taken = new Promise<void>((resolve) => (locked = resolve));
    const held = blocker.$transaction(
      async (tx) => {
        await tx.counter.create({ data: { name: 'lock-holder', value: 1 } });
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    // Returns once the write lock is held, however long a loaded machine takes to get it.
    await Promise.race([taken, held]);
    return async () => {
      release();
      // The holder may have outlived its own transaction timeout: the lock is gone either way.
      await held.catch(() => undefined);
      await blocker.$disconnect();
    };
  }
  // PostgreSQL: refuse new connections and cut the open ones, as a restarting server does.
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = postgresUrl(databaseUrl, 'postgres');
  psql(admin, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  psql(admin, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
  return async () => {
    psql(admin, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
  };
}
