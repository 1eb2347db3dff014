// Storing a petition: original text untouched, a normalised copy beside it, a tracking
// code, and the classification job enqueued in the same transaction (store first).
import type { Tx } from '../db/client.ts';
import { execute, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { normalizeText } from '../core/text.ts';
import { yearIn } from '../core/time.ts';
import type { Channel } from '../core/types.ts';

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

// Plain SQL (the same on SQLite and PostgreSQL): this runs for every petition on the intake
// path, where the ORM's nested create takes five round trips for what four statements do.

export async function nextTrackingCode(tx: Tx, now: Date, timeZone: string): Promise<string> {
  const year = yearIn(now, timeZone);
  const [counter] = await queryRows<{ value: number | bigint }>(tx, Prisma.sql`
    INSERT INTO "Counter" ("name", "value") VALUES (${`petition:${year}`}, 1)
    ON CONFLICT ("name") DO UPDATE SET "value" = "Counter"."value" + 1
    RETURNING "value"`);
  return `KN-${year}-${String(Number(counter!.value)).padStart(6, '0')}`;
}

export async function storePetition(tx: Tx, input: NewPetition): Promise<{ id: number; trackingCode: string }> {
  const trackingCode = await nextTrackingCode(tx, input.now, input.timeZone);
  const { channel, now } = input;
  const [row] = await queryRows<{ id: number | bigint }>(tx, Prisma.sql`
    INSERT INTO "Petition" ("trackingCode", "channel", "voterId", "anonymous", "meetingId", "ward", "text",
      "textNormalized", "status", "needsReview", "receivedAt", "updatedAt")
    VALUES (${trackingCode}, ${channel}, ${input.voterId}, ${input.anonymous}, ${input.meetingId}, ${input.ward},
      ${input.text}, ${normalizeText(input.text)}, 'received', ${false}, ${now}, ${now})
    RETURNING "id"`);
  const id = Number(row!.id);
  await execute(tx, Prisma.sql`
    INSERT INTO "PetitionEvent" ("petitionId", "toStatus", "actor", "createdAt") VALUES (${id}, 'received', ${`${channel}:voter`}, ${now})`);
  if (input.media.length) {
    await tx.attachment.createMany({ data: input.media.map((m) => ({ petitionId: id, kind: m.media, fileId: m.fileId })) });
  }
  await enqueueJob(tx, 'classify', { petitionId: id });
  return { id, trackingCode };
}

export function normaliseTrackingCode(code: string): string {
  return code.trim().toUpperCase();
}
