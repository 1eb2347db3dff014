// The Excel workbook: a summary sheet (counts by authority level and field), every
// petition on one sheet, then one sheet per authority level. Dates are real date cells holding
// the office's wall-clock time, since Excel dates carry no zone.
import ExcelJS from 'exceljs';
import { reportText } from '../core/messages-digest.ts';
import { STATUS_LABELS } from '../core/messages.ts';
import { channelLabel } from '../core/messages-staff.ts';
import { orderIn, type Labels } from '../classify/labels.ts';
import { zoneOffsetMs } from '../core/time.ts';
import { byLevelAndField, type ReportData, type ReportPetition } from './data.ts';

type Column = keyof typeof reportText.columns;
const DATE_COLUMNS = new Set<Column>(['receivedAt', 'forwardedAt', 'answeredAt', 'resolvedAt']);
const DATE_FORMAT = 'dd/mm/yyyy hh:mm';
const COLUMNS: { key: Column; width: number }[] = [
  { key: 'trackingCode', width: 16 },
  { key: 'receivedAt', width: 17 },
  { key: 'meetingCode', width: 14 },
  { key: 'meetingTitle', width: 30 },
  { key: 'channel', width: 14 },
  { key: 'text', width: 60 },
  { key: 'summary', width: 40 },
  { key: 'authority', width: 18 },
  { key: 'field', width: 28 },
  { key: 'agency', width: 28 },
  { key: 'status', width: 24 },
  { key: 'group', width: 36 },
  { key: 'anonymous', width: 9 },
  { key: 'forwardedTo', width: 28 },
  { key: 'forwardedAt', width: 17 },
  { key: 'answerRef', width: 18 },
  { key: 'answerText', width: 50 },
  { key: 'answeredAt', width: 17 },
  { key: 'resolvedAt', width: 17 },
];

/** Excel forbids : \ / ? * [ ] in sheet names and allows 31 characters. */
export function sheetName(label: string, taken: Set<string>): string {
  const base =
    label
      .replace(/[:\\/?*[\]]/g, '-')
      .slice(0, 31)
      .trim() || 'Sheet';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 27)} (${n})`;
  taken.add(name.toLowerCase());
  return name;
}

/** The office's wall-clock time of `date` as a zone-less Excel date (its UTC fields read as local). */
export function wallClock(date: Date, timeZone: string): Date {
  const instant = Math.floor(date.getTime() / 1000) * 1000;
  return new Date(instant + zoneOffsetMs(instant, timeZone));
}

function row(p: ReportPetition, labels: Labels, tz: string): Record<Column, string | Date | null> {
  const when = (date: Date | null) => (date ? wallClock(date, tz) : null);
  return {
    trackingCode: p.trackingCode,
    receivedAt: when(p.receivedAt),
    meetingCode: p.meetingCode ?? '',
    meetingTitle: p.meetingTitle ?? '',
    channel: channelLabel(p.channel),
    text: p.text,
    summary: p.summary ?? '',
    authority: labels.level(p.authority),
    field: labels.field(p.field),
    agency: p.agency ?? '',
    status: STATUS_LABELS[p.status] ?? p.status,
    group: p.groupTitle ?? '',
    anonymous: p.anonymous ? reportText.yes : reportText.no,
    forwardedTo: p.forwardedTo ?? '',
    forwardedAt: when(p.forwardedAt),
    answerRef: p.answerRef ?? '',
    answerText: p.answerText ?? '',
    answeredAt: when(p.answeredAt),
    resolvedAt: when(p.resolvedAt),
  };
}

function petitionSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  petitions: ReportPetition[],
  labels: Labels,
  tz: string,
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({
    header: reportText.columns[c.key],
    key: c.key,
    width: c.width,
    ...(DATE_COLUMNS.has(c.key) ? { style: { numFmt: DATE_FORMAT } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const p of petitions) sheet.addRow(row(p, labels, tz));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
}

function summarySheet(workbook: ExcelJS.Workbook, name: string, data: ReportData, labels: Labels): void {
  const sheet = workbook.addWorksheet(name);
  sheet.addRow([`${reportText.type} ${reportText.title.toUpperCase()}`]).font = { bold: true, size: 14 };
  sheet.addRow([reportText.period(data.from, data.to)]);
  if (data.meeting) sheet.addRow([reportText.forMeeting(data.meeting.code, data.meeting.title)]);
  sheet.addRow([]);
  const header = sheet.addRow(reportText.summaryHeader);
  header.font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: header.number }];
  sheet.autoFilter = { from: { row: header.number, column: 1 }, to: { row: header.number, column: 5 } };
  const count = (list: ReportPetition[]) => [
    list.length,
    new Set(list.map((p) => p.voterKey)).size,
    new Set(list.map((p) => p.meetingId).filter((id) => id !== null)).size,
  ];
  for (const level of byLevelAndField(data.petitions, labels, orderIn)) {
    for (const field of level.fields) sheet.addRow([level.label, field.label, ...count(field.petitions)]);
    sheet.addRow([level.label, reportText.total, ...count(level.petitions)]).font = { bold: true };
  }
  sheet.addRow([reportText.total, '', ...count(data.petitions)]).font = { bold: true };
  sheet.columns.forEach((column, index) => (column.width = [26, 36, 12, 12, 12][index] ?? 12));
}

export async function buildXlsx(data: ReportData, labels: Labels, timeZone: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'kiennghi';
  const taken = new Set<string>();
  summarySheet(workbook, sheetName(reportText.summarySheet, taken), data, labels);
  petitionSheet(workbook, sheetName(reportText.allSheet, taken), data.petitions, labels, timeZone);
  for (const level of byLevelAndField(data.petitions, labels, orderIn)) {
    petitionSheet(workbook, sheetName(level.label, taken), level.petitions, labels, timeZone);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
