// The meetings pages: the list and the month calendar, creating and editing a meeting,
// opening, closing and cancelling it, its page with its QR code and poster, and the two ways
// in for petitions spoken at it (the minutes upload with its preview, and quick entry).
// Deputies read the meetings of their scope only; every change is office staff's.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { deepLink } from '../../meetings/service.ts';
import { meetingPosterPdf, qrCardPng } from '../../meetings/poster.ts';
import { zonedYmd } from '../../stats/period.ts';
import { requireRole } from '../guard.ts';
import { page } from '../layout.ts';
import {
  changeMeetingStatus,
  confirmMinutes,
  formOf,
  formOfMeeting,
  IntakeProblem,
  itemsOfForm,
  MEETING_STATUSES,
  previewMinutes,
  quickEntry,
  saveMeetingForm,
  type MeetingForm,
  type MeetingStatus,
} from '../meeting-actions.ts';
import {
  findVisibleMeeting,
  meetingFigures,
  meetingList,
  monthMeetings,
  type MeetingWithDeputies,
} from '../meeting-data.ts';
import {
  calendarView,
  meetingFormView,
  meetingPageView,
  meetingsList,
  meetingsToolbar,
  minutesPreview,
} from '../meeting-views.ts';
import type { WebApp, WebDeps, WebEnv } from '../types.ts';

type C = Context<WebEnv>;

const EMPTY_FORM: MeetingForm = {
  code: '',
  title: '',
  kind: 'before_session',
  start: '',
  end: '',
  place: '',
  ward: '',
  constituency: '',
  deputies: '',
  expectedVoters: '',
};

