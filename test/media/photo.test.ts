// Photographed paper petitions on Telegram, end to end: the real grammY client against the fake
// Bot API (getFile and the download), the fake OpenAI server's vision answer to the image sent
// as a data URL, the durable job, and the voter's confirmation; the text read is classified redacted.
import { beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_SETTLE_JOB } from '../../src/intake/media.ts';
import type { ReceivedRequest } from '../fakes/openai.ts';
import { callback, newUserId, photoMessage, textMessage, voiceMessage } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const fx = useFakes({ telegram: true, openai: true });

const PAGE =
  'Kính gửi Đoàn đại biểu. Tôi là Nguyễn Văn Bình, đề nghị sửa đèn đường ngõ 5 phố Trần Duy Hưng ' +
  'đã hỏng ba tháng. Số điện thoại 0912 345 678.';
/** A JPEG's first bytes, then filler: the fake reads only its size. */
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20_000, 7)]);

beforeEach(() => {
  fx.llm.readImage(() => ({ kind: 'read', isDocument: true, text: PAGE }));
  fx.telegram.files.set('PHOTO-large', PHOTO);
});

/** The app with a vision model, `extra` over it. */
function start(extra: Record<string, string> = {}) {
  return fx.start({ OPENAI_VISION_MODEL: 'gpt-4o', ...extra });
}

/** A voter who chose to stay anonymous, ready to send petitions; returns the privacy notice too. */
async function anonymousVoter(): Promise<{ user: number; notice: string }> {
  const user = newUserId();
  const [notice] = await fx.say(textMessage(user, '/start'));
  await fx.say(callback(user, 'consent:anonymous'));
  return { user, notice: notice! };
}

/** The classification request that carries `fragment` of a petition's text. */
function classification(fragment: string): Promise<ReceivedRequest> {
  return waitUntil(async () => fx.llm.requests.find((r) => r.body.includes(fragment)));
}

async function petition() {
  return fx.app.db.petition.findFirstOrThrow({ include: { attachments: true } });
}

