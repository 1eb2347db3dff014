// The workspace's page shell: one stylesheet and one small script served by the bot itself,
// the menu of what the signed-in role may open, and the data in the HTML (readable without
// JavaScript). Every value goes through hono/html's escaping; `raw` is for our own markup only.
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { WebEnv, WebRole } from './types.ts';

/** Markup as hono/html builds it (sync or async). */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The workspace's sections, in menu order, and who may open each. */
export const SECTIONS = [
  { id: 'petitions', path: '/web/petitions', label: 'Kiến nghị', roles: ['admin', 'staff', 'deputy'] },
  { id: 'review', path: '/web/review', label: 'Rà soát', roles: ['admin', 'staff'] },
  { id: 'meetings', path: '/web/meetings', label: 'Hội nghị', roles: ['admin', 'staff', 'deputy'] },
  { id: 'stats', path: '/web/stats', label: 'Thống kê', roles: ['admin', 'staff', 'deputy'] },
  { id: 'themes', path: '/web/themes', label: 'Chủ đề', roles: ['admin', 'staff', 'deputy'] },
  { id: 'reports', path: '/web/reports', label: 'Báo cáo', roles: ['admin', 'staff'] },
  { id: 'people', path: '/web/people', label: 'Cán bộ', roles: ['admin', 'staff'] },
  { id: 'audit', path: '/web/audit', label: 'Nhật ký', roles: ['admin', 'staff'] },
] as const satisfies readonly { id: string; path: string; label: string; roles: readonly WebRole[] }[];

export type SectionId = (typeof SECTIONS)[number]['id'];

export interface PageOptions {
  title: string;
  /** The menu entry to highlight. */
  section?: SectionId;
  body: Html;
  /** A notice shown above the content (after an action). */
  notice?: string;
  status?: 200 | 400 | 403 | 404 | 409 | 422;
}

/** The hidden field every form that changes something carries. */
export function csrfField(c: Context<WebEnv>): Html {
  return html`<input type="hidden" name="_csrf" value="${c.get('csrf')}" />`;
}

/** A whole page for the signed-in user. */
export function page(c: Context<WebEnv>, options: PageOptions): Response | Promise<Response> {
  const user = c.get('user');
  const menu = SECTIONS.filter((section) => (section.roles as readonly WebRole[]).includes(user.role));
  const notice = options.notice ?? c.req.query('notice');
  return c.html(
    html`<!doctype html>
      <html lang="vi">
        <head>
          ${head(options.title)}
          <meta name="csrf-token" content="${c.get('csrf')}" />
        </head>
        <body>
          <header class="top">
            <a class="brand" href="/web">Kiến nghị cử tri</a>
            <nav aria-label="Mục chính">
              ${menu.map(
                (section) =>
                  html`<a href="${section.path}" ${section.id === options.section ? html`aria-current="page"` : ''}
                    >${section.label}</a
                  >`,
              )}
            </nav>
            <form method="post" action="/web/logout" class="account">
              ${csrfField(c)}
              <span>${user.displayName} · ${ROLE_LABELS[user.role]}</span>
              <button type="submit">Đăng xuất</button>
              <button type="submit" formaction="/web/logout-all" class="link">Đăng xuất mọi nơi</button>
            </form>
          </header>
          <main>
            <h1>${options.title}</h1>
            ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''} ${options.body}
          </main>
        </body>
      </html>`,
    options.status ?? 200,
  );
}

/** A page for someone not signed in (the sign-in step, an expired session). */
export function publicPage(
  c: Context,
  title: string,
  body: Html,
  status: 200 | 401 | 403 | 413 | 429 = 200,
): Response | Promise<Response> {
  return c.html(
    html`<!doctype html>
      <html lang="vi">
        <head>
          ${head(title)}
        </head>
        <body class="public">
          <main>
            <h1>${title}</h1>
            ${body}
          </main>
        </body>
      </html>`,
    status,
  );
}

export const ROLE_LABELS: Record<WebRole, string> = { admin: 'quản trị', staff: 'cán bộ', deputy: 'đại biểu' };

function head(title: string): Html {
  return html`<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · Kiến nghị cử tri</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/web/assets/app.css" />
    <script src="/web/assets/app.js" defer></script>`;
}
