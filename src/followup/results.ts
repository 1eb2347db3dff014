// The results report ("báo cáo kết quả giải quyết kiến nghị cử tri") for a meeting or a
// constituency: each petition raised there with its agency, answer, and whether it is
// resolved, grouped by authority level and field, in Word or Excel. It is what reaches the
// voters whose petitions came from the minutes and have no chat.
import { AlignmentType, type Paragraph, type Table } from 'docx';
import { orderIn, taxonomyLabels, type Labels } from '../classify/labels.ts';
import { redactPersonalData } from '../classify/pii.ts';
import { NOT_PETITION } from '../classify/review.ts';
import type { Config } from '../config/index.ts';
import { resultsText } from '../core/messages-staff.ts';
import { answerKey } from '../core/text.ts';
import { formatDate } from '../core/time.ts';
import type { Db, Tx } from '../db/client.ts';
import { normalizeCode } from '../meetings/service.ts';
import { officialDocx, para, table } from './document.ts';

export const RESULTS_FORMATS = ['docx', 'xlsx'] as const;
export type ResultsFormat = (typeof RESULTS_FORMATS)[number];

export class ResultsError extends Error {}

export type ResultsScope = { meetingCode: string } | { constituency: string };

export interface ResultRow {
  trackingCode: string;
  meeting: string;
  text: string;
  authority: string | null;
  field: string | null;
  agency: string | null;
  status: string;
  answer: string | null;
  answerRef: string | null;
  answeredAt: Date | null;
  resolved: boolean;
}

export interface ResultsData {
  scope: string;
  rows: ResultRow[];
}

const LEFT_OUT = ['duplicate', 'rejected', NOT_PETITION];

/** The petitions raised at the meeting, or at every meeting of the constituency. */
export async function loadResults(db: Db | Tx, scope: ResultsScope): Promise<ResultsData> {
  let meetingIds: number[];
  let label: string;
  if ('meetingCode' in scope) {
    const meeting = await db.meeting.findUnique({ where: { code: normalizeCode(scope.meetingCode) } });
    if (!meeting) throw new ResultsError(resultsText.unknownMeeting(scope.meetingCode));
    meetingIds = [meeting.id];
    label = resultsText.meetingScope(meeting.code, meeting.title);
  } else {
    const key = answerKey(scope.constituency);
    const meetings = await db.meeting.findMany({
      where: { constituency: { not: null } },
      select: { id: true, constituency: true },
    });
    meetingIds = meetings.filter((m) => answerKey(m.constituency!) === key).map((m) => m.id);
    if (meetingIds.length === 0) throw new ResultsError(resultsText.unknownConstituency(scope.constituency));
    label = resultsText.constituencyScope(scope.constituency);
  }
  const petitions = await db.petition.findMany({
    where: { meetingId: { in: meetingIds }, status: { notIn: LEFT_OUT } },
    include: { meeting: true },
    orderBy: { id: 'asc' },
  });
  const rows = petitions.map((p) => ({
    trackingCode: p.trackingCode,
    meeting: p.meeting ? p.meeting.code : '',
    text: redactPersonalData(p.textNormalized),
    authority: p.authority,
    field: p.field,
    agency: p.forwardedTo ?? p.agency,
    status: p.status,
    answer: p.answerText,
    answerRef: p.answerRef,
    answeredAt: p.answeredAt,
    resolved: p.status === 'resolved',
  }));
  return { scope: label, rows };
}

/** Rows by level, then by field, in the taxonomy's order. */
export function grouped(
  rows: ResultRow[],
  labels: Labels,
): { level: string; fields: { field: string; rows: ResultRow[] }[] }[] {
  const levels = [...new Set(rows.map((r) => r.authority))].sort(
    (a, b) => orderIn(labels.levelIds, a) - orderIn(labels.levelIds, b),
  );
  return levels.map((level) => {
    const inLevel = rows.filter((r) => r.authority === level);
    const fields = [...new Set(inLevel.map((r) => r.field))].sort(
      (a, b) => orderIn(labels.fieldIds, a) - orderIn(labels.fieldIds, b),
    );
    return {
      level: labels.level(level),
      fields: fields.map((field) => ({ field: labels.field(field), rows: inLevel.filter((r) => r.field === field) })),
    };
  });
}

function answerCell(row: ResultRow, timeZone: string): string {
  if (!row.answer && !row.answerRef) return resultsText.noAnswer();
  const ref = row.answerRef
    ? resultsText.answerRef(row.answerRef, row.answeredAt ? formatDate(row.answeredAt, timeZone) : null)
    : '';
  return [ref, row.answer ?? ''].filter(Boolean).join('\n');
}

function counts(rows: ResultRow[]) {
  return {
    total: rows.length,
    answered: rows.filter((r) => r.answer !== null || r.answerRef !== null).length,
    resolved: rows.filter((r) => r.resolved).length,
  };
}

async function resultsDocx(config: Config, data: ResultsData, now: Date): Promise<Buffer> {
  const labels = taxonomyLabels(config.TAXONOMY);
  const body: (Paragraph | Table)[] = [
    para(data.scope, { align: AlignmentType.CENTER, italics: true }),
    para(resultsText.summary(counts(data.rows))),
  ];
  for (const [i, level] of grouped(data.rows, labels).entries()) {
    body.push(para(`${resultsText.roman(i + 1)}. ${level.level}`, { bold: true }));
    for (const [j, field] of level.fields.entries()) {
      body.push(para(`${j + 1}. ${field.field}`, { bold: true, italics: true }));
      body.push(
        table(
          resultsText.columns(),
          field.rows.map((r, k) => [
            String(k + 1),
            `${r.trackingCode}\n${r.meeting}`,
            r.text,
            r.agency ?? '',
            answerCell(r, config.TZ),
            resultsText.resolved(r.resolved, r.status),
          ]),
          [6, 16, 30, 14, 22, 12],
        ),
      );
    }
  }
  return officialDocx(config, {
    number: '',
    title: resultsText.title(),
    subject: resultsText.subtitle(),
    date: now,
    recipients: resultsText.recipients(),
    body,
  });
}

async function resultsXlsx(config: Config, data: ResultsData): Promise<Buffer> {
  const ExcelJS = (await import('exceljs')).default;
  const labels = taxonomyLabels(config.TAXONOMY);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(resultsText.sheet());
  sheet.addRow([resultsText.title(), data.scope]);
  sheet.addRow(resultsText.xlsxColumns()).font = { bold: true };
  for (const level of grouped(data.rows, labels)) {
    for (const field of level.fields) {
      for (const r of field.rows) {
        sheet.addRow([
          level.level,
          field.field,
          r.trackingCode,
          r.meeting,
          r.text,
          r.agency ?? '',
          r.answerRef ?? '',
          r.answeredAt ? formatDate(r.answeredAt, config.TZ) : '',
          r.answer ?? '',
          resultsText.resolved(r.resolved, r.status),
        ]);
      }
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The report file for the scope. */
export async function buildResults(
  db: Db | Tx,
  config: Config,
  scope: ResultsScope,
  format: ResultsFormat,
  now = new Date(),
): Promise<{ buffer: Buffer; rows: number; fileName: string }> {
  const data = await loadResults(db, scope);
  const buffer = format === 'docx' ? await resultsDocx(config, data, now) : await resultsXlsx(config, data);
  const name =
    'meetingCode' in scope ? normalizeCode(scope.meetingCode) : answerKey(scope.constituency).replace(/ /g, '-');
  return { buffer, rows: data.rows.length, fileName: `ket-qua-giai-quyet-${name}.${format}` };
}