describe('a photo of a paper petition on Telegram', () => {
  it('is read, shown to the voter, confirmed, stored and classified redacted', async () => {
    const app = await start();
    const { user, notice } = await anonymousVoter();
    expect(notice).toContain('• Ảnh của Ông/Bà được gửi tới máy chủ đọc ảnh');
    const voter = await app.db.voter.findFirstOrThrow();
    expect(voter.consentNotice).toBe('thongbao-2026-02-anh');

    const [stored] = await fx.say(photoMessage(user, ''));
    expect(stored).toMatch(/KN-\d{4}-\d{6}/);
    expect(stored).toContain('đang đọc nội dung trong ảnh');
    const [review] = await fx.telegram.waitForSent(fx.telegram.sent.length + 1).then((sent) => sent.slice(-1));
    expect(String(review!.body.text)).toContain(`Nội dung đọc được từ ảnh`);
    expect(String(review!.body.text)).toContain(PAGE);
    expect(fx.buttons()).toEqual(['media:confirm', 'media:keep']);
    expect(fx.llm.images).toEqual([{ model: 'gpt-4o', mimeType: 'image/jpeg', bytes: PHOTO.length }]);
    // Held back until the voter answers: nothing is classified from an empty text.
    expect(fx.llm.requests).toHaveLength(0);

    const [confirmed] = await fx.say(callback(user, 'media:confirm'));
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
    await start();
    const { user } = await anonymousVoter();
    fx.telegram.files.set('SCAN-1', PHOTO);
    const { message } = textMessage(user, '');
    const { text: _text, ...rest } = message;
    const document = { file_id: 'SCAN-1', file_unique_id: 'SCAN-1', mime_type: 'image/jpeg', file_name: 'don.jpg' };
    await fx.say({ message: { ...rest, document } }, 2);
    expect(fx.telegram.textsTo(user).at(-1)).toContain(PAGE);
    const row = await petition();
    expect(row.attachments.map((a) => [a.kind, a.fileId, a.readStatus, a.sizeBytes])).toEqual([
      ['photo', 'SCAN-1', 'read', PHOTO.length],
    ]);
  });

  it('keeps the caption as the text of a photo that is no page of text', async () => {
    fx.llm.readImage(() => ({ kind: 'read', isDocument: false, text: '' }));
    await start();
    const { user } = await anonymousVoter();
    await fx.say(photoMessage(user, 'Ảnh hố ga mất nắp trước số 5'));
    const request = await classification('hố ga mất nắp');
    expect(fx.llm.images).toHaveLength(1);
    const row = await petition();
    expect(row.text).toBe('Ảnh hố ga mất nắp trước số 5');
    expect(row.attachments.map((a) => [a.kind, a.readStatus])).toEqual([['photo', 'not_document']]);
    expect(request.body).toContain('Ảnh hố ga');
    expect(fx.telegram.textsTo(user).some((text) => text.includes('đọc được từ ảnh'))).toBe(false);
  });

  it('waits out an outage of the vision server without losing the photo', async () => {
    fx.llm.readImage(() => ({ kind: 'status', status: 503 }));
    await start();
    const { user } = await anonymousVoter();
    await fx.say(photoMessage(user, ''));
    await waitUntil(async () => fx.llm.images.length >= 1);
    const job = await waitUntil(async () => {
      const found = await fx.app.db.job.findFirst({ where: { type: 'media.read', attempts: { gte: 1 } } });
      return found?.status === 'pending' ? found : undefined;
    });
    expect(job.lastError).toContain('media read failed');
    expect((await petition()).attachments[0]!.readStatus).toBe('reading');
    fx.llm.readImage(() => ({ kind: 'read', isDocument: true, text: PAGE }));
    await waitUntil(async () => fx.telegram.textsTo(user).some((text) => text.includes(PAGE)), 15_000);
    expect(fx.llm.images.length).toBeGreaterThanOrEqual(2);
  });

  it('is stored as before, photo attached and not read, while no vision model is configured', async () => {
    const app = await start({ OPENAI_VISION_MODEL: '' });
    const { user, notice } = await anonymousVoter();
    expect(notice).not.toContain('máy chủ');
    expect((await app.db.voter.findFirstOrThrow()).consentNotice).toBe('thongbao-2026-01');
    const [stored] = await fx.say(photoMessage(user, 'Ảnh đường ngập'));
    expect(stored).not.toContain('đang đọc');
    await classification('Ảnh đường ngập');
    const row = await petition();
    expect(row.attachments.map((a) => [a.kind, a.readStatus])).toEqual([['photo', null]]);
    expect(fx.llm.images).toHaveLength(0);
  });
});

describe('a text read that the voter never answers', () => {
  it('becomes the petition text and is classified once the review times out', async () => {
    const app = await start();
    const { user } = await anonymousVoter();
    await fx.say(photoMessage(user, ''), 2);
    expect(fx.telegram.textsTo(user).at(-1)).toContain(PAGE);
    const settle = await app.db.job.findFirstOrThrow({ where: { type: MEDIA_SETTLE_JOB } });
    expect(settle.runAt.getTime()).toBeGreaterThan(Date.now() + 20 * 60_000);
    expect(fx.llm.requests).toHaveLength(0);

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
    expect(fx.telegram.textsTo(user).at(-1)).toContain(PAGE);
  });

  it('is stored as read when the voter sends something else instead', async () => {
    const app = await start({ OPENAI_STT_MODEL: 'whisper-1' });
    fx.llm.transcribe(() => ({ kind: 'text', text: 'Đề nghị nạo vét cống ngõ 12 phố Dịch Vọng Hậu' }));
    const { user } = await anonymousVoter();
    await fx.say(photoMessage(user, ''), 2);
    fx.telegram.files.set('VOICE-9', Buffer.alloc(4_000, 1));
    const [next] = await fx.say(voiceMessage(user, 'VOICE-9'));
    const first = await app.db.petition.findFirstOrThrow({ orderBy: { id: 'asc' }, include: { attachments: true } });
    expect(next).toContain(`Kiến nghị ${first.trackingCode} được ghi nhận với nội dung đọc được từ ảnh.`);
    expect(next).toContain('chuyển lời nói thành văn bản');
    expect(first.text).toBe(PAGE);
    expect(first.attachments[0]!.readStatus).toBe('unconfirmed');
    await classification('sửa đèn đường');
    // The voice message's own review follows.
    await waitUntil(async () => fx.telegram.textsTo(user).some((text) => text.includes('nạo vét cống')));
  });
});
