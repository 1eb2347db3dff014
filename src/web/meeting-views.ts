// The meetings pages' markup: the list, the month calendar, the create/edit form, a
// meeting's page (facts, attendance, petitions, QR code and poster, the two ways in for
// petitions spoken at the meeting) and the minutes preview. Values are escaped by hono/html.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { MEETING_STATUS_LABELS } from '../core/messages-staff.ts';
import { isoDay } from '../core/dates.ts';
import { formatDateTime } from '../core/time.ts';
import type { ImportReport } from '../minutes/import.ts';
import { SKIP_REASON_LABELS } from '../minutes/split.ts';
import { zonedYmd } from '../stats/period.ts';
import { csrfField, type Html } from './layout.ts';
import { KIND_LABELS, MEETING_STATUSES, MINUTES_EXTENSIONS, type MeetingForm } from './meeting-actions.ts';
import type { MeetingFigures, MeetingList, MeetingWithDeputies } from './meeting-data.ts';
import { count, petitionsLink } from './stats-view.ts';
import type { WebEnv } from './types.ts';

type C = Context<WebEnv>;

const WEEKDAYS = ['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN'];
const STATUS_ACTIONS: Record<(typeof MEETING_STATUSES)[number], string> = {
  open: 'Mở nhận ý kiến',
  closed: 'Đóng hội nghị',
  cancelled: 'Hủy hội nghị',
};

const canWrite = (c: C) => c.get('user').role !== 'deputy';

function statusBadge(status: string): Html {
  return html`<span class="badge meeting-${status}">${MEETING_STATUS_LABELS[status] ?? status}</span>`;
}

function when(meeting: { startsAt: Date; endsAt: Date | null }, timeZone: string): string {
  const start = formatDateTime(meeting.startsAt, timeZone);
  if (!meeting.endsAt) return start;
  const end = formatDateTime(meeting.endsAt, timeZone);
  // The same day: only the end's time.
  return end.slice(-10) === start.slice(-10) ? `${start} – ${end.slice(0, 5)}` : `${start} – ${end}`;
}

/** List / calendar switch and the create button. */
export function meetingsToolbar(c: C, view: 'list' | 'calendar'): Html {
  return html`<p class="actions">
    <a class="button ${view === 'list' ? '' : 'secondary'}" href="/web/meetings">Danh sách</a>
    <a class="button ${view === 'calendar' ? '' : 'secondary'}" href="/web/meetings?view=calendar">Lịch tháng</a>
    ${canWrite(c) ? html`<a class="button secondary" href="/web/meetings/new">Tạo hội nghị</a>` : ''}
  </p>`;
}

