// The one writer of the Voter table: consent, the optional name and ward, withdrawal and the
// retention sweep all change voter records here, so what a voter record may hold, and when it
// loses it, is read in one place.
import type { VoterRecord } from '../core/types.ts';
import type { Db, Tx } from '../db/client.ts';
import { execute, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** A chat user on one channel, as the Voter table keys them. */
export interface VoterKey {
  channel: string;
  userId: string;
  chatId: string;
}

/**
 * Records the voter's consent under the privacy notice shown (`notice`, its version), creating
 * the record on first consent; choosing anonymity withdraws a name, ward and phone given earlier.
 */
export async function saveConsent(
  tx: Tx,
  who: VoterKey,
  consent: 'agreed' | 'anonymous',
  now: Date,
  notice: string,
): Promise<VoterRecord> {
  const { channel, userId, chatId } = who;
  const withdrawName =
    consent === 'anonymous' ? Prisma.sql`, "name" = NULL, "ward" = NULL, "phone" = NULL` : Prisma.empty;
  const [voter] = await queryRows<VoterRecord>(
    tx,
    Prisma.sql`
      INSERT INTO "Voter" ("channel", "channelUserId", "chatId", "consent", "consentAt", "consentNotice", "createdAt", "updatedAt")
      VALUES (${channel}, ${userId}, ${chatId}, ${consent}, ${now}, ${notice}, ${now}, ${now})
      ON CONFLICT ("channel", "channelUserId") DO UPDATE SET "chatId" = excluded."chatId", "consent" = excluded."consent",
        "consentAt" = excluded."consentAt", "consentNotice" = excluded."consentNotice", "updatedAt" = excluded."updatedAt"${withdrawName}
      RETURNING "id", "consent", "ward"`,
  );
  return { ...voter!, id: Number(voter!.id) };
}

/** Stores the name or ward the voter gave; the record exists once the voter consented. */
export async function saveVoterDetails(
  tx: Tx,
  who: Pick<VoterKey, 'channel' | 'userId'>,
  data: { name?: string; ward?: string },
): Promise<VoterRecord> {
  const voter = await tx.voter.update({
    where: { channel_channelUserId: { channel: who.channel, channelUserId: who.userId } },
    data,
  });
  return { id: voter.id, consent: voter.consent, ward: voter.ward };
}

/** Erases the voter's personal data and records the withdrawal of consent; the record stays. */
export async function withdrawVoter(tx: Tx, voterId: number, now: Date): Promise<void> {
  await tx.voter.update({
    where: { id: voterId },
    data: { name: null, ward: null, phone: null, consent: 'withdrawn', consentAt: now },
  });
}

/** Removes voters no petition links to any more and idle since `idleBefore` (record and conversation). */
export async function removeIdleVoters(on: Db | Tx, idleBefore: Date): Promise<number> {
  return execute(
    on,
    Prisma.sql`
      DELETE FROM "Voter" WHERE "updatedAt" < ${idleBefore}
        AND NOT EXISTS (SELECT 1 FROM "Petition" p WHERE p."voterId" = "Voter"."id")
        AND NOT EXISTS (SELECT 1 FROM "Conversation" c WHERE c."channel" = "Voter"."channel"
          AND c."channelUserId" = "Voter"."channelUserId" AND c."updatedAt" >= ${idleBefore})`,
  );
}
