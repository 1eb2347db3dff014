// Applies the committed migrations with Prisma's own `migrate deploy` (offline in
// driver-adapter mode), so start-up, the CLI and CI all use the same path. Spawning the
// Prisma CLI costs seconds, so it is skipped when every migration is already applied.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectDb, databaseKind, resolveDatabaseUrl, type Db } from './client.ts';

const run = promisify(execFile);
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Applies what is not yet applied; `db`, when the caller has one open on the same URL, answers the check. */
export async function migrateDatabase(databaseUrl: string, db?: Db): Promise<void> {
  const url = resolveDatabaseUrl(databaseUrl);
  if (await (db ? appliedAll(db, url) : upToDate(url))) return;
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  try {
    await run(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    const detail = `${output.stderr ?? ''}${output.stdout ?? ''}`.trim().split('\n').slice(-3).join(' ');
    throw new Error(`Không áp dụng được migration cơ sở dữ liệu: ${detail}`, { cause: error });
  }
}

function committedMigrations(url: string): string[] {
  const dir = join(PROJECT_ROOT, 'prisma', ...(databaseKind(url) === 'sqlite' ? [] : ['postgres']), 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

/** Whether Prisma's own record lists every committed migration as applied, on a connection of its own. */
async function upToDate(url: string): Promise<boolean> {
  const db = await connectDb(url).catch(() => undefined);
  if (!db) return false;
  try {
    return await appliedAll(db, url);
  } finally {
    await db.$disconnect();
  }
}

async function appliedAll(db: Db, url: string): Promise<boolean> {
  try {
    const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return committedMigrations(url).every((name) => applied.has(name));
  } catch {
    return false; // no _prisma_migrations table yet: a new database
  }
}
