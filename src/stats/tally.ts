// The petition tally: PetitionTally holds petition counts per local day and statistics key
// (meeting, ward, status, level, field). Triggers on Petition (in the migrations) append
// +1/-1 rows to PetitionTallyDelta on every insert, counted change and delete; foldTally
// moves them into PetitionTally before counts are read. Intake transactions therefore
// only ever insert deltas and never wait on (or deadlock over) a shared tally row.
import type { Db, Tx } from '../db/client.ts';
import { kindOf, transaction } from '../db/sql.ts';

/** Tally days start at midnight in Asia/Ho_Chi_Minh: UTC+7 all year (no DST), as in the triggers. */
const TALLY_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** Serialises folds on PostgreSQL (any constant no other code uses as an advisory lock). */
const FOLD_LOCK = 726_230_011;
const KEY = '"day", "meetingId", "ward", "status", "authority", "field"';

/** Whether an instant starts a tally day, so a time range bounded by it covers whole tally rows. */
export function startsTallyDay(instant: Date): boolean {
  return (((instant.getTime() + TALLY_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS === 0;
}

/** Moves pending deltas into the tally and drops the rows that fell to zero. Cheap when none are pending. */
export async function foldTally(db: Db | Tx): Promise<void> {
  if (!(await db.petitionTallyDelta.findFirst({ select: { id: true } }))) return;
  const fold = kindOf(db) === 'postgresql' ? foldPostgres : foldSqlite;
  // A turn's statistics run inside its transaction; elsewhere the fold gets its own.
  if ('$transaction' in db) await transaction(db, fold);
  else await fold(db);
}

/**
 * One statement deletes the deltas it folds, so a delta committed meanwhile stays for the
 * next fold; the lock keeps two folds from updating the same tally rows in opposite orders.
 */
async function foldPostgres(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${FOLD_LOCK})`);
  const [folded] = await tx.$queryRawUnsafe<{ since: Date | null }[]>(
    `WITH moved AS (DELETE FROM "PetitionTallyDelta" RETURNING ${KEY}, "n"),
     upserted AS (
       INSERT INTO "PetitionTally" AS t (${KEY}, "n")
       SELECT ${KEY}, sum("n") FROM moved GROUP BY ${KEY}
       ON CONFLICT (${KEY}) DO UPDATE SET "n" = t."n" + excluded."n"
       RETURNING t."day")
     SELECT min("day") AS since FROM upserted`,
  );
  if (folded?.since) await dropZeros(tx, folded.since);
}

/** SQLite has one writer at a time: once the insert holds the write lock, no delta can arrive. */
async function foldSqlite(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO "PetitionTally" (${KEY}, "n")
     SELECT ${KEY}, sum("n") FROM "PetitionTallyDelta" WHERE true GROUP BY ${KEY}
     ON CONFLICT (${KEY}) DO UPDATE SET "n" = "n" + excluded."n"`,
  );
  const { _min } = await tx.petitionTallyDelta.aggregate({ _min: { day: true } });
  await tx.petitionTallyDelta.deleteMany({});
  if (_min.day) await dropZeros(tx, _min.day);
}

/** Only days a fold touched can have reached zero; the day leads the key, so this is a range scan. */
async function dropZeros(tx: Tx, since: Date): Promise<void> {
  await tx.petitionTally.deleteMany({ where: { day: { gte: since }, n: 0 } });
}
