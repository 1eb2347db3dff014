// Fault suite: one error boundary per turn. A handler that throws is settled once (the
// delivery recorded, an apology sent, the platform answered 200), in webhook mode and when
// polling; updates of shapes the bot does not handle are acknowledged and ignored.
import { afterEach, describe, expect, it } from 'vitest';
import type { Feature } from '../../src/core/types.ts';
import type { App } from '../../src/main.ts';
import { FakeTelegram, newUserId, textMessage } from '../fakes/telegram.ts';
import { FakeZalo, newMessageId, newZaloUserId, zaloText } from '../fakes/zalo.ts';
import { startTestApp, waitUntil } from '../helpers/app.ts';

const TG_SECRET = 'boundary_tg_secret';
const ZALO_SECRET = 'boundary_zalo_secret';
const APOLOGY = 'chưa xử lý được tin nhắn vừa rồi';
const HELP = '/tracuu';

let telegram: FakeTelegram;
let zalo: FakeZalo | undefined;
let app: App | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await telegram.stop();
  await zalo?.stop();
  zalo = undefined;
});

/** A feature whose command `/hong` always throws; counts its calls. */
function throwingFeature(): Feature & { calls: number } {
  const feature = {
    name: 'boom',
    calls: 0,
    commands: [
      {
        name: 'hong',
        roles: ['voter'] as const,
        usage: '/hong',
        help: 'always fails',
        run: async () => {
          feature.calls++;
          throw new Error('handler failed');
        },
      },
    ],
  };
  return feature;
}

async function startWebhookApp(env: Record<string, string> = {}): Promise<App> {
  return startTestApp({
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    PUBLIC_URL: 'https://bot.example.test',
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    ...env,
  });
}

async function postTelegram(update: object): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${app!.port}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': TG_SECRET },
    body: JSON.stringify(update),
  });
  return response.status;
}

async function postZalo(body: object): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${app!.port}/zalo/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Bot-Api-Secret-Token': ZALO_SECRET },
    body: JSON.stringify(body),
  });
  return response.status;
}

/** Waits until the chat has `count` messages, and returns them. */
async function textsOf(user: number, count: number): Promise<string[]> {
  return waitUntil(async () => {
    const texts = telegram.textsTo(user);
    return texts.length >= count && texts;
  });
}

describe('a handler that throws', () => {
  it('is answered 200 in webhook mode, the user is told once, and a redelivery is a duplicate', async () => {
    telegram = await new FakeTelegram().start();
    app = await startWebhookApp();
    const feature = throwingFeature();
    app.core.use(feature);
    const user = newUserId();
    const failing = { update_id: 7001, ...textMessage(user, '/hong') };

    expect(await postTelegram(failing)).toBe(200);
    expect(feature.calls).toBeLessThanOrEqual(2);
    expect((await textsOf(user, 1))[0]).toContain(APOLOGY);
    expect(await app.db.processedUpdate.count({ where: { channel: 'telegram', updateId: '7001' } })).toBe(1);

    // Telegram retries the same update: acknowledged, not run again, no second apology.
    expect(await postTelegram(failing)).toBe(200);
    expect(feature.calls).toBeLessThanOrEqual(2);
    // The user's next update works; the chat's order says nothing came in between.
    expect(await postTelegram({ update_id: 7002, ...textMessage(user, '/trogiup') })).toBe(200);
    const texts = await textsOf(user, 2);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain(HELP);
    expect(texts.filter((text) => text.includes(APOLOGY))).toHaveLength(1);
  });

  it('does not stall polling: the next update is handled right after the apology', async () => {
    telegram = await new FakeTelegram().start();
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
    const feature = throwingFeature();
    app.core.use(feature);
    const user = newUserId();
    telegram.push(textMessage(user, '/hong') as never);
    telegram.push(textMessage(user, '/trogiup') as never);

    // Under the 10 s wait, far below the two minutes of retries a transient failure gets.
    const texts = await textsOf(user, 2);
    expect(texts[0]).toContain(APOLOGY);
    expect(texts[1]).toContain(HELP);
    expect(feature.calls).toBeLessThanOrEqual(2);
    expect(await app.db.processedUpdate.count()).toBe(2);
  });
});

describe('updates of shapes the bot does not handle', () => {
  it('are acknowledged on Telegram and ignored, without a reply', async () => {
    telegram = await new FakeTelegram().start();
    app = await startWebhookApp();
    const user = newUserId();
    const { message } = textMessage(user, 'Đề nghị sửa đèn đường');
    const { chat: _chat, ...withoutChat } = message;
    const callbackWithoutFrom = {
      id: 'cb1',
      chat_instance: '1',
      data: 'consent:agree',
      message: { ...message, text: '…' },
    };

    for (const update of [
      { update_id: 8001, message: withoutChat },
      { update_id: 8002, message: { ...message, text: 42 } },
      { update_id: 8003, callback_query: callbackWithoutFrom },
      { update_id: 8004, edited_message: message },
      { update_id: 8005, message: { ...message, chat: { id: 'not a number', type: 'private' } } },
    ]) {
      expect(await postTelegram(update)).toBe(200);
    }
    expect(await app.db.processedUpdate.count()).toBe(0);
    expect(await postTelegram({ update_id: 8006, ...textMessage(user, '/trogiup') })).toBe(200);
    const texts = await textsOf(user, 1);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(HELP);
    expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
  });

  it('are acknowledged on Zalo and ignored: a reaction, a payload without a message', async () => {
    telegram = await new FakeTelegram().start();
    zalo = await new FakeZalo().start();
    app = await startTestApp({
      PUBLIC_URL: 'https://bot.example.test',
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_ROOT: zalo.apiRoot,
      ZALO_WEBHOOK_SECRET: ZALO_SECRET,
    });
    const user = newZaloUserId();
    const reaction = { ...zaloText(user, '❤'), event_name: 'message.reaction.received' };

    expect(await postZalo(reaction)).toBe(200);
    expect(await postZalo({ ok: true, result: reaction })).toBe(200);
    expect(await postZalo({ event_name: 'message.text.received' })).toBe(200);
    expect(await postZalo({ ok: true, result: { event_name: 'message.reaction.received', message: { id: 1 } } })).toBe(
      200,
    );
    expect(await app.db.processedUpdate.count()).toBe(0);

    expect(await postZalo(zaloText(user, '/trogiup', newMessageId()))).toBe(200);
    await zalo.waitForSent(1);
    const texts = zalo.textsTo(user);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(HELP);
  });
});
