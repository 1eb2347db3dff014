// Backups that restore. SQLite: `VACUUM INTO` (a read transaction: a consistent snapshot
// taken while the bot keeps writing, in WAL mode it never blocks intake), run in a child
// process because the libsql driver is synchronous and a large copy would stall the event
// loop. PostgreSQL: `pg_dump -Fc`. Either way the copy is written under a temporary name
// in the target folder, flushed to disk, then renamed: a half-written file never carries a
// backup's name.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { databaseKind, resolveDatabaseUrl, type Db } from '../db/client.ts';
import { PROJECT_ROOT } from '../db/migrate.ts';
import { audit } from '../staff/access.ts';
import { BACKUP_CREATED } from './metrics.ts';

const run = promisify(execFile);

export type BackupKind = 'sqlite' | 'postgresql';

export interface BackupResult {
  file: string;
  kind: BackupKind;
  bytes: number;
}

/** Scheduled backups are named so that sorting by name sorts by time. */
export const BACKUP_NAME = /^kiennghi-\d{8}-\d{6}\.(db|dump)$/;

// Runs in a child process: `VACUUM INTO` copies the live database page by page.
const VACUUM_SCRIPT = `
const Database = require('libsql');
const [source, target] = process.argv.slice(1);
const db = new Database(source);
db.prepare('PRAGMA busy_timeout = 30000').get();
db.prepare('VACUUM INTO ?').run(target);
db.close();`;

export function backupKind(databaseUrl: string): BackupKind {
  return databaseKind(databaseUrl);
}

/** The file path of an SQLite database URL (relative paths against the working directory). */
export function sqliteFile(databaseUrl: string): string {
  return fileURLToPath(resolveDatabaseUrl(databaseUrl));
}

/** `kiennghi-YYYYMMDD-HHmmss.db` (or `.dump`), in the office's zone. */
export function backupFileName(at: Date, timeZone: string, kind: BackupKind): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const stamp = `${parts.year}${parts.month}${parts.day}-${parts.hour}${parts.minute}${parts.second}`;
  return `kiennghi-${stamp}.${kind === 'sqlite' ? 'db' : 'dump'}`;
}

/** A PostgreSQL client tool (pg_dump, pg_restore) on the PATH or in the usual Debian folder, newest first. */
export function findPgTool(name: 'pg_dump' | 'pg_restore'): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((version) => join(debian, version, 'bin')));
  }
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

export function requirePgTool(name: 'pg_dump' | 'pg_restore'): string {
  const tool = findPgTool(name);
  if (!tool) {
    throw new Error(
      `Không tìm thấy ${name} trên máy này. Với PostgreSQL hãy sao lưu bằng "pg_dump -Fc -f kiennghi.dump <DATABASE_URL>" ` +
        'và khôi phục bằng "pg_restore --no-owner -d <DATABASE_URL> kiennghi.dump" (cài gói postgresql-client).',
    );
  }
  return tool;
}

// Prisma's own connection parameters mean nothing to libpq and make it refuse the URL.
const PRISMA_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'statement_cache_size',
  'socket_timeout',
];

/** libpq arguments for a PostgreSQL URL: the password goes through the environment, not the command line. */
export function pgConnection(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  for (const name of PRISMA_PARAMS) url.searchParams.delete(name);
  return { dbname: url.href, env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** Writes a consistent copy of the database to `out`, atomically. */
export async function writeBackup(databaseUrl: string, out: string): Promise<BackupResult> {
  const file = resolve(out);
  const kind = backupKind(databaseUrl);
  await mkdir(dirname(file), { recursive: true });
  const partial = join(dirname(file), `.${basename(file)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    if (kind === 'sqlite') {
      await run(process.execPath, ['-e', VACUUM_SCRIPT, sqliteFile(databaseUrl), partial], { cwd: PROJECT_ROOT });
    } else {
      const { dbname, env } = pgConnection(databaseUrl);
      await run(requirePgTool('pg_dump'), ['--format=custom', `--file=${partial}`, `--dbname=${dbname}`], { env });
    }
    await flushFile(partial);
    await rename(partial, file);
    await flushFile(dirname(file));
  } catch (error) {
    await rm(partial, { force: true });
    throw new Error(`Sao lưu không thành công: ${failureLine(error)}`, { cause: error });
  }
  return { file, kind, bytes: (await stat(file)).size };
}

/** Records a complete backup in the audit log (the metrics read the newest one from there). */
export async function recordBackup(db: Db, actor: string, result: BackupResult): Promise<void> {
  await audit(db, {
    actor,
    action: BACKUP_CREATED,
    entity: 'Backup',
    entityId: basename(result.file),
    after: { kind: result.kind, bytes: result.bytes },
  });
}

/** Removes scheduled backups beyond the newest `keep`; returns the names removed. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const names = (await readdir(dir))
    .filter((name) => BACKUP_NAME.test(name))
    .sort()
    .reverse();
  const old = names.slice(keep);
  for (const name of old) await rm(join(dir, name), { force: true });
  return old;
}

async function flushFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The line of a failed tool's output that names the error, or the error's message. */
export function failureLine(error: unknown): string {
  const lines = ((error as { stderr?: string }).stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // A node child prints a stack and a version banner: the error's own line says what failed.
  const line = lines.find((text) => /^\w*Error\b/.test(text)) ?? lines.at(-1);
  return (line ?? (error instanceof Error ? error.message : String(error))).slice(0, 300);
}
