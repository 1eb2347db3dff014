// Themes (PetitionGroup): the groups of petitions that say the same thing, with counts and
// verbatim quotes; staff confirm, rename, merge, split and move petitions between them
// through the same services as `npx kiennghi group …` (src/digests/grouping.ts), each change
// in the audit log. Deputies read the themes of their scope only, quotes redacted.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { redactPersonalData } from '../../classify/pii.ts';
import { excerpt, STATUS_LABELS } from '../../core/messages.ts';
import { formatDate } from '../../core/time.ts';
import { localDate } from '../../digests/calendar.ts';
import {
  confirmGroup,
  groupPetitions,
  GroupingError,
  listGroups,
  mergeGroups,
  movePetitions,
  renameGroup,
  scopedMembers,
  splitGroup,
} from '../../digests/grouping.ts';
import { quoteOf } from '../../digests/themes.ts';
import { audit } from '../../staff/access.ts';
import { scopeOfUser } from '../scope.ts';
import { csrfField, page } from '../layout.ts';
import {
  dayField,
  errorBox,
  fieldText,
  fieldValues,
  openDayRange,
  positiveId,
  readForm,
  redirectBack,
  type FormFields,
} from '../office-forms.ts';
import type { WebApp, WebDeps, WebEnv, WebUser } from '../types.ts';

const PAGE_SIZE = 50;
const MEMBERS_SHOWN = 500;
const TARGETS_SHOWN = 500;
const QUOTES = 2;
const MEMBER_TEXT_CHARS = 300;
/** A grouping run from the page covers this many days unless the form says otherwise. */
const BUILD_DEFAULT_DAYS = 30;

export function registerThemePages(web: WebApp, deps: WebDeps): void {
  web.get('/themes', (c) => themeList(c, deps));
  web.get('/themes/:id{[0-9]+}', (c) => themeDetail(c, deps));
  web.post('/themes/build', (c) => buildThemes(c, deps));
  web.post('/themes/merge', (c) => mergeThemes(c, deps));
  web.post('/themes/:id{[0-9]+}/:action{confirm|rename|split|move}', (c) => changeTheme(c, deps));
}

/** The meetings a deputy's view is limited to; undefined for staff (everything). */
async function scopeOf(deps: WebDeps, user: WebUser): Promise<number[] | undefined> {
  return (await scopeOfUser(deps.db, user))?.meetingIds;
}

function quotesOf(samples: { text: string; anonymous: boolean }[], redactAll: boolean): string[] {
  const quotes = [...new Set(samples.map((sample) => quoteOf(sample, redactAll)))];
  return quotes.slice(0, QUOTES);
}

