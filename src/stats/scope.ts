// Whose figures a statistic may show: a deputy sees the petitions of their scope only (the
// meetings of their constituency and those they attended, src/staff/scope.ts), in /thongke,
// /bieudo, free questions and the workspace; staff and admins see everything.
import type { Channel, Role } from '../core/types.ts';
import type { Db, Tx } from '../db/client.ts';
import { deputyScope } from '../staff/scope.ts';
import { inMeetings, type StatsWhere } from './filters.ts';

/** A limit every statistic of one person is read within, and how their reply names it. */
export interface StatsScope {
  where: StatsWhere;
  /** The meetings it allows (for lists of meetings to choose from). */
  meetingIds: number[];
  label: string;
}

/**
 * A deputy's scope as a statistics filter, on the petitions and on the tally. A deputy account
 * not linked to a deputy has no meetings, so it counts nothing rather than everything.
 */
export async function deputyStatsScope(db: Db | Tx, deputyId: number | null): Promise<StatsScope> {
  const { name, meetingIds } = await deputyScope(db, deputyId);
  return { where: inMeetings(meetingIds), meetingIds, label: `phạm vi của đại biểu ${name ?? ''}`.trim() };
}

/** The scope of a chat user by role: a deputy's (from their staff row), none for staff and admins. */
export async function chatStatsScope(
  db: Db | Tx,
  role: Role,
  channel: Channel,
  userId: string,
): Promise<StatsScope | undefined> {
  if (role !== 'deputy') return undefined;
  const staff = await db.staffMember.findUnique({
    where: { channel_channelUserId: { channel, channelUserId: userId } },
    select: { deputyId: true },
  });
  return deputyStatsScope(db, staff?.deputyId ?? null);
}
