// Shared setup of the staff tests: the real app against the fake Telegram server, a
// conversation helper, and readers of what was sent (files come from the outbox rows).
import type { App } from '../../src/main.ts';
import { callback, FakeTelegram, newUserId, textMessage } from '../fakes/telegram.ts';
import { startTestApp } from '../helpers/app.ts';

export interface Harness {
  telegram: FakeTelegram;
  app: App;
  adminId: number;
  /** Sends an update and returns the texts (or captions) of the `replies` messages it caused. */
  say(update: object, replies?: number): Promise<string[]>;
  text(userId: number, text: string, replies?: number): Promise<string[]>;
  press(userId: number, data: string, replies?: number): Promise<string[]>;
  /** Buttons (callback data) of the last message sent to a chat. */
  buttons(userId: number): string[];
  /** Makes the account staff (or deputy) directly in the database. */
  grant(userId: number, role: 'staff' | 'deputy', deputyId?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const telegram = await new FakeTelegram().start();
  const adminId = newUserId();
  const app = await startTestApp({
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    ADMIN_TELEGRAM_IDS: String(adminId),
    ...env,
  });
  /** Waits for `replies` new messages in the sender's own chat (others' notifications interleave). */
  const say = async (update: object, replies = 1) => {
    const chat = String(chatOf(update));
    const mine = () => telegram.sent.filter((call) => String(call.body.chat_id) === chat);
    const before = mine().length;
    telegram.push(update as never);
    const deadline = Date.now() + 10_000;
    while (mine().length < before + replies) {
      if (Date.now() > deadline)
        throw new Error(
          `expected ${replies} replies in chat ${chat}: ${JSON.stringify(
            mine()
              .slice(before)
              .map((c) => c.body.text),
          )}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return mine()
      .slice(before)
      .map((call) => String(call.body.text ?? call.body.caption ?? ''));
  };
  return {
    telegram,
    app,
    adminId,
    say,
    text: (userId, text, replies) => say(textMessage(userId, text), replies),
    press: (userId, data, replies) => say(callback(userId, data), replies),
    buttons(userId) {
      const call = telegram.sent.filter((c) => String(c.body.chat_id) === String(userId)).at(-1);
      const raw = call?.body.reply_markup;
      const markup = (typeof raw === 'string' ? JSON.parse(raw) : raw) as
        { inline_keyboard: { callback_data: string }[][] } | undefined;
      return markup?.inline_keyboard.flat().map((button) => button.callback_data) ?? [];
    },
    async grant(userId, role, deputyId) {
      await app.db.staffMember.create({ data: { channel: 'telegram', channelUserId: String(userId), role, deputyId } });
    },
    async stop() {
      await app.stop();
      await telegram.stop();
    },
  };
}

/** Files queued for a chat, decoded from the outbox (the durable record of what was sent). */
export async function filesSentTo(
  app: App,
  chatId: number,
): Promise<{ name: string; kind: string; data: Buffer; text: string }[]> {
  const rows = await app.db.outboxMessage.findMany({ where: { chatId: String(chatId) }, orderBy: { id: 'asc' } });
  return rows.flatMap((row) => {
    const payload = JSON.parse(row.payload) as { text: string; file?: { name: string; base64: string; kind: string } };
    return payload.file
      ? [
          {
            name: payload.file.name,
            kind: payload.file.kind,
            data: Buffer.from(payload.file.base64, 'base64'),
            text: payload.text,
          },
        ]
      : [];
  });
}

/**
 * Audited actions in order, without the records scheduled jobs keep for themselves (the weekly
 * overdue reminder notes each week it ran, with the actor "system (…)"), which race with a test's steps.
 */
export async function auditedActions(app: App): Promise<string[]> {
  const rows = await app.db.auditLog.findMany({
    where: { NOT: { actor: { startsWith: 'system' } } },
    orderBy: { id: 'asc' },
  });
  return rows.map((row) => row.action);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk; throws when the data is not a PNG. */
export function pngSize(data: Buffer): { width: number; height: number } {
  if (!data.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG signature');
  if (data.subarray(12, 16).toString('ascii') !== 'IHDR') throw new Error('first chunk is not IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function chatOf(update: object): number {
  const u = update as { message?: { chat: { id: number } }; callback_query?: { from: { id: number } } };
  return u.message?.chat.id ?? u.callback_query!.from.id;
}

export { newUserId };