async function themeList(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const user = c.get('user');
  const meetingIds = await scopeOf(deps, user);
  const pageNo = positiveId(c.req.query('page')) ?? 1;
  const listing = await listGroups(deps.db, {
    meetingIds,
    skip: (pageNo - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
    samples: QUOTES,
  });
  const staff = user.role !== 'deputy';
  const rows = listing.groups.map(
    (group) =>
      html`<tr>
        ${
          staff
            ? html`<td>
                  <input type="checkbox" name="group" value="${group.id}" aria-label="Chọn chủ đề #${group.id}" />
                </td>
                <td><input type="radio" name="target" value="${group.id}" aria-label="Giữ chủ đề #${group.id}" /></td>`
            : ''
        }
        <td>
          <a href="/web/themes/${group.id}"><b>${group.title}</b></a>
          <div class="muted">#${group.id} · ${group.confirmed ? 'đã xác nhận' : 'tự động'}</div>
        </td>
        <td><a href="/web/petitions?theme=${group.id}">${group.petitions}</a></td>
        <td class="text">
          ${quotesOf(group.samples, !staff).map((quote) => html`<blockquote class="quote">“${quote}”</blockquote>`)}
        </td>
      </tr>`,
  );
  const table = html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${
            staff
              ? html`<th>Gộp</th>
                  <th>Giữ lại</th>`
              : ''
          }
          <th>Chủ đề</th>
          <th>Số ý kiến</th>
          <th>Trích dẫn</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length
            ? rows
            : html`<tr>
                <td colspan="5" class="muted">Chưa có chủ đề nào.</td>
              </tr>`
        }
      </tbody>
    </table>
  </div>`;
  const body = html`${errorBox(c)}
    <p class="muted">
      ${listing.total} chủ đề${staff ? '' : ' trong phạm vi của Ông/Bà'}. Bấm số ý kiến để xem danh sách kiến nghị.
    </p>
    ${
      staff
        ? html`<form method="post" action="/web/themes/merge">
              ${csrfField(c)} ${table}
              <div class="actions">
                <button type="submit" data-confirm="Gộp các chủ đề đã chọn vào chủ đề được giữ lại?">
                  Gộp các chủ đề đã chọn
                </button>
                <span class="muted">Chọn từ hai chủ đề; ý kiến chuyển vào chủ đề đánh dấu “Giữ lại”.</span>
              </div>
            </form>
            ${buildForm(c, deps)}`
        : table
    }
    ${pager(pageNo, listing.total)}`;
  return page(c, { title: 'Chủ đề', section: 'themes', body });
}

function pager(pageNo: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (pages === 1) return '';
  return html`<nav class="pager" aria-label="Trang">
    ${pageNo > 1 ? html`<a href="/web/themes?page=${pageNo - 1}">← Trước</a>` : ''}
    <span>Trang ${pageNo}/${pages}</span>
    ${pageNo < pages ? html`<a href="/web/themes?page=${pageNo + 1}">Sau →</a>` : ''}
  </nav>`;
}

function buildForm(c: Context<WebEnv>, deps: WebDeps) {
  const now = Date.now();
  const today = localDate(new Date(now), deps.config.TZ);
  const start = localDate(new Date(now - (BUILD_DEFAULT_DAYS - 1) * 86_400_000), deps.config.TZ);
  return html`<h2>Nhóm các ý kiến chưa có chủ đề</h2>
    <form method="post" action="/web/themes/build" class="filters card">
      ${csrfField(c)}
      <label>Nhận từ ngày <input type="date" name="from" value="${start}" /></label>
      <label>đến ngày <input type="date" name="to" value="${today}" /></label>
      <button type="submit">Nhóm ý kiến</button>
      <span class="muted">
        ${deps.config.llmEnabled ? 'Dùng mô hình ngôn ngữ (nếu lỗi thì so khớp văn bản).' : 'So khớp văn bản.'} Chủ đề
        đã xác nhận không bị thay đổi.
      </span>
    </form>`;
}

async function themeDetail(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const user = c.get('user');
  const id = Number(c.req.param('id'));
  const group = await deps.db.petitionGroup.findUnique({ where: { id } });
  const meetingIds = await scopeOf(deps, user);
  const scoped = meetingIds ? scopedMembers(meetingIds) : {};
  const members = group
    ? await deps.db.petition.findMany({
        where: { groupId: id, ...scoped },
        orderBy: { id: 'asc' },
        take: MEMBERS_SHOWN,
        select: { trackingCode: true, text: true, status: true, receivedAt: true },
      })
    : [];
  if (!group || (meetingIds && members.length === 0)) {
    return page(c, {
      title: 'Không tìm thấy chủ đề',
      section: 'themes',
      body: html`<p>Không có chủ đề này.</p>
        <p><a href="/web/themes">Về danh sách chủ đề</a></p>`,
      status: 404,
    });
  }
  const staff = user.role !== 'deputy';
  const count = await deps.db.petition.count({ where: { groupId: id, ...scoped } });
  const memberRows = members.map(
    (member) =>
      html`<tr>
        ${
          staff
            ? html`<td>
                <input type="checkbox" name="code" value="${member.trackingCode}" aria-label="${member.trackingCode}" />
              </td>`
            : ''
        }
        <td><a href="/web/petitions/${member.trackingCode}">${member.trackingCode}</a></td>
        <td class="hide-narrow">${formatDate(member.receivedAt, deps.config.TZ)}</td>
        <td><span class="badge">${STATUS_LABELS[member.status] ?? member.status}</span></td>
        <td class="text">${excerpt(staff ? member.text : redactPersonalData(member.text), MEMBER_TEXT_CHARS)}</td>
      </tr>`,
  );
  const table = html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${staff ? html`<th><input type="checkbox" data-select-all="code" aria-label="Chọn tất cả" /></th>` : ''}
          <th>Mã</th>
          <th class="hide-narrow">Ngày nhận</th>
          <th>Tình trạng</th>
          <th>Nội dung</th>
        </tr>
      </thead>
      <tbody>
        ${
          memberRows.length
            ? memberRows
            : html`<tr>
                <td colspan="5" class="muted">Chủ đề chưa có ý kiến.</td>
              </tr>`
        }
      </tbody>
    </table>
  </div>`;
  const shown = count > members.length ? html` (hiển thị ${members.length} ý kiến đầu)` : '';
  const facts = html`<dl class="facts card">
    <dt>Số</dt>
    <dd>#${group.id}</dd>
    <dt>Trạng thái</dt>
    <dd>${group.confirmed ? 'Đã xác nhận (nhóm tự động không thay đổi)' : 'Tự động, chưa xác nhận'}</dd>
    <dt>Số ý kiến</dt>
    <dd><a href="/web/petitions?theme=${group.id}">${count} ý kiến</a>${shown}</dd>
  </dl>`;
  const body = staff
    ? html`${errorBox(c)} ${facts} ${staffControls(c, group)}
        <form method="post" action="/web/themes/${group.id}/split">
          ${csrfField(c)}
          <h2>Các ý kiến</h2>
          ${table}
          <div class="actions card">
            <label>Tên chủ đề mới (tùy chọn) <input name="title" maxlength="120" /></label>
            <button type="submit">Tách ý kiến đã chọn thành chủ đề mới</button>
            <label
              >Hoặc chuyển sang chủ đề
              <select name="target">
                <option value="">— chọn chủ đề —</option>
                ${await targetOptions(deps, group.id)}
              </select>
            </label>
            <button type="submit" formaction="/web/themes/${group.id}/move" class="secondary">Chuyển</button>
          </div>
        </form>
        <p><a href="/web/themes">← Danh sách chủ đề</a></p>`
    : html`${facts}
        <h2>Các ý kiến trong phạm vi của Ông/Bà</h2>
        ${table}
        <p><a href="/web/themes">← Danh sách chủ đề</a></p>`;
  return page(c, { title: group.title, section: 'themes', body });
}

