// The petition tally: PetitionTally holds petition counts per local day and statistics key
// (meeting, ward, status, level, field), with the voters behind them, and PetitionTallyMonth the
// same per local month. Triggers on Petition (in the migrations) append ±1 rows (±voters) to
// PetitionTallyDelta on every insert, counted change and delete; foldTally moves them into both
// tables before counts are read. Intake transactions therefore only ever insert deltas and never
// wait on (or deadlock over) a shared tally row.
import type { Db, Tx } from '../db/client.ts';
import { kindOf, transaction } from '../db/sql.ts';

/** Tally days start at midnight in Asia/Ho_Chi_Minh: UTC+7 all year (no DST), as in the triggers. */
const TALLY_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** Serialises folds on PostgreSQL (any constant no other code uses as an advisory lock). */
const FOLD_LOCK = 726_230_011;
const KEY = '"day", "meetingId", "ward", "status", "authority", "field"';
const REST = '"meetingId", "ward", "status", "authority", "field"';
const SQLITE_MONTH = `strftime('%Y-%m-%dT%H:%M:%f+00:00', date("day", '+7 hours', 'start of month'), '-7 hours')`;

/** Whether an instant starts a tally day, so a time range bounded by it covers whole tally rows. */
export function startsTallyDay(instant: Date): boolean {
  return (((instant.getTime() + TALLY_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS === 0;
}

/** The first instant of the tally month an instant falls in. */
export function tallyMonthOf(instant: Date): Date {
  const local = new Date(instant.getTime() + TALLY_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - TALLY_OFFSET_MS);
}

/** Whether an instant starts a tally month, so a time range bounded by it covers whole monthly rows. */
export function startsTallyMonth(instant: Date): boolean {
  return tallyMonthOf(instant).getTime() === instant.getTime();
}

/**
 * The table that answers a tally filter: the monthly one unless a time bound falls inside a
 * month. Both tables have the same columns (`day` holds the month's start in the monthly one),
 * so one filter and one delegate type serve both.
 */
export function tallyTable(db: Db | Tx, byDay: boolean | undefined): Db['petitionTally'] {
  return byDay ? db.petitionTally : (db.petitionTallyMonth as unknown as Db['petitionTally']);
}

/** Moves pending deltas into the tally and drops the rows that fell to zero. Cheap when none are pending. */
export async function foldTally(db: Db | Tx): Promise<void> {
  if (!(await db.petitionTallyDelta.findFirst({ select: { id: true } }))) return;
  const fold = kindOf(db) === 'postgresql' ? foldPostgres : foldSqlite;
  // A turn's statistics run inside its transaction; elsewhere the fold gets its own.
  if ('$transaction' in db) await transaction(db, fold);
  else await fold(db);
}

/** `INSERT … ON CONFLICT` adding summed deltas to one of the tally tables. */
function upsert(table: string, alias: string): string {
  return `INSERT INTO "${table}" AS ${alias} (${KEY}, "n", "voters")`;
}

function addOnConflict(alias: string): string {
  const add = (column: string) => `"${column}" = ${alias}."${column}" + excluded."${column}"`;
  return `ON CONFLICT (${KEY}) DO UPDATE SET ${add('n')}, ${add('voters')}`;
}

/**
 * One statement deletes the deltas it folds, so a delta committed meanwhile stays for the
 * next fold; the lock keeps two folds from updating the same tally rows in opposite orders.
 */
async function foldPostgres(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${FOLD_LOCK})`);
  const [folded] = await tx.$queryRawUnsafe<{ since: Date | null }[]>(
    `WITH moved AS (DELETE FROM "PetitionTallyDelta" RETURNING ${KEY}, "n", "voters"),
     days AS (
       ${upsert('PetitionTally', 't')}
       SELECT ${KEY}, sum("n"), sum("voters") FROM moved GROUP BY ${KEY}
       ${addOnConflict('t')}
       RETURNING t."day"),
     months AS (
       ${upsert('PetitionTallyMonth', 'm')}
       SELECT "petition_tally_month"("day"), ${REST}, sum("n"), sum("voters") FROM moved GROUP BY 1, 2, 3, 4, 5, 6
       ${addOnConflict('m')}
       RETURNING m."day")
     SELECT least((SELECT min("day") FROM days), (SELECT min("day") FROM months)) AS since`,
  );
  if (folded?.since) await dropZeros(tx, folded.since);
}

/** SQLite has one writer at a time: once the insert holds the write lock, no delta can arrive. */
async function foldSqlite(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(
    `${upsert('PetitionTally', 't')}
     SELECT ${KEY}, sum("n"), sum("voters") FROM "PetitionTallyDelta" WHERE true GROUP BY ${KEY}
     ${addOnConflict('t')}`,
  );
  await tx.$executeRawUnsafe(
    `${upsert('PetitionTallyMonth', 'm')}
     SELECT ${SQLITE_MONTH}, ${REST}, sum("n"), sum("voters") FROM "PetitionTallyDelta" WHERE true
     GROUP BY 1, 2, 3, 4, 5, 6
     ${addOnConflict('m')}`,
  );
  const { _min } = await tx.petitionTallyDelta.aggregate({ _min: { day: true } });
  await tx.petitionTallyDelta.deleteMany({});
  if (_min.day) await dropZeros(tx, _min.day);
}

/** Only days (and months) a fold touched can have reached zero; the day leads the key, so these are range scans. */
async function dropZeros(tx: Tx, since: Date): Promise<void> {
  await tx.petitionTally.deleteMany({ where: { day: { gte: since }, n: 0 } });
  await tx.petitionTallyMonth.deleteMany({ where: { day: { gte: tallyMonthOf(since) }, n: 0 } });
}
