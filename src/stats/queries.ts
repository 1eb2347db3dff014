// Read-only statistics, counted by the database from the petition tally (per-day counts
// kept by triggers, see tally.ts), so they stay exact and cheap at any number of
// petitions; from the petitions themselves when a time bound splits a tally day.
// Nothing here returns who sent a petition.
import type { Db, Tx } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { excerpt } from '../core/messages.ts';
import { formatDate } from '../core/time.ts';
import type { Labels } from '../classify/labels.ts';
import { NOT_PETITION } from '../classify/review.ts';
import type { StatsWhere } from './filters.ts';
import { addDays, zonedTime, zonedYmd, type Period } from './period.ts';
import { foldTally, startsTallyDay, tallyTable } from './tally.ts';
import { countOverdue } from '../followup/deadlines.ts';

export interface CountRow {
  key: string;
  label: string;
  count: number;
}

export interface Summary {
  total: number;
  /** voters behind the petitions (see countVoters) */
  voters: number;
  byStatus: CountRow[];
  byAuthority: CountRow[];
  byField: CountRow[];
  topMeetings: CountRow[];
}

export type Breakdown = 'status' | 'authority' | 'field' | 'meeting';

/**
 * Only what counts as a petition: a text found not to be one (NOT_PETITION, until staff say
 * it is one) is kept but never counted. Status is a tally key, so this costs the tally nothing.
 */
export function countedOnly(where: StatsWhere): StatsWhere {
  const counted = { status: { not: NOT_PETITION } };
  return {
    petition: { AND: [where.petition, counted] },
    tally: where.tally && { AND: [where.tally, counted] },
    byDay: where.byDay,
  };
}

/** Counted petitions and the voter turns behind them, in one aggregate over the tally where it can answer. */
export async function countTotals(db: Db | Tx, filter: StatsWhere): Promise<{ petitions: number; voters: number }> {
  const where = countedOnly(filter);
  if (!where.tally) {
    const totals = await db.petition.aggregate({
      where: where.petition,
      _count: { _all: true },
      _sum: { voters: true },
    });
    return { petitions: totals._count._all, voters: totals._sum.voters ?? 0 };
  }
  await foldTally(db);
  const { _sum } = await tallyTable(db, where.byDay).aggregate({ where: where.tally, _sum: { n: true, voters: true } });
  return { petitions: _sum.n ?? 0, voters: _sum.voters ?? 0 };
}

export async function countPetitions(db: Db | Tx, filter: StatsWhere): Promise<number> {
  return (await countTotals(db, filter)).petitions;
}

/**
 * Voter turns ("lượt cử tri") behind the counted petitions: one for each petition sent in a
 * chat, the number of voters recorded as raising it for one entered from a meeting's minutes.
 * A sum, so the tally answers it like the petition count at any number of petitions.
 */
export async function countVoters(db: Db | Tx, filter: StatsWhere): Promise<number> {
  return (await countTotals(db, filter)).voters;
}

type Column = 'status' | 'authority' | 'field' | 'meetingId';

interface Group {
  /** null: no meeting, or not classified */
  key: string | number | null;
  count: number;
}

/**
 * Petition counts per value of one column, most first, at most `limit`, only groups above
 * `moreThan` when given; meetings leave out petitions without one.
 */
async function groupCounts(
  db: Db | Tx,
  filter: StatsWhere,
  column: Column,
  limit: number,
  moreThan?: number,
): Promise<Group[]> {
  const where = countedOnly(filter);
  if (!where.tally) return petitionGroups(db, where.petition, column, limit, moreThan);
  await foldTally(db);
  return tallyGroups(tallyTable(db, where.byDay), where.tally, column, limit, moreThan);
}

async function tallyGroups(
  table: Db['petitionTally'],
  where: Prisma.PetitionTallyWhereInput,
  column: Column,
  limit: number,
  moreThan?: number,
): Promise<Group[]> {
  const groups = await table.groupBy({
    by: [column],
    where: column === 'meetingId' ? { AND: [where, { meetingId: { not: 0 } }] } : where,
    _sum: { n: true },
    ...(moreThan === undefined ? {} : { having: { n: { _sum: { gt: moreThan } } } }),
    orderBy: { _sum: { n: 'desc' } },
    take: limit,
  });
  // The tally writes an absent value as '' (or meeting 0): see the migration.
  return groups.map((group) => {
    const key = (group as Record<string, unknown>)[column] as string | number;
    return { key: key === '' ? null : key, count: group._sum.n ?? 0 };
  });
}

/** The fallback when a time bound is not a tally day (a time zone other than UTC+7). */
async function petitionGroups(
  db: Db | Tx,
  where: Prisma.PetitionWhereInput,
  column: Column,
  limit: number,
  moreThan?: number,
): Promise<Group[]> {
  const groups = await db.petition.groupBy({
    by: [column],
    where: column === 'meetingId' ? { AND: [where, { meetingId: { not: null } }] } : where,
    _count: { _all: true },
    ...(moreThan === undefined ? {} : { having: { [column]: { _count: { gt: moreThan } } } }),
    // (Prisma's types cannot follow a computed key here; the shape is the one it accepts.)
    orderBy: { _count: { [column]: 'desc' } } as unknown as { _count: { id: 'desc' } },
    take: limit,
  });
  // COUNT(column) leaves out the unclassified group when ordering, so the order is made here.
  return groups
    .map((group) => ({
      key: (group as Record<string, unknown>)[column] as string | number | null,
      count: group._count._all,
    }))
    .sort((a, b) => b.count - a.count);
}

