// What the meetings pages read: the list and the month's calendar, a meeting with its
// figures (counted by the statistics queries, as /thongke hop=… counts them) and its latest
// petitions. A deputy gets only the meetings of their scope, and texts without personal data.
import { taxonomyLabels } from '../classify/labels.ts';
import { redactPersonalData } from '../classify/pii.ts';
import { zonedTime } from '../core/dates.ts';
import type { Db } from '../db/client.ts';
import type { Meeting, Prisma } from '../generated/prisma/client.ts';
import { normalizeCode, CODE_PATTERN } from '../meetings/service.ts';
import { scopeOfUser } from './scope.ts';
import { allOf, inMeetings } from '../stats/filters.ts';
import { zonedYmd } from '../stats/period.ts';
import { breakdown, countPetitions, countVoters, listPetitions, type PetitionListItem } from '../stats/queries.ts';
import type { WebDeps, WebUser } from './types.ts';

/** Meetings a list shows at once. */
export const PAGE_SIZE = 50;
const RECENT_PETITIONS = 10;

export type MeetingWithDeputies = Meeting & { deputies: { deputy: { name: string } }[] };

/** The meetings the user may see: every one for staff, a deputy's scope for a deputy. */
export async function visibleMeetings(db: Db, user: WebUser): Promise<Prisma.MeetingWhereInput> {
  const scope = await scopeOfUser(db, user);
  return scope ? { id: { in: scope.meetingIds } } : {};
}

/** A meeting by its code, if the user may see it. */
export async function findVisibleMeeting(db: Db, user: WebUser, code: string): Promise<MeetingWithDeputies | null> {
  if (!CODE_PATTERN.test(code)) return null;
  return db.meeting.findFirst({
    where: { AND: [{ code: normalizeCode(code) }, await visibleMeetings(db, user)] },
    include: { deputies: { include: { deputy: { select: { name: true } } } } },
  });
}

export interface MeetingList {
  upcoming: MeetingWithDeputies[];
  past: MeetingWithDeputies[];
  /** Counted petitions per meeting code. */
  petitions: Map<string, number>;
  /** Whether past meetings go on beyond this page. */
  morePast: boolean;
}

/** Upcoming meetings (from today on), then past ones, latest first, a page at a time. */
export async function meetingList(deps: WebDeps, user: WebUser, pastPage: number): Promise<MeetingList> {
  const tz = deps.config.TZ;
  const today = zonedTime(zonedYmd(new Date(), tz), tz);
  const visible = await visibleMeetings(deps.db, user);
  const include = { deputies: { include: { deputy: { select: { name: true } } } } } as const;
  const upcoming = await deps.db.meeting.findMany({
    where: { AND: [visible, { startsAt: { gte: today } }] },
    orderBy: { startsAt: 'asc' },
    include,
  });
  const past = await deps.db.meeting.findMany({
    where: { AND: [visible, { startsAt: { lt: today } }] },
    orderBy: { startsAt: 'desc' },
    skip: pastPage * PAGE_SIZE,
    take: PAGE_SIZE + 1,
    include,
  });
  const shown = [...upcoming, ...past.slice(0, PAGE_SIZE)];
  return {
    upcoming,
    past: past.slice(0, PAGE_SIZE),
    petitions: await petitionCounts(deps, shown),
    morePast: past.length > PAGE_SIZE,
  };
}

/** The meetings of one month (YYYY-MM in the zone). */
export async function monthMeetings(
  deps: WebDeps,
  user: WebUser,
  month: { year: number; month: number },
): Promise<MeetingWithDeputies[]> {
  const tz = deps.config.TZ;
  const from = zonedTime({ ...month, day: 1 }, tz);
  const next = month.month === 12 ? { year: month.year + 1, month: 1 } : { year: month.year, month: month.month + 1 };
  const to = zonedTime({ ...next, day: 1 }, tz);
  return deps.db.meeting.findMany({
    where: { AND: [await visibleMeetings(deps.db, user), { startsAt: { gte: from, lt: to } }] },
    orderBy: { startsAt: 'asc' },
    include: { deputies: { include: { deputy: { select: { name: true } } } } },
  });
}

/** Counted petitions of each meeting, by the statistics' grouping (from the tally). */
async function petitionCounts(deps: WebDeps, meetings: { id: number }[]): Promise<Map<string, number>> {
  if (!meetings.length) return new Map();
  const labels = taxonomyLabels(deps.config.TAXONOMY);
  const where = inMeetings(meetings.map((m) => m.id));
  const rows = await breakdown(deps.db, where, 'meeting', labels, meetings.length);
  return new Map(rows.map((row) => [row.key, row.count]));
}

export interface MeetingFigures {
  petitions: number;
  /** Voters behind its petitions, as /thongke counts them: chat accounts once, plus the minutes' counts. */
  voters: number;
  chatVoters: number;
  minutesVoters: number;
  recent: PetitionListItem[];
}

/** A meeting's petitions and recorded attendance. */
export async function meetingFigures(deps: WebDeps, user: WebUser, meetingId: number): Promise<MeetingFigures> {
  const { db, config } = deps;
  const where = inMeetings([meetingId]);
  const only = (petition: Prisma.PetitionWhereInput) => allOf(where, { petition, tally: null });
  const labels = taxonomyLabels(config.TAXONOMY);
  const recent = await listPetitions(db, where.petition, labels, config.TZ, RECENT_PETITIONS);
  return {
    petitions: await countPetitions(db, where),
    voters: await countVoters(db, where),
    chatVoters: await countVoters(db, only({ voterId: { not: null } })),
    minutesVoters: await countVoters(db, only({ legalBasis: 'minutes' })),
    // Deputies read texts without personal data.
    recent: user.role === 'deputy' ? recent.map((p) => ({ ...p, summary: redactPersonalData(p.summary) })) : recent,
  };
}
