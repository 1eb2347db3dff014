// The meeting schedule in chat: /lich for everyone (the public schedule), and meeting
// management for staff (/taohop, /suahop, /mohop, /donghop, /huyhop, /lichics).
import type { Command, Turn } from '../core/types.ts';
import { parseDateTime } from '../core/dates.ts';
import { staffMsg, type ScheduleItem } from '../core/messages-staff.ts';
import { foldDiacritics, normalizeText } from '../core/text.ts';
import type { Db, Tx } from '../db/client.ts';
import {
  CODE_PATTERN,
  deepLink,
  deputyKey,
  meetingInput,
  normalizeCode,
  saveMeetingIn,
  type MeetingInput,
} from '../meetings/service.ts';
import { qrCardPng } from '../meetings/poster.ts';
import { wardKey } from '../meetings/wards.ts';
import { notifyMeetingChange } from '../followup/changes.ts';
import { dayPeriod, parsePeriod, zonedYmd, type Period } from '../stats/period.ts';
import { actorOf, audit, rolesWith } from './access.ts';
import { renderIcs } from './ics.ts';

const UPCOMING_DAYS = 90;
const ICS_PAST_DAYS = 30;
const MAX_ITEMS = 30;

export interface ScheduleQuery {
  period?: Period;
  /** A ward, a deputy's name, a place or a meeting code, typed with or without diacritics. */
  query?: string;
}

/** The default window: today and the next 7 days. */
export function nextWeek(now: Date, timeZone: string): Period {
  const period = dayPeriod(zonedYmd(now, timeZone), 8, timeZone);
  return { ...period, label: `từ hôm nay đến ${period.label.split(' – ')[1] ?? period.label}` };
}

/** Meetings in the period that match the query; a query alone looks at the next 90 days. */
export async function findSchedule(
  db: Db | Tx,
  spec: ScheduleQuery,
  now: Date,
  timeZone: string,
): Promise<ScheduleItem[]> {
  const period =
    spec.period ?? (spec.query ? dayPeriod(zonedYmd(now, timeZone), UPCOMING_DAYS, timeZone) : nextWeek(now, timeZone));
  const meetings = await db.meeting.findMany({
    where: { startsAt: { gte: period.from, lt: period.to } },
    orderBy: { startsAt: 'asc' },
    include: { deputies: { include: { deputy: true } } },
  });
  const key = spec.query ? wardKey(spec.query) : '';
  const personKey = spec.query ? deputyKey(spec.query).replace(/^(dai bieu|db|dbqh)\s+/, '') : '';
  return meetings
    .filter((m) => {
      if (!key) return true;
      if (m.code === normalizeCode(spec.query!)) return true;
      if (m.ward && wardKey(m.ward).includes(key)) return true;
      if (wardKey(m.place).includes(key)) return true;
      return m.deputies.some((d) => d.deputy.nameKey.includes(personKey));
    })
    .slice(0, MAX_ITEMS)
    .map((m) => toItem(m));
}

function toItem(m: Omit<ScheduleItem, 'deputies'> & { deputies: { deputy: { name: string } }[] }): ScheduleItem {
  return {
    code: m.code,
    title: m.title,
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    place: m.place,
    ward: m.ward,
    status: m.status,
    deputies: m.deputies.map((d) => d.deputy.name),
  };
}

async function schedule(turn: Turn, args: string): Promise<void> {
  const tz = turn.config.TZ;
  const { period, rest } = parsePeriod(args, turn.now, tz);
  const items = await findSchedule(turn.tx, { period, query: rest || undefined }, turn.now, tz);
  const window = period ?? (rest ? undefined : nextWeek(turn.now, tz));
  const label = [window?.label ?? (rest ? 'sắp tới' : ''), rest ? `— ${rest}` : ''].filter(Boolean).join(' ');
  turn.reply(staffMsg.schedule(label, items, tz));
}

function firstIssue(input: MeetingInput, timeZone: string): string | null {
  const checked = meetingInput(timeZone).safeParse(input);
  if (checked.success) return null;
  const issue = checked.error.issues[0]!;
  return `${String(issue.path[0] ?? '')}: ${issue.message}`;
}

/** A meeting as the audit log records it before and after a change (its deputies by name). */
export async function meetingSnapshot(tx: Tx, code: string) {
  const meeting = await tx.meeting.findUnique({
    where: { code },
    include: { deputies: { include: { deputy: true } } },
  });
  if (!meeting) return null;
  const { deputies, createdAt: _c, updatedAt: _u, ...rest } = meeting;
  return { ...rest, deputies: deputies.map((d) => d.deputy.name) };
}

