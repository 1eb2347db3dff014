// Read-only statistics, counted by the database (count / groupBy), so they stay correct
// and cheap at any number of petitions. Nothing here returns who sent a petition.
import type { Db, Tx } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { excerpt } from '../core/messages.ts';
import { formatDate } from '../core/time.ts';
import type { Labels } from '../classify/labels.ts';
import { addDays, zonedTime, zonedYmd, type Period } from './period.ts';

export interface CountRow {
  key: string;
  label: string;
  count: number;
}

export interface Summary {
  total: number;
  byStatus: CountRow[];
  byAuthority: CountRow[];
  byField: CountRow[];
  topMeetings: CountRow[];
}

export type Breakdown = 'status' | 'authority' | 'field' | 'meeting';

export async function countPetitions(db: Db | Tx, where: Prisma.PetitionWhereInput): Promise<number> {
  return db.petition.count({ where });
}

export async function breakdown(
  db: Db | Tx,
  where: Prisma.PetitionWhereInput,
  by: Breakdown,
  labels: Labels,
  limit = 50,
): Promise<CountRow[]> {
  if (by === 'meeting') return byMeeting(db, where, limit);
  // Ordering by COUNT of the grouped column (not of id) lets PostgreSQL answer from that
  // column's index instead of reading every row (about 5x faster at a million petitions).
  // COUNT(column) leaves out the unclassified group, so the final order is made here.
  const groups = await db.petition.groupBy({
    by: [by],
    where,
    _count: { _all: true },
    // (Prisma's types cannot follow a computed key here; the shape is the one it accepts.)
    orderBy: { _count: { [by]: 'desc' } } as unknown as { _count: { id: 'desc' } },
    take: limit,
  });
  const label = by === 'status' ? (id: string | null) => labels.status(id ?? '') : by === 'authority' ? labels.level : labels.field;
  return groups
    .map((group) => {
      const key = (group as Record<string, unknown>)[by] as string | null;
      return { key: key ?? 'none', label: label(key), count: group._count._all };
    })
    .sort((a, b) => b.count - a.count);
}

async function byMeeting(db: Db | Tx, where: Prisma.PetitionWhereInput, limit: number): Promise<CountRow[]> {
  const groups = await db.petition.groupBy({
    by: ['meetingId'],
    where: { AND: [where, { meetingId: { not: null } }] },
    _count: { _all: true },
    orderBy: { _count: { meetingId: 'desc' } },
    take: limit,
  });
  const meetings = await db.meeting.findMany({
    where: { id: { in: groups.map((g) => g.meetingId!) } },
    select: { id: true, code: true, title: true },
  });
  return groups.map((group) => {
    const meeting = meetings.find((m) => m.id === group.meetingId);
    return { key: meeting?.code ?? String(group.meetingId), label: meeting?.title ?? '', count: group._count._all };
  });
}

export async function summary(db: Db | Tx, where: Prisma.PetitionWhereInput, labels: Labels): Promise<Summary> {
  return {
    total: await countPetitions(db, where),
    byStatus: await breakdown(db, where, 'status', labels),
    byAuthority: await breakdown(db, where, 'authority', labels),
    byField: await breakdown(db, where, 'field', labels),
    topMeetings: await breakdown(db, where, 'meeting', labels, 10),
  };
}

const MAX_DAYS = 92;

/**
 * Petitions per calendar day of the period (per week beyond three months): one count per
 * bucket, so the database does the counting and days without petitions show as zero.
 */
export async function perDay(
  db: Db | Tx,
  where: Prisma.PetitionWhereInput,
  period: Period,
  timeZone: string,
): Promise<CountRow[]> {
  const start = zonedYmd(period.from, timeZone);
  const days = Math.ceil((period.to.getTime() - period.from.getTime()) / 86_400_000);
  const step = days > MAX_DAYS ? 7 : 1;
  const rows: CountRow[] = [];
  for (let offset = 0; offset < days; offset += step) {
    const from = zonedTime(addDays(start, offset), timeZone);
    const next = zonedTime(addDays(start, offset + step), timeZone);
    const to = next < period.to ? next : period.to;
    const count = await db.petition.count({ where: { AND: [where, { receivedAt: { gte: from, lt: to } }] } });
    rows.push({ key: from.toISOString(), label: formatDate(from, timeZone).slice(0, 5), count });
  }
  return rows;
}

export interface MeetingCount {
  code: string;
  title: string;
  startsAt: Date;
  ward: string | null;
  petitions: number;
}

/** Meetings with more than `min` petitions (matching the filter), most first. */
export async function meetingsAbove(
  db: Db | Tx,
  min: number,
  where: Prisma.PetitionWhereInput,
  limit = 50,
): Promise<MeetingCount[]> {
  const groups = await db.petition.groupBy({
    by: ['meetingId'],
    where: { AND: [where, { meetingId: { not: null } }] },
    _count: { _all: true },
    having: { meetingId: { _count: { gt: min } } },
    orderBy: { _count: { meetingId: 'desc' } },
    take: limit,
  });
  const meetings = await db.meeting.findMany({ where: { id: { in: groups.map((g) => g.meetingId!) } } });
  return groups.flatMap((group) => {
    const meeting = meetings.find((m) => m.id === group.meetingId);
    return meeting
      ? [{ code: meeting.code, title: meeting.title, startsAt: meeting.startsAt, ward: meeting.ward, petitions: group._count._all }]
      : [];
  });
}

export interface PetitionListItem {
  trackingCode: string;
  status: string;
  authority: string;
  field: string;
  meetingCode: string | null;
  receivedAt: string;
  summary: string;
}

/** Petition summaries for staff: content and classification, never the sender. */
export async function listPetitions(
  db: Db | Tx,
  where: Prisma.PetitionWhereInput,
  labels: Labels,
  timeZone: string,
  limit: number,
): Promise<PetitionListItem[]> {
  const rows = await db.petition.findMany({
    where,
    orderBy: { receivedAt: 'desc' },
    take: limit,
    select: {
      trackingCode: true,
      status: true,
      authority: true,
      field: true,
      summary: true,
      textNormalized: true,
      receivedAt: true,
      meeting: { select: { code: true } },
    },
  });
  return rows.map((row) => ({
    trackingCode: row.trackingCode,
    status: labels.status(row.status),
    authority: labels.level(row.authority),
    field: labels.field(row.field),
    meetingCode: row.meeting?.code ?? null,
    receivedAt: formatDate(row.receivedAt, timeZone),
    summary: row.summary ?? excerpt(row.textNormalized, 200),
  }));
}