function staffControls(c: Context<WebEnv>, group: { id: number; title: string; confirmed: boolean }) {
  return html`<div class="grid">
    <form method="post" action="/web/themes/${group.id}/rename" class="card actions">
      ${csrfField(c)}
      <label>Tên chủ đề <input name="title" value="${group.title}" maxlength="120" required size="40" /></label>
      <button type="submit">Đổi tên</button>
    </form>
    ${
      group.confirmed
        ? ''
        : html`<form method="post" action="/web/themes/${group.id}/confirm" class="card actions">
            ${csrfField(c)}
            <span>Xác nhận để nhóm tự động không thay đổi các ý kiến của chủ đề này.</span>
            <button type="submit">Xác nhận chủ đề</button>
          </form>`
    }
  </div>`;
}

async function targetOptions(deps: WebDeps, exceptId: number) {
  const { groups } = await listGroups(deps.db, { take: TARGETS_SHOWN, samples: 0 });
  return groups
    .filter((group) => group.id !== exceptId)
    .map((group) => html`<option value="${group.id}">#${group.id} ${excerpt(group.title, 80)}</option>`);
}

async function changeTheme(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const id = Number(c.req.param('id'));
  const back = `/web/themes/${id}`;
  const form = await readForm(c);
  const actor = c.get('user').actor;
  try {
    switch (c.req.param('action')) {
      case 'confirm':
        await confirmGroup(deps.db, id, actor);
        return redirectBack(c, back, { notice: 'Đã xác nhận chủ đề.' });
      case 'rename':
        await renameGroup(deps.db, id, fieldText(form, 'title'), actor);
        return redirectBack(c, back, { notice: 'Đã đổi tên chủ đề.' });
      case 'split':
        return await split(c, deps, id, form);
      default:
        return await move(c, deps, id, form);
    }
  } catch (error) {
    if (error instanceof GroupingError) return redirectBack(c, back, { error: error.message });
    throw error;
  }
}

