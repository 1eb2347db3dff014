// Fault suite: a bot process killed (SIGKILL) in the middle of a burst of petitions loses
// none that it acknowledged, and the platform's retries of the others are accepted once;
// killed while replies go out, it repeats at most one per chat and sends the rest after a restart.
import { afterEach, expect, it } from 'vitest';
import { connectDb } from '../../src/db/client.ts';
import { callback, FakeTelegram, textMessage, type SentCall } from '../fakes/telegram.ts';
import { freshDatabaseUrl, waitUntil } from '../helpers/app.ts';
import { startBotProcess, type BotProcess } from '../helpers/process.ts';

const SECRET = 'crash_test_secret';
const VOTERS = 500;
let telegram: FakeTelegram | undefined;
let bot: BotProcess | undefined;

afterEach(async () => {
  bot?.child.kill('SIGKILL');
  await telegram?.stop();
});

async function deliver(port: number, update: object): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
      body: JSON.stringify(update),
    });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Delivers updates with bounded concurrency; returns which were acknowledged. */
async function burst(port: number, updates: object[], onAck: (count: number) => void): Promise<boolean[]> {
  const acked = new Array<boolean>(updates.length).fill(false);
  let next = 0;
  let count = 0;
  async function worker() {
    while (next < updates.length) {
      const index = next++;
      acked[index] = await deliver(port, updates[index]!);
      if (acked[index]) onAck(++count);
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker));
  return acked;
}

/**
 * Delivers each chat's updates one after another (the next once the last is acknowledged, as the
 * platform does), 32 chats at a time; returns whether every update was acknowledged.
 */
async function conversations(port: number, chats: object[][]): Promise<boolean> {
  let next = 0;
  let allAcked = true;
  async function worker() {
    while (next < chats.length) {
      for (const update of chats[next++]!) {
        if (!(await deliver(port, update))) allAcked = false;
      }
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker));
  return allAcked;
}

it(
  'keeps every acknowledged petition exactly once across a SIGKILL and accepts the retries',
  { timeout: 240_000 },
  async () => {
    telegram = await new FakeTelegram().start();
    const databaseUrl = freshDatabaseUrl();
    const db = await connectDb(databaseUrl);
    // Voters who already consented: each update below is one petition.
    const userIds = Array.from({ length: VOTERS }, (_, i) => 900_000 + i);
    await db.voter.createMany({
      data: userIds.map((id) => ({
        channel: 'telegram',
        channelUserId: String(id),
        chatId: String(id),
        consent: 'anonymous',
        consentAt: new Date(),
      })),
    });
    const updates = userIds.map((id, i) => ({
      update_id: 70_000 + i,
      ...textMessage(id, `Kiến nghị số ${i}: sửa đường ngõ ${i}`),
    }));
    const env = {
      DATABASE_URL: databaseUrl,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      PUBLIC_URL: 'https://bot.example.test',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      FLOOD_MAX_MESSAGES: '1000',
    };

    bot = await startBotProcess(env);
    const victim = bot;
    const acked = await burst(victim.port, updates, (count) => {
      if (count === 150) victim.child.kill('SIGKILL');
    });
    await victim.exited;
    const ackedCount = acked.filter(Boolean).length;
    expect(ackedCount).toBeGreaterThanOrEqual(150);
    expect(ackedCount).toBeLessThan(VOTERS);

    // The platform retries what was not acknowledged (and, being at-least-once, some that
    // were), and keeps retrying a delivery answered 5xx, as Telegram does.
    bot = await startBotProcess(env);
    let pending = updates.filter((_, i) => !acked[i] || i % 10 === 0);
    for (let round = 0; round < 5 && pending.length > 0; round++) {
      const answered = await burst(bot.port, pending, () => undefined);
      pending = pending.filter((_, i) => !answered[i]);
    }
    expect(pending).toHaveLength(0);

    const stored = await db.petition.findMany({ select: { text: true } });
    const texts = new Set(stored.map((p) => p.text));
    expect(stored).toHaveLength(VOTERS);
    expect(texts.size).toBe(VOTERS);
    for (const [i] of updates.entries()) expect(texts.has(`Kiến nghị số ${i}: sửa đường ngõ ${i}`)).toBe(true);
    await db.$disconnect();
  },
);

