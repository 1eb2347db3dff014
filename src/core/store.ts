// The core's own rows (deliveries, conversations, voters, roles, replies, the outbox), read
// and written once per batch of deliveries in plain SQL that SQLite and PostgreSQL both
// accept: one statement each instead of one per delivery, run on the driver adapter
// (db/sql.ts) without the Prisma client's cost per query, on the path every webhook call takes.
import type { Db, Tx } from '../db/client.ts';
import { execute, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { ConversationData, ConversationState } from './engine.ts';
import type { Role } from './roles.ts';
import type { Channel, OutgoingMessage, VoterRecord } from './types.ts';

/** `${channel}\u0000${id}`: the key of a user, a chat or a delivery within a channel. */
export function channelKey(channel: string, id: string): string {
  return `${channel}\u0000${id}`;
}

/** `"channel" IN (...) AND "<column>" IN (...)`: every pair, and maybe a few more (callers match exact keys). */
function pairsFilter(pairs: { channel: string; id: string }[], column: string): Prisma.Sql {
  const channels = [...new Set(pairs.map((pair) => pair.channel))];
  const ids = [...new Set(pairs.map((pair) => pair.id))];
  return Prisma.sql`"channel" IN (${Prisma.join(channels)}) AND ${Prisma.raw(`"${column}"`)} IN (${Prisma.join(ids)})`;
}

/**
 * Records deliveries by their platform ids; returns the keys of those recorded now, i.e. not
 * handled before by this or another instance (a concurrent copy waits here for the first).
 */
export async function recordDeliveries(
  tx: Tx,
  deliveries: { channel: Channel; updateId: string }[],
  now: Date,
): Promise<Set<string>> {
  const rows = await queryRows<{ channel: string; updateId: string }>(
    tx,
    Prisma.sql`
    INSERT INTO "ProcessedUpdate" ("channel", "updateId", "createdAt")
    VALUES ${Prisma.join(deliveries.map((d) => Prisma.sql`(${d.channel}, ${d.updateId}, ${now})`))}
    ON CONFLICT ("channel", "updateId") DO NOTHING
    RETURNING "channel", "updateId"`,
  );
  return new Set(rows.map((row) => channelKey(row.channel, row.updateId)));
}

export interface StoredConversation {
  state: ConversationState;
  /** Changed by a turn of this batch: saved at its end. */
  touched: boolean;
}

/** What a batch's turns need to know before they run, read in one statement. */
export interface BatchState {
  conversations: Map<string, StoredConversation>;
  /** By user key; users who never consented have none. */
  voters: Map<string, VoterRecord>;
  /** Staff roles (not revoked) by user key. */
  staff: Map<string, Role>;
  /** Keys of the chats with messages not yet delivered. */
  backlog: Set<string>;
}

/**
 * The conversations, voter records and staff roles of a batch's users and the chats with a
 * backlog, as one UNION (each read is a round trip on PostgreSQL): columns a, b, c mean
 * what each kind of row says.
 */
export async function loadBatch(
  tx: Tx,
  events: { channel: Channel; userId: string; chatId: string }[],
): Promise<BatchState> {
  const state: BatchState = { conversations: new Map(), voters: new Map(), staff: new Map(), backlog: new Set() };
  if (events.length === 0) return state;
  const users = pairsFilter(
    events.map((e) => ({ channel: e.channel, id: e.userId })),
    'channelUserId',
  );
  const chats = pairsFilter(
    events.map((e) => ({ channel: e.channel, id: e.chatId })),
    'chatId',
  );
  const rows = await queryRows<{
    kind: string;
    channel: string;
    key: string;
    a: string | null;
    b: string | null;
    c: string | null;
  }>(
    tx,
    Prisma.sql`
      SELECT 'conversation' AS "kind", "channel", "channelUserId" AS "key", "state" AS "a", CAST("meetingId" AS TEXT) AS "b", "data" AS "c"
        FROM "Conversation" WHERE ${users}
      UNION ALL SELECT 'voter', "channel", "channelUserId", "consent", CAST("id" AS TEXT), "ward" FROM "Voter" WHERE ${users}
      UNION ALL SELECT 'staff', "channel", "channelUserId", "role", NULL, NULL FROM "StaffMember" WHERE "revokedAt" IS NULL AND ${users}
      UNION ALL SELECT DISTINCT 'backlog', "channel", "chatId", NULL, NULL, NULL FROM "OutboxMessage"
        WHERE "status" IN ('pending', 'sending') AND ${chats}`,
  );
  for (const { kind, channel, key: id, a, b, c } of rows) {
    const key = channelKey(channel, id);
    if (kind === 'conversation') {
      const conversation = {
        isNew: false,
        state: a!,
        meetingId: b === null ? null : Number(b),
        data: JSON.parse(c!) as ConversationData,
      };
      state.conversations.set(key, { state: conversation, touched: false });
    } else if (kind === 'voter') state.voters.set(key, { id: Number(b), consent: a!, ward: c });
    else if (kind === 'staff') state.staff.set(key, a as Role);
    else state.backlog.add(key);
  }
  for (const { channel, userId } of events) {
    const key = channelKey(channel, userId);
    if (!state.conversations.has(key)) {
      state.conversations.set(key, {
        state: { isNew: true, state: 'idle', meetingId: null, data: {} },
        touched: false,
      });
    }
  }
  return state;
}

/** Every conversation a turn changed, in one upsert. */
export async function saveConversations(
  tx: Tx,
  conversations: Map<string, StoredConversation>,
  now: Date,
): Promise<void> {
  const rows = [...conversations].filter(([, c]) => c.touched);
  if (rows.length === 0) return;
  const values = rows.map(([key, { state }]) => {
    const [channel, userId] = key.split('\u0000') as [string, string];
    return Prisma.sql`(${channel}, ${userId}, ${state.state}, ${state.meetingId}, ${JSON.stringify(state.data)}, ${now})`;
  });
  await execute(
    tx,
    Prisma.sql`
    INSERT INTO "Conversation" ("channel", "channelUserId", "state", "meetingId", "data", "updatedAt")
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("channel", "channelUserId") DO UPDATE SET
      "state" = excluded."state", "meetingId" = excluded."meetingId", "data" = excluded."data", "updatedAt" = excluded."updatedAt"`,
  );
}

/** Staff roles (not revoked) of these users, by user key (a single lookup outside a batch). */
export async function loadStaffRoles(
  db: Db | Tx,
  users: { channel: Channel; userId: string }[],
): Promise<Map<string, Role>> {
  if (users.length === 0) return new Map();
  const rows = await queryRows<{ channel: string; channelUserId: string; role: string }>(
    db,
    Prisma.sql`
    SELECT "channel", "channelUserId", "role" FROM "StaffMember"
    WHERE "revokedAt" IS NULL AND ${pairsFilter(
      users.map((u) => ({ channel: u.channel, id: u.userId })),
      'channelUserId',
    )}`,
  );
  return new Map(rows.map((row) => [channelKey(row.channel, row.channelUserId), row.role as Role]));
}

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

export async function markMessages(db: Db, ids: number[], status: 'sent' | 'pending', now: Date): Promise<void> {
  await execute(
    db,
    status === 'sent'
      ? Prisma.sql`UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = ${now} WHERE "id" IN (${Prisma.join(ids)})`
      : Prisma.sql`UPDATE "OutboxMessage" SET "status" = 'pending', "nextAttemptAt" = ${now} WHERE "id" IN (${Prisma.join(ids)}) AND "status" = 'sending'`,
  );
}