export async function breakdown(
  db: Db | Tx,
  where: StatsWhere,
  by: Breakdown,
  labels: Labels,
  limit = 50,
): Promise<CountRow[]> {
  if (by === 'meeting') return byMeeting(db, where, limit);
  const label =
    by === 'status' ? (id: string | null) => labels.status(id ?? '') : by === 'authority' ? labels.level : labels.field;
  const groups = await groupCounts(db, where, by, limit);
  return groups.map(({ key, count }) => ({
    key: (key as string | null) ?? 'none',
    label: label(key as string | null),
    count,
  }));
}

async function byMeeting(db: Db | Tx, where: StatsWhere, limit: number): Promise<CountRow[]> {
  const groups = await groupCounts(db, where, 'meetingId', limit);
  const meetings = await db.meeting.findMany({
    where: { id: { in: groups.map((g) => g.key as number) } },
    select: { id: true, code: true, title: true },
  });
  return groups.map((group) => {
    const meeting = meetings.find((m) => m.id === group.key);
    return { key: meeting?.code ?? String(group.key), label: meeting?.title ?? '', count: group.count };
  });
}

export async function summary(db: Db | Tx, where: StatsWhere, labels: Labels): Promise<Summary> {
  const totals = await countTotals(db, where);
  return {
    total: totals.petitions,
    voters: totals.voters,
    byStatus: await breakdown(db, where, 'status', labels),
    byAuthority: await breakdown(db, where, 'authority', labels),
    byField: await breakdown(db, where, 'field', labels),
    topMeetings: await breakdown(db, where, 'meeting', labels, 10),
  };
}

const MAX_DAYS = 92;

/**
 * Petitions per calendar day of the period (per week beyond three months); days without
 * petitions show as zero. From the tally in one grouped query when every bucket is made of
 * whole tally days, else one count per bucket.
 */
export async function perDay(db: Db | Tx, filter: StatsWhere, period: Period, timeZone: string): Promise<CountRow[]> {
  const where = countedOnly(filter);
  const buckets = dayBuckets(period, timeZone);
  const aligned = buckets.every((bucket) => startsTallyDay(bucket.from) && startsTallyDay(bucket.to));
  const counts =
    where.tally && aligned
      ? await tallyPerBucket(db, where.tally, period, buckets)
      : await petitionsPerBucket(db, where.petition, buckets);
  return buckets.map((bucket, i) => ({
    key: bucket.from.toISOString(),
    label: formatDate(bucket.from, timeZone).slice(0, 5),
    count: counts[i]!,
  }));
}

interface Bucket {
  from: Date;
  to: Date;
}

function dayBuckets(period: Period, timeZone: string): Bucket[] {
  const start = zonedYmd(period.from, timeZone);
  const days = Math.ceil((period.to.getTime() - period.from.getTime()) / 86_400_000);
  const step = days > MAX_DAYS ? 7 : 1;
  const buckets: Bucket[] = [];
  for (let offset = 0; offset < days; offset += step) {
    const from = zonedTime(addDays(start, offset), timeZone);
    const next = zonedTime(addDays(start, offset + step), timeZone);
    buckets.push({ from, to: next < period.to ? next : period.to });
  }
  return buckets;
}

async function tallyPerBucket(
  db: Db | Tx,
  where: Prisma.PetitionTallyWhereInput,
  period: Period,
  buckets: Bucket[],
): Promise<number[]> {
  await foldTally(db);
  const days = await db.petitionTally.groupBy({
    by: ['day'],
    where: { AND: [where, { day: { gte: period.from, lt: period.to } }] },
    _sum: { n: true },
  });
  const counts = buckets.map(() => 0);
  for (const { day, _sum } of days) {
    const i = buckets.findIndex((bucket) => day >= bucket.from && day < bucket.to);
    if (i >= 0) counts[i]! += _sum.n ?? 0;
  }
  return counts;
}

async function petitionsPerBucket(db: Db | Tx, where: Prisma.PetitionWhereInput, buckets: Bucket[]): Promise<number[]> {
  const counts: number[] = [];
  for (const { from, to } of buckets)
    counts.push(await db.petition.count({ where: { AND: [where, { receivedAt: { gte: from, lt: to } }] } }));
  return counts;
}

export interface MeetingCount {
  code: string;
  title: string;
  startsAt: Date;
  ward: string | null;
  petitions: number;
}

/** Meetings with more than `min` petitions (matching the filter), most first. */
export async function meetingsAbove(db: Db | Tx, min: number, where: StatsWhere, limit = 50): Promise<MeetingCount[]> {
  const groups = await groupCounts(db, where, 'meetingId', limit, min);
  const meetings = await db.meeting.findMany({ where: { id: { in: groups.map((g) => g.key as number) } } });
  return groups.flatMap((group) => {
    const meeting = meetings.find((m) => m.id === group.key);
    return meeting
      ? [
          {
            code: meeting.code,
            title: meeting.title,
            startsAt: meeting.startsAt,
            ward: meeting.ward,
            petitions: group.count,
          },
        ]
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
    where: countedOnly({ petition: where, tally: null }).petition,
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

/** Forwarded petitions within the filter whose answer is past its due date at `now`. */
export async function overdueAnswers(db: Db | Tx, where: StatsWhere, now: Date): Promise<number> {
  return countOverdue(db, now, where.petition);
}
