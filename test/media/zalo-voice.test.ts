// Voice petitions on Zalo, end to end: our axios client long-polling the fake Zalo Bot API,
// the audio downloaded from the update's voice_url (served by the fake), the fake OpenAI
// server's /v1/audio/transcriptions, and the voter's confirmation typed as a number.
import { beforeEach, describe, expect, it } from 'vitest';
import { msg } from '../../src/core/messages.ts';
import { newZaloUserId, zaloText, zaloVoice } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const fx = useFakes({ zalo: true, openai: true });

const TRANSCRIPT = 'Đề nghị nạo vét cống thoát nước ngõ 12 phố Dịch Vọng Hậu, mưa là ngập';
const MEDIA_NOTICE = 'máy chủ chuyển lời nói thành văn bản do cơ quan cấu hình';

beforeEach(() => {
  fx.llm.transcribe(() => ({ kind: 'text', text: TRANSCRIPT }));
});

/** The app with a speech-to-text model, `extra` over it. */
function start(extra: Record<string, string> = {}) {
  return fx.start({ OPENAI_STT_MODEL: 'whisper-1', ...extra });
}

describe('a voice message on Zalo', () => {
  it('is downloaded from its voice_url, transcribed, confirmed by typing 1 and stored', async () => {
    await start();
    const user = newZaloUserId();
    const [notice] = await fx.say(zaloText(user, '/start'));
    expect(notice).toContain(MEDIA_NOTICE);
    await fx.say(zaloText(user, '2'));

    fx.zalo.files.set('v1.aac', Buffer.alloc(5_000, 1));
    const [stored] = await fx.say(zaloVoice(user, fx.zalo.fileUrl('v1.aac')));
    expect(stored).toContain('chuyển lời nói thành văn bản');
    const [review] = await fx.zalo.waitForSent(fx.zalo.sent.length + 1).then((sent) => sent.slice(-1));
    expect(String(review!.body.text)).toContain(TRANSCRIPT);
    expect(String(review!.body.text)).toMatch(/\n {2}1\. Đúng, gửi nội dung này\n {2}2\. Chỉ giữ bản ghi âm$/);
    expect(fx.llm.transcriptions).toEqual([
      { model: 'whisper-1', language: 'vi', fileName: 'v1.aac', fileBytes: 5_000 },
    ]);

    const [confirmed] = await fx.say(zaloText(user, '1'));
    expect(confirmed).toContain('Đã ghi nhận nội dung');
    const petition = await fx.app.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe(TRANSCRIPT);
    expect(petition.attachments.map((a) => [a.kind, a.readStatus, a.readText])).toEqual([
      ['voice', 'confirmed', TRANSCRIPT],
    ]);
  });

  it('refuses to transcribe a voice message over the size limit, and keeps it', async () => {
    await start();
    const user = newZaloUserId();
    await fx.say(zaloText(user, '/start'));
    await fx.say(zaloText(user, '2'));
    fx.zalo.files.set('long.aac', Buffer.alloc(2_000_000, 1));
    await fx.say(zaloVoice(user, fx.zalo.fileUrl('long.aac')), 2);
    expect(fx.zalo.textsTo(user).at(-1)).toContain('dài quá 5 phút');
    expect(fx.llm.transcriptions).toHaveLength(0);
    await waitUntil(async () => (await fx.app.db.attachment.findFirstOrThrow()).readStatus === 'too_long');
  });

  it('leaves the privacy notice without the speech server while speech-to-text is off', async () => {
    await start({ OPENAI_STT_MODEL: '' });
    const [notice] = await fx.say(zaloText(newZaloUserId(), '/start'));
    expect(notice).toContain('dữ liệu cá nhân');
    expect(notice).not.toContain('tin nhắn thoại');
  });
});

describe('the privacy notice', () => {
  it('names the speech and vision servers that voice messages and photos are sent to', () => {
    const notice = msg.consentNotice(false, { voice: true, photo: true });
    expect(notice).toContain(
      '• Tin nhắn thoại và ảnh của Ông/Bà được gửi tới máy chủ chuyển lời nói thành văn bản, đọc ảnh',
    );
    expect(msg.consentNotice(false, { photo: true })).toContain('• Ảnh của Ông/Bà được gửi tới máy chủ đọc ảnh');
    expect(msg.consentNotice()).not.toContain('máy chủ');
  });
});
