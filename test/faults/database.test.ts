// Fault suite: while the database is unavailable, webhook calls get a 5xx (so the
// platform retries) rather than a silent loss, and the bot recovers by itself.
import { afterEach, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { FakeTelegram, newUserId, textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl, startTestApp } from '../helpers/app.ts';
import { takeDatabaseDown } from './support.ts';

const SECRET = 'db_fault_secret';
let telegram: FakeTelegram;
let app: App | undefined;

afterEach(async () => {
  await app?.stop();
  await telegram.stop();
});

function post(port: number, update: object) {
  return fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
    body: JSON.stringify(update),
  });
}

it('answers 5xx while the database is unavailable, then accepts the retry', { timeout: 60_000 }, async () => {
  const databaseUrl = freshDatabaseUrl();
  telegram = await new FakeTelegram().start();
  app = await startTestApp(
    {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      PUBLIC_URL: 'https://bot.example.test',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
    databaseUrl,
  );
  const user = newUserId();
  const update = { update_id: 4242, ...textMessage(user, '/trogiup') };

  const bringBack = await takeDatabaseDown(databaseUrl);
  const during = await post(app.port, update);
  expect(during.status).toBeGreaterThanOrEqual(500);
  await bringBack();
  expect(await app.db.processedUpdate.count()).toBe(0);

  // The platform retries; the bot has recovered by itself (no restart).
  const after = await post(app.port, update);
  expect(after.status).toBe(200);
  await telegram.waitForSent(1);
  expect(telegram.textsTo(user)[0]).toContain('/tracuu');
  expect(await app.db.processedUpdate.count()).toBe(1);
});

it(
  'holds a polled update through a database outage and handles it once the database is back',
  { timeout: 60_000 },
  async () => {
    const databaseUrl = freshDatabaseUrl();
    telegram = await new FakeTelegram().start();
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot }, databaseUrl);
    const user = newUserId();

    const bringBack = await takeDatabaseDown(databaseUrl);
    telegram.push(textMessage(user, '/trogiup') as never);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(telegram.sent).toHaveLength(0);
    await bringBack();

    await telegram.waitForSent(1, 30_000);
    expect(telegram.textsTo(user)[0]).toContain('/tracuu');
    expect(await app.db.processedUpdate.count()).toBe(1);
  },
);
