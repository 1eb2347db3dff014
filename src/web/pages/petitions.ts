// The petitions table: filters in the URL (a view can be bookmarked and shared), sortable
// columns, keyset pages with the total, and bulk actions on a selection for office staff
// (level, field, forwarding, duplicate, CSV export) through the services the chat commands
// use. Deputies get the same table scoped to their meetings, texts redacted, read-only.
import { Writable } from 'node:stream';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { agencyTable } from '../../classify/agencies.ts';
import { taxonomyLabels, type Labels } from '../../classify/labels.ts';
import { loadTaxonomy } from '../../classify/taxonomy.ts';
import { parseDay, zonedTime } from '../../core/dates.ts';
import { channelLabel } from '../../core/messages-staff.ts';
import { formatDateTime } from '../../core/time.ts';
import { knownWards } from '../../meetings/wards.ts';
import {
  CHANNEL_FILTERS,
  defaultDirection,
  filterParams,
  parsePetitionFilter,
  searchPetitions,
  type ParsedQuery,
  type PetitionPage,
  type PetitionRow,
  type PetitionSort,
} from '../../petitions/query.ts';
import { BulkError, MAX_SELECTION, runBulkAction, selectionOf, type BulkAction } from '../../petitions/bulk.ts';
import { exportPetitions } from '../../reports/export.ts';
import { scopeOfUser } from '../scope.ts';
import { csrfField, page, type Html } from '../layout.ts';
import { errorBox, fieldText, fieldValues, readForm, redirectBack, type FormFields } from '../office-forms.ts';
import type { WebApp, WebDeps, WebEnv } from '../types.ts';

/** What rendering a row needs besides the row. */
interface View {
  labels: Labels;
  timeZone: string;
  /** The levels of the configured taxonomy: the ones a correction may set. */
  levelIds: string[];
}

const PAGE_SIZE = 50;
const TEXT_CHARS = 160;

const COLUMNS: { sort?: PetitionSort; label: string; narrow?: boolean }[] = [
  { sort: 'code', label: 'Mã' },
  { sort: 'received', label: 'Ngày nhận' },
  { label: 'Hội nghị', narrow: true },
  { label: 'Phường/xã', narrow: true },
  { sort: 'level', label: 'Cấp' },
  { sort: 'field', label: 'Lĩnh vực' },
  { sort: 'status', label: 'Trạng thái' },
  { label: 'Nội dung' },
];

export function registerPetitionsPage(web: WebApp, deps: WebDeps): void {
  web.get('/petitions', (c) => petitionsTable(c, deps));
  web.post('/petitions/bulk', (c) => bulkAction(c, deps));
}

async function petitionsTable(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const user = c.get('user');
  const query = parsePetitionFilter(new URL(c.req.url).searchParams);
  const scope = await scopeOfUser(deps.db, user);
  const labels = taxonomyLabels(deps.config.TAXONOMY);
  const result = await searchPetitions(
    deps.db,
    deps.config,
    query.filter,
    { ...query.page, limit: PAGE_SIZE },
    { scope, excerptChars: TEXT_CHARS },
  );
  const meetings = await deps.db.meeting.findMany({
    where: scope ? { id: { in: scope.meetingIds } } : {},
    orderBy: { startsAt: 'desc' },
    select: { code: true, title: true },
  });
  const wards = await knownWards(deps.db, deps.config);
  const view: View = { labels, timeZone: deps.config.TZ, levelIds: loadTaxonomy(deps.config.TAXONOMY).levelIds };
  const staff = user.role !== 'deputy';
  const problems = [...query.problems, ...result.problems.map((problem) => `Không tìm thấy: ${problem}`)];
  const body = html`${errorBox(c)} ${problems.map((problem) => html`<p class="error" role="alert">${problem}</p>`)}
    ${filterForm(query, labels, meetings, wards)}
    <p><b>${result.total.toLocaleString('vi-VN')}</b> kiến nghị${scope ? ' trong phạm vi của Ông/Bà' : ''}</p>
    ${staff ? bulkForm(c, query, result, view) : table(query, result, view, false)} ${pager(query, result)}`;
  return page(c, { title: 'Kiến nghị', section: 'petitions', body });
}