async function createMeeting(turn: Turn, args: string): Promise<void> {
  const parts = args.split('|').map((part) => normalizeText(part));
  if (parts.length < 4) return turn.reply(staffMsg.createUsage());
  const [code, title, when, place, ward, deputies] = parts as [string, string, string, string, string?, string?];
  const start = parseDateTime(when, turn.config.TZ);
  if (!start) return turn.reply(staffMsg.meetingInvalid(staffMsg.badDate(when)));
  if (CODE_PATTERN.test(code) && (await turn.tx.meeting.findUnique({ where: { code: normalizeCode(code) } }))) {
    return turn.reply(staffMsg.meetingExists(normalizeCode(code)));
  }
  const input: MeetingInput = { code, title, start: start.toISOString(), place, ward, deputies };
  const problem = firstIssue(input, turn.config.TZ);
  if (problem) return turn.reply(staffMsg.meetingInvalid(problem));
  const meeting = await saveMeetingIn(turn.tx, input, turn.config.TZ);
  await audit(turn.tx, {
    actor: actorOf(turn),
    action: 'meeting.create',
    entity: 'Meeting',
    entityId: meeting.code,
    after: await meetingSnapshot(turn.tx, meeting.code),
  });
  turn.reply(staffMsg.meetingSaved(meeting.code, meeting.title, true));
}

const EDIT_KEYS: Record<string, keyof MeetingInput> = {
  tieude: 'title',
  ten: 'title',
  gio: 'start',
  batdau: 'start',
  thoigian: 'start',
  ketthuc: 'end',
  diadiem: 'place',
  phuong: 'ward',
  xa: 'ward',
  daibieu: 'deputies',
  loai: 'kind',
  donvi: 'constituency',
};

async function editMeeting(turn: Turn, args: string): Promise<void> {
  const text = normalizeText(args);
  const code = text.split(/\s+/)[0] ?? '';
  const rest = text.slice(code.length);
  const before = CODE_PATTERN.test(code) ? await meetingSnapshot(turn.tx, normalizeCode(code)) : null;
  if (!code) return turn.reply(staffMsg.editUsage());
  if (!before) return turn.reply(staffMsg.meetingUnknown(code));
  const input: MeetingInput = {
    code: before.code,
    title: before.title,
    kind: before.kind,
    start: before.startsAt.toISOString(),
    end: before.endsAt?.toISOString(),
    place: before.place,
    ward: before.ward ?? undefined,
    constituency: before.constituency ?? undefined,
    deputies: before.deputies.join(';'),
  };
  const matches = [...rest.matchAll(/(^|\s)([\p{L}\p{N}_]+)\s*=\s*/gu)];
  if (matches.length === 0) return turn.reply(staffMsg.editUsage());
  for (const [index, match] of matches.entries()) {
    const key = EDIT_KEYS[foldDiacritics(match[2]!)];
    const value = rest.slice(match.index! + match[0].length, matches[index + 1]?.index ?? rest.length).trim();
    if (!key) return turn.reply(staffMsg.editUsage());
    if (key === 'start' || key === 'end') {
      const date = parseDateTime(value, turn.config.TZ);
      if (!date) return turn.reply(staffMsg.meetingInvalid(staffMsg.badDate(value)));
      input[key] = date.toISOString();
    } else {
      input[key] = value;
    }
  }
  const problem = firstIssue(input, turn.config.TZ);
  if (problem) return turn.reply(staffMsg.meetingInvalid(problem));
  const meeting = await saveMeetingIn(turn.tx, input, turn.config.TZ);
  await audit(turn.tx, {
    actor: actorOf(turn),
    action: 'meeting.edit',
    entity: 'Meeting',
    entityId: meeting.code,
    before,
    after: await meetingSnapshot(turn.tx, meeting.code),
  });
  turn.reply(staffMsg.meetingSaved(meeting.code, meeting.title, false));
}

/** What setting a meeting's status did: changed it, found it already so, or refused (opening a cancelled one). */
export type StatusChange = 'changed' | 'same' | 'refused';

/**
 * Sets a meeting's status as /mohop, /donghop and /huyhop do: a cancelled meeting is not
 * opened; a cancellation tells the waiting voters and attending deputies once; each change is audited.
 */
