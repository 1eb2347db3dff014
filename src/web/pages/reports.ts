// Reports and exports: the Word/Excel report for a period or a meeting (the same file as
// `/baocao` and `npx kiennghi report`), and the CSV / JSON-lines export of `npx kiennghi
// export`. A download is a POST with the CSRF token, because each one writes an audit entry
// (who, what, which filter); voters' personal data only when asked for, and only where
// the voter agreed and did not send anonymously (src/reports/export.ts). Deputies never
// reach this section (SECTIONS).
import { PassThrough, Readable } from 'node:stream';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { formatDate } from '../../core/time.ts';
import { localDate } from '../../digests/calendar.ts';
import { EXPORT_FORMATS, exportPetitions, type ExportFormat } from '../../reports/export.ts';
import { buildReport, REPORT_FORMATS, ReportError, type ReportFormat } from '../../reports/index.ts';
import { audit } from '../../staff/access.ts';
import { contentDisposition, mimeOf } from '../files.ts';
import { csrfField, page } from '../layout.ts';
import { dayField, errorBox, fieldText, openDayRange, readForm, type FormFields } from '../office-forms.ts';
import type { WebApp, WebDeps, WebEnv } from '../types.ts';

const MEETINGS_LISTED = 300;
const EXPORT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

export function registerReportPages(web: WebApp, deps: WebDeps): void {
  web.get('/reports', (c) => reportsPage(c, deps));
  web.post('/reports/report', (c) => downloadReport(c, deps));
  web.post('/reports/export', (c) => downloadExport(c, deps));
}

interface Defaults {
  from: string;
  to: string;
}

function thisMonth(deps: WebDeps): Defaults {
  const today = localDate(new Date(), deps.config.TZ);
  return { from: `${today.slice(0, 8)}01`, to: today };
}

async function reportsPage(
  c: Context<WebEnv>,
  deps: WebDeps,
  problem?: { error: string; form: FormFields },
): Promise<Response> {
  const month = thisMonth(deps);
  const typed = (name: string, fallback: string) => (problem ? fieldText(problem.form, name) : fallback);
  const meetings = await deps.db.meeting.findMany({
    orderBy: { startsAt: 'desc' },
    take: MEETINGS_LISTED,
    select: { code: true, title: true, startsAt: true },
  });
  const chosenMeeting = typed('meeting', '');
  const body = html`${errorBox(c, problem?.error)}
    <div class="grid">
      <form method="post" action="/web/reports/report" class="card">
        ${csrfField(c)}
        <h2>Báo cáo tổng hợp ý kiến, kiến nghị cử tri</h2>
        <p class="muted">Cùng tệp với lệnh /baocao trong trò chuyện: theo cấp thẩm quyền, lĩnh vực và chủ đề.</p>
        <div class="filters">
          <label>Từ ngày <input type="date" name="from" value="${typed('from', month.from)}" required /></label>
          <label>Đến ngày <input type="date" name="to" value="${typed('to', month.to)}" required /></label>
          <label
            >Hội nghị
            <select name="meeting">
              <option value="">Tất cả hội nghị</option>
              ${meetings.map(
                (m) =>
                  html`<option value="${m.code}" ${m.code === chosenMeeting ? 'selected' : ''}>
                    ${m.code} · ${formatDate(m.startsAt, deps.config.TZ)} · ${m.title}
                  </option>`,
              )}
            </select>
          </label>
          <label
            >Định dạng
            <select name="format">
              ${REPORT_FORMATS.map(
                (format) =>
                  html`<option value="${format}" ${format === typed('format', 'docx') ? 'selected' : ''}>
                    ${format === 'docx' ? 'Word (.docx)' : 'Excel (.xlsx)'}
                  </option>`,
              )}
            </select>
          </label>
          <button type="submit">Tải báo cáo</button>
        </div>
      </form>
      <form method="post" action="/web/reports/export" class="card">
        ${csrfField(c)}
        <h2>Xuất dữ liệu kiến nghị</h2>
        <p class="muted">
          Mỗi kiến nghị một dòng, với phân loại và tình trạng mới nhất, cho công cụ khác. Mỗi lần xuất được ghi vào nhật
          ký.
        </p>
        <div class="filters">
          <label>Nhận từ ngày <input type="date" name="from" value="${typed('from', '')}" /></label>
          <label>đến ngày <input type="date" name="to" value="${typed('to', '')}" /></label>
          <label
            >Định dạng
            <select name="format">
              ${EXPORT_FORMATS.map(
                (format) =>
                  html`<option value="${format}" ${format === typed('format', 'csv') ? 'selected' : ''}>
                    ${format === 'csv' ? 'CSV (Excel)' : 'JSON lines'}
                  </option>`,
              )}
            </select>
          </label>
        </div>
        <p>
          <label class="inline">
            <span
              ><input type="checkbox" name="personal" value="1" /> Kèm họ tên, phường/xã, số điện thoại của cử tri đã
              đồng ý (không bao giờ với ý kiến gửi ẩn danh)</span
            >
          </label>
        </p>
        <button type="submit">Xuất dữ liệu</button>
      </form>
    </div>`;
  return page(c, {
    title: 'Báo cáo và xuất dữ liệu',
    section: 'reports',
    body,
    status: problem ? 422 : 200,
  });
}

