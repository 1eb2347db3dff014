// Fault suite: while the database cannot take writes, webhook calls get a 5xx (so the
// platform retries) rather than a silent loss, and the bot recovers by itself.
import { afterEach, expect, it } from 'vitest';
import { connectDb } from '../../src/db/client.ts';
import type { App } from '../../src/main.ts';
import { FakeTelegram, newUserId, textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl, startTestApp } from '../helpers/app.ts';

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

it('answers 5xx while the database is locked, then accepts the retry', { timeout: 60_000 }, async () => {
  const databaseUrl = freshDatabaseUrl();
  // PostgreSQL waits on a lock instead of failing; the outage is simulated on SQLite,
  // where another process holding the write lock is what an unavailable database looks like.
  if (!databaseUrl.startsWith('file:')) return;
  telegram = await new FakeTelegram().start();
  app = await startTestApp(
    { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, PUBLIC_URL: 'https://bot.example.test', TELEGRAM_WEBHOOK_SECRET: SECRET },
    databaseUrl,
  );
  const user = newUserId();
  const update = { update_id: 4242, ...textMessage(user, '/trogiup') };

  const blocker = await connectDb(databaseUrl);
  let release!: () => void;
  const held = blocker.$transaction(
    async (tx) => {
      await tx.counter.create({ data: { name: 'lock-holder', value: 1 } });
      await new Promise<void>((resolve) => (release = resolve));
    },
    { timeout: 30_000 },
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const during = await post(app.port, update);
  expect(during.status).toBeGreaterThanOrEqual(500);
  expect((await app.db.processedUpdate.count())).toBe(0);
  release();
  await held;
  await blocker.$disconnect();

  const after = await post(app.port, update);
  expect(after.status).toBe(200);
  await telegram.waitForSent(1);
  expect(telegram.textsTo(user)[0]).toContain('/tracuu');
  expect(await app.db.processedUpdate.count()).toBe(1);
});
