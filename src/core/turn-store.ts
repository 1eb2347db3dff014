// The turn store: the rows a batch of deliveries reads and writes around its turns
// (deliveries, conversations, voter records, staff roles, chat backlogs), once per batch in
// plain SQL that SQLite and PostgreSQL both accept, on the driver adapter (db/sql.ts).
import type { Db, Tx } from '../db/types.ts';
import { execute, queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { channelKey, pairsFilter } from './keys.ts';
import type { Channel, ConversationData, ConversationState, Role, VoterRecord } from './types.ts';

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
