// Helpers of the fault suite.
import { connectDb } from '../../src/db/client.ts';
import { postgresUrl, psql } from '../helpers/postgres.ts';

/** Makes the database refuse the bot until the returned function is called. */
export async function takeDatabaseDown(databaseUrl: string): Promise<() => Promise<void>> {
  if (databaseUrl.startsWith('file:')) {
    // SQLite: another process holding the write lock is what an unavailable database looks like.
    const blocker = await connectDb(databaseUrl);
    let release!: () => void;
    const held = blocker.$transaction(
      async (tx) => {
        await tx.counter.create({ data: { name: 'lock-holder', value: 1 } });
        await new Promise<void>((resolve) => (release = resolve));
      },
      { timeout: 30_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
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