function option(value: string, label: string, selected: string | undefined): Html {
  return html`<option value="${value}" ${selected === value ? html`selected` : ''}>${label}</option>`;
}

function filterForm(
  query: ParsedQuery,
  labels: Labels,
  meetings: { code: string; title: string }[],
  wards: string[],
): Html {
  const { filter, page: order } = query;
  const select = (name: string, label: string, options: { id: string; label: string }[], value?: string) =>
    html`<label
      >${label}
      <select name="${name}">
        <option value="">Tất cả</option>
        ${options.map((item) => option(item.id, item.label, value))}
      </select></label
    >`;
  const levels = [...labels.levels, { id: 'none', label: 'Chưa phân loại' }];
  const fields = [...labels.fields, { id: 'none', label: 'Chưa phân loại' }];
  const channels = CHANNEL_FILTERS.map((id) => ({ id, label: channelLabel(id) }));
  const meetingOptions = meetings.map((m) => ({ id: m.code, label: `${m.code} · ${m.title}` }));
  return html`<form method="get" action="/web/petitions" class="filters" role="search">
    <label>Từ ngày <input type="date" name="from" value="${filter.from ?? ''}" /></label>
    <label>Đến ngày <input type="date" name="to" value="${filter.to ?? ''}" /></label>
    ${select('meeting', 'Hội nghị', meetingOptions, filter.meeting?.toUpperCase())}
    <label
      >Phường/xã <input name="ward" list="petition-wards" value="${filter.ward ?? ''}" size="14" />
      <datalist id="petition-wards">${wards.map((ward) => html`<option value="${ward}"></option>`)}</datalist></label
    >
    ${select('level', 'Cấp', levels, filter.level)} ${select('field', 'Lĩnh vực', fields, filter.field)}
    ${select('status', 'Trạng thái', labels.statuses, filter.status)}
    ${select('channel', 'Kênh', channels, filter.channel)}
    <label>Tìm trong nội dung <input type="search" name="q" value="${filter.q ?? ''}" size="18" /></label>
    <label
      ><span
        ><input type="checkbox" name="review" value="1" ${filter.review ? html`checked` : ''} /> Cần rà soát</span
      ></label
    >
    ${filter.theme !== undefined ? html`<input type="hidden" name="theme" value="${filter.theme}" />` : ''}
    ${
      order.sort !== 'received' || order.dir !== 'desc'
        ? html`<input type="hidden" name="sort" value="${order.sort}" /><input
              type="hidden"
              name="dir"
              value="${order.dir}"
            />`
        : ''
    }
    <button type="submit">Lọc</button>
    <a class="button secondary" href="/web/petitions">Bỏ lọc</a>
  </form>`;
}

/** A URL of this view with another sort or page (the filter kept). */
function viewLink(query: ParsedQuery, change: { sort?: PetitionSort; after?: string }): string {
  const sort = change.sort ?? query.page.sort;
  const dir =
    change.sort === undefined
      ? query.page.dir
      : change.sort === query.page.sort
        ? query.page.dir === 'asc'
          ? 'desc'
          : 'asc'
        : defaultDirection(change.sort);
  const params = filterParams(query.filter, { sort, dir });
  if (change.after) params.set('after', change.after);
  const search = params.toString();
  return search ? `/web/petitions?${search}` : '/web/petitions';
}

function header(query: ParsedQuery, column: (typeof COLUMNS)[number]): Html {
  const narrow = column.narrow ? html` class="hide-narrow"` : '';
  if (!column.sort) return html`<th${narrow}>${column.label}</th>`;
  const current = query.page.sort === column.sort;
  const arrow = current ? (query.page.dir === 'asc' ? ' ▲' : ' ▼') : '';
  const sorted = current ? (query.page.dir === 'asc' ? 'ascending' : 'descending') : 'none';
  return html`<th${narrow} aria-sort="${sorted}">
    <a href="${viewLink(query, { sort: column.sort })}">${column.label}${arrow}</a>
  </th>`;
}