export async function setMeetingStatus(
  tx: Tx,
  meeting: { id: number; code: string; title: string; startsAt: Date; place: string; status: string },
  status: 'open' | 'closed' | 'cancelled',
  actor: string,
  timeZone: string,
): Promise<StatusChange> {
  if (status === 'open' && meeting.status === 'cancelled') return 'refused';
  if (meeting.status === status) return 'same';
  await tx.meeting.update({ where: { id: meeting.id }, data: { status } });
  if (status === 'cancelled') await notifyMeetingChange(tx, meeting, 'cancelled', timeZone);
  await audit(tx, {
    actor,
    action: `meeting.${status}`,
    entity: 'Meeting',
    entityId: meeting.code,
    before: { status: meeting.status },
    after: { status },
  });
  return 'changed';
}

function meetingStatusCommand(
  command: string,
  status: 'open' | 'closed' | 'cancelled',
  botUsername: () => string | undefined,
): Command['run'] {
  return async (turn, args) => {
    const code = normalizeCode(args.split(/\s+/)[0] ?? '');
    if (!code) return turn.reply(staffMsg.meetingCodeUsage(command));
    const meeting = CODE_PATTERN.test(code) ? await turn.tx.meeting.findUnique({ where: { code } }) : null;
    if (!meeting) return turn.reply(staffMsg.meetingUnknown(code));
    const change = await setMeetingStatus(turn.tx, meeting, status, actorOf(turn), turn.config.TZ);
    if (change === 'refused') return turn.reply(staffMsg.meetingCancelledNoOpen(code));
    if (change === 'same' && status !== 'open') return turn.reply(staffMsg.meetingStatusSame(code, status));
    if (status !== 'open') return turn.reply(staffMsg.meetingStatusSet(code, status));
    // Telegram voters scan a deep link; without Telegram the QR carries the code to type.
    const username = botUsername();
    const link = username ? deepLink(username, code) : null;
    const png = await qrCardPng(link ?? code, code, meeting.title);
    turn.reply({
      text: staffMsg.meetingOpened(code, meeting.title, link),
      file: { name: `qr-${code}.png`, base64: png.toString('base64'), kind: 'photo' },
    });
  };
}

/** Every meeting from a month ago on, as the calendar file staff and the CLI export. */
export async function scheduleIcs(db: Db | Tx, now: Date, from?: Date): Promise<{ ics: string; count: number }> {
  const since = from ?? new Date(now.getTime() - ICS_PAST_DAYS * 86_400_000);
  const meetings = await db.meeting.findMany({
    where: { startsAt: { gte: since } },
    orderBy: { startsAt: 'asc' },
    include: { deputies: { include: { deputy: true } } },
  });
  return { ics: renderIcs(meetings.map(toItem), now), count: meetings.length };
}

async function sendIcs(turn: Turn): Promise<void> {
  const { ics, count } = await scheduleIcs(turn.tx, turn.now);
  turn.reply({
    text: staffMsg.icsCaption(count),
    file: { name: 'lich-tiep-xuc-cu-tri.ics', base64: Buffer.from(ics, 'utf8').toString('base64'), kind: 'document' },
  });
}

/** The meeting schedule (everyone may ask) and managing meetings (office staff). */
export function scheduleCommands(botUsername: () => string | undefined): Command[] {
  const managers = rolesWith('manageMeetings');
  const status = (name: string, to: 'open' | 'closed' | 'cancelled', help: string): Command => ({
    name,
    roles: managers,
    usage: `/${name} MÃ`,
    help,
    run: meetingStatusCommand(name, to, botUsername),
  });
  return [
    {
      name: 'lich',
      roles: rolesWith('schedule'),
      usage: '/lich, /lich tuan nay, /lich <phường hoặc đại biểu>',
      help: 'lịch tiếp xúc cử tri',
      run: schedule,
    },
    {
      name: 'taohop',
      roles: managers,
      usage: '/taohop MÃ | tiêu đề | 05/12/2026 08:00 | địa điểm | phường | đại biểu 1; đại biểu 2',
      help: 'tạo hội nghị',
      run: createMeeting,
    },
    { name: 'suahop', roles: managers, usage: '/suahop MÃ diadiem=… gio=…', help: 'sửa hội nghị', run: editMeeting },
    status('mohop', 'open', 'mở hội nghị nhận ý kiến'),
    status('donghop', 'closed', 'đóng hội nghị'),
    status('huyhop', 'cancelled', 'hủy hội nghị'),
    { name: 'lichics', roles: managers, usage: '/lichics', help: 'tệp lịch .ics', run: sendIcs },
  ];
}
