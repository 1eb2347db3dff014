// Fault suite: while the database is unavailable, webhook calls get a 5xx (so the
// platform retries) rather than a silent loss, and the bot recovers by itself.
import { afterEach, expect, it } from 'vitest';
import { connectDb } from '../../src/db/client.ts';
import type { App } from '../../src/main.ts';
import { FakeTelegram, newUserId, textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl, startTestApp } from '../helpers/app.ts';
import { postgresUrl, psql } from '../helpers/postgres.ts';

const SECRET = 'db_fault_secret';
let telegram: FakeTelegram;
let app: App | undefined;

afterEach(async () => {
  await app?.stop();
  await telegram.stop();
});

/** Makes the database refuse the bot until the returned function is called. */
async function takeDatabaseDown(databaseUrl: string): Promise<() => Promise<void>> {
  if (databaseUrl.startsWith('file:')) {
    // SQLite: another process holding the write lock is what an unavailable database looks like.
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
    return async () => {
      release();
      await held;
      await blocker.$disconnect();
    };
  }
  // PostgreSQL: refuse new connections and cut the open ones, as a restarting server does.
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = postgresUrl(databaseUrl, 'postgres');
  psql(admin, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  psql(admin, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
  return async () => {
    psql(admin, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
  };
}

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
    { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, PUBLIC_URL: 'https://bot.example.test', TELEGRAM_WEBHOOK_SECRET: SECRET },
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

it('holds a polled update through a database outage and handles it once the database is back', { timeout: 60_000 }, async () => {
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
});
