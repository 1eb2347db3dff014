// Fault suite: malformed deliveries to both webhooks get a 4xx or are ignored with a log
// line; the bot keeps serving.
import { expect, it } from 'vitest';
import { useFakes } from '../helpers/fixture.ts';

const TG_SECRET = 'tg_secret_value';
const ZALO_SECRET = 'zalo_secret_value';
const fx = useFakes({ telegram: true, zalo: true });

async function post(path: string, header: string, secret: string, body: string) {
  try {
    const response = await fetch(`http://127.0.0.1:${fx.app.port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [header]: secret },
      body,
    });
    return response.status;
  } catch (error) {
    // A body over the limit is answered 413 before it is read; the client may still be
    // writing when the server closes, and then sees the close instead of the status.
    if (body.length > 1_000_000 && String((error as Error).cause).includes('closed')) return 413;
    throw error;
  }
}

it('answers malformed Telegram and Zalo deliveries with a 4xx or ignores them, and keeps serving', async () => {
  const app = await fx.start({
    PUBLIC_URL: 'https://bot.example.test',
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    ZALO_WEBHOOK_SECRET: ZALO_SECRET,
  });
  const huge = JSON.stringify({ update_id: 1, message: { text: 'x'.repeat(1_100_000) } });
  const tg = (body: string) => post('/telegram/webhook', 'X-Telegram-Bot-Api-Secret-Token', TG_SECRET, body);
  const za = (body: string) => post('/zalo/webhook', 'X-Bot-Api-Secret-Token', ZALO_SECRET, body);

  for (const status of [
    await tg('{"update_id":'),
    await tg(JSON.stringify({ update_id: 'seven' })),
    await tg(JSON.stringify([1, 2, 3])),
    await tg(huge),
    await za('not json at all'),
    await za(JSON.stringify({ event_name: 'message.text.received', message: { text: 42 } })),
    await za(JSON.stringify({ ok: true, result: null })),
    await za(huge),
  ]) {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  }
  // Unknown kinds of update are acknowledged and ignored, so the platform stops resending them.
  expect(await tg(JSON.stringify({ update_id: 99, poll: { id: '1' } }))).toBe(200);
  const unknownEvent = await za(
    JSON.stringify({
      event_name: 'message.location.received',
      message: {
        message_id: 'abc1',
        date: 1,
        chat: { id: 'c1', chat_type: 'PRIVATE' },
        from: { id: 'u1', display_name: 'A', is_bot: false },
      },
    }),
  );
  expect(unknownEvent).toBeLessThan(500);

  expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
  expect(await app.db.petition.count()).toBe(0);
});
