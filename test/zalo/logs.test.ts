// What the Zalo channel writes to the logs: never the bot token (it is part of every API
// URL), and one clear line when Zalo refuses the token. The pino output is captured from
// a stream, without the production logger's redaction, so a leak would show.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { FakeZalo, newZaloUserId, zaloText } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { pause, startZaloApp, zaloEnv } from './helpers.ts';

const REFUSED = 'Zalo refused the bot token';

let zalo: FakeZalo;
let app: App | undefined;

beforeEach(async () => {
  zalo = await new FakeZalo().start();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await zalo.stop();
});

describe('Zalo logs', () => {
  it('keep the token out of every line, through failures, retries and a whole conversation', async () => {
    const started = await startZaloApp(zaloEnv(zalo), { capture: true });
    app = started.app;
    // An error description that echoes the request URL, a reset connection, a rate limit.
    zalo.failNext('getUpdates', 500, `Internal error while serving /bot${zalo.token}/getUpdates`);
    zalo.dropNext('getUpdates');
    zalo.failNext('sendMessage', 429, 'Too Many Requests');
    const user = newZaloUserId();
    zalo.push(zaloText(user, '/start'));
    // The welcome and the privacy notice are one message.
    await zalo.waitForSent(1);
    zalo.push(zaloText(user, '2'));
    zalo.push(zaloText(user, 'Tram y te phuong thieu thuoc.'));
    await zalo.waitForSent(3);
    expect(zalo.textsTo(user).at(-1)).toMatch(/KN-\d{4}-\d{6}/);
    await app.stop();
    app = undefined;

    const text = started.log.text();
    expect(text).toContain('zalo channel ready');
    expect(text).toContain('zalo getUpdates failed');
    expect(text).toContain('zalo call failed; retrying');
    expect(text).toContain('<token>');
    expect(text).not.toContain(zalo.token);
    expect(text).not.toContain(zalo.token.split(':')[1]);
  });

  it('stop the channel with one clear line when Zalo refuses the token while polling', async () => {
    const started = await startZaloApp(zaloEnv(zalo), { capture: true });
    app = started.app;
    await waitUntil(
      async () => zalo.callsOf('getUpdates').length > 0 || zalo.paths.some((p) => p.endsWith('/getUpdates')),
    );
    const revoked = zalo.token;
    zalo.token = '2718281828459045235:AnotherToken';
    await waitUntil(async () => started.log.text().includes(REFUSED), 5000);
    const requests = zalo.paths.length;
    await pause(1500);
    expect(zalo.paths.length).toBe(requests);
    expect(started.log.lines().filter((line) => String(line.msg).includes(REFUSED))).toHaveLength(1);
    expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
    expect(started.log.text()).not.toContain(revoked.split(':')[1]);
  });

  it('do the same when the token is refused at start, without polling at all', async () => {
    const started = await startZaloApp(zaloEnv(zalo, { ZALO_BOT_TOKEN: '1618033988749894848:Wrong_Token' }), {
      capture: true,
    });
    app = started.app;
    await pause(300);
    expect(zalo.paths.map((path) => path.split('/').at(-1))).toEqual(['getMe']);
    expect(started.log.lines().filter((line) => String(line.msg).includes(REFUSED))).toHaveLength(1);
    expect(started.log.text()).not.toContain('Wrong_Token');
  });
});