function meetingRows(list: MeetingWithDeputies[], petitions: Map<string, number>, timeZone: string): Html {
  if (!list.length) return html`<p class="muted">Không có hội nghị nào.</p>`;
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th>Mã</th>
          <th>Hội nghị</th>
          <th>Thời gian</th>
          <th class="hide-narrow">Địa điểm</th>
          <th>Phường/xã</th>
          <th>Trạng thái</th>
          <th>Kiến nghị</th>
        </tr>
      </thead>
      <tbody>
        ${list.map(
          (m) =>
            html`<tr data-meeting="${m.code}">
              <td><a href="/web/meetings/${m.code}">${m.code}</a></td>
              <td>${m.title}</td>
              <td>${when(m, timeZone)}</td>
              <td class="hide-narrow">${m.place}</td>
              <td>${m.ward ?? ''}</td>
              <td>${statusBadge(m.status)}</td>
              <td>
                <a href="${petitionsLink({ meeting: m.code })}" data-petitions="${petitions.get(m.code) ?? 0}"
                  >${count(petitions.get(m.code) ?? 0)}</a
                >
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Upcoming meetings, then past ones a page at a time. */
export function meetingsList(list: MeetingList, pastPage: number, timeZone: string): Html {
  return html`<h2>Sắp tới</h2>
    ${meetingRows(list.upcoming, list.petitions, timeZone)}
    <h2>Đã qua</h2>
    ${meetingRows(list.past, list.petitions, timeZone)}
    <p class="pager">
      ${pastPage > 0 ? html`<a href="/web/meetings?past=${pastPage - 1}">Trang trước</a>` : ''}
      ${list.morePast ? html`<a href="/web/meetings?past=${pastPage + 1}">Trang sau</a>` : ''}
    </p>`;
}

/** A month as a grid of weeks (Monday first), each day with its meetings. */
export function calendarView(month: { year: number; month: number }, meetings: MeetingWithDeputies[], tz: string) {
  const lead = (new Date(Date.UTC(month.year, month.month - 1, 1)).getUTCDay() + 6) % 7;
  const days = new Date(Date.UTC(month.year, month.month, 0)).getUTCDate();
  const byDay = new Map<number, MeetingWithDeputies[]>();
  for (const m of meetings) {
    const day = zonedYmd(m.startsAt, tz).day;
    byDay.set(day, [...(byDay.get(day) ?? []), m]);
  }
  const cells: (number | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
  const shift = (months: number) => {
    const index = month.year * 12 + (month.month - 1) + months;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  };
  const label = `Tháng ${month.month}/${month.year}`;
  return html`<p class="pager">
      <a href="/web/meetings?view=calendar&month=${shift(-1)}">← Tháng trước</a>
      <strong>${label}</strong>
      <a href="/web/meetings?view=calendar&month=${shift(1)}">Tháng sau →</a>
    </p>
    <div class="table-wrap">
      <table class="calendar" aria-label="${label}">
        <thead>
          <tr>
            ${WEEKDAYS.map((d) => html`<th>${d}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${weeks.map(
            (week) =>
              html`<tr>
                ${week.map((day) =>
                  day === null
                    ? html`<td class="off"></td>`
                    : html`<td data-day="${isoDay({ ...month, day })}">
                        <span class="day">${day}</span>
                        ${(byDay.get(day) ?? []).map(
                          (m) =>
                            html`<a class="cal-meeting meeting-${m.status}" href="/web/meetings/${m.code}"
                              >${formatDateTime(m.startsAt, tz).slice(0, 5)} ${m.code}<br /><small>${m.title}</small></a
                            >`,
                        )}
                      </td>`,
                )}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

/** The create or edit form; `code` set when editing (the code itself does not change). */
export function meetingFormView(c: C, form: MeetingForm, code?: string): Html {
  const field = (name: keyof MeetingForm, label: string, attrs: Html | string = '') =>
    html`<label>${label} <input name="${name}" value="${form[name]}" ${attrs} /></label>`;
  return html`<form method="post" action="${code ? `/web/meetings/${code}` : '/web/meetings'}" class="card">
    ${csrfField(c)}
    <div class="grid">
      ${
        code
          ? html`<label>Mã <input value="${code}" disabled /></label>`
          : field('code', 'Mã (A-Z, 0-9, - _)', html`required pattern="[A-Za-z0-9_-]{2,64}"`)
      }
      ${field('title', 'Tiêu đề', html`required`)}
      <label
        >Loại
        <select name="kind">
          ${Object.entries(KIND_LABELS).map(
            ([id, label]) => html`<option value="${id}" ${form.kind === id ? html`selected` : ''}>${label}</option>`,
          )}
        </select></label
      >
      ${field('start', 'Bắt đầu', html`type="datetime-local" required`)}
      ${field('end', 'Kết thúc', html`type="datetime-local"`)} ${field('place', 'Địa điểm', html`required`)}
      ${field('ward', 'Phường/xã')} ${field('constituency', 'Đơn vị bầu cử')}
      ${field('expectedVoters', 'Số cử tri dự kiến', html`type="number" min="0"`)}
    </div>
    <label
      >Đại biểu dự (mỗi dòng một người)
      <textarea name="deputies" rows="3">${form.deputies}</textarea>
    </label>
    <p class="actions">
      <button type="submit">${code ? 'Lưu thay đổi' : 'Tạo hội nghị'}</button>
      <a class="button secondary" href="${code ? `/web/meetings/${code}` : '/web/meetings'}">Thôi</a>
    </p>
  </form>`;
}

/** One meeting's page. */
export function meetingPageView(c: C, meeting: MeetingWithDeputies, figures: MeetingFigures, tz: string): Html {
  const code = meeting.code;
  return html`<div class="grid">
      <section class="card">
        <h2>Thông tin</h2>
        <dl class="facts">
          <dt>Mã</dt>
          <dd>${code}</dd>
          <dt>Loại</dt>
          <dd>${KIND_LABELS[meeting.kind] ?? meeting.kind}</dd>
          <dt>Thời gian</dt>
          <dd>${when(meeting, tz)}</dd>
          <dt>Địa điểm</dt>
          <dd>${meeting.place}</dd>
          <dt>Phường/xã</dt>
          <dd>${meeting.ward ?? '—'}</dd>
          <dt>Đơn vị bầu cử</dt>
          <dd>${meeting.constituency ?? '—'}</dd>
          <dt>Trạng thái</dt>
          <dd>${statusBadge(meeting.status)}</dd>
          <dt>Đại biểu</dt>
          <dd>${meeting.deputies.map((d) => d.deputy.name).join('; ') || '—'}</dd>
        </dl>
        ${canWrite(c) ? statusActions(c, meeting) : ''}
      </section>
      <section class="card">
        <h2>Cử tri tham dự</h2>
        <dl class="facts">
          <dt>Dự kiến</dt>
          <dd data-figure="expected">
            ${meeting.expectedVoters === null ? 'chưa ghi' : count(meeting.expectedVoters)}
          </dd>
          <dt>Có ý kiến (ghi nhận)</dt>
          <dd><span data-figure="voters">${count(figures.voters)}</span> lượt cử tri</dd>
          <dt>trong đó qua chat</dt>
          <dd data-figure="chat-voters">${count(figures.chatVoters)}</dd>
          <dt>theo biên bản, nhập tại hội nghị</dt>
          <dd data-figure="minutes-voters">${count(figures.minutesVoters)}</dd>
          <dt>Kiến nghị</dt>
          <dd>
            <a href="${petitionsLink({ meeting: code })}" data-figure="petitions">${count(figures.petitions)}</a>
          </dd>
        </dl>
      </section>
      <section class="card qr">
        <h2>Mã QR và áp phích</h2>
        <img src="/web/meetings/${code}/qr.png" alt="Mã QR của hội nghị ${code}" width="240" />
        <p class="actions">
          <a class="button secondary" href="/web/meetings/${code}/qr.png" download="qr-${code}.png">Tải mã QR</a>
          <a class="button secondary" href="/web/meetings/${code}/poster.pdf">Áp phích A4 (PDF)</a>
          <a class="button secondary" href="/web/meetings/${code}/poster.pdf?size=a5">Áp phích A5</a>
        </p>
      </section>
    </div>
    <section class="card">
      <h2>Kiến nghị của hội nghị</h2>
      ${recentPetitions(figures)}
      <p><a href="${petitionsLink({ meeting: code })}">Xem tất cả trong bảng kiến nghị</a></p>
    </section>
    ${canWrite(c) ? intakeForms(c, code) : ''}`;
}

function statusActions(c: C, meeting: { code: string; status: string }): Html {
  const offered = MEETING_STATUSES.filter(
    (status) => status !== meeting.status && !(status === 'open' && meeting.status === 'cancelled'),
  );
  return html`<form method="post" action="/web/meetings/${meeting.code}/status" class="actions">
    ${csrfField(c)}
    <a class="button secondary" href="/web/meetings/${meeting.code}/edit">Sửa</a>
    ${offered.map(
      (status) =>
        html`<button
          type="submit"
          name="status"
          value="${status}"
          class="${status === 'cancelled' ? '' : 'secondary'}"
          ${status === 'cancelled' ? html`data-confirm="Hủy hội nghị ${meeting.code}? Cử tri và đại biểu sẽ được báo."` : ''}
        >
          ${STATUS_ACTIONS[status]}
        </button>`,
    )}
  </form>`;
}

function recentPetitions(figures: MeetingFigures): Html {
  if (!figures.recent.length) return html`<p class="muted">Chưa có kiến nghị nào.</p>`;
  return html`<div class="table-wrap">
    <table class="meeting-petitions">
      <thead>
        <tr>
          <th>Mã</th>
          <th class="hide-narrow">Ngày</th>
          <th>Nội dung</th>
          <th class="hide-narrow">Lĩnh vực</th>
          <th>Tình trạng</th>
        </tr>
      </thead>
      <tbody>
        ${figures.recent.map(
          (p) =>
            html`<tr>
              <td><a href="/web/petitions/${p.trackingCode}">${p.trackingCode}</a></td>
              <td class="hide-narrow">${p.receivedAt}</td>
              <td class="text">${p.summary}</td>
              <td class="hide-narrow">${p.field}</td>
              <td>${p.status}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The two ways in for petitions spoken at the meeting: its minutes or list, and one at a time. */
function intakeForms(c: C, code: string): Html {
  return html`<div class="grid">
    <section class="card">
      <h2>Nhập biên bản, danh sách tổng hợp</h2>
      <form method="post" action="/web/meetings/${code}/minutes" enctype="multipart/form-data">
        ${csrfField(c)}
        <label
          >Tệp (${MINUTES_EXTENSIONS.join(', ')})
          <input type="file" name="file" accept="${MINUTES_EXTENSIONS.join(',')}" required />
        </label>
        <label
          >Ghép cột (không bắt buộc, như --columns)
          <input name="columns" placeholder="noi dung=Ý kiến, cu tri=Người phản ánh" />
        </label>
        <p><button type="submit">Xem trước</button></p>
      </form>
      <p class="muted">Chưa lưu gì cho đến khi Ông/Bà xem lại và xác nhận.</p>
    </section>
    <section class="card">
      <h2>Ghi nhanh ý kiến tại hội nghị</h2>
      <form method="post" action="/web/meetings/${code}/entries">
        ${csrfField(c)}
        <label>Nội dung kiến nghị <textarea name="text" required></textarea></label>
        <div class="actions">
          <label>Người nêu (không bắt buộc) <input name="speaker" /></label>
          <label>Địa bàn <input name="area" /></label>
          <label>Số cử tri <input name="voters" type="number" min="1" value="1" /></label>
          <button type="submit">Ghi</button>
        </div>
      </form>
    </section>
  </div>`;
}

const RESULT_LABELS = { created: 'mới', updated: 'cập nhật', unchanged: 'đã có, không đổi' } as const;

/** What an import of the file would store, as a form staff correct and confirm. */
export function minutesPreview(c: C, code: string, fileName: string, report: ImportReport): Html {
  const rows = report.petitions;
  return html`<p>
      Tệp <b>${fileName}</b>: ${rows.length} kiến nghị (mới ${report.created}, cập nhật ${report.updated}, không đổi
      ${report.unchanged}), bỏ qua ${report.skipped.length} đoạn. Chưa lưu gì: xin xem lại, sửa hoặc bỏ chọn từng mục,
      rồi xác nhận.
    </p>
    <form method="post" action="/web/meetings/${code}/minutes/confirm" class="minutes-preview">
      ${csrfField(c)}
      <input type="hidden" name="fileName" value="${fileName}" />
      <input type="hidden" name="count" value="${rows.length}" />
      <input type="hidden" name="skipped" value="${JSON.stringify(report.skipped)}" />
      ${rows.map(
        (p, i) =>
          html`<fieldset class="card" data-item="${i}">
            <legend>
              <label class="inline"><input type="checkbox" name="keep.${i}" value="1" checked /> ${p.position}</label>
              <span class="badge">${RESULT_LABELS[p.result]}${p.tracking_code ? ` · ${p.tracking_code}` : ''}</span>
            </legend>
            <input type="hidden" name="position.${i}" value="${p.position}" />
            <textarea name="text.${i}" rows="3">${p.text}</textarea>
            <div class="actions">
              <label>Người nêu <input name="speaker.${i}" value="${p.speaker ?? ''}" /></label>
              <label>Địa bàn <input name="area.${i}" value="${p.area ?? ''}" /></label>
              <label>Số cử tri <input name="voters.${i}" type="number" min="1" value="${p.voters}" /></label>
            </div>
          </fieldset>`,
      )}
      ${
        report.skipped.length
          ? html`<details class="card">
              <summary>Các đoạn bỏ qua (${report.skipped.length})</summary>
              <ul>
                ${report.skipped.map(
                  (s) => html`<li>${s.position} — ${SKIP_REASON_LABELS[s.reason]}: <i>${s.excerpt}</i></li>`,
                )}
              </ul>
            </details>`
          : ''
      }
      <p class="actions">
        <button type="submit">Xác nhận lưu</button>
        <a class="button secondary" href="/web/meetings/${code}">Thôi</a>
      </p>
    </form>`;
}
