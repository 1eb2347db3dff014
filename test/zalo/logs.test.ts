// What the Zalo channel writes to the logs: never the bot token (it is part of every API
// URL), and one clear line when Zalo refuses the token. The pino output is captured from
// a stream, without the production logger's redaction, so a leak would show.
import { describe, expect, it } from 'vitest';
import { newZaloUserId, zaloText } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';
import { pause } from './helpers.ts';

const REFUSED = 'Zalo refused the bot token';

const fx = useFakes({ zalo: true });

describe('Zalo logs', () => {
  it('keep the token out of every line, through failures, retries and a whole conversation', async () => {
    await fx.start({}, { capture: true });
    // An error description that echoes the request URL, a reset connection, a rate limit.
    fx.zalo.failNext('getUpdates', 500, `Internal error while serving /bot${fx.zalo.token}/getUpdates`);
    fx.zalo.dropNext('getUpdates');
    fx.zalo.failNext('sendMessage', 429, 'Too Many Requests');
    const user = newZaloUserId();
    fx.zalo.push(zaloText(user, '/start'));
    // The welcome and the privacy notice are one message.
    await fx.zalo.waitForSent(1);
    fx.zalo.push(zaloText(user, '2'));
    fx.zalo.push(zaloText(user, 'Tram y te phuong thieu thuoc.'));
    await fx.zalo.waitForSent(3);
    expect(fx.zalo.textsTo(user).at(-1)).toMatch(/KN-\d{4}-\d{6}/);
    await fx.stopApp();

    const text = fx.log.text();
    expect(text).toContain('zalo channel ready');
    expect(text).toContain('zalo getUpdates failed');
    expect(text).toContain('zalo call failed; retrying');
    expect(text).toContain('<token>');
    expect(text).not.toContain(fx.zalo.token);
    expect(text).not.toContain(fx.zalo.token.split(':')[1]);
  });

  it('stop the channel with one clear line when Zalo refuses the token while polling', async () => {
    const app = await fx.start({}, { capture: true });
    await waitUntil(
      async () => fx.zalo.callsOf('getUpdates').length > 0 || fx.zalo.paths.some((p) => p.endsWith('/getUpdates')),
    );
    const revoked = fx.zalo.token;
    fx.zalo.token = '2718281828459045235:AnotherToken';
    await waitUntil(async () => fx.log.text().includes(REFUSED), 5000);
    const requests = fx.zalo.paths.length;
    await pause(1500);
    expect(fx.zalo.paths.length).toBe(requests);
    expect(fx.log.lines().filter((line) => String(line.msg).includes(REFUSED))).toHaveLength(1);
    expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
    expect(fx.log.text()).not.toContain(revoked.split(':')[1]);
  });

  it('do the same when the token is refused at start, without polling at all', async () => {
    await fx.start({ ZALO_BOT_TOKEN: '1618033988749894848:Wrong_Token' }, { capture: true });
    await pause(300);
    expect(fx.zalo.paths.map((path) => path.split('/').at(-1))).toEqual(['getMe']);
    expect(fx.log.lines().filter((line) => String(line.msg).includes(REFUSED))).toHaveLength(1);
    expect(fx.log.text()).not.toContain('Wrong_Token');
  });
});
