// One entry point for the CLI and the chat command: same data, same file.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { taxonomyLabels } from '../classify/labels.ts';
import { loadReportData, ReportError } from './data.ts';

export const REPORT_FORMATS = ['docx', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRequest {
  from: string;
  to: string;
  meetingCode?: string;
  format: ReportFormat;
}

export interface BuiltReport {
  buffer: Buffer;
  fileName: string;
  petitions: number;
  meetings: number;
}

export async function buildReport(
  db: Db | Tx,
  config: Config,
  request: ReportRequest,
  now = new Date(),
): Promise<BuiltReport> {
  if (request.from > request.to) throw new ReportError('Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.');
  const data = await loadReportData(db, { ...request, timeZone: config.TZ, now });
  const labels = taxonomyLabels(config.TAXONOMY);
  // docx and exceljs take a second to load: only the command that writes a report pays for it.
  const buffer =
    request.format === 'docx'
      ? await (await import('./docx.ts')).buildDocx(data, labels, config, now)
      : await (await import('./xlsx.ts')).buildXlsx(data, labels, config.TZ);
  const scope = data.meeting ? `-${data.meeting.code}` : '';
  return {
    buffer,
    fileName: `bao-cao-kien-nghi-${request.from}-${request.to}${scope}.${request.format}`,
    petitions: data.petitions.length,
    meetings: data.meetings.length,
  };
}

export { ReportError };
