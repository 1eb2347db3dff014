// One Prisma client per process, on the driver adapter that fits DATABASE_URL.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setKind, withFastLane } from './sql.ts';
import type { Db, DbKind } from './types.ts';

export type { Db, DbKind, Tx } from './types.ts';

/** Makes a relative SQLite path absolute (against the working directory) and creates its folder. */
export function resolveDatabaseUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  const path = url.slice('file:'.length);
  const absolute = path.startsWith('//') ? fileURLToPath(url) : resolve(path);
  mkdirSync(dirname(absolute), { recursive: true });
  return pathToFileURL(absolute).href;
}

/** The database a URL names (for work before a connection: migrations, backups); a connection's is `kindOf(db)`. */
export function databaseKind(url: string): DbKind {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql';
}

/** Connects to the database of `url`; its kind is recorded for `kindOf`. */
export async function connectDb(url: string): Promise<Db> {
  const resolved = resolveDatabaseUrl(url);
  let db: Db;
  const owner = () => db;
  if (databaseKind(resolved) === 'postgresql') {
    // Both clients are generated from the same models; only the provider differs. Each loads
    // only when its database is used (a command starts faster without the other's driver).
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const { PrismaClient: PostgresClient } = await import('../generated/prisma-pg/client.ts');
    db = new PostgresClient({
      adapter: withFastLane(new PrismaPg({ connectionString: resolved }), owner),
    }) as unknown as Db;
    setKind(db, 'postgresql');
    return db;
  }
  const { PrismaLibSQL } = await import('@prisma/adapter-libsql');
  const { PrismaClient } = await import('../generated/prisma/client.ts');
  db = new PrismaClient({ adapter: withFastLane(new PrismaLibSQL({ url: resolved }), owner) });
  setKind(db, 'sqlite');
  // WAL lets readers (statistics) run beside the writer; busy_timeout makes a second
  // process wait for the lock instead of failing. synchronous stays FULL: an
  // acknowledged petition must survive a power cut.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$queryRawUnsafe('PRAGMA synchronous = FULL');
  await db.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
  await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  return db;
}
