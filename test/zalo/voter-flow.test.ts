// A voter's conversation on Zalo, end to end: our axios client long-polling a fake Zalo
// Bot API server on 127.0.0.1, the real core, a real SQLite database. Choices arrive as
// numbered lines and are answered by typing, without diacritics.
import { describe, expect, it } from 'vitest';
import { newZaloUserId, zaloImage, zaloSticker, zaloText, zaloUnsupported, zaloVoice } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const TRACKING = /KN-\d{4}-\d{6}/;

const fx = useFakes({ zalo: true });

/** The first answer is one message: the welcome, then the privacy notice with its choices. */
function expectWelcomeWithNotice(text: string | undefined): void {
  expect(text).toContain('trợ lý tự động');
  expect(text).toContain('dữ liệu cá nhân');
  expect(text!.indexOf('trợ lý tự động')).toBeLessThan(text!.indexOf('dữ liệu cá nhân'));
  expect(text).toMatch(/\n {2}1\. Đồng ý\n {2}2\. Gửi ẩn danh\n {2}3\. Hủy$/);
}

describe('voter on Zalo (long polling)', () => {
  it('goes from a typed meeting code to a tracking code, answering choices by typing', async () => {
    await fx.start();
    await fx.addMeeting();
    const user = newZaloUserId();

    // Welcome, meeting greeting and privacy notice make one message, in that order.
    const [welcome] = await fx.say(zaloText(user, 'HN-CG-01'));
    const parts = ['trợ lý tự động', 'Tiếp xúc cử tri phường Cầu Giấy', '05/12/2026', 'dữ liệu cá nhân'];
    for (const part of parts) expect(welcome).toContain(part);
    const positions = parts.map((part) => welcome!.indexOf(part));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // No buttons on Zalo: the choices are numbered lines of the text itself.
    expect(welcome).toMatch(/\n {2}1\. Đồng ý\n {2}2\. Gửi ẩn danh\n {2}3\. Hủy$/);
    expect(fx.zalo.sent.every((call) => call.method === 'sendMessage' && call.body.chat_id === user)).toBe(true);

    const [askName] = await fx.say(zaloText(user, 'dong y'));
    expect(askName).toContain('họ tên');
    expect(askName).toContain('1. Bỏ qua');
    const [askWard] = await fx.say(zaloText(user, 'Tran Thi Hoa'));
    expect(askWard).toContain('phường/xã');
    const [askPetition] = await fx.say(zaloText(user, '1'));
    expect(askPetition).toContain('Mời Ông/Bà nhập ý kiến');

    const text = 'De nghi sua duong ngo 12 pho Tran Duy Hung, mua la ngap.';
    const [stored] = await fx.say(zaloText(user, text));
    const code = TRACKING.exec(stored!)?.[0];
    expect(code).toBeDefined();

    const petition = await fx.app.db.petition.findUniqueOrThrow({
      where: { trackingCode: code! },
      include: { voter: true, meeting: true },
    });
    expect(petition.text).toBe(text);
    expect(petition.channel).toBe('zalo');
    expect(petition.meeting?.code).toBe('HN-CG-01');
    expect(petition.voter).toMatchObject({
      channel: 'zalo',
      channelUserId: user,
      chatId: user,
      name: 'Tran Thi Hoa',
      ward: null,
      consent: 'agreed',
    });
    expect(petition.anonymous).toBe(false);

    const [status] = await fx.say(zaloText(user, `/tracuu ${code!.toLowerCase()}`));
    expect(status).toContain(code);
    expect(status).toContain('Tình trạng');
    const [finished] = await fx.say(zaloText(user, 'ket thuc'));
    expect(finished).toContain('Cảm ơn Ông/Bà đã gửi ý kiến');
    expect(await fx.app.db.petition.count()).toBe(1);
  });

  it('keeps a petition typed before the meeting code, binds the meeting, matches a ward typed without diacritics', async () => {
    await fx.start();
    await fx.addMeeting();
    const user = newZaloUserId();
    const text = 'Rac thai o cho Nghia Tan khong duoc thu gom dung gio.';
    const [welcome] = await fx.say(zaloText(user, text));
    expect(welcome).toContain('trợ lý tự động');
    expect(welcome).toContain('giữ tạm');
    // The meeting greeting leads the renewed consent prompt, in one message.
    const [prompt] = await fx.say(zaloText(user, 'HN-CG-01'));
    expect(prompt).toContain('Tiếp xúc cử tri phường Cầu Giấy');
    expect(prompt).toContain('giữ tạm');
    expect(prompt).toMatch(/1\. Đồng ý/);
    await fx.say(zaloText(user, 'dong y'));
    await fx.say(zaloText(user, 'Tran Van Binh'));
    const [stored] = await fx.say(zaloText(user, 'phuong cau giay'));
    expect(stored).toMatch(TRACKING);
    const petition = await fx.app.db.petition.findFirstOrThrow({ include: { meeting: true, voter: true } });
    expect(petition).toMatchObject({ text, ward: 'Phường Cầu Giấy', meeting: { code: 'HN-CG-01' } });
    expect(petition.voter?.ward).toBe('Phường Cầu Giấy');
  });

  it('answers a greeting, asks about a short text and stores it once the voter confirms and agrees', async () => {
    await fx.start();
    const user = newZaloUserId();
    // The welcome and the answer to the greeting make one message.
    const [greeting] = await fx.say(zaloText(user, 'xin chao'));
    expect(greeting).toContain('trợ lý tự động');
    expect(greeting).toContain('Để gửi ý kiến, kiến nghị');
    expect(greeting).not.toContain('dữ liệu cá nhân');
    const [asked] = await fx.say(zaloText(user, 'Den hong'));
    expect(asked).toContain('Đây có phải ý kiến');
    expect(asked).toMatch(/1\. Gửi làm ý kiến\n {2}2\. Không$/);
    const [notice] = await fx.say(zaloText(user, '1'));
    expect(notice).toContain('dữ liệu cá nhân');
    const [stored] = await fx.say(zaloText(user, 'gui an danh'));
    expect(stored).toMatch(TRACKING);
    expect((await fx.app.db.petition.findMany()).map((petition) => petition.text)).toEqual(['Den hong']);
  });

  it('long-polls with one update per call and handles three updates in a row', async () => {
    await fx.start();
    const users = [newZaloUserId(), newZaloUserId(), newZaloUserId()];
    for (const user of users) fx.zalo.push(zaloText(user, '/trogiup'));
    await fx.zalo.waitForSent(3);
    expect(users.map((user) => fx.zalo.textsTo(user).length)).toEqual([1, 1, 1]);
    expect(fx.zalo.textsTo(users[2]!)[0]).toContain('/tracuu');
    expect(await fx.app.db.processedUpdate.count({ where: { channel: 'zalo' } })).toBe(3);
    const polls = fx.zalo.callsOf('getUpdates');
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.every((call) => call.body.timeout === '30')).toBe(true);
    // Polling mode clears a webhook first: getUpdates answers nothing while one is set.
    expect(fx.zalo.callsOf('deleteWebhook')).toHaveLength(1);
    expect(fx.zalo.paths.every((path) => path.startsWith(`/bot${fx.zalo.token}/`))).toBe(true);
  });

  it('backs off when getUpdates fails instead of looping, then carries on', async () => {
    // Failures first: a poll already waiting when they are set would take the update instead.
    fx.zalo.failNext('getUpdates', 502, 'Bad Gateway');
    fx.zalo.dropNext('getUpdates');
    const started = Date.now();
    await fx.start();
    const user = newZaloUserId();
    const [help] = await fx.say(zaloText(user, '/trogiup'));
    expect(help).toContain('/tracuu');
    expect(fx.zalo.failed.filter((call) => call.method === 'getUpdates')).toHaveLength(2);
    // Two failures wait about 1 s and 2 s (with jitter, at least 0.75 s and 1.5 s).
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('stores a photo with its caption and a voice message; answers stickers and protected content politely', async () => {
    await fx.start();
    const user = newZaloUserId();
    expectWelcomeWithNotice((await fx.say(zaloText(user, '/start')))[0]);
    const [ask] = await fx.say(zaloText(user, '2'));
    expect(ask).toContain('ẩn danh');

    const [sticker] = await fx.say(zaloSticker(user));
    expect(sticker).toContain('nhãn dán');
    const [unsupported] = await fx.say(zaloUnsupported(user));
    expect(unsupported).toContain('chưa xử lý được loại nội dung này');

    const photoUrl = 'https://photo.zalo.example/abc123.jpg';
    await fx.say(zaloImage(user, photoUrl, 'Ho ga mat nap truoc so 5'));
    const voiceUrl = 'https://voice.zalo.example/v1.aac';
    await fx.say(zaloVoice(user, voiceUrl));

    const petitions = await fx.app.db.petition.findMany({ orderBy: { id: 'asc' }, include: { attachments: true } });
    expect(petitions).toHaveLength(2);
    expect(petitions[0]!.text).toBe('Ho ga mat nap truoc so 5');
    expect(petitions[0]!.anonymous).toBe(true);
    expect(petitions[0]!.attachments.map((a) => [a.kind, a.fileId])).toEqual([['photo', photoUrl]]);
    expect(petitions[1]!.attachments.map((a) => [a.kind, a.fileId])).toEqual([['voice', voiceUrl]]);
  });

  it('never stores a second petition when Zalo delivers the same message twice', async () => {
    await fx.start();
    const user = newZaloUserId();
    expectWelcomeWithNotice((await fx.say(zaloText(user, '/start')))[0]);
    await fx.say(zaloText(user, 'gui an danh'));
    const petition = zaloText(user, 'Den duong ngo 98 hong da hai thang.');
    await fx.say(petition);
    fx.zalo.push(petition);
    await waitUntil(async () => fx.zalo.queued === 0);
    await fx.say(zaloText(user, '/tracuu'));
    expect(await fx.app.db.petition.count()).toBe(1);
    expect(fx.zalo.textsTo(user).filter((text) => TRACKING.test(text) && text.includes('Đã ghi nhận'))).toHaveLength(1);
  });

  it('delivers a reply after Zalo answers 429', async () => {
    await fx.start();
    fx.zalo.failNext('sendMessage', 429, 'Too Many Requests');
    const user = newZaloUserId();
    const [help] = await fx.say(zaloText(user, '/trogiup'));
    expect(help).toContain('/tracuu');
    expect(fx.zalo.failed.map((call) => call.method)).toEqual(['sendMessage']);
    expect(fx.zalo.sent).toHaveLength(1);
  });

  it('serves Telegram and Zalo from one process and one database', async () => {
    const { FakeTelegram, textMessage, newUserId } = await import('../fakes/telegram.ts');
    const telegram = await new FakeTelegram().start();
    try {
      await fx.start({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot });
      const zaloUser = newZaloUserId();
      expectWelcomeWithNotice((await fx.say(zaloText(zaloUser, 'Rac thai o cho Nghia Tan')))[0]);
      await fx.say(zaloText(zaloUser, '2'));
      const telegramUser = newUserId();
      telegram.push(textMessage(telegramUser, 'Rác thải ở chợ Nghĩa Tân') as never);
      const [opening] = (await telegram.waitForSent(1)).map((call) => String(call.body.text));
      expect(opening).toContain('trợ lý tự động');
      expect(opening).toContain('dữ liệu cá nhân');
      telegram.push(textMessage(telegramUser, 'gui an danh') as never);
      await telegram.waitForSent(2);
      const petitions = await fx.app.db.petition.findMany({ orderBy: { channel: 'asc' } });
      expect(petitions.map((p) => [p.channel, p.text])).toEqual([
        ['telegram', 'Rác thải ở chợ Nghĩa Tân'],
        ['zalo', 'Rac thai o cho Nghia Tan'],
      ]);
    } finally {
      await fx.stopApp();
      await telegram.stop();
    }
  });
});