/** GET/POST /web/meetings and each meeting's pages. */
export function registerMeetingPages(web: WebApp, deps: WebDeps): void {
  const tz = deps.config.TZ;
  // Creating and changing meetings is the office's: deputies read only.
  const staff = requireRole('admin', 'staff');

  web.get('/meetings', async (c) => {
    const user = c.get('user');
    if (c.req.query('view') === 'calendar') {
      const month = monthOf(c.req.query('month'), tz);
      const body = html`${meetingsToolbar(c, 'calendar')}
      ${calendarView(month, await monthMeetings(deps, user, month), tz)}`;
      return page(c, { title: 'Hội nghị tiếp xúc cử tri', section: 'meetings', body });
    }
    const pastPage = Math.max(0, Math.floor(Number(c.req.query('past') ?? 0)) || 0);
    const list = await meetingList(deps, user, pastPage);
    const body = html`${meetingsToolbar(c, 'list')} ${meetingsList(list, pastPage, tz)}`;
    return page(c, { title: 'Hội nghị tiếp xúc cử tri', section: 'meetings', body });
  });

  // Registered before /meetings/:code; stored codes are upper-case, so "new" names no meeting.
  web.get('/meetings/new', staff, (c) => showForm(c, EMPTY_FORM));

  web.post('/meetings', staff, async (c) => {
    const form = formOf(await c.req.parseBody());
    const saved = await saveMeetingForm(deps, form, c.get('user').actor);
    if (!saved.ok) return showForm(c, form, undefined, saved.message, saved.status);
    return c.redirect(`/web/meetings/${saved.code}?notice=${encodeURIComponent('Đã tạo hội nghị.')}`, 303);
  });

  web.get('/meetings/:code', async (c) => {
    const meeting = await visible(c);
    return meeting ? showMeeting(c, meeting) : notFound(c);
  });

  web.get('/meetings/:code/edit', staff, async (c) => {
    const meeting = await visible(c);
    if (!meeting) return notFound(c);
    const names = meeting.deputies.map((d) => d.deputy.name);
    return showForm(c, formOfMeeting(meeting, names, tz), meeting.code);
  });

  web.post('/meetings/:code', staff, async (c) => {
    const meeting = await visible(c);
    if (!meeting) return notFound(c);
    const form = formOf(await c.req.parseBody());
    const saved = await saveMeetingForm(deps, form, c.get('user').actor, meeting.code);
    if (!saved.ok) return showForm(c, { ...form, code: meeting.code }, meeting.code, saved.message, saved.status);
    return c.redirect(`/web/meetings/${saved.code}?notice=${encodeURIComponent('Đã lưu thay đổi.')}`, 303);
  });

  web.post('/meetings/:code/status', staff, async (c) => {
    const meeting = await visible(c);
    if (!meeting) return notFound(c);
    const status = (await c.req.parseBody()).status;
    if (!MEETING_STATUSES.includes(status as MeetingStatus)) return showMeeting(c, meeting, 'Trạng thái không hợp lệ.');
    const notice = await changeMeetingStatus(deps, meeting, status as MeetingStatus, c.get('user').actor);
    return c.redirect(`/web/meetings/${meeting.code}?notice=${encodeURIComponent(notice)}`, 303);
  });

  web.get('/meetings/:code/qr.png', async (c) => {
    const meeting = await visible(c);
    if (!meeting) return notFound(c);
    const png = await qrCardPng(qrLink(deps, meeting.code), meeting.code, meeting.title);
    return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png', 'Cache-Control': 'private, max-age=300' });
  });

  web.get('/meetings/:code/poster.pdf', async (c) => {
    const meeting = await visible(c);
    if (!meeting) return notFound(c);
    const size = c.req.query('size') === 'a5' ? 'a5' : 'a4';
    const pdf = await meetingPosterPdf({
      office: deps.config.OFFICE_NAME,
      meeting,
      telegramLink: qrLink(deps, meeting.code),
      zaloLink: deps.config.ZALO_BOT_LINK,
      timeZone: tz,
      size,
    });
    return c.body(new Uint8Array(pdf), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="ap-phich-${meeting.code}-${size}.pdf"`,
    });
  });

  web.post('/meetings/:code/minutes', staff, async (c) => {
    const meeting = await visible(c);
    if (!meeting) return notFound(c);
    const body = await c.req.parseBody();
    const columns = typeof body.columns === 'string' ? body.columns.trim() : '';
    try {
      const { fileName, report } = await previewMinutes(deps, meeting.code, body.file, columns, c.get('user').actor);
      return page(c, {
        title: `Xem trước biên bản — ${meeting.code}`,
        section: 'meetings',
        body: minutesPreview(c, meeting.code, fileName, report),
      });
    } catch (error) {
      if (error instanceof IntakeProblem) return showMeeting(c, meeting, error.message);
      throw error;
    }
  });

  web.post('/meetings/:code/minutes/confirm', staff, async (c) => {
    const meeting = await visible(c);
    if (!meeting) return notFound(c);
    const body = await c.req.parseBody();
    const fileName = typeof body.fileName === 'string' ? body.fileName : '';
    try {
      const notice = await confirmMinutes(deps, meeting.code, fileName, itemsOfForm(body), c.get('user').actor);
      return c.redirect(`/web/meetings/${meeting.code}?notice=${encodeURIComponent(notice)}`, 303);
    } catch (error) {
      if (error instanceof IntakeProblem) return showMeeting(c, meeting, error.message);
      throw error;
    }
  });

  web.post('/meetings/:code/entries', staff, async (c) => {
    const meeting = await visible(c);
    if (!meeting) return notFound(c);
    try {
      const notice = await quickEntry(deps, meeting, await c.req.parseBody(), c.get('user').actor);
      return c.redirect(`/web/meetings/${meeting.code}?notice=${encodeURIComponent(notice)}`, 303);
    } catch (error) {
      if (error instanceof IntakeProblem) return showMeeting(c, meeting, error.message);
      throw error;
    }
  });

  /** The meeting the URL names, if this user may see it. */
  function visible(c: C): Promise<MeetingWithDeputies | null> {
    return findVisibleMeeting(deps.db, c.get('user'), c.req.param('code') ?? '');
  }

  async function showMeeting(c: C, meeting: MeetingWithDeputies, error?: string) {
    const figures = await meetingFigures(deps, c.get('user'), meeting.id);
    const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${meetingPageView(c, meeting, figures, tz)}`;
    const title = `${meeting.code}: ${meeting.title}`;
    return page(c, { title, section: 'meetings', body, status: error ? 422 : 200 });
  }
}

/** What a meeting's QR code carries: the Telegram deep link, or the code to type when there is no Telegram bot. */
function qrLink(deps: WebDeps, code: string): string {
  const username = deps.botUsername?.();
  return username ? deepLink(username, code) : code;
}

function showForm(c: C, form: MeetingForm, code?: string, error?: string, status: 409 | 422 = 422) {
  const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ''} ${meetingFormView(c, form, code)}`;
  const title = code ? `Sửa hội nghị ${code}` : 'Tạo hội nghị';
  return page(c, { title, section: 'meetings', body, status: error ? status : 200 });
}

function notFound(c: C) {
  return page(c, {
    title: 'Không tìm thấy hội nghị',
    section: 'meetings',
    body: html`<p>Không có hội nghị này, hoặc hội nghị không thuộc phạm vi của Ông/Bà.</p>
      <p><a href="/web/meetings">Về danh sách hội nghị</a></p>`,
    status: 404,
  });
}

/** The month a calendar shows: `YYYY-MM`, else this month in the zone. */
function monthOf(value: string | undefined, timeZone: string): { year: number; month: number } {
  const match = /^(\d{4})-(\d{2})$/.exec(value ?? '');
  const month = match ? Number(match[2]) : 0;
  if (match && month >= 1 && month <= 12) return { year: Number(match[1]), month };
  const today = zonedYmd(new Date(), timeZone);
  return { year: today.year, month: today.month };
}
