// Replies at the platform's pace: a burst of new voters is answered as fast as Telegram's cap of
// 30 messages a second allows and never faster (the fake refuses what goes over it), each voter's
// step in one message; a 429's retry_after stops every send for that long.
import { describe, expect, it } from 'vitest';
import { SendRateLimiter } from '../../src/channels/throttle.ts';
import type { App } from '../../src/main.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { busiestSecond, newUserId, textMessage } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const fx = useFakes({ telegram: true });

async function startWithMeeting(): Promise<App> {
  const started = await fx.start();
  await saveMeeting(started.db, {
    code: 'HN-PACE',
    title: 'Tiếp xúc cử tri phường Cầu Giấy',
    start: '2026-12-05T08:00:00+07:00',
    place: 'Hội trường UBND phường Cầu Giấy',
  });
  return started;
}

/** New voters opening the bot with the meeting's code, all at once; returns their chat ids. */
function newVoters(count: number): string[] {
  const users = Array.from({ length: count }, () => newUserId());
  for (const user of users) fx.telegram.push(textMessage(user, '/start HN-PACE'));
  return users.map(String);
}

describe('replies to a burst of new voters', () => {
  it('go out at the cap of 30 a second, never over it, one message per voter', async () => {
    fx.telegram.sendCap = { perSecond: 30, retryAfter: 1 };
    await startWithMeeting();
    const chats = newVoters(75);
    await waitUntil(async () => fx.telegram.sent.length >= chats.length, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const sent = fx.telegram.sent;
    expect(sent.map((call) => String(call.body.chat_id)).sort()).toEqual([...chats].sort());
    expect(fx.telegram.failed).toHaveLength(0);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(30);
    // 75 messages under a cap of 30 in any second cannot all arrive within two seconds.
    const times = sent.map((call) => call.at!);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2000);
  });

  it("stop every send for a 429's retry_after, then deliver the refused reply", async () => {
    await startWithMeeting();
    fx.telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
    const chats = newVoters(20);
    await waitUntil(async () => new Set(fx.telegram.sent.map((call) => String(call.body.chat_id))).size === 20, 60_000);

    const refused = fx.telegram.failed[0]!;
    const during = fx.telegram.sent.filter((call) => call.at! > refused.at! + 50 && call.at! < refused.at! + 1000);
    expect(during).toHaveLength(0);
    expect(fx.telegram.textsTo(String(refused.body.chat_id))).toHaveLength(1);
    expect(new Set(fx.telegram.sent.map((call) => String(call.body.chat_id)))).toEqual(new Set(chats));
  });
});

describe('SendRateLimiter.pause', () => {
  it('holds every chat until the pause is over', async () => {
    let now = 0;
    const limiter = new SendRateLimiter(
      { perSecond: 30, perChatGapMs: 0 },
      () => now,
      async (ms) => {
        now += ms;
      },
    );
    (await limiter.acquire('a'))();
    limiter.pause(2000);
    const release = await limiter.acquire('b');
    expect(now).toBe(2000);
    release();
  });
});
