// The digest builder: a pure function from the data of one deputy and one period to the
// message. No database, no clock: everything comes in DigestData and the options.
import { digestMsg } from '../core/messages-digest.ts';
import { excerpt } from '../core/messages.ts';
import type { DigestData } from './data.ts';
import { deadlineStatus, missedDeadline, type Deadline, type DeadlineConfig } from './deadlines.ts';
import { orderIn, type Labels } from '../classify/labels.ts';
import { themesOf, type Theme } from './themes.ts';
import { followupStaffMsg } from '../core/messages-staff.ts';

export const MAX_THEMES = 5;
export const MAX_LIST = 5;
const WHAT_CHARS = 100;

export interface DigestOptions {
  labels: Labels;
  deadlines: DeadlineConfig;
}

export interface CountRow {
  id: string | null;
  label: string;
  count: number;
}

export interface DigestContent {
  petitions: number;
  voters: number;
  meetings: number;
  byAuthority: CountRow[];
  byField: CountRow[];
  themes: Theme[];
  statusChanges: { trackingCode: string; toStatus: string }[];
  late: { trackingCode: string; deadline: Deadline }[];
  nextDeadline: Deadline | null;
  upcoming: { code: string; startsAt: Date }[];
  text: string;
}

function countBy(values: (string | null)[], order: string[], label: (id: string | null) => string): CountRow[] {
  const counts = new Map<string | null, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, ca], [b, cb]) => orderIn(order, a) - orderIn(order, b) || cb - ca)
    .map(([id, count]) => ({ id, label: label(id), count }));
}

function what(item: { summary: string | null; text: string }): string {
  return excerpt((item.summary?.trim() || item.text).replace(/\s+/g, ' '), WHAT_CHARS);
}

export function buildDigest(data: DigestData, options: DigestOptions): DigestContent {
  const { labels } = options;
  const tz = options.deadlines.TZ;
  const petitions = data.petitions;
  const byAuthority = countBy(
    petitions.map((p) => p.authority),
    labels.levelIds,
    labels.level,
  );
  const byField = countBy(
    petitions.map((p) => p.field),
    labels.fieldIds,
    labels.field,
  );
  const themes = themesOf(petitions);
  const deadlines = deadlineStatus(options.deadlines, data.until);
  const late = data.pending
    .map((p) => ({ petition: p, deadline: missedDeadline(p, deadlines, tz) }))
    .filter(
      (entry): entry is { petition: (typeof data.pending)[number]; deadline: Deadline } => entry.deadline !== null,
    );

  const content: Omit<DigestContent, 'text'> = {
    petitions: petitions.length,
    voters: new Set(petitions.map((p) => p.voterKey)).size,
    meetings: new Set(petitions.map((p) => p.meetingId).filter((id) => id !== null)).size,
    byAuthority,
    byField,
    themes,
    statusChanges: data.statusChanges.map((c) => ({ trackingCode: c.trackingCode, toStatus: c.toStatus })),
    late: late.map((entry) => ({ trackingCode: entry.petition.trackingCode, deadline: entry.deadline })),
    nextDeadline: deadlines.next,
    upcoming: data.upcoming.map((m) => ({ code: m.code, startsAt: m.startsAt })),
  };

  const lines: string[] = [digestMsg.title(data.deputy.name), digestMsg.period(data.since, data.until, tz), ''];
  if (petitions.length === 0) lines.push(digestMsg.noNew());
  else {
    lines.push(digestMsg.newTotal(content.petitions, content.voters, content.meetings), '', digestMsg.byAuthority());
    for (const row of byAuthority) lines.push(digestMsg.countLine(row.label, row.count));
    lines.push('', digestMsg.byField());
    for (const row of byField) lines.push(digestMsg.countLine(row.label, row.count));
    lines.push('', digestMsg.themes());
    for (const [index, theme] of themes.slice(0, MAX_THEMES).entries()) {
      lines.push(digestMsg.themeLine(index + 1, theme.title, theme.petitions, theme.voters, theme.meetings));
      for (const quote of theme.quotes) lines.push(digestMsg.quote(quote));
    }
    if (themes.length > MAX_THEMES) lines.push(digestMsg.moreThemes(themes.length - MAX_THEMES));
  }
  if (data.statusChanges.length) {
    lines.push('', digestMsg.changes());
    for (const change of data.statusChanges.slice(0, MAX_LIST)) {
      lines.push(digestMsg.changeLine(change.trackingCode, change.toStatus, what(change)));
    }
    if (data.statusChanges.length > MAX_LIST) lines.push(digestMsg.moreChanges(data.statusChanges.length - MAX_LIST));
  }
  if (late.length) {
    lines.push('', digestMsg.late(late.length));
    for (const entry of late.slice(0, MAX_LIST)) {
      lines.push(
        digestMsg.lateLine(entry.petition.trackingCode, entry.deadline.kind, entry.deadline.day, what(entry.petition)),
      );
    }
    if (late.length > MAX_LIST) lines.push(digestMsg.moreChanges(late.length - MAX_LIST));
  }
  if (data.overdueAnswers) lines.push('', followupStaffMsg.overdue(data.overdueAnswers));
  if (deadlines.next)
    lines.push('', digestMsg.nextDeadline(deadlines.next.kind, deadlines.next.day, deadlines.next.daysLeft));
  lines.push('', digestMsg.upcoming());
  if (data.upcoming.length === 0) lines.push(digestMsg.noUpcoming());
  for (const meeting of data.upcoming) {
    const place = meeting.ward ? `${meeting.place}, ${meeting.ward}` : meeting.place;
    lines.push(digestMsg.upcomingLine(meeting.startsAt, meeting.title, place, tz));
  }
  return { ...content, text: lines.join('\n') };
}
