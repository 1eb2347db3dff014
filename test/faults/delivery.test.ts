// Fault suite: the platform answers 429 and 5xx on sends for a while; every reply is
// delivered once it recovers, in order per chat, none twice.
import { expect, it } from 'vitest';
import { callback, newUserId, textMessage } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const fx = useFakes({ telegram: true });

it('delivers every reply in order after a run of 429 and 5xx answers', { timeout: 120_000 }, async () => {
  const app = await fx.start();
  const user = newUserId();
  for (let i = 0; i < 2; i++) fx.telegram.failNext('sendMessage', 502, 'Bad Gateway');
  fx.telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
  for (let i = 0; i < 2; i++) fx.telegram.failNext('sendMessage', 500, 'Internal Server Error');

  fx.telegram.push(textMessage(user, '/start') as never);
  fx.telegram.push(callback(user, 'consent:anonymous') as never);
  fx.telegram.push(textMessage(user, 'Đề nghị nạo vét kênh Thanh Nhàn.') as never);
  fx.telegram.push(textMessage(user, 'Đề nghị thay cống ngõ 7.') as never);

  // the greeting with the privacy notice, "send your petition", two tracking codes
  const texts = await waitUntil(async () => {
    const sent = fx.telegram.textsTo(user);
    return sent.length >= 4 ? sent : undefined;
  }, 100_000);
  expect(fx.telegram.failed.length).toBe(5);
  expect(texts).toHaveLength(4);
  expect(texts[0]).toContain('trợ lý tự động');
  expect(texts[0]).toContain('dữ liệu cá nhân');
  expect(texts[1]).toContain('sẽ được gửi ẩn danh');
  const codes = texts.slice(2).map((text) => /KN-\d{4}-(\d{6})/.exec(text)![1]!);
  expect(codes).toEqual([...codes].sort());
  // The fake has the last message a moment before the outbox row is marked sent.
  await waitUntil(async () => (await app.db.outboxMessage.count({ where: { status: { not: 'sent' } } })) === 0);
});