/** The period a form asks for: both days as YYYY-MM-DD, or a message saying what is wrong. */
function periodOf(form: FormFields, required: boolean): { from?: string; to?: string } | { error: string } {
  const from = dayField(fieldText(form, 'from'));
  const to = dayField(fieldText(form, 'to'));
  if (from === null || to === null) return { error: 'Ngày không hợp lệ (dùng dd/mm/yyyy).' };
  if (required && (!from || !to)) return { error: 'Xin chọn cả ngày bắt đầu và ngày kết thúc.' };
  if (from && to && from > to) return { error: 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.' };
  return { from, to };
}

async function downloadReport(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const form = await readForm(c);
  const period = periodOf(form, true);
  if ('error' in period) return reportsPage(c, deps, { error: period.error, form });
  const format = fieldText(form, 'format') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) return reportsPage(c, deps, { error: 'Định dạng không hợp lệ.', form });
  const meetingCode = fieldText(form, 'meeting') || undefined;
  const request = { from: period.from!, to: period.to!, meetingCode, format };
  let report;
  try {
    report = await buildReport(deps.db, deps.config, request);
  } catch (error) {
    if (error instanceof ReportError) return reportsPage(c, deps, { error: error.message, form });
    throw error;
  }
  await audit(deps.db, {
    actor: c.get('user').actor,
    action: 'report.download',
    entity: 'Report',
    after: { ...request, meetingCode: meetingCode ?? null, petitions: report.petitions, meetings: report.meetings },
  });
  return c.body(new Uint8Array(report.buffer), 200, downloadHeaders(mimeOf(report.fileName), report.fileName));
}

async function downloadExport(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const form = await readForm(c);
  const period = periodOf(form, false);
  if ('error' in period) return reportsPage(c, deps, { error: period.error, form });
  const format = fieldText(form, 'format') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return reportsPage(c, deps, { error: 'Định dạng không hợp lệ.', form });
  const range = openDayRange(period.from, period.to, deps.config.TZ);
  const out = new PassThrough();
  // Streamed: the audit entry is written after the last row, before the response ends.
  exportPetitions(
    deps.db,
    out,
    {
      format,
      withPersonalData: fieldText(form, 'personal') === '1',
      from: range.start,
      to: range.end,
      actor: c.get('user').actor,
      destination: 'web',
    },
    deps.log,
  ).then(
    () => out.end(),
    (error: unknown) => {
      deps.log.error({ err: error }, 'web export failed');
      out.destroy(error instanceof Error ? error : new Error('export failed'));
    },
  );
  const name = `kien-nghi-${period.from ?? 'dau'}-${period.to ?? 'nay'}.${format}`;
  return c.body(Readable.toWeb(out) as ReadableStream, 200, downloadHeaders(EXPORT_TYPES[format], name));
}

function downloadHeaders(type: string, name: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Disposition': contentDisposition('attachment', name),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}
