// Voice petitions on Telegram, end to end: the real grammY client against the fake Bot API
// (getFile and the file download), the fake OpenAI server's /v1/audio/transcriptions, the
// durable job, and the voter's confirmation; the transcript is classified redacted.
import { beforeEach, describe, expect, it } from 'vitest';
import { callback, newUserId, textMessage, voiceMessage } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const fx = useFakes({ telegram: true, openai: true });

const TRANSCRIPT = 'Tôi đề nghị sửa đèn đường ngõ 5 phố Trần Duy Hưng, số điện thoại của tôi là 0912 345 678';

beforeEach(() => {
  fx.llm.transcribe(() => ({ kind: 'text', text: TRANSCRIPT }));
});

/** The app with a speech-to-text model, `extra` over it. */
function start(extra: Record<string, string> = {}) {
  return fx.start({ OPENAI_STT_MODEL: 'whisper-1', ...extra });
}

/** A voter who chose to stay anonymous, ready to send petitions. */
async function anonymousVoter(): Promise<number> {
  const user = newUserId();
  await fx.say(textMessage(user, '/start'));
  await fx.say(callback(user, 'consent:anonymous'));
  return user;
}

describe('a voice message on Telegram', () => {
  it('is transcribed, confirmed by the voter and classified redacted', async () => {
    const app = await start();
    const user = await anonymousVoter();
    fx.telegram.files.set('VOICE-1', Buffer.alloc(6_000, 1));
    const [stored] = await fx.say(voiceMessage(user, 'VOICE-1'));
    expect(stored).toMatch(/KN-\d{4}-\d{6}/);
    expect(stored).toContain('chuyển lời nói thành văn bản');

    const [review] = await fx.telegram.waitForSent(fx.telegram.sent.length + 1).then((sent) => sent.slice(-1));
    expect(String(review!.body.text)).toContain(TRANSCRIPT);
    expect(fx.buttons()).toEqual(['media:confirm', 'media:keep']);
    expect(fx.llm.transcriptions).toEqual([
      { model: 'whisper-1', language: 'vi', fileName: 'VOICE-1', fileBytes: 6_000 },
    ]);

    const [confirmed] = await fx.say(callback(user, 'media:confirm'));
    expect(confirmed).toContain('Đã ghi nhận nội dung');
    const petition = await app.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe(TRANSCRIPT);
    expect(petition.attachments.map((a) => [a.kind, a.readStatus])).toEqual([['voice', 'confirmed']]);

    // The transcript reaches the classifier, without the phone number.
    const classified = await waitUntil(async () => fx.llm.requests.find((r) => r.body.includes('sửa đèn đường')));
    expect(classified.body).not.toContain('0912');
  });

  it('takes a correction typed by the voter instead of the transcript', async () => {
    const app = await start();
    const user = await anonymousVoter();
    fx.telegram.files.set('VOICE-2', Buffer.alloc(3_000, 1));
    await fx.say(voiceMessage(user, 'VOICE-2'), 2);
    const [corrected] = await fx.say(textMessage(user, 'Đề nghị sửa đèn đường ngõ 7 phố Trần Duy Hưng'));
    expect(corrected).toContain('nội dung đã sửa');
    const petition = await app.db.petition.findFirstOrThrow({ include: { attachments: true } });
    expect(petition.text).toBe('Đề nghị sửa đèn đường ngõ 7 phố Trần Duy Hưng');
    expect(petition.attachments[0]!.readStatus).toBe('corrected');
  });

  it('waits out an outage of the speech server, then offers the transcript', async () => {
    fx.llm.transcribe(() => ({ kind: 'status', status: 503 }));
    const app = await start();
    const user = await anonymousVoter();
    fx.telegram.files.set('VOICE-3', Buffer.alloc(3_000, 1));
    await fx.say(voiceMessage(user, 'VOICE-3'));
    await waitUntil(async () => fx.llm.transcriptions.length >= 1);
    expect((await app.db.attachment.findFirstOrThrow()).readStatus).toBe('reading');
    fx.llm.transcribe(() => ({ kind: 'text', text: TRANSCRIPT }));
    await waitUntil(async () => fx.telegram.textsTo(user).some((text) => text.includes(TRANSCRIPT)), 15_000);
  });

  it('refuses to transcribe a voice message that is too long, and keeps it', async () => {
    const app = await start();
    const user = await anonymousVoter();
    fx.telegram.files.set('VOICE-4', Buffer.alloc(2_000_000, 1));
    await fx.say(voiceMessage(user, 'VOICE-4'), 2);
    expect(fx.telegram.textsTo(user).at(-1)).toContain('dài quá 5 phút');
    expect(fx.llm.transcriptions).toHaveLength(0);
    expect((await app.db.attachment.findFirstOrThrow()).readStatus).toBe('too_long');
  });

  it('refuses at once a voice message Telegram reports as over 5 minutes, without downloading it', async () => {
    const app = await start();
    const user = await anonymousVoter();
    const { message } = voiceMessage(user, 'VOICE-6');
    await fx.say(
      { message: { ...message, voice: { file_id: 'VOICE-6', file_unique_id: 'VOICE-6', duration: 301 } } },
      2,
    );
    expect(fx.telegram.textsTo(user).at(-1)).toContain('dài quá 5 phút');
    expect(fx.telegram.calls.some((call) => call.method === 'getFile')).toBe(false);
    const attachment = await app.db.attachment.findFirstOrThrow();
    expect([attachment.readStatus, attachment.durationSeconds]).toEqual(['too_long', 301]);
  });

  it('is stored as before, with no transcript, when speech-to-text is not configured', async () => {
    const app = await start({ OPENAI_STT_MODEL: '' });
    const user = await anonymousVoter();
    const [stored] = await fx.say(voiceMessage(user, 'VOICE-5'));
    expect(stored).not.toContain('chuyển lời nói');
    const attachment = await app.db.attachment.findFirstOrThrow();
    expect([attachment.kind, attachment.readStatus]).toEqual(['voice', null]);
  });
});
