// The outbox store: the one module that writes OutboxMessage rows (queued, claimed, sent,
// retried, failed), in plain SQL on the driver adapter (db/sql.ts).
import type { Db, Tx } from '../db/types.ts';
import { execute, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { channelKey, pairsFilter } from './keys.ts';
import type { Channel, OutgoingMessage } from './types.ts';

export interface Outgoing {
  channel: Channel;
  chatId: string;
  message: OutgoingMessage;
}

export type Claimed = { id: number; chatId: string; payload: string; attempts: number };

/**
 * Inserts messages in order; those of `claimedChats` already claimed until `leaseUntil`.
 * Returns the claimed ones, oldest first.
 */
export async function insertMessages(
  tx: Tx,
  items: Outgoing[],
  claimedChats: (channel: Channel, chatId: string) => boolean,
  now: Date,
  leaseUntil: Date,
): Promise<(Claimed & { channel: Channel })[]> {
  const values = items.map(({ channel, chatId, message }) => {
    const claimed = claimedChats(channel, chatId);
    const status = claimed ? 'sending' : 'pending';
    return Prisma.sql`(${channel}, ${chatId}, ${JSON.stringify(message)}, ${status}, 0, ${claimed ? leaseUntil : now}, ${now})`;
  });
  const rows = await queryRows<Claimed & { channel: Channel; status: string }>(
    tx,
    Prisma.sql`
    INSERT INTO "OutboxMessage" ("channel", "chatId", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
    VALUES ${Prisma.join(values)}
    RETURNING "id", "channel", "chatId", "payload", "attempts", "status"`,
  );
  return rows
    .filter((row) => row.status === 'sending')
    .map(({ id, channel, chatId, payload, attempts }) => ({
      id: Number(id),
      channel,
      chatId,
      payload,
      attempts: Number(attempts),
    }))
    .sort((a, b) => a.id - b.id);
}

/** The undelivered messages of these chats, oldest first. */
export async function undeliveredMessages(
  db: Db,
  chats: { channel: Channel; chatId: string }[],
): Promise<{ id: number; channel: Channel; chatId: string; nextAttemptAt: Date }[]> {
  const rows = await queryRows<{ id: number | string; channel: Channel; chatId: string; nextAttemptAt: string }>(
    db,
    Prisma.sql`
      SELECT "id", "channel", "chatId", "nextAttemptAt" FROM "OutboxMessage"
      WHERE "status" IN ('pending', 'sending') AND ${pairsFilter(
        chats.map((c) => ({ channel: c.channel, id: c.chatId })),
        'chatId',
      )}
      ORDER BY "id"`,
  );
  const asked = new Set(chats.map((chat) => channelKey(chat.channel, chat.chatId)));
  return rows
    .filter((row) => asked.has(channelKey(row.channel, row.chatId)))
    .map((row) => ({ ...row, id: Number(row.id), nextAttemptAt: new Date(row.nextAttemptAt) }));
}

/** Claims those of `ids` still undelivered and due (another instance may have taken some) until `leaseUntil`. */
export async function takeMessages(
  db: Db,
  ids: number[],
  now: Date,
  leaseUntil: Date,
): Promise<(Claimed & { channel: Channel })[]> {
  const rows = await queryRows<Claimed & { channel: Channel }>(
    db,
    Prisma.sql`
      UPDATE "OutboxMessage" SET "status" = 'sending', "nextAttemptAt" = ${leaseUntil}
      WHERE "id" IN (${Prisma.join(ids)}) AND "status" IN ('pending', 'sending') AND "nextAttemptAt" <= ${now}
      RETURNING "id", "channel", "chatId", "payload", "attempts"`,
  );
  return rows.map((row) => ({ ...row, id: Number(row.id), attempts: Number(row.attempts) }));
}

/** Marks messages sent, or puts claimed ones back in line (due at `now`). */
export async function markMessages(db: Db, ids: number[], status: 'sent' | 'pending', now: Date): Promise<void> {
  await execute(
    db,
    status === 'sent'
      ? Prisma.sql`UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = ${now} WHERE "id" IN (${Prisma.join(ids)})`
      : Prisma.sql`UPDATE "OutboxMessage" SET "status" = 'pending', "nextAttemptAt" = ${now} WHERE "id" IN (${Prisma.join(ids)}) AND "status" = 'sending'`,
  );
}

/** Queues messages for one chat, oldest first (ids follow their order); delivered by the next flush. */
export async function addToOutbox(
  on: Db | Tx,
  channel: Channel,
  chatId: string,
  messages: OutgoingMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  const now = new Date();
  const values = messages.map(
    (message) => Prisma.sql`(${channel}, ${chatId}, ${JSON.stringify(message)}, 'pending', 0, ${now}, ${now})`,
  );
  await execute(
    on,
    Prisma.sql`
    INSERT INTO "OutboxMessage" ("channel", "chatId", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
    VALUES ${Prisma.join(values)}`,
  );
}

/** Chats with a message due (at most `limit`). */
export async function chatsWithDueMessages(
  db: Db,
  now: Date,
  limit: number,
): Promise<{ channel: Channel; chatId: string }[]> {
  return queryRows<{ channel: Channel; chatId: string }>(
    db,
    Prisma.sql`
      SELECT DISTINCT "channel", "chatId" FROM "OutboxMessage"
      WHERE "status" IN ('pending', 'sending') AND "nextAttemptAt" <= ${now}
      LIMIT ${limit}`,
  );
}

/** A message the platform refused for good (or after too many tries): kept as failed with the reason. */
export async function markFailed(db: Db, id: number, attempts: number, reason: string): Promise<void> {
  await execute(
    db,
    Prisma.sql`UPDATE "OutboxMessage" SET "status" = 'failed', "attempts" = ${attempts}, "lastError" = ${reason}
      WHERE "id" = ${id}`,
  );
}

/** A message to try again from `nextAttemptAt`. */
export async function markRetry(
  db: Db,
  id: number,
  attempts: number,
  nextAttemptAt: Date,
  reason: string,
): Promise<void> {
  await execute(
    db,
    Prisma.sql`UPDATE "OutboxMessage" SET "status" = 'pending', "attempts" = ${attempts},
      "nextAttemptAt" = ${nextAttemptAt}, "lastError" = ${reason} WHERE "id" = ${id}`,
  );
}
