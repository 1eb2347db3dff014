// Fault suite: the platform answers 429 and 5xx on sends for a while; every reply is
// delivered once it recovers, in order per chat, none twice.
import { afterEach, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { callback, FakeTelegram, newUserId, textMessage } from '../fakes/telegram.ts';
import { startTestApp, waitUntil } from '../helpers/app.ts';

let telegram: FakeTelegram;
let app: App | undefined;

afterEach(async () => {
  await app?.stop();
  await telegram.stop();
});

it('delivers every reply in order after a run of 429 and 5xx answers', { timeout: 120_000 }, async () => {
  telegram = await new FakeTelegram().start();
  app = await startTestApp({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
  const user = newUserId();
  for (let i = 0; i < 2; i++) telegram.failNext('sendMessage', 502, 'Bad Gateway');
  telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
  for (let i = 0; i < 2; i++) telegram.failNext('sendMessage', 500, 'Internal Server Error');

  telegram.push(textMessage(user, '/start') as never);
  telegram.push(callback(user, 'consent:anonymous') as never);
  telegram.push(textMessage(user, 'Đề nghị nạo vét kênh Thanh Nhàn.') as never);
  telegram.push(textMessage(user, 'Đề nghị thay cống ngõ 7.') as never);

  // the greeting with the privacy notice, "send your petition", two tracking codes
  const texts = await waitUntil(async () => {
    const sent = telegram.textsTo(user);
    return sent.length >= 4 ? sent : undefined;
  }, 100_000);
  expect(telegram.failed.length).toBe(5);
  expect(texts).toHaveLength(4);
  expect(texts[0]).toContain('trợ lý tự động');
  expect(texts[0]).toContain('dữ liệu cá nhân');
  expect(texts[1]).toContain('sẽ được gửi ẩn danh');
  const codes = texts.slice(2).map((text) => /KN-\d{4}-(\d{6})/.exec(text)![1]!);
  expect(codes).toEqual([...codes].sort());
  // The fake has the last message a moment before the outbox row is marked sent.
  await waitUntil(async () => (await app!.db.outboxMessage.count({ where: { status: { not: 'sent' } } })) === 0);
});
