// A browser-less workspace client over real HTTP: signs a staff member in through a one-time
// link, keeps the session cookie, and sends the CSRF token with every form it posts.
import type { App } from '../../src/main.ts';
import { createLoginLink, ensureLocalAdmin } from '../../src/web/auth.ts';
import type { WebRole } from '../../src/web/types.ts';

export interface WebClient {
  base: string;
  cookie: string;
  csrf: string;
  get(path: string): Promise<Response>;
  /** Posts a form (fields as given; the CSRF token added unless `csrf: false`). */
  post(path: string, fields?: Record<string, string | string[]>, options?: { csrf?: boolean }): Promise<Response>;
}

/** Adds a staff member (or deputy) and returns their id. */
export async function addStaff(
  app: App,
  role: WebRole,
  options: { channel?: string; userId?: string; deputyId?: number } = {},
): Promise<number> {
  const row = await app.db.staffMember.create({
    data: {
      channel: options.channel ?? 'telegram',
      channelUserId: options.userId ?? String(Math.floor(Math.random() * 1e9)),
      role,
      deputyId: options.deputyId ?? null,
    },
  });
  return row.id;
}

/** Signs in as a staff member (the local administrator by default). */
export async function signIn(app: App, staffId?: number): Promise<WebClient> {
  const base = `http://127.0.0.1:${app.port}`;
  const id = staffId ?? (await ensureLocalAdmin(app.db));
  const link = await createLoginLink(app.db, base, id, new Date());
  return signInWithLink(link);
}

/** Follows a sign-in link as a browser would (the page's form posted with its token). */
export async function signInWithLink(link: string): Promise<WebClient> {
  const url = new URL(link);
  const base = url.origin;
  const response = await fetch(`${base}/web/login`, {
    method: 'POST',
    body: new URLSearchParams({ token: url.searchParams.get('token') ?? '' }),
    redirect: 'manual',
  });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (response.status !== 303 || !cookie) throw new Error(`sign-in failed: ${response.status}`);
  const client: WebClient = {
    base,
    cookie,
    csrf: '',
    get: (path) => fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' }),
    async post(path, fields = {}, options = {}) {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(fields)) {
        for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
      }
      if (options.csrf !== false) body.append('_csrf', client.csrf);
      return fetch(`${base}${path}`, { method: 'POST', headers: { cookie }, body, redirect: 'manual' });
    },
  };
  const home = await client.get('/web/petitions');
  client.csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await home.text())?.[1] ?? '';
  return client;
}
