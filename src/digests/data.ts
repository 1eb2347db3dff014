// The one query module behind a digest: everything the pure builder needs for one deputy
// and one period, read in a few queries. Scope: petitions from meetings the deputy attended
// and meetings held in the deputy's constituency.
import { NOT_PETITION } from '../classify/review.ts';
import type { Db, Tx } from '../db/client.ts';
import { NOT_FORWARDED } from './deadlines.ts';
import { countOverdue } from '../followup/deadlines.ts';

export const UPCOMING_DAYS = 14;
/** The status changes a deputy is told about. */
export const REPORTED_CHANGES = ['forwarded', 'answered', 'resolved'];
const LATE_LIMIT = 500;
/** Left out of a digest's counts and themes: rejected, and texts that are not petitions. */
const NOT_IN_DIGEST = ['rejected', NOT_PETITION];

export interface DigestPetition {
  id: number;
  trackingCode: string;
  text: string;
  summary: string | null;
  anonymous: boolean;
  status: string;
  authority: string | null;
  field: string | null;
  meetingId: number | null;
  /** Counts a voter once across petitions (a count only, never shown); a deleted voter counts per petition. */
  voterKey: string;
  groupId: number | null;
  groupTitle: string | null;
  receivedAt: Date;
}

export interface DigestStatusChange {
  trackingCode: string;
  text: string;
  summary: string | null;
  toStatus: string;
  at: Date;
}

export interface DigestMeeting {
  code: string;
  title: string;
  place: string;
  ward: string | null;
  startsAt: Date;
}

export interface DigestData {
  deputy: { id: number; name: string; constituency: string | null };
  periodKey: string;
  since: Date;
  until: Date;
  /** Received in (since, until]. */
  petitions: DigestPetition[];
  statusChanges: DigestStatusChange[];
  /** Not yet forwarded, whenever received: the builder decides which ones are late. */
  pending: { trackingCode: string; text: string; summary: string | null; status: string; receivedAt: Date }[];
  upcoming: DigestMeeting[];
  /** Forwarded petitions whose answer is past due at `until`. */
  overdueAnswers?: number;
}

export async function deputyMeetingIds(
  db: Db | Tx,
  deputy: { id: number; constituency: string | null },
): Promise<number[]> {
  const meetings = await db.meeting.findMany({
    where: {
      OR: [
        { deputies: { some: { deputyId: deputy.id } } },
        ...(deputy.constituency ? [{ constituency: deputy.constituency }] : []),
      ],
    },
    select: { id: true },
  });
  return meetings.map((m) => m.id);
}

export async function loadDigestData(
  db: Db | Tx,
  deputyId: number,
  period: { key: string; since: Date; until: Date },
): Promise<DigestData> {
  const deputy = await db.deputy.findUniqueOrThrow({
    where: { id: deputyId },
    select: { id: true, name: true, constituency: true },
  });
  const meetingIds = await deputyMeetingIds(db, deputy);
  const inScope = { meetingId: { in: meetingIds } };
  // One after another: `db` may be a transaction, whose one connection runs one query at a time.
  const petitions = await db.petition.findMany({
    where: { ...inScope, receivedAt: { gt: period.since, lte: period.until }, status: { notIn: NOT_IN_DIGEST } },
    include: { group: { select: { title: true } } },
    orderBy: { id: 'asc' },
  });
  const events = await db.petitionEvent.findMany({
    where: {
      petition: inScope,
      createdAt: { gt: period.since, lte: period.until },
      toStatus: { in: REPORTED_CHANGES },
    },
    include: { petition: { select: { trackingCode: true, text: true, summary: true } } },
    orderBy: { id: 'asc' },
  });
  const pending = await db.petition.findMany({
    where: { ...inScope, status: { in: NOT_FORWARDED }, receivedAt: { lte: period.until } },
    select: { trackingCode: true, text: true, summary: true, status: true, receivedAt: true },
    orderBy: { id: 'asc' },
    take: LATE_LIMIT,
  });
  const upcoming = await db.meeting.findMany({
    where: {
      id: { in: meetingIds },
      status: { in: ['scheduled', 'open'] },
      startsAt: { gt: period.until, lte: new Date(period.until.getTime() + UPCOMING_DAYS * 86_400_000) },
    },
    select: { code: true, title: true, place: true, ward: true, startsAt: true },
    orderBy: { startsAt: 'asc' },
  });
  const overdueAnswers = await countOverdue(db, period.until, inScope);
  return {
    deputy,
    overdueAnswers,
    periodKey: period.key,
    since: period.since,
    until: period.until,
    petitions: petitions.map((p) => ({
      id: p.id,
      trackingCode: p.trackingCode,
      text: p.text,
      summary: p.summary,
      anonymous: p.anonymous,
      status: p.status,
      authority: p.authority,
      field: p.field,
      meetingId: p.meetingId,
      voterKey: p.voterId !== null ? `v${p.voterId}` : `p${p.id}`,
      groupId: p.groupId,
      groupTitle: p.group?.title ?? null,
      receivedAt: p.receivedAt,
    })),
    statusChanges: latestPerPetition(events).map((e) => ({
      trackingCode: e.petition.trackingCode,
      text: e.petition.text,
      summary: e.petition.summary,
      toStatus: e.toStatus,
      at: e.createdAt,
    })),
    pending,
    upcoming,
  };
}

/** A petition forwarded then answered in the same period is reported once, at its latest step. */
function latestPerPetition<T extends { petitionId: number }>(events: T[]): T[] {
  const latest = new Map<number, T>();
  for (const event of events) latest.set(event.petitionId, event);
  return [...latest.values()];
}
