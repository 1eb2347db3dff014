// Zalo in webhook mode: the bot registers PUBLIC_URL/zalo/webhook with its secret, and
// POST /zalo/webhook takes the documented wrapped body and the unwrapped one.
import { beforeEach, describe, expect, it } from 'vitest';
import { newZaloUserId, zaloText, type ZaloUpdateBody } from '../fakes/zalo.ts';
import { useFakes } from '../helpers/fixture.ts';
import { pause } from './helpers.ts';

const SECRET = 'zalo-webhook-secret_42';
const TRACKING = /KN-\d{4}-\d{6}/;

const fx = useFakes({ zalo: true });

beforeEach(async () => {
  await fx.start({ PUBLIC_URL: 'https://bot.example.test/', ZALO_WEBHOOK_SECRET: SECRET });
});

/** `secret: null` sends no secret header at all. */
async function post(body: unknown, secret: string | null = SECRET): Promise<Response> {
  return fetch(`http://127.0.0.1:${fx.app.port}/zalo/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret !== null ? { 'X-Bot-Api-Secret-Token': secret } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const wrap = (update: ZaloUpdateBody) => ({ ok: true, result: update });

describe('Zalo webhook', () => {
  it('registers PUBLIC_URL/zalo/webhook with the secret and does not poll', async () => {
    expect(fx.zalo.webhook).toEqual({ url: 'https://bot.example.test/zalo/webhook', secret_token: SECRET });
    await pause(200);
    expect(fx.zalo.callsOf('getUpdates')).toHaveLength(0);
  });

  it('takes both body shapes and has the turn committed before it answers', async () => {
    const user = newZaloUserId();
    expect((await post(wrap(zaloText(user, '/start')))).status).toBe(200);
    // Acknowledged only after commit: the conversation is already in the database.
    expect(await fx.app.db.conversation.count({ where: { channel: 'zalo', channelUserId: user } })).toBe(1);
    expect((await post(zaloText(user, 'dong y'))).status).toBe(200);
    expect((await post(wrap(zaloText(user, 'bo qua')))).status).toBe(200);
    expect((await post(zaloText(user, '1'))).status).toBe(200);
    expect((await post(wrap(zaloText(user, 'Cau Moc xuong cap nghiem trong')))).status).toBe(200);
    const petition = await fx.app.db.petition.findFirstOrThrow({ include: { voter: true } });
    expect(petition.text).toBe('Cau Moc xuong cap nghiem trong');
    expect(petition.voter?.consent).toBe('agreed');
    // Welcome and privacy notice are one message, then name, ward, petition prompt and tracking code.
    await fx.zalo.waitForSent(5);
    expect(fx.zalo.textsTo(user)[0]).toContain('trợ lý tự động');
    expect(fx.zalo.textsTo(user)[0]).toContain('dữ liệu cá nhân');
    expect(fx.zalo.textsTo(user).at(-1)).toMatch(TRACKING);
  });

  it('stores a petition once when the same message is delivered twice', async () => {
    const user = newZaloUserId();
    await post(zaloText(user, '/start'));
    await post(zaloText(user, '2'));
    const petition = zaloText(user, 'Xe tai chay qua toc do tren duong Hoang Quoc Viet.');
    expect((await post(petition)).status).toBe(200);
    expect((await post(wrap(petition))).status).toBe(200);
    expect(await fx.app.db.petition.count()).toBe(1);
    expect(
      await fx.app.db.processedUpdate.count({
        where: { channel: 'zalo', updateId: `${user}/${petition.message.message_id}` },
      }),
    ).toBe(1);
    // One welcome with the notice, the anonymous prompt, one tracking code.
    await fx.zalo.waitForSent(3);
    await pause(200);
    expect(fx.zalo.textsTo(user)).toHaveLength(3);
    expect(fx.zalo.textsTo(user).filter((text) => TRACKING.test(text))).toHaveLength(1);
  });

  it('keeps apart two senders whose messages carry the same message id', async () => {
    const [first, second] = [newZaloUserId(), newZaloUserId()];
    expect((await post(zaloText(first, '/trogiup', 'shared-id-1'))).status).toBe(200);
    expect((await post(wrap(zaloText(second, '/trogiup', 'shared-id-1')))).status).toBe(200);
    await fx.zalo.waitForSent(2);
    expect(fx.zalo.textsTo(first)).toHaveLength(1);
    expect(fx.zalo.textsTo(second)).toHaveLength(1);
    expect(await fx.app.db.processedUpdate.count({ where: { channel: 'zalo' } })).toBe(2);
  });

  it('refuses a wrong or missing secret and stores nothing', async () => {
    const user = newZaloUserId();
    expect((await post(zaloText(user, 'Noi dung'), 'wrong-secret')).status).toBe(401);
    expect((await post(wrap(zaloText(user, 'Noi dung')), null)).status).toBe(401);
    expect(await fx.app.db.processedUpdate.count()).toBe(0);
    expect(await fx.app.db.conversation.count()).toBe(0);
    await pause(200);
    expect(fx.zalo.sent).toHaveLength(0);
  });

  it('answers 400 to a body that is not an update, and stays healthy', async () => {
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ hello: 'world' })).status).toBe(400);
    expect((await post({ event_name: 'message.text.received', message: { text: 42 } })).status).toBe(400);
    expect(await fx.app.db.processedUpdate.count()).toBe(0);
    expect((await fetch(`http://127.0.0.1:${fx.app.port}/healthz`)).status).toBe(200);
  });
});
