// The audit log (who changed what, when, before and after), newest first, filtered by actor,
// action, entity and id, and period; paged by id (keyset), so a page stays fast however long
// the log grows. The filter is in the URL, so a view can be bookmarked and shared.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { excerpt } from '../../core/messages.ts';
import { formatDateTime } from '../../core/time.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { page } from '../layout.ts';
import { dayField, openDayRange, positiveId } from '../office-forms.ts';
import type { WebApp, WebDeps, WebEnv } from '../types.ts';

const PAGE_SIZE = 50;
const CHANGE_CHARS = 240;
const VALUE_CHARS = 80;
const FILTERS = ['actor', 'action', 'entity', 'id', 'from', 'to'] as const;
type Filter = Partial<Record<(typeof FILTERS)[number], string>>;

export function registerAuditPages(web: WebApp, deps: WebDeps): void {
  web.get('/audit', (c) => auditPage(c, deps));
}

function filterOf(c: Context<WebEnv>): Filter {
  const filter: Filter = {};
  for (const key of FILTERS) {
    const value = c.req.query(key)?.trim();
    if (value) filter[key] = value;
  }
  return filter;
}

/** The filter as a Prisma condition, or the reason it cannot be one. */
function whereOf(filter: Filter, timeZone: string): Prisma.AuditLogWhereInput | { error: string } {
  const from = dayField(filter.from);
  const to = dayField(filter.to);
  if (from === null || to === null) return { error: 'Ngày không hợp lệ (dùng dd/mm/yyyy).' };
  const range = openDayRange(from, to, timeZone);
  return {
    ...(filter.actor ? { actor: { contains: filter.actor } } : {}),
    // "group." (or "group") finds every theme change; "export" the exports.
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.entity ? { entity: filter.entity } : {}),
    ...(filter.id ? { entityId: filter.id } : {}),
    ...(from || to ? { createdAt: { gte: range.start, lt: range.end } } : {}),
  };
}

function query(filter: Filter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ ...filter, ...extra } as Record<string, string>);
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function auditPage(c: Context<WebEnv>, deps: WebDeps): Promise<Response> {
  const filter = filterOf(c);
  const where = whereOf(filter, deps.config.TZ);
  const before = positiveId(c.req.query('before'));
  const rows =
    'error' in where
      ? []
      : await deps.db.auditLog.findMany({
          where: before ? { AND: [where, { id: { lt: before } }] } : where,
          orderBy: { id: 'desc' },
          take: PAGE_SIZE + 1,
        });
  const more = rows.length > PAGE_SIZE;
  const shown = rows.slice(0, PAGE_SIZE);
  const body = html`<form method="get" action="/web/audit" class="filters">
      <label>Người thực hiện <input name="actor" value="${filter.actor ?? ''}" placeholder="telegram:123" /></label>
      <label>Thao tác <input name="action" value="${filter.action ?? ''}" placeholder="group." size="14" /></label>
      <label>Đối tượng <input name="entity" value="${filter.entity ?? ''}" placeholder="Petition" size="12" /></label>
      <label>Số <input name="id" value="${filter.id ?? ''}" size="6" /></label>
      <label>Từ ngày <input type="date" name="from" value="${filter.from ?? ''}" /></label>
      <label>Đến ngày <input type="date" name="to" value="${filter.to ?? ''}" /></label>
      <button type="submit">Lọc</button>
      <a href="/web/audit" class="button secondary">Bỏ lọc</a>
    </form>
    ${'error' in where ? html`<p class="error" role="alert">${where.error}</p>` : ''}
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Thời gian</th>
            <th>Người thực hiện</th>
            <th>Thao tác</th>
            <th>Đối tượng</th>
            <th>Thay đổi</th>
          </tr>
        </thead>
        <tbody>
          ${
            shown.length
              ? shown.map(
                  (row) =>
                    html`<tr>
                      <td>${formatDateTime(row.createdAt, deps.config.TZ)}</td>
                      <td><a href="/web/audit${query({ ...filter, actor: row.actor })}">${row.actor}</a></td>
                      <td><a href="/web/audit${query({ ...filter, action: row.action })}">${row.action}</a></td>
                      <td>
                        <a href="/web/audit${query({ ...filter, entity: row.entity, id: row.entityId ?? '' })}"
                          >${row.entity}${row.entityId ? ` #${row.entityId}` : ''}</a
                        >
                      </td>
                      <td class="text">${changeOf(row.before, row.after)}</td>
                    </tr>`,
                )
              : html`<tr>
                  <td colspan="5" class="muted">Không có mục nào.</td>
                </tr>`
          }
        </tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Trang">
      ${before ? html`<a href="/web/audit${query(filter)}">← Mới nhất</a>` : ''}
      ${more ? html`<a href="/web/audit${query(filter, { before: String(shown.at(-1)!.id) })}">Cũ hơn →</a>` : ''}
    </nav>`;
  return page(c, { title: 'Nhật ký thao tác', section: 'audit', body });
}

function parsed(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function shortValue(value: unknown): string {
  if (value === undefined) return '∅';
  return excerpt(typeof value === 'string' ? value : JSON.stringify(value), VALUE_CHARS);
}

/** "key: before → after" per changed key (only "key: value" when one side is missing), shortened. */
export function compactChange(beforeText: string | null, afterText: string | null): string {
  const before = parsed(beforeText);
  const after = parsed(afterText);
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isRecord(before) && !isRecord(after)) {
    if (before === undefined && after === undefined) return '';
    return before === undefined ? shortValue(after) : `${shortValue(before)} → ${shortValue(after)}`;
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .map((key) => {
      if (!(key in b)) return `${key}: ${shortValue(a[key])}`;
      if (!(key in a)) return `${key}: ${shortValue(b[key])} → ∅`;
      const [was, now] = [shortValue(b[key]), shortValue(a[key])];
      return was === now ? `${key}: ${now}` : `${key}: ${was} → ${now}`;
    })
    .join('; ');
}

function changeOf(beforeText: string | null, afterText: string | null) {
  const compact = compactChange(beforeText, afterText);
  if (compact.length <= CHANGE_CHARS) return html`<code class="change">${compact}</code>`;
  const full = JSON.stringify({ before: parsed(beforeText) ?? null, after: parsed(afterText) ?? null }, null, 2);
  return html`<details>
    <summary><code class="change">${excerpt(compact, CHANGE_CHARS)}</code></summary>
    <pre>${full}</pre>
  </details>`;
}
