// Every command opens the same database as the bot: same settings, migrations applied.
import { loadConfig, type Config } from '../config/index.ts';
import { connectDb, type Db } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';

export async function withDb<T>(work: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await connectDb(config.DATABASE_URL);
  try {
    await migrateDatabase(config.DATABASE_URL, db);
    return await work(db, config);
  } finally {
    await db.$disconnect();
  }
}
