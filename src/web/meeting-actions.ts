// Changing meetings from the workspace through the services the chat commands use: the
// meeting schema and saveMeetingIn (src/meetings/service.ts), status changes and audit
// snapshots as /taohop, /suahop, /mohop, /donghop and /huyhop (src/staff/schedule.ts), the
// minutes import (src/minutes/import.ts) and /ghi's store (src/minutes/feature.ts).
import { CLASSIFY_JOB } from '../classify/jobs.ts';
import { MEETING_STATUS_LABELS, staffMsg } from '../core/messages-staff.ts';
import { normalizeText } from '../core/text.ts';
import { zoneOffsetMs } from '../core/time.ts';
import { transaction } from '../db/sql.ts';
import { MAX_PETITION_CHARS } from '../intake/petitions.ts';
import { meetingInput, normalizeCode, saveMeetingIn, type MeetingInput } from '../meetings/service.ts';
import { ColumnsError } from '../minutes/columns.ts';
import { storeSpokenPetition } from '../minutes/feature.ts';
import { importItems, importMinutes, ImportError, type ImportReport } from '../minutes/import.ts';
import { minutesMsg } from '../minutes/messages.ts';
import { SourceError } from '../minutes/read.ts';
import type { Skipped, SkipReason, SplitItem } from '../minutes/split.ts';
import { audit } from '../staff/access.ts';
import { meetingSnapshot, setMeetingStatus } from '../staff/schedule.ts';
import type { WebDeps } from './types.ts';

/** Meeting kinds as the office names them. */
export const KIND_LABELS: Record<string, string> = {
  before_session: 'Trước kỳ họp',
  after_session: 'Sau kỳ họp',
  thematic: 'Chuyên đề',
  sector: 'Theo ngành, lĩnh vực',
  other: 'Khác',
};

