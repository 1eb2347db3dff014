// Replies at the platform's pace: a burst of new voters is answered as fast as Telegram's cap of
// 30 messages a second allows and never faster (the fake refuses what goes over it), each voter's
// step in one message; a 429's retry_after stops every send for that long.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SendRateLimiter } from '../../src/channels/throttle.ts';
import type { App } from '../../src/main.ts';
import { saveMeeting } from '../../src/meetings/service.ts';
import { FakeTelegram, newUserId, textMessage, type SentCall } from '../fakes/telegram.ts';
import { startTestApp, waitUntil } from '../helpers/app.ts';

let telegram: FakeTelegram;
let app: App | undefined;

beforeEach(async () => {
  telegram = await new FakeTelegram().start();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await telegram.stop();
});

async function startWithMeeting(): Promise<App> {
  const started = await startTestApp({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
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
  for (const user of users) telegram.push(textMessage(user, '/start HN-PACE'));
  return users.map(String);
}

function busiestSecond(calls: SentCall[]): number {
  const times = calls.map((c) => c.at!).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('replies to a burst of new voters', () => {
  it('go out at the cap of 30 a second, never over it, one message per voter', async () => {
    telegram.sendCap = { perSecond: 30, retryAfter: 1 };
    app = await startWithMeeting();
    const chats = newVoters(75);
    await waitUntil(async () => telegram.sent.length >= chats.length, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const sent = telegram.sent;
    expect(sent.map((call) => String(call.body.chat_id)).sort()).toEqual([...chats].sort());
    expect(telegram.failed).toHaveLength(0);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(30);
    // 75 messages under a cap of 30 in any second cannot all arrive within two seconds.
    const times = sent.map((call) => call.at!);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2000);
  });

  it("stop every send for a 429's retry_after, then deliver the refused reply", async () => {
    app = await startWithMeeting();
    telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
    const chats = newVoters(20);
    await waitUntil(async () => new Set(telegram.sent.map((call) => String(call.body.chat_id))).size === 20, 60_000);

    const refused = telegram.failed[0]!;
    const during = telegram.sent.filter((call) => call.at! > refused.at! + 50 && call.at! < refused.at! + 1000);
    expect(during).toHaveLength(0);
    expect(telegram.textsTo(String(refused.body.chat_id))).toHaveLength(1);
    expect(new Set(telegram.sent.map((call) => String(call.body.chat_id)))).toEqual(new Set(chats));
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
