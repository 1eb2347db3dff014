// Storing a petition: original text untouched, a normalized copy beside it, a tracking
// code, and the classification job enqueued in the same transaction (store first).
import type { Tx } from '../db/client.ts';
import { execute, kindOf, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { CLASSIFY_JOB, CLASSIFY_MAX_ATTEMPTS, enqueueClassification } from '../classify/jobs.ts';
import { normalizeText } from '../core/text.ts';
import { jobInsert } from '../jobs/queue.ts';
import { yearIn } from '../core/time.ts';
import type { Channel } from '../core/types.ts';
import { countPetition } from '../ops/metrics.ts';
import { searchKeyOf } from '../petitions/search-key.ts';

export const MAX_PETITION_CHARS = 20_000;
export const TRACKING_CODE = /^KN-\d{4}-\d{6,}$/;

export interface MediaRef {
  media: 'photo' | 'voice' | 'document';
  fileId: string;
  /** A voice message's length as the platform reported it, seconds. */
  durationSeconds?: number;
}

/** Where a petition entered by staff from a meeting's minutes or lists came from. */
export interface MinutesSource {
  speaker: string | null;
  speakerArea: string | null;
  /** voters who raised it (at least 1) */
  voters: number;
  sourceFile: string | null;
  sourcePosition: string | null;
}

export interface NewPetition {
  /** `meeting`: entered by staff from what was said at a meeting (then `minutes` is set). */
  channel: Channel | 'meeting';
  /** null: no chat account (a speaker at a meeting) */
  voterId: number | null;
  anonymous: boolean;
  meetingId: number | null;
  /** the voter's ward at submission, kept on the petition for ward statistics */
  ward: string | null;
  text: string;
  media: MediaRef[];
  now: Date;
  timeZone: string;
  /** Entered from the minutes: the legal basis is the meeting's record, not a chat consent. */
  minutes?: MinutesSource;
  /** Who entered it, for the first history event (default: the voter on the channel). */
  actor?: string;
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
  const m = input.minutes;
  return Prisma.sql`
    INSERT INTO "Petition" ("trackingCode", "channel", "voterId", "anonymous", "meetingId", "ward", "text",
      "textNormalized", "searchKey", "status", "needsReview", "legalBasis", "speaker", "speakerArea", "voters",
      "sourceFile", "sourcePosition", "receivedAt", "updatedAt")
    VALUES (${trackingCode}, ${channel}, ${input.voterId}, ${input.anonymous}, ${input.meetingId}, ${input.ward},
      ${input.text}, ${normalizeText(input.text)}, ${searchKeyOf(input.text)}, 'received', ${false},
      ${m ? 'minutes' : null}, ${m?.speaker ?? null}, ${m?.speakerArea ?? null}, ${m?.voters ?? 1},
      ${m?.sourceFile ?? null}, ${m?.sourcePosition ?? null}, ${now}, ${now})
    RETURNING "id", "trackingCode"`;
}

const actorOf = (input: NewPetition) => input.actor ?? `${input.channel}:voter`;

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
    Prisma.sql`INSERT INTO "PetitionEvent" ("petitionId", "toStatus", "actor", "createdAt") VALUES (${id}, 'received', ${actorOf(input)}, ${input.now})`,
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
        VALUES ((SELECT "id" FROM petition), 'received', ${actorOf(input)}, ${now})),
      job AS (${jobInsert(CLASSIFY_JOB, Prisma.sql`(SELECT '{"petitionId":' || "id" || '}' FROM petition)`, now, {
        maxAttempts: CLASSIFY_MAX_ATTEMPTS,
      })})
      SELECT "id", "trackingCode" FROM petition`,
  );
  return { id: Number(row!.id), trackingCode: row!.trackingCode };
}

export async function storePetition(tx: Tx, input: NewPetition): Promise<{ id: number; trackingCode: string }> {
  const year = yearIn(input.now, input.timeZone);
  const stored =
    kindOf(tx) === 'postgresql' ? await insertInOneStatement(tx, input, year) : await insertStepByStep(tx, input, year);
  if (input.media.length) {
    await tx.attachment.createMany({
      data: input.media.map((m) => ({
        petitionId: stored.id,
        kind: m.media,
        fileId: m.fileId,
        durationSeconds: m.durationSeconds ?? null,
      })),
    });
  }
  countPetition(input.channel);
  return stored;
}

export function normalizeTrackingCode(code: string): string {
  return code.trim().toUpperCase();
}
