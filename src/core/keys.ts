// Keys of users, chats and deliveries within a channel, and the SQL filter that finds them.
import { Prisma } from '../generated/prisma/client.ts';

/** `${channel}\u0000${id}`: the key of a user, a chat or a delivery within a channel. */
export function channelKey(channel: string, id: string): string {
  return `${channel}\u0000${id}`;
}

/** `"channel" IN (...) AND "<column>" IN (...)`: every pair, and maybe a few more (callers match exact keys). */
export function pairsFilter(pairs: { channel: string; id: string }[], column: string): Prisma.Sql {
  const channels = [...new Set(pairs.map((pair) => pair.channel))];
  const ids = [...new Set(pairs.map((pair) => pair.id))];
  return Prisma.sql`"channel" IN (${Prisma.join(channels)}) AND ${Prisma.raw(`"${column}"`)} IN (${Prisma.join(ids)})`;
}
