// Meetings ("hội nghị tiếp xúc cử tri"): creation, CSV import, lookup by code, QR links.
import { parse } from 'csv-parse/sync';
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { queryRows, transaction } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { MeetingInfo } from '../core/messages.ts';
import { invalidDateTime, OFFICE_TIME_ZONE, parseDateTime } from '../core/dates.ts';
import { foldDiacritics, normalizeText } from '../core/text.ts';
import { notifyMeetingChange } from '../followup/changes.ts';

export const MEETING_KINDS = ['before_session', 'after_session', 'thematic', 'sector', 'other'] as const;
export const CODE_PATTERN = /^[A-Za-z0-9_-]{2,64}$/;

/** A date and time as the office types it (core/dates.ts), refused with the one line that names it. */
function dateTime(timeZone: string) {
  return z
    .string()
    .trim()
    .transform((value, ctx) => {
      const date = parseDateTime(value, timeZone);
      if (!date) ctx.addIssue({ code: 'custom', message: invalidDateTime(value) });
      return date ?? z.NEVER;
    });
}

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? normalizeText(value) : undefined));

/** A meeting as typed (command line, CSV, chat); dates without an offset are read in `timeZone`. */
export function meetingInput(timeZone: string) {
  return z
    .object({
      code: z.string().trim().regex(CODE_PATTERN, 'mã chỉ gồm A-Z a-z 0-9 _ - (2 đến 64 ký tự)'),
      title: z.string().trim().min(1, 'thiếu tiêu đề').transform(normalizeText),
      start: dateTime(timeZone),
      end: z
        .string()
        .trim()
        .optional()
        .transform((v) => v || undefined)
        .pipe(dateTime(timeZone).optional()),
      place: z.string().trim().min(1, 'thiếu địa điểm').transform(normalizeText),
      ward: optionalText,
      kind: z
        .string()
        .trim()
        .optional()
        .transform((v) => v || 'other')
        .pipe(z.enum(MEETING_KINDS)),
      constituency: optionalText,
      deputies: z
        .string()
        .optional()
        .transform((value) =>
          (value ?? '')
            .split(';')
            .map((name) => normalizeText(name))
            .filter(Boolean),
        ),
    })
    .refine((m) => !m.end || m.end >= m.start, { message: 'giờ kết thúc trước giờ bắt đầu', path: ['end'] });
}

export type MeetingInput = z.input<ReturnType<typeof meetingInput>>;

export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

export function deputyKey(name: string): string {
  return foldDiacritics(normalizeText(name)).replace(/\s+/g, ' ');
}

/** The meeting a voter names (plain SQL: every voter's first message looks one up). */
export async function findMeetingByCode(db: Db | Tx, code: string): Promise<(MeetingInfo & { id: number }) | null> {
  if (!CODE_PATTERN.test(code.trim())) return null;
  const [row] = await queryRows<Omit<MeetingInfo, 'startsAt'> & { id: number; startsAt: string }>(
    db,
    Prisma.sql`SELECT "id", "code", "title", "place", "ward", "startsAt", "status" FROM "Meeting" WHERE "code" = ${normalizeCode(code)}`,
  );
  return row ? { ...row, id: Number(row.id), startsAt: new Date(row.startsAt) } : null;
}

/** Creates the meeting, or updates the one with the same code (imports can be re-run). */
export async function saveMeeting(db: Db, input: MeetingInput, timeZone = OFFICE_TIME_ZONE) {
  return transaction(db, (tx) => saveMeetingIn(tx, input, timeZone));
}

/** saveMeeting inside a transaction the caller already holds (a chat turn). */
export async function saveMeetingIn(tx: Tx, input: MeetingInput, timeZone: string) {
  const parsed = meetingInput(timeZone).parse(input);
  const code = normalizeCode(parsed.code);
  const fields = {
    title: parsed.title,
    kind: parsed.kind,
    startsAt: parsed.start,
    endsAt: parsed.end ?? null,
    place: parsed.place,
    ward: parsed.ward ?? null,
    constituency: parsed.constituency ?? null,
  };
  const before = await tx.meeting.findUnique({ where: { code }, select: { startsAt: true, status: true } });
  const meeting = await tx.meeting.upsert({ where: { code }, create: { code, ...fields }, update: fields });
  // A meeting moved to another time: its waiting voters and attending deputies are told once.
  if (before && before.status !== 'cancelled' && before.startsAt.getTime() !== meeting.startsAt.getTime()) {
    await notifyMeetingChange(tx, meeting, 'moved', timeZone);
  }
  await tx.meetingDeputy.deleteMany({ where: { meetingId: meeting.id } });
  for (const name of parsed.deputies) {
    const deputy = await tx.deputy.upsert({
      where: { nameKey: deputyKey(name) },
      create: { name, nameKey: deputyKey(name), constituency: parsed.constituency ?? null },
      update: {},
    });
    await tx.meetingDeputy.create({ data: { meetingId: meeting.id, deputyId: deputy.id } });
  }
  return meeting;
}

export interface ImportResult {
  saved: number;
  errors: { line: number; message: string }[];
}

/** Imports a CSV with header code,title,kind,start,end,place,ward,constituency,deputies (dates in `timeZone`). */
export async function importMeetingsCsv(db: Db, csv: string, timeZone: string): Promise<ImportResult> {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  const result: ImportResult = { saved: 0, errors: [] };
  for (const [index, row] of rows.entries()) {
    const line = index + 2;
    const checked = meetingInput(timeZone).safeParse(row);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      result.errors.push({ line, message: `${String(issue.path[0] ?? '')}: ${issue.message}` });
      continue;
    }
    await saveMeeting(db, row as MeetingInput, timeZone);
    result.saved++;
  }
  return result;
}

export async function listMeetings(db: Db, from?: Date) {
  return db.meeting.findMany({
    where: from ? { startsAt: { gte: from } } : {},
    orderBy: { startsAt: 'asc' },
    include: { deputies: { include: { deputy: true } } },
  });
}

export function deepLink(botUsername: string, code: string): string {
  return `https://t.me/${botUsername}?start=${normalizeCode(code)}`;
}

/** Writes the QR code of `link` with the meeting's code and title printed under it. */
export async function writeQrPng(link: string, file: string, meeting: { code: string; title: string }): Promise<void> {
  // PDF and image libraries load only here: listing or saving meetings does not need them.
  const { qrCardPng } = await import('./poster.ts');
  await writeFile(file, await qrCardPng(link, meeting.code, meeting.title));
}

export const DEMO_MEETING_CODE = 'DEMO';
