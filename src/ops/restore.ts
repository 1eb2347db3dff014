// Checking and restoring backups. An SQLite copy is opened read-only and checked with
// `PRAGMA integrity_check`; a PostgreSQL archive's table of contents is read with
// `pg_restore -l`. A restore goes into an empty database only (unless forced), then the
// migrations of this version run, so a backup from an older version comes up to date.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'libsql';
import { connectDb, type Db } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { backupKind, failureLine, pgConnection, requirePgTool, sqliteFile, type BackupKind } from './backup.ts';

const run = promisify(execFile);

export interface DatabaseCounts {
  petitions: number;
  voters: number;
  meetings: number;
  newestPetitionAt: Date | null;
}

export type VerifyReport =
  | { kind: 'sqlite'; ok: boolean; integrity: string[]; counts: DatabaseCounts }
  | { kind: 'postgresql'; ok: boolean; entries: number; missing: string[] };

/** Tables whose data a PostgreSQL archive must carry to be a backup of this bot. */
const REQUIRED_TABLES = ['Petition', 'Voter', 'Meeting', '_prisma_migrations'];

/** What a file holds, from its first bytes; undefined when it is neither kind of backup. */
export async function archiveKind(file: string): Promise<BackupKind | undefined> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(16), 0, 16, 0);
    const head = buffer.subarray(0, bytesRead).toString('latin1');
    if (head === 'SQLite format 3\0') return 'sqlite';
    if (head.startsWith('PGDMP')) return 'postgresql';
    return undefined;
  } finally {
    await handle.close();
  }
}

async function requireArchive(file: string): Promise<BackupKind> {
  if (!existsSync(file)) throw new Error(`Không có tệp ${file}.`);
  const kind = await archiveKind(file);
  if (!kind) throw new Error(`${file} không phải bản sao lưu SQLite hay PostgreSQL (pg_dump -Fc).`);
  return kind;
}

/** Checks a backup without changing it. */
export async function verifyBackup(file: string): Promise<VerifyReport> {
  const kind = await requireArchive(file);
  if (kind === 'postgresql') return verifyArchive(file);
  // A URI with mode=ro: the driver then never writes, not even a journal.
  const db = new Database(`${pathToFileURL(resolve(file)).href}?mode=ro`);
  try {
    return readSqliteBackup(db);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const counts = { petitions: 0, voters: 0, meetings: 0, newestPetitionAt: null };
    return { kind, ok: false, integrity: [message], counts };
  } finally {
    db.close();
  }
}

/**
 * FTS5 checks its index by writing to it, which a read-only file refuses: that index is derived
 * from Petition.searchKey (its migration rebuilds it), so the line is no fault of the backup.
 */
const FTS_READ_ONLY = /^unable to validate the inverted index for FTS5 table .*: attempt to write a readonly database$/;

