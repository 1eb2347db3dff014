// Fault suite: the flood limit slows intake but never drops a command silently: over the
// limit, each command gets a short refusal.
import { expect, it } from 'vitest';
import { newUserId, textMessage } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const SECRET = 'flood_tg_secret';
const REFUSED = 'yêu cầu này chưa được thực hiện';
const fx = useFakes({ telegram: true });

it('answers or refuses every command of a voter over the flood limit', async () => {
  const app = await fx.start({
    PUBLIC_URL: 'https://bot.example.test',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    FLOOD_MAX_MESSAGES: '3',
    FLOOD_WINDOW_SECONDS: '60',
  });
  const user = newUserId();
  for (let i = 0; i < 7; i++) {
    const response = await fetch(`http://127.0.0.1:${app.port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
      body: JSON.stringify({ update_id: 9100 + i, ...textMessage(user, i % 2 ? '/tracuu' : '/trogiup') }),
    });
    expect(response.status).toBe(200);
  }
  const texts = await waitUntil(async () => {
    const sent = fx.telegram.textsTo(user);
    return sent.length >= 7 && sent;
  });
  expect(texts.slice(0, 3).some((text) => text.includes(REFUSED))).toBe(false);
  for (const text of texts.slice(3)) expect(text).toContain(REFUSED);
  expect(await app.db.processedUpdate.count()).toBe(7);
});
