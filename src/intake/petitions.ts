// Storing a petition: original text untouched, a normalised copy beside it, a tracking
// code, and the classification job enqueued in the same transaction (store first).
import type { Tx } from '../db/client.ts';
import { dialectOf, execute, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { CLASSIFY_JOB, CLASSIFY_MAX_ATTEMPTS, enqueueClassification } from '../classify/jobs.ts';
import { normalizeText } from '../core/text.ts';
import { yearIn } from '../core/time.ts';
import type { Channel } from '../core/types.ts';
import { countPetition } from '../ops/metrics.ts';

export const MAX_PETITION_CHARS = 20_000;
export const TRACKING_CODE = /^KN-\d{4}-\d{6,}$/;

export interface MediaRef {
  media: 'photo' | 'voice' | 'document';
  fileId: string;
}

export interface NewPetition {
  channel: Channel;
  voterId: number;
  anonymous: boolean;
  meetingId: number | null;
  /** the voter's ward at submission, kept on the petition for ward statistics */
  ward: string | null;
  text: string;
  media: MediaRef[];
  now: Date;
  timeZone: string;
}

// Plain SQL: this runs for every petition on the intake path. SQLite runs the four
// statements in-process; on PostgreSQL each would be a round trip, so they go as one.

const codePrefix = (year: number) => `KN-${year}-`;

const bumpCounter = (year: number) => Prisma.sql`
  INSERT INTO "Counter" ("name", "value") VALUES (${`petition:${year}`}, 1)
  ON CONFLICT ("name") DO UPDATE SET "value" = "Counter"."value" + 1
  RETURNING "value"`;

/** INSERT of the petition row; `trackingCode` is a value or an SQL expression. */
function insertPetition(input: NewPetition, trackingCode: string | Prisma.Sql): Prisma.Sql {
  const { channel, now } = input;
  return Prisma.sql`
    INSERT INTO "Petition" ("trackingCode", "channel", "voterId", "anonymous", "meetingId", "ward", "text",
      "textNormalized", "status", "needsReview", "receivedAt", "updatedAt")
    VALUES (${trackingCode}, ${channel}, ${input.voterId}, ${input.anonymous}, ${input.meetingId}, ${input.ward},
      ${input.text}, ${normalizeText(input.text)}, 'received', ${false}, ${now}, ${now})
    RETURNING "id", "trackingCode"`;
}

async function insertStepByStep(
  tx: Tx,
  input: NewPetition,
  year: number,
): Promise<{ id: number; trackingCode: string }> {
  const [counter] = await queryRows<{ value: number | string }>(tx, bumpCounter(year));
  const trackingCode = `${codePrefix(year)}${String(Number(counter!.value)).padStart(6, '0')}`;
  const [row] = await queryRows<{ id: number | string }>(tx, insertPetition(input, trackingCode));
  const id = Number(row!.id);
  await execute(
    tx,
    Prisma.sql`INSERT INTO "PetitionEvent" ("petitionId", "toStatus", "actor", "createdAt") VALUES (${id}, 'received', ${`${input.channel}:voter`}, ${input.now})`,
  );
  await enqueueClassification(tx, id);
  return { id, trackingCode };
}

/** PostgreSQL: counter, petition, its first event and its classification job in one statement. */
async function insertInOneStatement(
  tx: Tx,
  input: NewPetition,
  year: number,
): Promise<{ id: number; trackingCode: string }> {
  const { now } = input;
  // Six digits at least, like padStart (lpad alone would cut a seventh).
  const code = Prisma.sql`(SELECT ${codePrefix(year)} || lpad("value"::text, GREATEST(6, length("value"::text)), '0') FROM counter)`;
  const [row] = await queryRows<{ id: number | string; trackingCode: string }>(
    tx,
    Prisma.sql`
      WITH counter AS (${bumpCounter(year)}),
      petition AS (${insertPetition(input, code)}),
      event AS (
        INSERT INTO "PetitionEvent" ("petitionId", "toStatus", "actor", "createdAt")
        VALUES ((SELECT "id" FROM petition), 'received', ${`${input.channel}:voter`}, ${now})),
      job AS (
        INSERT INTO "Job" ("type", "payload", "status", "attempts", "maxAttempts", "runAt", "createdAt", "updatedAt")
        VALUES (${CLASSIFY_JOB}, (SELECT '{"petitionId":' || "id" || '}' FROM petition), 'pending', 0, ${CLASSIFY_MAX_ATTEMPTS}, ${now}, ${now}, ${now}))
      SELECT "id", "trackingCode" FROM petition`,
  );
  return { id: Number(row!.id), trackingCode: row!.trackingCode };
}

export async function storePetition(tx: Tx, input: NewPetition): Promise<{ id: number; trackingCode: string }> {
  const year = yearIn(input.now, input.timeZone);
  const stored =
    dialectOf(tx) === 'postgres'
      ? await insertInOneStatement(tx, input, year)
      : await insertStepByStep(tx, input, year);
  if (input.media.length) {
    await tx.attachment.createMany({
      data: input.media.map((m) => ({ petitionId: stored.id, kind: m.media, fileId: m.fileId })),
    });
  }
  countPetition(input.channel);
  return stored;
}

export function normaliseTrackingCode(code: string): string {
  return code.trim().toUpperCase();
}
