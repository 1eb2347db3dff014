// Voice petitions on Telegram, end to end: the real grammY client against the fake Bot API
// (getFile and the file download), the fake OpenAI server's /v1/audio/transcriptions, the
// durable job, and the voter's confirmation; the transcript is classified redacted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.ts';
import { callback, FakeTelegram, newUserId, textMessage, voiceMessage } from '../fakes/telegram.ts';
import { startTestApp, waitUntil } from '../helpers/app.ts';

let telegram: FakeTelegram;
let llm: FakeOpenAI;
let app: App | undefined;

const TRANSCRIPT = 'Tôi đề nghị sửa đèn đường ngõ 5 phố Trần Duy Hưng, số điện thoại của tôi là 0912 345 678';

beforeEach(async () => {
  telegram = await new FakeTelegram().start();
  llm = await startFakeOpenAI();
  llm.transcribe(() => ({ kind: 'text', text: TRANSCRIPT }));
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await telegram.stop();
  await llm.close();
});

function env(extra: Record<string, string> = {}) {
  return {
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: llm.baseURL,
    OPENAI_STT_MODEL: 'whisper-1',
    ...extra,
  };
}

async function say(update: object, replies = 1): Promise<string[]> {
  const before = telegram.sent.length;
  telegram.push(update as never);
  const sent = await telegram.waitForSent(before + replies);
  return sent.slice(before).map((call) => String(call.body.text ?? ''));
}

function buttonsOf(index = -1): string[] {
  const markup = telegram.sent.at(index)!.body.reply_markup as
    { inline_keyboard: { callback_data: string }[][] } | undefined;
  return markup?.inline_keyboard.flat().map((button) => button.callback_data) ?? [];
}

/** A voter who chose to stay anonymous, ready to send petitions. */
async function anonymousVoter(): Promise<number> {
  const user = newUserId();
  await say(textMessage(user, '/start'));
  await say(callback(user, 'consent:anonymous'));
  return user;
}

describe('a voice message on Telegram', () => {
  it('is transcribed, confirmed by the voter and classified redacted', async () => {
    app = await startTestApp(env());
    const user = await anonymousVoter();
    telegram.files.set('VOICE-1', Buffer.alloc(6_000, 1));
    const [stored] = await say(voiceMessage(user, 'VOICE-1'));
    expect(stored).toMatch(/KN-\d{4}-\d{6}/);
    expect(stored).toContain('chuyển lời nói thành văn bản');

    const [review] = await telegram.waitForSent(telegram.sent.length + 1).then((sent) => sent.slice(-1));
    expect(String(review!.body.text)).toContain(TRANSCRIPT);
    expect(buttonsOf()).toEqual(['media:confirm', 'media:keep']);
    expect(llm.transcriptions).toEqual([{ model: 'whisper-1', language: 'vi', fileName: 'VOICE-1', fileBytes: 6_000 }]);

    const [confirmed] = await say(callback(user, 'media:confirm'));
    expect(confirmed).toContain('Đã ghi nhận nội dung');
    const petition = await app.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe(TRANSCRIPT);
    expect(petition.attachments.map((a) => [a.kind, a.readStatus])).toEqual([['voice', 'confirmed']]);

    // The transcript reaches the classifier, without the phone number.
    const classified = await waitUntil(async () => llm.requests.find((r) => r.body.includes('sửa đèn đường')));
    expect(classified.body).not.toContain('0912');
  });

  it('takes a correction typed by the voter instead of the transcript', async () => {
    app = await startTestApp(env());
    const user = await anonymousVoter();
    telegram.files.set('VOICE-2', Buffer.alloc(3_000, 1));
    await say(voiceMessage(user, 'VOICE-2'), 2);
    const [corrected] = await say(textMessage(user, 'Đề nghị sửa đèn đường ngõ 7 phố Trần Duy Hưng'));
    expect(corrected).toContain('nội dung đã sửa');
    const petition = await app.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe('Đề nghị sửa đèn đường ngõ 7 phố Trần Duy Hưng');
    expect(petition.attachments[0]!.readStatus).toBe('corrected');
  });

  it('waits out an outage of the speech server, then offers the transcript', async () => {
    llm.transcribe(() => ({ kind: 'status', status: 503 }));
    app = await startTestApp(env());
    const user = await anonymousVoter();
    telegram.files.set('VOICE-3', Buffer.alloc(3_000, 1));
    await say(voiceMessage(user, 'VOICE-3'));
    await waitUntil(async () => llm.transcriptions.length >= 1);
    expect((await app.db.attachment.findFirstOrThrow()).readStatus).toBe('reading');
    llm.transcribe(() => ({ kind: 'text', text: TRANSCRIPT }));
    await waitUntil(async () => telegram.textsTo(user).some((text) => text.includes(TRANSCRIPT)), 15_000);
  });

  it('refuses to transcribe a voice message that is too long, and keeps it', async () => {
    app = await startTestApp(env());
    const user = await anonymousVoter();
    telegram.files.set('VOICE-4', Buffer.alloc(2_000_000, 1));
    await say(voiceMessage(user, 'VOICE-4'), 2);
    expect(telegram.textsTo(user).at(-1)).toContain('dài quá 5 phút');
    expect(llm.transcriptions).toHaveLength(0);
    expect((await app.db.attachment.findFirstOrThrow()).readStatus).toBe('too_long');
  });

  it('refuses at once a voice message Telegram reports as over 5 minutes, without downloading it', async () => {
    app = await startTestApp(env());
    const user = await anonymousVoter();
    const { message } = voiceMessage(user, 'VOICE-6');
    await say({ message: { ...message, voice: { file_id: 'VOICE-6', file_unique_id: 'VOICE-6', duration: 301 } } }, 2);
    expect(telegram.textsTo(user).at(-1)).toContain('dài quá 5 phút');
    expect(telegram.calls.some((call) => call.method === 'getFile')).toBe(false);
    const attachment = await app.db.attachment.findFirstOrThrow();
    expect([attachment.readStatus, attachment.durationSeconds]).toEqual(['too_long', 301]);
  });

  it('is stored as before, with no transcript, when speech-to-text is not configured', async () => {
    app = await startTestApp(env({ OPENAI_STT_MODEL: '' }));
    const user = await anonymousVoter();
    const [stored] = await say(voiceMessage(user, 'VOICE-5'));
    expect(stored).not.toContain('chuyển lời nói');
    const attachment = await app.db.attachment.findFirstOrThrow();
    expect([attachment.kind, attachment.readStatus]).toEqual(['voice', null]);
  });
});
