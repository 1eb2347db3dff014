// Fault suite: while the database is unavailable, webhook calls get a 5xx (so the
// platform retries) rather than a silent loss, and the bot recovers by itself.
import { expect, it } from 'vitest';
import { newUserId, textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';
import { takeDatabaseDown } from './support.ts';

const SECRET = 'db_fault_secret';
const fx = useFakes({ telegram: true });

function post(port: number, update: object) {
  return fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
    body: JSON.stringify(update),
  });
}

it('answers 5xx while the database is unavailable, then accepts the retry', { timeout: 60_000 }, async () => {
  const databaseUrl = freshDatabaseUrl();
  const app = await fx.start(
    { PUBLIC_URL: 'https://bot.example.test', TELEGRAM_WEBHOOK_SECRET: SECRET },
    { databaseUrl },
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
  await fx.telegram.waitForSent(1);
  expect(fx.telegram.textsTo(user)[0]).toContain('/tracuu');
  expect(await app.db.processedUpdate.count()).toBe(1);
});

it(
  'holds a polled update through a database outage and handles it once the database is back',
  { timeout: 60_000 },
  async () => {
    const databaseUrl = freshDatabaseUrl();
    const app = await fx.start({}, { databaseUrl });
    const user = newUserId();

    const bringBack = await takeDatabaseDown(databaseUrl);
    fx.telegram.push(textMessage(user, '/trogiup') as never);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(fx.telegram.sent).toHaveLength(0);
    await bringBack();

    await fx.telegram.waitForSent(1, 30_000);
    expect(fx.telegram.textsTo(user)[0]).toContain('/tracuu');
    expect(await app.db.processedUpdate.count()).toBe(1);
  },
);
