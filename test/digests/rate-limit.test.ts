// 200 deputies digested at once through the real outbox and grammY client: the fake
// Telegram server timestamps every call, and no one-second window may hold more than 30
// messages, nor a chat two messages within a second.
import { describe, expect, it } from 'vitest';
import { DAILY_PATTERN, nextFire } from '../../src/digests/scheduler.ts';
import { SendRateLimiter } from '../../src/channels/throttle.ts';
import { deputyKey } from '../../src/meetings/service.ts';
import { busiestSecond } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';
import { schedulerOf } from './support.ts';

const DEPUTIES = 200;
const fx = useFakes({ telegram: true });

describe('sending many digests at once', () => {
  it('keeps under 30 messages/s in all and 1 message/s per chat for 200 deputies', async () => {
    const app = await fx.start();
    const subscribedAt = new Date();
    // 200 deputies on 200 chats, and 10 more who share a chat with the first 10 (an
    // assistant's account), so those chats get two digests in the same run.
    const total = DEPUTIES + 10;
    await app.db.deputy.createMany({
      data: Array.from({ length: total }, (_, i) => ({ name: `Đại biểu ${i}`, nameKey: deputyKey(`Đại biểu ${i}`) })),
    });
    const deputies = await app.db.deputy.findMany({ orderBy: { id: 'asc' } });
    await app.db.digestSubscription.createMany({
      data: deputies.map((d, i) => ({
        deputyId: d.id,
        channel: 'telegram',
        chatId: String(70_000 + (i % DEPUTIES)),
        frequency: 'daily',
        createdAt: subscribedAt,
      })),
    });

    const at = new Date(nextFire(DAILY_PATTERN, app.config.TZ, subscribedAt).getTime() + 60_000);
    const due = await schedulerOf(app).tick(at);
    expect(due).toHaveLength(total);
    const expected = total;

    await waitUntil(async () => (await app.db.outboxMessage.count({ where: { status: 'sent' } })) === expected, 90_000);
    const sent = fx.telegram.sent;
    expect(await app.db.digest.count()).toBe(expected);
    expect(sent).toHaveLength(expected);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(30);
    const byChat = new Map<string, number[]>();
    for (const call of sent)
      byChat.set(String(call.body.chat_id), [...(byChat.get(String(call.body.chat_id)) ?? []), call.at!]);
    expect(byChat.size).toBe(DEPUTIES);
    for (const [chat, times] of byChat) {
      expect(times.length).toBe(Number(chat) - 70_000 < 10 ? 2 : 1);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
  });
});

describe('SendRateLimiter', () => {
  it('lets through at most the rate per second, counted from each answer, and a chat once per gap', async () => {
    let now = 0;
    const granted: [string, number][] = [];
    const limiter = new SendRateLimiter(
      { perSecond: 3, perChatGapMs: 1000 },
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    for (const chat of ['a', 'b', 'c', 'd', 'a']) {
      const release = await limiter.acquire(chat);
      granted.push([chat, now]);
      now += 100; // the platform answers 100 ms later
      release();
    }
    // a, b, c answered at 100, 200, 300: d may go at 1100; a again 1000 ms after its answer
    // and after b's answer has left the window.
    expect(granted).toEqual([
      ['a', 0],
      ['b', 100],
      ['c', 200],
      ['d', 1100],
      ['a', 1200],
    ]);
  });
});
