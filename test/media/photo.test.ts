// Photographed paper petitions on Telegram, end to end: the real grammY client against the fake
// Bot API (getFile and the download), the fake OpenAI server's vision answer to the image sent
// as a data URL, the durable job, and the voter's confirmation; the text read is classified redacted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { MEDIA_SETTLE_JOB } from '../../src/intake/media.ts';
import { startFakeOpenAI, type FakeOpenAI, type ReceivedRequest } from '../fakes/openai.ts';
import { callback, FakeTelegram, newUserId, photoMessage, textMessage, voiceMessage } from '../fakes/telegram.ts';
import { startTestApp, waitUntil } from '../helpers/app.ts';

let telegram: FakeTelegram;
let llm: FakeOpenAI;
let app: App | undefined;

const PAGE =
  'Kính gửi Đoàn đại biểu. Tôi là Nguyễn Văn Bình, đề nghị sửa đèn đường ngõ 5 phố Trần Duy Hưng ' +
  'đã hỏng ba tháng. Số điện thoại 0912 345 678.';
/** A JPEG's first bytes, then filler: the fake reads only its size. */
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20_000, 7)]);

beforeEach(async () => {
  telegram = await new FakeTelegram().start();
  llm = await startFakeOpenAI();
  llm.readImage(() => ({ kind: 'read', isDocument: true, text: PAGE }));
  telegram.files.set('PHOTO-large', PHOTO);
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
    OPENAI_VISION_MODEL: 'gpt-4o',
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

/** A voter who chose to stay anonymous, ready to send petitions; returns the privacy notice too. */
async function anonymousVoter(): Promise<{ user: number; notice: string }> {
  const user = newUserId();
  const [notice] = await say(textMessage(user, '/start'));
  await say(callback(user, 'consent:anonymous'));
  return { user, notice: notice! };
}

/** The classification request that carries `fragment` of a petition's text. */
function classification(fragment: string): Promise<ReceivedRequest> {
  return waitUntil(async () => llm.requests.find((r) => r.body.includes(fragment)));
}

async function petition() {
  return app!.db.petition.findFirstOrThrow({ include: { attachments: true } });
}

describe('a photo of a paper petition on Telegram', () => {
  it('is read, shown to the voter, confirmed, stored and classified redacted', async () => {
    app = await startTestApp(env());
    const { user, notice } = await anonymousVoter();
    expect(notice).toContain('• Ảnh của Ông/Bà được gửi tới máy chủ đọc ảnh');
    const voter = await app.db.voter.findFirstOrThrow();
    expect(voter.consentNotice).toBe('thongbao-2026-02-anh');

    const [stored] = await say(photoMessage(user, ''));
    expect(stored).toMatch(/KN-\d{4}-\d{6}/);
    expect(stored).toContain('đang đọc nội dung trong ảnh');
    const [review] = await telegram.waitForSent(telegram.sent.length + 1).then((sent) => sent.slice(-1));
    expect(String(review!.body.text)).toContain(`Nội dung đọc được từ ảnh`);
    expect(String(review!.body.text)).toContain(PAGE);
    expect(buttonsOf()).toEqual(['media:confirm', 'media:keep']);
    expect(llm.images).toEqual([{ model: 'gpt-4o', mimeType: 'image/jpeg', bytes: PHOTO.length }]);
    // Held back until the voter answers: nothing is classified from an empty text.
    expect(llm.requests).toHaveLength(0);

    const [confirmed] = await say(callback(user, 'media:confirm'));
    expect(confirmed).toContain('Đã ghi nhận nội dung');
    const row = await petition();
    expect(row.text).toBe(PAGE);
    expect(row.attachments.map((a) => [a.kind, a.fileId, a.readStatus])).toEqual([
      ['photo', 'PHOTO-large', 'confirmed'],
    ]);

    // The text read reaches the classifier without the name or the phone number.
    const request = await classification('sửa đèn đường');
    expect(request.body).not.toContain('0912');
    expect(request.body).not.toContain('Bình');
    await waitUntil(async () => (await petition()).field);
  });

  it('is read the same when sent as an image file (a document)', async () => {
    app = await startTestApp(env());
    const { user } = await anonymousVoter();
    telegram.files.set('SCAN-1', PHOTO);
    const { message } = textMessage(user, '');
    const { text: _text, ...rest } = message;
    const document = { file_id: 'SCAN-1', file_unique_id: 'SCAN-1', mime_type: 'image/jpeg', file_name: 'don.jpg' };
    await say({ message: { ...rest, document } }, 2);
    expect(telegram.textsTo(user).at(-1)).toContain(PAGE);
    const row = await petition();
    expect(row.attachments.map((a) => [a.kind, a.fileId, a.readStatus, a.sizeBytes])).toEqual([
      ['photo', 'SCAN-1', 'read', PHOTO.length],
    ]);
  });

  it('keeps the caption as the text of a photo that is no page of text', async () => {
    llm.readImage(() => ({ kind: 'read', isDocument: false, text: '' }));
    app = await startTestApp(env());
    const { user } = await anonymousVoter();
    await say(photoMessage(user, 'Ảnh hố ga mất nắp trước số 5'));
    const request = await classification('hố ga mất nắp');
    expect(llm.images).toHaveLength(1);
    const row = await petition();
    expect(row.text).toBe('Ảnh hố ga mất nắp trước số 5');
    expect(row.attachments.map((a) => [a.kind, a.readStatus])).toEqual([['photo', 'not_document']]);
    expect(request.body).toContain('Ảnh hố ga');
    expect(telegram.textsTo(user).some((text) => text.includes('đọc được từ ảnh'))).toBe(false);
  });

  it('waits out an outage of the vision server without losing the photo', async () => {
    llm.readImage(() => ({ kind: 'status', status: 503 }));
    app = await startTestApp(env());
    const { user } = await anonymousVoter();
    await say(photoMessage(user, ''));
    await waitUntil(async () => llm.images.length >= 1);
    const job = await waitUntil(async () => {
      const found = await app!.db.job.findFirst({ where: { type: 'media.read', attempts: { gte: 1 } } });
      return found?.status === 'pending' ? found : undefined;
    });
    expect(job.lastError).toContain('media read failed');
    expect((await petition()).attachments[0]!.readStatus).toBe('reading');
    llm.readImage(() => ({ kind: 'read', isDocument: true, text: PAGE }));
    await waitUntil(async () => telegram.textsTo(user).some((text) => text.includes(PAGE)), 15_000);
    expect(llm.images.length).toBeGreaterThanOrEqual(2);
  });

  it('is stored as before, photo attached and not read, while no vision model is configured', async () => {
    app = await startTestApp(env({ OPENAI_VISION_MODEL: '' }));
    const { user, notice } = await anonymousVoter();
    expect(notice).not.toContain('máy chủ');
    expect((await app.db.voter.findFirstOrThrow()).consentNotice).toBe('thongbao-2026-01');
    const [stored] = await say(photoMessage(user, 'Ảnh đường ngập'));
    expect(stored).not.toContain('đang đọc');
    await classification('Ảnh đường ngập');
    const row = await petition();
    expect(row.attachments.map((a) => [a.kind, a.readStatus])).toEqual([['photo', null]]);
    expect(llm.images).toHaveLength(0);
  });
});

describe('a text read that the voter never answers', () => {
  it('becomes the petition text and is classified once the review times out', async () => {
    app = await startTestApp(env());
    const { user } = await anonymousVoter();
    await say(photoMessage(user, ''), 2);
    expect(telegram.textsTo(user).at(-1)).toContain(PAGE);
    const settle = await app.db.job.findFirstOrThrow({ where: { type: MEDIA_SETTLE_JOB } });
    expect(settle.runAt.getTime()).toBeGreaterThan(Date.now() + 20 * 60_000);
    expect(llm.requests).toHaveLength(0);

    // The review's half hour is over.
    await app.db.job.update({ where: { id: settle.id }, data: { runAt: new Date() } });
    app.queue.kick(MEDIA_SETTLE_JOB);
    const request = await classification('sửa đèn đường');
    expect(request.body).not.toContain('0912');
    const row = await petition();
    expect(row.text).toBe(PAGE);
    expect(row.attachments[0]!.readStatus).toBe('unconfirmed');
    const conversation = await app.db.conversation.findFirstOrThrow({ where: { channelUserId: String(user) } });
    expect(conversation.state).toBe('idle');
    // Nothing more was said to the voter.
    expect(telegram.textsTo(user).at(-1)).toContain(PAGE);
  });

  it('is stored as read when the voter sends something else instead', async () => {
    app = await startTestApp(env({ OPENAI_STT_MODEL: 'whisper-1' }));
    llm.transcribe(() => ({ kind: 'text', text: 'Đề nghị nạo vét cống ngõ 12 phố Dịch Vọng Hậu' }));
    const { user } = await anonymousVoter();
    await say(photoMessage(user, ''), 2);
    telegram.files.set('VOICE-9', Buffer.alloc(4_000, 1));
    const [next] = await say(voiceMessage(user, 'VOICE-9'));
    const first = await app.db.petition.findFirstOrThrow({ orderBy: { id: 'asc' }, include: { attachments: true } });
    expect(next).toContain(`Kiến nghị ${first.trackingCode} được ghi nhận với nội dung đọc được từ ảnh.`);
    expect(next).toContain('chuyển lời nói thành văn bản');
    expect(first.text).toBe(PAGE);
    expect(first.attachments[0]!.readStatus).toBe('unconfirmed');
    await classification('sửa đèn đường');
    // The voice message's own review follows.
    await waitUntil(async () => telegram.textsTo(user).some((text) => text.includes('nạo vét cống')));
  });
});