export const MEETING_STATUSES = ['open', 'closed', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** Files the minutes upload reads (src/minutes/read.ts). */
export const MINUTES_EXTENSIONS = ['.docx', '.pdf', '.xlsx', '.csv', '.txt'];
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const MAX_VOTERS = 100_000;

/** The meeting form's fields, as typed. */
export interface MeetingForm {
  code: string;
  title: string;
  kind: string;
  start: string;
  end: string;
  place: string;
  ward: string;
  constituency: string;
  /** one name a line, or separated by `;` */
  deputies: string;
  expectedVoters: string;
}

const FORM_FIELDS = [
  'code',
  'title',
  'kind',
  'start',
  'end',
  'place',
  'ward',
  'constituency',
  'deputies',
  'expectedVoters',
] as const satisfies readonly (keyof MeetingForm)[];

/** How each field is named in an error line. */
const FIELD_LABELS: Record<string, string> = {
  code: 'Mã',
  title: 'Tiêu đề',
  kind: 'Loại',
  start: 'Bắt đầu',
  end: 'Kết thúc',
  place: 'Địa điểm',
  ward: 'Phường/xã',
  constituency: 'Đơn vị bầu cử',
  deputies: 'Đại biểu',
};

type Body = Record<string, unknown>;

function text(body: Body, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** The form's fields from a posted body. */
export function formOf(body: Body): MeetingForm {
  const form = {} as MeetingForm;
  for (const name of FORM_FIELDS) form[name] = text(body, name);
  return form;
}

/** A meeting's current values in the form (times as the browser's datetime-local fields take them). */
export function formOfMeeting(
  meeting: {
    code: string;
    title: string;
    kind: string;
    startsAt: Date;
    endsAt: Date | null;
    place: string;
    ward: string | null;
    constituency: string | null;
    expectedVoters: number | null;
  },
  deputies: string[],
  timeZone: string,
): MeetingForm {
  return {
    code: meeting.code,
    title: meeting.title,
    kind: meeting.kind,
    start: localInput(meeting.startsAt, timeZone),
    end: meeting.endsAt ? localInput(meeting.endsAt, timeZone) : '',
    place: meeting.place,
    ward: meeting.ward ?? '',
    constituency: meeting.constituency ?? '',
    deputies: deputies.join('\n'),
    expectedVoters: meeting.expectedVoters === null ? '' : String(meeting.expectedVoters),
  };
}

/** YYYY-MM-DDTHH:mm in the zone, the value of an `<input type="datetime-local">`. */
export function localInput(date: Date, timeZone: string): string {
  return new Date(date.getTime() + zoneOffsetMs(date.getTime(), timeZone)).toISOString().slice(0, 16);
}

export type SaveResult = { ok: true; code: string } | { ok: false; status: 409 | 422; message: string };

/** What the form says, checked by the meeting schema the command line and chat use. */
function inputOf(form: MeetingForm, timeZone: string): { input: MeetingInput; voters: number | null } | string {
  const input: MeetingInput = {
    code: form.code,
    title: form.title,
    kind: form.kind || undefined,
    start: form.start,
    end: form.end || undefined,
    place: form.place,
    ward: form.ward || undefined,
    constituency: form.constituency || undefined,
    deputies: form.deputies
      .split(/[;\n]/)
      .map((name) => name.trim())
      .filter(Boolean)
      .join(';'),
  };
  const checked = meetingInput(timeZone).safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    return `${FIELD_LABELS[field] ?? field}: ${issue.message}`;
  }
  if (!form.expectedVoters) return { input, voters: null };
  const voters = Number(form.expectedVoters);
  if (!Number.isInteger(voters) || voters < 0 || voters > MAX_VOTERS) {
    return `Số cử tri dự kiến: "${form.expectedVoters}" không phải số hợp lệ.`;
  }
  return { input, voters };
}

/**
 * Creates a meeting (`code` absent) or edits the one with `code`, with its audit entry
 * (meeting.create / meeting.edit, before and after) as /taohop and /suahop write it.
 */
export async function saveMeetingForm(
  deps: WebDeps,
  form: MeetingForm,
  actor: string,
  code?: string,
): Promise<SaveResult> {
  const tz = deps.config.TZ;
  const checked = inputOf(code ? { ...form, code } : form, tz);
  if (typeof checked === 'string') return { ok: false, status: 422, message: checked };
  const target = normalizeCode(checked.input.code);
  const saved = await transaction(deps.db, async (tx) => {
    const before = await meetingSnapshot(tx, target);
    if (!code && before) return null;
    const meeting = await saveMeetingIn(tx, checked.input, tz);
    await tx.meeting.update({ where: { id: meeting.id }, data: { expectedVoters: checked.voters } });
    await audit(tx, {
      actor,
      action: code ? 'meeting.edit' : 'meeting.create',
      entity: 'Meeting',
      entityId: meeting.code,
      ...(code ? { before } : {}),
      after: await meetingSnapshot(tx, meeting.code),
    });
    return meeting.code;
  });
  if (saved === null) return { ok: false, status: 409, message: staffMsg.meetingExists(target) };
  // A moved meeting's notices are in the outbox: send them now rather than at the next poll.
  void deps.outbox.flushDue();
  return { ok: true, code: saved };
}

/** Opens, closes or cancels a meeting as the chat commands do; the sentence to show. */
export async function changeMeetingStatus(
  deps: WebDeps,
  meeting: { id: number; code: string; title: string; startsAt: Date; place: string; status: string },
  status: MeetingStatus,
  actor: string,
): Promise<string> {
  const change = await transaction(deps.db, (tx) => setMeetingStatus(tx, meeting, status, actor, deps.config.TZ));
  if (change === 'refused') return staffMsg.meetingCancelledNoOpen(meeting.code);
  if (change === 'same') return staffMsg.meetingStatusSame(meeting.code, status);
  if (status === 'cancelled') void deps.outbox.flushDue();
  return `Hội nghị ${meeting.code}: ${MEETING_STATUS_LABELS[status]}.`;
}

/** A rejected upload or entry: the reason, in Vietnamese, safe to show. */
export class IntakeProblem extends Error {}

/** Reads an uploaded minutes file and shows what an import would store (nothing is stored). */
export async function previewMinutes(
  deps: WebDeps,
  meetingCode: string,
  file: unknown,
  columns: string,
  actor: string,
): Promise<{ fileName: string; report: ImportReport }> {
  if (!(file instanceof File) || file.size === 0) throw new IntakeProblem('Chưa chọn tệp biên bản hoặc danh sách.');
  const fileName = file.name.replace(/^.*[\\/]/, '');
  const ext = fileName.includes('.') ? fileName.slice(fileName.lastIndexOf('.')).toLowerCase() : '';
  if (!MINUTES_EXTENSIONS.includes(ext)) {
    throw new IntakeProblem(`Chỉ nhận tệp ${MINUTES_EXTENSIONS.join(', ')}: "${fileName}".`);
  }
  if (file.size > MAX_UPLOAD_BYTES) throw new IntakeProblem('Tệp lớn quá 20 MB.');
  const content = Buffer.from(await file.arrayBuffer());
  const report = await readingProblems(deps, () =>
    importMinutes(deps.db, {
      meetingCode,
      fileName,
      content,
      columns: columns || undefined,
      dryRun: true,
      now: new Date(),
      timeZone: deps.config.TZ,
      actor,
    }),
  );
  return { fileName, report };
}

/** The reader's and importer's own messages are for people; anything else is a file we could not read. */
async function readingProblems<T>(deps: WebDeps, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const told = error instanceof ImportError || error instanceof SourceError || error instanceof ColumnsError;
    if (told) throw new IntakeProblem(error.message);
    deps.log.warn({ err: error }, 'minutes file not read');
    throw new IntakeProblem('Không đọc được tệp này. Xin kiểm tra định dạng (hoặc lưu lại) rồi thử lại.');
  }
}