function readSqliteBackup(db: Database.Database): VerifyReport {
  const found = db
    .prepare('PRAGMA integrity_check')
    .all()
    .map((row) => String(Object.values(row as object)[0]))
    .filter((line) => !FTS_READ_ONLY.test(line));
  const integrity = found.length ? found : ['ok'];
  const count = (table: string) =>
    Number((db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n);
  const newest = db.prepare('SELECT MAX("receivedAt") AS at FROM "Petition"').get() as { at: string | number | null };
  const counts = {
    petitions: count('Petition'),
    voters: count('Voter'),
    meetings: count('Meeting'),
    newestPetitionAt: newest.at === null ? null : new Date(newest.at),
  };
  return { kind: 'sqlite', ok: integrity.length === 1 && integrity[0] === 'ok', integrity, counts };
}

async function verifyArchive(file: string): Promise<VerifyReport> {
  let listing: string;
  try {
    listing = (await run(requirePgTool('pg_restore'), ['--list', file], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Không tìm thấy')) throw error;
    return { kind: 'postgresql', ok: false, entries: 0, missing: [failureLine(error)] };
  }
  const entries = listing.split('\n').filter((line) => /^\d+;/.test(line));
  const hasData = (table: string) => entries.some((line) => new RegExp(`TABLE DATA \\S+ "?${table}"? `).test(line));
  const missing = REQUIRED_TABLES.filter((table) => !hasData(table));
  return { kind: 'postgresql', ok: missing.length === 0, entries: entries.length, missing };
}

/** Row counts of a database through the app's client. */
export async function databaseCounts(db: Db): Promise<DatabaseCounts> {
  const [petitions, voters, meetings, newest] = await Promise.all([
    db.petition.count(),
    db.voter.count(),
    db.meeting.count(),
    db.petition.findFirst({ orderBy: { receivedAt: 'desc' }, select: { receivedAt: true } }),
  ]);
  return { petitions, voters, meetings, newestPetitionAt: newest?.receivedAt ?? null };
}

/** Whether the database holds data (petitions, voters, meetings); a database without tables holds none. */
async function holdsData(databaseUrl: string): Promise<boolean> {
  if (backupKind(databaseUrl) === 'sqlite' && !existsSync(sqliteFile(databaseUrl))) return false;
  const db = await connectDb(databaseUrl);
  try {
    const counts = await databaseCounts(db).catch(() => undefined);
    return Boolean(counts && (counts.petitions || counts.voters || counts.meetings));
  } finally {
    await db.$disconnect();
  }
}

export interface RestoreOptions {
  /** Replace a database that holds data. */
  force?: boolean;
}

/** Restores a backup into the database at `databaseUrl`, migrates it, and returns its counts. */
export async function restoreBackup(
  file: string,
  databaseUrl: string,
  options: RestoreOptions = {},
): Promise<DatabaseCounts> {
  const kind = await requireArchive(file);
  const target = backupKind(databaseUrl);
  if (kind !== target) {
    throw new Error(
      kind === 'sqlite'
        ? 'Tệp là bản sao lưu SQLite: chỉ khôi phục được vào cơ sở dữ liệu SQLite (--database-url file:...).'
        : 'Tệp là bản sao lưu PostgreSQL: chỉ khôi phục được vào PostgreSQL (--database-url postgresql://...).',
    );
  }
  if (!options.force && (await holdsData(databaseUrl))) {
    throw new Error(
      'Cơ sở dữ liệu đích đã có dữ liệu: chỉ khôi phục vào cơ sở dữ liệu trống, hoặc thêm --force để thay thế.',
    );
  }
  if (kind === 'sqlite') await replaceSqliteFile(file, sqliteFile(databaseUrl));
  else await pgRestore(file, databaseUrl);
  await migrateDatabase(databaseUrl);
  const db = await connectDb(databaseUrl);
  try {
    return await databaseCounts(db);
  } finally {
    await db.$disconnect();
  }
}

/** Copies the backup beside the target under a temporary name, then renames it over the target. */
async function replaceSqliteFile(file: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const partial = join(dirname(target), `.${basename(target)}.restoring`);
  await copyFile(file, partial);
  // The old database's journal and WAL belong to the old file: beside the new one they would corrupt it.
  for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${target}${suffix}`, { force: true });
  await rename(partial, target);
}

async function pgRestore(file: string, databaseUrl: string): Promise<void> {
  const { dbname, env } = pgConnection(databaseUrl);
  const args = ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error'];
  // A database made by `migrate` has the tables but no rows: they are dropped and restored from the archive.
  if (await hasTables(databaseUrl)) args.push('--clean', '--if-exists');
  try {
    await run(requirePgTool('pg_restore'), [...args, `--dbname=${dbname}`, file], { env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`Khôi phục không thành công: ${failureLine(error)}`, { cause: error });
  }
}

async function hasTables(databaseUrl: string): Promise<boolean> {
  const db = await connectDb(databaseUrl);
  try {
    const rows = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    );
    return Number(rows[0]?.n ?? 0) > 0;
  } finally {
    await db.$disconnect();
  }
}
