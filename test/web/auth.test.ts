// Signing in to the workspace: one-time links, sessions as rows, CSRF, roles on the server.
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { createLoginLink } from '../../src/web/auth.ts';
import { newUserId } from '../fakes/telegram.ts';
import { startTestApp } from '../helpers/app.ts';
import { startHarness, type Harness } from '../staff/support.ts';
import { addStaff, signIn, signInWithLink } from '../helpers/web.ts';

let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const base = () => `http://127.0.0.1:${app!.port}`;

describe('workspace sign-in', () => {
  it('uses a link once, then refuses it', async () => {
    app = await startTestApp({});
    const staffId = await addStaff(app, 'staff');
    const link = await createLoginLink(app.db, base(), staffId, new Date());
    const preview = await fetch(link);
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('name="token"');
    const client = await signInWithLink(link);
    expect((await client.get('/web/petitions')).status).toBe(200);
    await expect(signInWithLink(link)).rejects.toThrow(/401/);
  });

  it('refuses an expired link and sends a request without a session back to sign in', async () => {
    app = await startTestApp({});
    const staffId = await addStaff(app, 'staff');
    const link = await createLoginLink(app.db, base(), staffId, new Date(Date.now() - 11 * 60_000));
    await expect(signInWithLink(link)).rejects.toThrow(/401/);
    const anonymous = await fetch(`${base()}/web/petitions`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('/web');
  });

  it('ends a session idle for longer than WEB_SESSION_HOURS', async () => {
    app = await startTestApp({ WEB_SESSION_HOURS: '1' });
    const client = await signIn(app);
    await app.db.webSession.updateMany({ data: { lastSeenAt: new Date(Date.now() - 2 * 3_600_000) } });
    expect((await client.get('/web/petitions')).status).toBe(401);
  });

  it('sets an HttpOnly, SameSite cookie and changes nothing without the CSRF token', async () => {
    app = await startTestApp({});
    const client = await signIn(app);
    expect(client.cookie).toMatch(/^kn_session=/);
    const refused = await client.post('/web/logout', {}, { csrf: false });
    expect(refused.status).toBe(403);
    expect((await client.get('/web/petitions')).status).toBe(200);
    expect((await client.post('/web/logout')).status).toBe(200);
    expect((await client.get('/web/petitions')).status).toBe(401);
  });

  it('refuses a form body over the limit before reading it whole', async () => {
    app = await startTestApp({});
    const client = await signIn(app);
    const response = await client.post('/web/logout', { filler: 'x'.repeat(26 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect((await client.get('/web/petitions')).status).toBe(200);
  });

  it('signs out everywhere, and a revoked staff member loses every session', async () => {
    app = await startTestApp({});
    const staffId = await addStaff(app, 'staff');
    const [first, second] = [await signIn(app, staffId), await signIn(app, staffId)];
    await first.post('/web/logout-all');
    expect((await second.get('/web/petitions')).status).toBe(401);
    const third = await signIn(app, staffId);
    await app.db.staffMember.update({ where: { id: staffId }, data: { revokedAt: new Date() } });
    expect((await third.get('/web/petitions')).status).toBe(401);
  });

  it('checks the role on the server: a deputy cannot open staff-only pages', async () => {
    app = await startTestApp({});
    const deputy = await signIn(app, await addStaff(app, 'deputy'));
    expect((await deputy.get('/web/review')).status).toBe(403);
    expect((await deputy.get('/web/audit')).status).toBe(403);
  });
});

describe('/web in chat', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('gives staff and admins a one-time link, and voters a refusal', async () => {
    harness = await startHarness();
    const [adminReply] = await harness.text(harness.adminId, '/web');
    const link = /http:\/\/localhost:\d+\/web\/login\?token=[\w-]+/.exec(adminReply!)?.[0];
    expect(link).toBeDefined();
    const admin = await signInWithLink(link!.replace('localhost', '127.0.0.1'));
    expect(await (await admin.get('/web/people')).text()).toContain('quản trị');

    const staffId = newUserId();
    await harness.grant(staffId, 'staff');
    const [staffReply] = await harness.text(staffId, '/web');
    expect(staffReply).toContain('/web/login?token=');

    const [voterReply] = await harness.text(newUserId(), '/web');
    expect(voterReply).not.toContain('token=');
  });
});