const SKIP_REASONS = new Set<SkipReason>(['preamble', 'heading', 'answer', 'closing', 'header_row', 'no_content']);

/** The preview form's rows as staff left them: unticked or emptied rows are not stored. */
export function itemsOfForm(body: Body): { items: SplitItem[]; skipped: Skipped[] } {
  const rows = Math.min(Number(text(body, 'count')) || 0, 10_000);
  const items: SplitItem[] = [];
  for (let i = 0; i < rows; i++) {
    const itemText = normalizeMultiline(text(body, `text.${i}`));
    if (!text(body, `keep.${i}`) || !itemText) continue;
    items.push({
      position: text(body, `position.${i}`) || `mục ${i + 1}`,
      speaker: text(body, `speaker.${i}`) || null,
      area: text(body, `area.${i}`) || null,
      text: itemText,
      voters: votersOf(text(body, `voters.${i}`)),
      section: null,
    });
  }
  return { items, skipped: skippedOf(text(body, 'skipped')) };
}

function normalizeMultiline(value: string): string {
  return value.replace(/\r\n?/g, '\n').trim();
}

function votersOf(value: string): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_VOTERS ? n : 1;
}

/** The preview's skipped paragraphs, carried in the form for the import's audit entry. */
function skippedOf(json: string): Skipped[] {
  try {
    const parsed: unknown = JSON.parse(json || '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((entry: unknown) => {
      const e = entry as Partial<Skipped>;
      return typeof e.position === 'string' && SKIP_REASONS.has(e.reason as SkipReason)
        ? [{ position: e.position, reason: e.reason!, excerpt: String(e.excerpt ?? '') }]
        : [];
    });
  } catch {
    return [];
  }
}

/** Stores the reviewed rows as `petition import` would; the sentence to show. */
export async function confirmMinutes(
  deps: WebDeps,
  meetingCode: string,
  fileName: string,
  rows: { items: SplitItem[]; skipped: Skipped[] },
  actor: string,
): Promise<string> {
  if (!rows.items.length) throw new IntakeProblem('Không còn kiến nghị nào để lưu.');
  const report = await readingProblems(deps, () =>
    importItems(deps.db, {
      meetingCode,
      fileName: fileName || 'bien-ban',
      ...rows,
      dryRun: false,
      now: new Date(),
      timeZone: deps.config.TZ,
      actor,
    }),
  );
  deps.queue.kick(CLASSIFY_JOB);
  return `Đã lưu từ ${fileName}: ${report.created} kiến nghị mới, ${report.updated} cập nhật, ${report.unchanged} không đổi.`;
}

/** One petition typed at the meeting, stored as /ghi stores it; the sentence to show. */
export async function quickEntry(
  deps: WebDeps,
  meeting: { id: number; code: string; ward: string | null },
  body: Body,
  actor: string,
): Promise<string> {
  const entryText = normalizeMultiline(text(body, 'text'));
  if (!entryText) throw new IntakeProblem('Chưa nhập nội dung kiến nghị.');
  if (entryText.length > MAX_PETITION_CHARS) throw new IntakeProblem(minutesMsg.tooLong(MAX_PETITION_CHARS));
  const entry = {
    text: entryText,
    speaker: normalizeText(text(body, 'speaker')) || null,
    area: normalizeText(text(body, 'area')) || null,
    voters: votersOf(text(body, 'voters')),
  };
  const context = { now: new Date(), timeZone: deps.config.TZ, actor };
  const stored = await transaction(deps.db, (tx) => storeSpokenPetition(tx, meeting, entry, context));
  deps.queue.kick(CLASSIFY_JOB);
  return minutesMsg.quickEntryStored(stored.trackingCode, meeting.code);
}
