// What a deputy may see: the petitions of the meetings in their constituency and of the
// meetings they attended. The same scope applies in chat (/thongke, /bieudo, questions)
// and in the workspace; staff and admins see everything (no scope).
import type { Db, Tx } from '../db/types.ts';

/** The meetings a deputy's view is limited to. */
export interface DeputyScope {
  deputyId: number;
  /** The deputy's name, for replies that say whose scope they count (null: no such deputy). */
  name: string | null;
  meetingIds: number[];
}

/**
 * The deputy's scope: meetings of their constituency, and meetings they attended. A deputy
 * account linked to no deputy (`null`) sees no meeting, never every one.
 */
export async function deputyScope(db: Db | Tx, deputyId: number | null): Promise<DeputyScope> {
  if (deputyId === null) return { deputyId: 0, name: null, meetingIds: [] };
  const deputy = await db.deputy.findUnique({ where: { id: deputyId } });
  const meetings = await db.meeting.findMany({
    where: {
      OR: [
        { deputies: { some: { deputyId } } },
        ...(deputy?.constituency ? [{ constituency: deputy.constituency }] : []),
      ],
    },
    select: { id: true },
  });
  return { deputyId, name: deputy?.name ?? null, meetingIds: meetings.map((meeting) => meeting.id) };
}
