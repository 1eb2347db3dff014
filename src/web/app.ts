// The staff workspace under /web: signing in and out, the session and CSRF checks every
// page sits behind, the static assets, and each page module's routes. Pages call the same
// services as the chat commands; nothing here keeps a copy of their data.
import { readFileSync } from 'node:fs';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { consumeLoginToken, endAllSessions, endSession, loadSession, startSession, AttemptLimiter } from './auth.ts';
import { requireRole } from './guard.ts';
import { publicPage, SECTIONS } from './layout.ts';
import { registerAuditPages } from './pages/audit.ts';
import { registerMeetingPages } from './pages/meetings.ts';
import { registerPeoplePages } from './pages/people.ts';
import { registerPetitionPages } from './pages/petition.ts';
import { registerPetitionsPage } from './pages/petitions.ts';
import { registerReportPages } from './pages/reports.ts';
import { registerReviewPage } from './pages/review.ts';
import { registerStatsPage } from './pages/stats.ts';
import { registerThemePages } from './pages/themes.ts';
import type { WebApp, WebDeps, WebEnv } from './types.ts';

export const SESSION_COOKIE = 'kn_session';
/** The largest form a page takes (an uploaded answer document or minutes file, with its fields). */
const FORM_BODY_LIMIT = 25 * 1024 * 1024;
const ASSETS: Record<string, { type: string; body: string }> = {
  'app.css': { type: 'text/css; charset=utf-8', body: asset('app.css') },
  'app.js': { type: 'text/javascript; charset=utf-8', body: asset('app.js') },
};

/** Mounts the workspace on the bot's HTTP server. */
export function mountWorkspace(app: Hono, deps: WebDeps): void {
  const web: WebApp = new Hono<WebEnv>();
  web.use('*', compress());
  web.get('/assets/:name', (c) => {
    const file = ASSETS[c.req.param('name')];
    if (!file) return c.notFound();
    return c.body(file.body, 200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=3600' });
  });
  registerSignIn(web, deps);
  web.use('*', bodyLimit({ maxSize: FORM_BODY_LIMIT, onError: tooLarge }), requireSession(deps), checkCsrf);
  web.get('/', (c) => c.redirect(c.get('user').role === 'deputy' ? '/web/stats' : '/web/petitions'));
  web.post('/logout', async (c) => {
    await endSession(deps.db, c.get('sessionId'), new Date());
    return signedOut(c);
  });
  web.post('/logout-all', async (c) => {
    await endAllSessions(deps.db, c.get('user').staffId, new Date());
    return signedOut(c);
  });
  guardSections(web);
  for (const register of PAGES) register(web, deps);
  app.route('/web', web);
}

const PAGES: ((web: WebApp, deps: WebDeps) => void)[] = [
  registerPetitionsPage,
  registerPetitionPages,
  registerReviewPage,
  registerMeetingPages,
  registerStatsPage,
  registerThemePages,
  registerReportPages,
  registerPeoplePages,
  registerAuditPages,
];

/**
 * Each section open only to its roles (SECTIONS), and deputies read-only: checked here for
 * every route, before any page's own handler, so a page cannot forget it.
 */
function guardSections(web: WebApp): void {
  for (const section of SECTIONS) {
    const path = section.path.slice('/web'.length);
    const guard = requireRole(...section.roles);
    web.use(path, guard);
    web.use(`${path}/*`, guard);
  }
  web.use('*', async (c, next) => {
    const reading = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (c.get('user').role === 'deputy' && !reading && !c.req.path.startsWith('/web/logout')) {
      return publicPage(c, 'Không có quyền', html`<p>Đại biểu chỉ xem, không thay đổi dữ liệu.</p>`, 403);
    }
    await next();
  });
}

function registerSignIn(web: WebApp, deps: WebDeps): void {
  const limiter = new AttemptLimiter();
  // The link from chat opens this page; its form (sent by the page's script, or by a click)
  // uses the token, so a link preview fetching the page signs nobody in.
  web.get('/login', (c) => {
    const token = c.req.query('token') ?? '';
    if (!token) return expiredPage(c);
    return publicPage(
      c,
      'Đăng nhập bàn làm việc',
      html`<form method="post" action="/web/login" data-autosubmit>
        <input type="hidden" name="token" value="${token}" />
        <p>Liên kết đăng nhập dùng một lần. Nhấn nút để vào bàn làm việc.</p>
        <button type="submit">Đăng nhập</button>
      </form>`,
    );
  });
  web.post('/login', async (c) => {
    if (!limiter.allow(clientAddress(c))) {
      return publicPage(c, 'Thử lại sau', html`<p>Quá nhiều lần đăng nhập. Xin thử lại sau ít phút.</p>`, 429);
    }
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token : '';
    const staffId = token ? await consumeLoginToken(deps.db, token, new Date()) : null;
    if (staffId === null) return expiredPage(c, 401);
    const session = await startSession(deps.db, staffId);
    setCookie(c, SESSION_COOKIE, session.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.config.PUBLIC_URL?.startsWith('https:') ?? false,
    });
    return c.redirect('/web', 303);
  });
}

function requireSession(deps: WebDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await loadSession(deps.db, deps.config, token, new Date()) : null;
    if (!session) {
      if (token) deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return expiredPage(c, 401);
    }
    c.set('user', session.user);
    c.set('csrf', session.csrf);
    c.set('sessionId', session.id);
    await next();
  };
}

/** A request that changes something must carry the session's CSRF token (form field or header). */
const checkCsrf: MiddlewareHandler<WebEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const header = c.req.header('x-csrf-token');
  const type = c.req.header('content-type') ?? '';
  const form = header ? undefined : type.includes('form') ? await c.req.parseBody({ all: true }) : undefined;
  const given = header ?? (typeof form?._csrf === 'string' ? form._csrf : undefined);
  if (given !== c.get('csrf')) {
    return publicPage(
      c,
      'Yêu cầu bị từ chối',
      html`<p>Biểu mẫu đã cũ hoặc không hợp lệ. Xin tải lại trang và thử lại.</p>`,
      403,
    );
  }
  await next();
};

function expiredPage(c: Context, status: 200 | 401 = 200): Response | Promise<Response> {
  return publicPage(
    c,
    'Đăng nhập bàn làm việc',
    html`<p>Phiên làm việc đã hết hạn hoặc liên kết đăng nhập không còn hiệu lực.</p>
      <p>
        Gửi lệnh <b>/web</b> cho trợ lý trên Telegram hoặc Zalo để nhận liên kết mới (dùng một lần, hiệu lực 10 phút).
      </p>`,
    status,
  );
}

function tooLarge(c: Context): Response | Promise<Response> {
  const body = html`<p>Tệp hoặc biểu mẫu quá lớn (tối đa ${FORM_BODY_LIMIT / 1024 / 1024} MB).</p>`;
  return publicPage(c, 'Tệp quá lớn', body, 413);
}

function signedOut(c: Context): Response | Promise<Response> {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  return publicPage(c, 'Đã đăng xuất', html`<p>Ông/Bà đã đăng xuất khỏi bàn làm việc.</p>`);
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function asset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}
