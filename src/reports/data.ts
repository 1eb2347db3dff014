// The one query module behind the Word and Excel reports: meetings held in the period and
// the petitions received in it (rejected ones and texts that are not petitions left out),
// with labels resolved later.
import { NOT_PETITION } from '../classify/review.ts';
import type { Db, Tx } from '../db/client.ts';
import { dayRange } from '../digests/calendar.ts';

export interface ReportPetition {
  id: number;
  trackingCode: string;
  receivedAt: Date;
  meetingId: number | null;
  meetingCode: string | null;
  meetingTitle: string | null;
  channel: string;
  text: string;
  summary: string | null;
  authority: string | null;
  field: string | null;
  agency: string | null;
  status: string;
  groupId: number | null;
  groupTitle: string | null;
  anonymous: boolean;
  forwardedTo: string | null;
  forwardedAt: Date | null;
  answerRef: string | null;
  answerText: string | null;
  answeredAt: Date | null;
  resolvedAt: Date | null;
  /** For counting voters only; never shown. */
  voterKey: string;
  /** voters who raised it (more than one when a meeting's minutes say so) */
  voters: number;
}

export interface ReportMeeting {
  id: number;
  code: string;
  title: string;
  place: string;
  startsAt: Date;
  expectedVoters: number | null;
  /** Voters who raised petitions in the period: each chat account once, plus those the minutes record. */
  voters: number;
  petitions: number;
}

export interface ReportData {
  from: string;
  to: string;
  meeting: { code: string; title: string } | null;
  meetings: ReportMeeting[];
  petitions: ReportPetition[];
}

export interface ReportQuery {
  /** Local days, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  meetingCode?: string;
  timeZone: string;
  /** Meetings count as held once they have ended by then. */
  now: Date;
}

export class ReportError extends Error {}

/** Statuses a report leaves out (the export keeps them, with their status). */
const REPORT_EXCLUDED = ['rejected', NOT_PETITION];

export async function loadReportData(db: Db | Tx, query: ReportQuery): Promise<ReportData> {
  const { start, end } = dayRange(query.from, query.to, query.timeZone);
  const meeting = query.meetingCode
    ? await db.meeting.findUnique({ where: { code: query.meetingCode.trim().toUpperCase() } })
    : null;
  if (query.meetingCode && !meeting) throw new ReportError(`Không có hội nghị mã ${query.meetingCode}.`);
  const rows = await db.petition.findMany({
    where: {
      receivedAt: { gte: start, lt: end },
      status: { notIn: REPORT_EXCLUDED },
      ...(meeting ? { meetingId: meeting.id } : {}),
    },
    include: { meeting: { select: { code: true, title: true } }, group: { select: { title: true } } },
    orderBy: { id: 'asc' },
  });
  const meetings = (
    await db.meeting.findMany({
      where: meeting ? { id: meeting.id } : { startsAt: { gte: start, lt: end }, status: { not: 'cancelled' } },
      orderBy: { startsAt: 'asc' },
    })
  ).filter((m) => meeting || heldBy(m, query.now));
  const petitions: ReportPetition[] = rows.map((p) => ({
    id: p.id,
    trackingCode: p.trackingCode,
    receivedAt: p.receivedAt,
    meetingId: p.meetingId,
    meetingCode: p.meeting?.code ?? null,
    meetingTitle: p.meeting?.title ?? null,
    channel: p.channel,
    text: p.text,
    summary: p.summary,
    authority: p.authority,
    field: p.field,
    agency: p.agency,
    status: p.status,
    groupId: p.groupId,
    groupTitle: p.group?.title ?? null,
    anonymous: p.anonymous,
    forwardedTo: p.forwardedTo,
    forwardedAt: p.forwardedAt,
    answerRef: p.answerRef,
    answerText: p.answerText,
    answeredAt: p.answeredAt,
    resolvedAt: p.resolvedAt,
    voterKey: p.voterId !== null ? `v${p.voterId}` : `p${p.id}`,
    voters: p.voters,
  }));
  return {
    from: query.from,
    to: query.to,
    meeting: meeting ? { code: meeting.code, title: meeting.title } : null,
    meetings: meetings.map((m) => {
      const own = petitions.filter((p) => p.meetingId === m.id);
      return {
        id: m.id,
        code: m.code,
        title: m.title,
        place: m.ward ? `${m.place}, ${m.ward}` : m.place,
        startsAt: m.startsAt,
        expectedVoters: m.expectedVoters,
        voters: countVoters(own),
        petitions: own.length,
      };
    }),
    petitions,
  };
}

/** A meeting was held once it was closed, or its end (its start when none was set) has passed. */
function heldBy(meeting: { status: string; startsAt: Date; endsAt: Date | null }, now: Date): boolean {
  if (meeting.status === 'cancelled') return false;
  return meeting.status === 'closed' || (meeting.endsAt ?? meeting.startsAt) <= now;
}

/** Each chat account once; a petition without one counts the voters the minutes record for it. */
export function countVoters(petitions: ReportPetition[]): number {
  const accounts = new Set(petitions.filter((p) => p.voterKey.startsWith('v')).map((p) => p.voterKey)).size;
  return accounts + petitions.filter((p) => !p.voterKey.startsWith('v')).reduce((sum, p) => sum + p.voters, 0);
}

export interface LevelBlock {
  id: string | null;
  label: string;
  petitions: ReportPetition[];
  fields: { id: string | null; label: string; petitions: ReportPetition[] }[];
}

/** Petitions by authority level, then by field, in the taxonomy's order (unclassified last). */
export function byLevelAndField(
  petitions: ReportPetition[],
  labels: {
    levelIds: string[];
    fieldIds: string[];
    level(id: string | null): string;
    field(id: string | null): string;
  },
  orderIn: (ids: string[], id: string | null) => number,
): LevelBlock[] {
  const levels = new Map<string | null, ReportPetition[]>();
  for (const p of petitions) levels.set(p.authority, [...(levels.get(p.authority) ?? []), p]);
  return [...levels.entries()]
    .sort(([a], [b]) => orderIn(labels.levelIds, a) - orderIn(labels.levelIds, b))
    .map(([id, members]) => {
      const fields = new Map<string | null, ReportPetition[]>();
      for (const p of members) fields.set(p.field, [...(fields.get(p.field) ?? []), p]);
      return {
        id,
        label: labels.level(id),
        petitions: members,
        fields: [...fields.entries()]
          .sort(([a], [b]) => orderIn(labels.fieldIds, a) - orderIn(labels.fieldIds, b))
          .map(([fieldId, list]) => ({ id: fieldId, label: labels.field(fieldId), petitions: list })),
      };
    });
}