/** Per chat, how many of the replies stored for it the fake received twice or more, and how many not at all. */
function deliveryCounts(stored: { chatId: string; payload: string }[], sent: SentCall[]) {
  const key = (chatId: unknown, text: unknown) => `${String(chatId)}\u0000${String(text)}`;
  const received = new Map<string, number>();
  for (const call of sent) {
    const sentKey = key(call.body.chat_id, call.body.text);
    received.set(sentKey, (received.get(sentKey) ?? 0) + 1);
  }
  const repeats = new Map<string, number>();
  let missing = 0;
  for (const { chatId, payload } of stored) {
    const times = received.get(key(chatId, (JSON.parse(payload) as { text: string }).text)) ?? 0;
    if (times === 0) missing++;
    if (times > 1) repeats.set(chatId, (repeats.get(chatId) ?? 0) + times - 1);
  }
  return { missing, repeats };
}

const REPEATS_TITLE =
  'repeats at most one reply per chat after a SIGKILL mid-delivery and sends the rest within a minute';
it(REPEATS_TITLE, { timeout: 240_000 }, async () => {
  telegram = await new FakeTelegram().start();
  // A slow platform: each chat's three replies (greeting with the privacy notice, "send your
  // petition", tracking code) take over a second.
  telegram.sendDelayMs = 300;
  const fake = telegram;
  const databaseUrl = freshDatabaseUrl();
  const db = await connectDb(databaseUrl);
  const startsAt = new Date(Date.now() + 86_400_000);
  await db.meeting.create({
    data: { code: 'HN-CRASH', title: 'Tiếp xúc cử tri phường Láng', startsAt, place: 'Nhà văn hóa tổ 5' },
  });
  const chats = 150;
  // New voters type the meeting code, choose to write anonymously and send a petition: each
  // step is answered in one message, so each chat has three replies in a row.
  const updates = Array.from({ length: chats }, (_, i) => [
    { update_id: 50_000 + 3 * i, ...textMessage(600_000 + i, 'HN-CRASH') },
    { update_id: 50_001 + 3 * i, ...callback(600_000 + i, 'consent:anonymous') },
    { update_id: 50_002 + 3 * i, ...textMessage(600_000 + i, `Đề nghị sửa đường ngõ ${i}`) },
  ]);
  const env = {
    DATABASE_URL: databaseUrl,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    PUBLIC_URL: 'https://bot.example.test',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  };

  bot = await startBotProcess(env);
  const victim = bot;
  expect(await conversations(victim.port, updates)).toBe(true);
  // Killed while many chats are between their first and their last reply.
  await waitUntil(() => Promise.resolve(fake.sent.length >= 1.5 * chats), 60_000);
  victim.child.kill('SIGKILL');
  await victim.exited;
  const stored = await db.outboxMessage.findMany({ select: { chatId: true, payload: true } });
  expect(stored).toHaveLength(3 * chats);
  expect(deliveryCounts(stored, fake.sent).missing).toBeGreaterThan(chats / 3);

  bot = await startBotProcess(env);
  await waitUntil(() => Promise.resolve(deliveryCounts(stored, fake.sent).missing === 0), 60_000);
  const { repeats } = deliveryCounts(stored, fake.sent);
  expect([...repeats.values()].filter((count) => count > 1)).toEqual([]);
  await db.$disconnect();
});

it('finishes the updates in flight and exits cleanly on SIGTERM', { timeout: 120_000 }, async () => {
  telegram = await new FakeTelegram().start();
  const databaseUrl = freshDatabaseUrl();
  const db = await connectDb(databaseUrl);
  const userIds = Array.from({ length: 40 }, (_, i) => 800_000 + i);
  await db.voter.createMany({
    data: userIds.map((id) => ({
      channel: 'telegram',
      channelUserId: String(id),
      chatId: String(id),
      consent: 'anonymous',
      consentAt: new Date(),
    })),
  });
  bot = await startBotProcess({
    DATABASE_URL: databaseUrl,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    PUBLIC_URL: 'https://bot.example.test',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  });
  const victim = bot;
  const updates = userIds.map((id, i) => ({ update_id: 90_000 + i, ...textMessage(id, `Ý kiến ${i}`) }));
  const acked = await burst(victim.port, updates, (count) => {
    if (count === 10) victim.child.kill('SIGTERM');
  });
  expect(await victim.exited).toBe(0);
  expect(victim.logs()).toContain('"msg":"stopped"');
  // Everything acknowledged is stored; nothing is stored half (petition without its job).
  const stored = await db.petition.findMany({ select: { id: true, text: true } });
  const jobs = await db.job.count({ where: { type: 'classify' } });
  expect(stored.length).toBeGreaterThanOrEqual(acked.filter(Boolean).length);
  expect(jobs).toBe(stored.length);
  await db.$disconnect();
});