async function split(c: Context<WebEnv>, deps: WebDeps, id: number, form: FormFields): Promise<Response> {
  const codes = fieldValues(form, 'code');
  if (codes.length === 0) return redirectBack(c, `/web/themes/${id}`, { error: 'Chưa chọn ý kiến nào.' });
  const created = await splitGroup(deps.db, id, codes, c.get('user').actor, fieldText(form, 'title') || undefined);
  return redirectBack(c, `/web/themes/${created}`, { notice: `Đã tách ${codes.length} ý kiến thành chủ đề mới.` });
}

async function move(c: Context<WebEnv>, deps: WebDeps, id: number, form: FormFields): Promise<Response> {
  const codes = fieldValues(form, 'code');
  const target = positiveId(fieldText(form, 'target'));
  if (codes.length === 0) return redirectBack(c, `/web/themes/${id}`, { error: 'Chưa chọn ý kiến nào.' });
  if (target === null) return redirectBack(c, `/web/themes/${id}`, { error: 'Chưa chọn chủ đề đích.' });
  const result = await movePetitions(deps.db, id, codes, target, c.get('user').actor);
  const notice = `Đã chuyển ${result.moved} ý kiến sang chủ đề #${target}.`;
  return redirectBack(c, result.sourceRemoved ? `/web/themes/${target}` : `/web/themes/${id}`, { notice });
}

async function mergeThemes(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const form = await readForm(c);
  const chosen = fieldValues(form, 'group')
    .map((value) => positiveId(value))
    .filter((value) => value !== null);
  const target = positiveId(fieldText(form, 'target')) ?? chosen[0] ?? null;
  const sources = chosen.filter((id) => id !== target);
  if (target === null || sources.length === 0) {
    return redirectBack(c, '/web/themes', { error: 'Xin chọn ít nhất hai chủ đề để gộp.' });
  }
  try {
    const moved = await mergeGroups(deps.db, target, sources, c.get('user').actor);
    return redirectBack(c, `/web/themes/${target}`, {
      notice: `Đã gộp ${sources.length} chủ đề vào chủ đề này (${moved} ý kiến chuyển sang).`,
    });
  } catch (error) {
    if (error instanceof GroupingError) return redirectBack(c, '/web/themes', { error: error.message });
    throw error;
  }
}

async function buildThemes(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const form = await readForm(c);
  const from = dayField(fieldText(form, 'from'));
  const to = dayField(fieldText(form, 'to'));
  if (from === null || to === null) return redirectBack(c, '/web/themes', { error: 'Ngày không hợp lệ.' });
  const range = openDayRange(from, to, deps.config.TZ);
  const run = await groupPetitions(deps.db, deps.config, { from: range.start, to: range.end, log: deps.log });
  await audit(deps.db, {
    actor: c.get('user').actor,
    action: 'group.build',
    entity: 'PetitionGroup',
    after: { from: from ?? null, to: to ?? null, ...run },
  });
  return redirectBack(c, '/web/themes', {
    notice: `Đã nhóm: ${run.created} chủ đề mới, ${run.joined} ý kiến vào chủ đề có sẵn.`,
  });
}