function table(query: ParsedQuery, result: PetitionPage, view: View, selectable: boolean): Html {
  if (result.rows.length === 0) return html`<p class="muted">Không có kiến nghị nào khớp bộ lọc.</p>`;
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${
            selectable
              ? html`<th><input type="checkbox" data-select-all="code" aria-label="Chọn tất cả trên trang" /></th>`
              : ''
          }
          ${COLUMNS.map((column) => header(query, column))}
        </tr>
      </thead>
      <tbody>
        ${result.rows.map((row) => tableRow(row, view, selectable))}
      </tbody>
    </table>
  </div>`;
}

function tableRow(row: PetitionRow, { labels, timeZone }: View, selectable: boolean): Html {
  return html`<tr>
    ${
      selectable
        ? html`<td>
            <input type="checkbox" name="code" value="${row.trackingCode}" aria-label="Chọn ${row.trackingCode}" />
          </td>`
        : ''
    }
    <td><a href="/web/petitions/${row.trackingCode}">${row.trackingCode}</a></td>
    <td>${formatDateTime(row.receivedAt, timeZone)}</td>
    <td class="hide-narrow" title="${row.meetingTitle ?? ''}">${row.meetingCode ?? '—'}</td>
    <td class="hide-narrow">${row.ward ?? '—'}</td>
    <td>${labels.level(row.authority)}</td>
    <td>${labels.field(row.field)}</td>
    <td>
      <span class="badge">${labels.status(row.status)}</span>
      ${row.needsReview ? html`<span class="badge review">Cần rà soát</span>` : ''}
    </td>
    <td class="text">${row.text}</td>
  </tr>`;
}

function pager(query: ParsedQuery, result: PetitionPage): Html {
  if (!result.prevCursor && !result.nextCursor) return html``;
  const link = (cursor: string | null, rel: 'prev' | 'next', label: string) =>
    cursor ? html`<a href="${viewLink(query, { after: cursor })}" rel="${rel}">${label}</a>` : '';
  return html`<nav class="pager" aria-label="Trang">
    ${link(result.prevCursor, 'prev', '← Trang trước')}
    <a href="${viewLink(query, {})}">Trang đầu</a>
    ${link(result.nextCursor, 'next', 'Trang sau →')}
  </nav>`;
}

/** The agencies offered when forwarding (any other may be typed): the bodies of the agency table. */
function agencyNames(): string[] {
  const { ministries, byField } = agencyTable();
  const names = new Set([...ministries, ...Object.values(byField).flatMap((row) => Object.values(row))]);
  return [...names].sort((a, b) => a.localeCompare(b, 'vi'));
}

/** The table inside the form of bulk actions: the ticked rows are the selection. */
function bulkForm(c: Context<WebEnv>, query: ParsedQuery, result: PetitionPage, view: View): Html {
  const { labels } = view;
  const back = viewLink(query, { after: query.page.after });
  const levelOptions = labels.levels.filter((level) => view.levelIds.includes(level.id));
  return html`<form method="post" action="/web/petitions/bulk" class="bulk">
    ${csrfField(c)}
    <input type="hidden" name="back" value="${back}" />
    <fieldset class="actions">
      <legend>Với các kiến nghị đã chọn</legend>
      <label
        >Cấp
        <select name="level">
          <option value="">—</option>
          ${levelOptions.map((level) => option(level.id, level.label, undefined))}
        </select></label
      >
      <button type="submit" name="action" value="level" class="secondary">Đặt cấp</button>
      <label
        >Lĩnh vực
        <select name="field">
          <option value="">—</option>
          ${labels.fields.map((field) => option(field.id, field.label, undefined))}
        </select></label
      >
      <button type="submit" name="action" value="field" class="secondary">Đặt lĩnh vực</button>
      <label
        >Cơ quan nhận <input name="agency" list="petition-agencies" size="22" />
        <datalist id="petition-agencies">
          ${agencyNames().map((name) => html`<option value="${name}"></option>`)}
        </datalist></label
      >
      <label>Ngày chuyển <input type="date" name="forwardedAt" /></label>
      <button type="submit" name="action" value="forward" class="secondary">Chuyển</button>
      <label>Trùng với <input name="duplicateOf" placeholder="KN-2026-000123" size="15" /></label>
      <button
        type="submit"
        name="action"
        value="duplicate"
        class="secondary"
        data-confirm="Đánh dấu các kiến nghị đã chọn là trùng?"
      >
        Đánh dấu trùng
      </button>
      <label
        ><span><input type="checkbox" name="personal" value="1" /> Kèm dữ liệu cá nhân</span></label
      >
      <button type="submit" name="action" value="export" class="secondary">Xuất CSV</button>
    </fieldset>
    ${table(query, result, view, true)}
  </form>`;
}

/** Where to go back to after a bulk action: the table with the filter it was posted from. */
function backTo(form: FormFields): string {
  const typed = fieldText(form, 'back');
  const search = typed.startsWith('/web/petitions?') ? typed.slice('/web/petitions?'.length) : '';
  const query = parsePetitionFilter(new URLSearchParams(search));
  return viewLink(query, { after: query.page.after });
}

function bulkActionOf(form: FormFields, timeZone: string, now: Date): BulkAction | string {
  const text = (name: string) => fieldText(form, name);
  switch (text('action')) {
    case 'level':
      return { kind: 'level', level: text('level') };
    case 'field':
      return { kind: 'field', field: text('field') };
    case 'forward': {
      const typed = text('forwardedAt');
      const day = typed ? parseDay(typed) : undefined;
      if (typed && !day) return `Ngày chuyển không hợp lệ: "${typed}"`;
      return { kind: 'forward', agency: text('agency'), forwardedAt: day ? zonedTime(day, timeZone) : now };
    }
    case 'duplicate':
      return { kind: 'duplicate', of: text('duplicateOf') };
    default:
      return 'Thao tác không hợp lệ.';
  }
}

const DONE: Record<BulkAction['kind'], string> = {
  level: 'Đã đặt cấp cho',
  field: 'Đã đặt lĩnh vực cho',
  forward: 'Đã chuyển',
  duplicate: 'Đã đánh dấu trùng',
};

async function bulkAction(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const user = c.get('user');
  if (user.role === 'deputy') return c.text('Không có quyền', 403);
  const form = await readForm(c);
  const back = backTo(form);
  const codes = selectionOf(fieldValues(form, 'code'));
  if (fieldText(form, 'action') === 'export') return exportSelection(c, deps, form, codes, back);
  const now = new Date();
  const action = bulkActionOf(form, deps.config.TZ, now);
  if (typeof action === 'string') return redirectBack(c, back, { error: action });
  try {
    const result = await runBulkAction(deps.db, deps.config, codes, action, user.actor, now);
    const skipped = result.skipped.length
      ? ` Bỏ qua ${result.skipped.length}: ${result.skipped
          .slice(0, 5)
          .map((s) => `${s.code} (${s.reason})`)
          .join(', ')}${result.skipped.length > 5 ? '…' : ''}.`
      : '';
    return redirectBack(c, back, { notice: `${DONE[action.kind]} ${result.changed.length} kiến nghị.${skipped}` });
  } catch (error) {
    if (error instanceof BulkError) return redirectBack(c, back, { error: error.message });
    throw error;
  }
}

/** The selection as a CSV file (personal data only when asked, and only office staff get here); audited. */
async function exportSelection(
  c: Context<WebEnv>,
  deps: WebDeps,
  form: FormFields,
  codes: string[],
  back: string,
): Promise<Response> {
  if (codes.length === 0) return redirectBack(c, back, { error: 'Chưa chọn kiến nghị nào.' });
  if (codes.length > MAX_SELECTION) {
    return redirectBack(c, back, { error: `Mỗi lần chọn tối đa ${MAX_SELECTION} kiến nghị.` });
  }
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await exportPetitions(
    deps.db,
    out,
    {
      format: 'csv',
      withPersonalData: fieldText(form, 'personal') === '1',
      trackingCodes: codes,
      actor: c.get('user').actor,
      destination: 'web',
    },
    deps.log,
  );
  const day = new Date().toISOString().slice(0, 10);
  return c.body(Buffer.concat(chunks), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="kien-nghi-${day}.csv"`,
    'Cache-Control': 'no-store',
  });
}
