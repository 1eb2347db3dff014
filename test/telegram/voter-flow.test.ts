// A voter's conversation on Telegram, end to end: the real grammY client against a fake
// Bot API server on 127.0.0.1, the real core, a real SQLite database.
import { describe, expect, it } from 'vitest';
import { callback, newUserId, photoMessage, stickerMessage, textMessage } from '../fakes/telegram.ts';
import { freshDatabaseUrl, waitUntil } from '../helpers/app.ts';
import { useFakes } from '../helpers/fixture.ts';

const fx = useFakes({ telegram: true });

describe('voter on Telegram (long polling)', () => {
  it('goes from /start <code> to a tracking code and a stored petition', async () => {
    const app = await fx.start();
    await fx.addMeeting();
    const user = newUserId();

    // Greeting, meeting and privacy notice arrive as one message carrying the consent choices.
    const [greeting] = await fx.say(textMessage(user, '/start HN-CG-01'));
    expect(greeting).toContain('trợ lý tự động của Văn phòng Đoàn ĐBQH và HĐND');
    expect(greeting).toContain('Tiếp xúc cử tri phường Cầu Giấy');
    expect(greeting).toContain('Hội trường UBND phường Cầu Giấy');
    expect(greeting).toContain('05/12/2026');
    expect(greeting).toContain('dữ liệu cá nhân');
    expect(fx.buttons()).toEqual(['consent:agree', 'consent:anonymous', 'consent:cancel']);

    const [askName] = await fx.say(callback(user, 'consent:agree'));
    expect(askName).toContain('họ tên');
    const [askWard] = await fx.say(textMessage(user, 'Trần Thị Hoa'));
    expect(askWard).toContain('phường/xã');
    const [askPetition] = await fx.say(callback(user, 'skip'));
    expect(askPetition).toContain('Mời Ông/Bà nhập ý kiến');

    const text = 'Đề nghị sửa đường ngõ 12 phố Trần Duy Hưng, mưa là ngập.';
    const [stored] = await fx.say(textMessage(user, text));
    const code = /KN-2026-\d{6}/.exec(stored!)?.[0];
    expect(code).toBeDefined();

    const petition = await app.db.petition.findUniqueOrThrow({
      where: { trackingCode: code! },
      include: { voter: true, meeting: true },
    });
    expect(petition.text).toBe(text);
    expect(petition.meeting?.code).toBe('HN-CG-01');
    expect(petition.voter?.name).toBe('Trần Thị Hoa');
    expect(petition.voter?.ward).toBeNull();
    expect(petition.voter?.consent).toBe('agreed');
    expect(petition.voter?.consentAt).toBeInstanceOf(Date);
    expect(petition.anonymous).toBe(false);
    expect(await app.db.job.count({ where: { type: 'classify' } })).toBe(1);

    // A second petition in a row, then the lookup shows it to its sender.
    const [second] = await fx.say(textMessage(user, 'Đèn đường ngõ 12 hỏng đã hai tháng.'));
    expect(second).toMatch(/KN-2026-\d{6}/);
    const [status] = await fx.say(textMessage(user, `/tracuu ${code!.toLowerCase()}`));
    expect(status).toContain(code);
    expect(status).toContain('Tình trạng');
    expect(await app.db.petition.count()).toBe(2);
  });

  it('sends anonymously without keeping a name', async () => {
    const app = await fx.start();
    await fx.addMeeting();
    const user = newUserId();
    const [notice] = await fx.say(textMessage(user, '/start HN-CG-01'));
    expect(notice).toContain('Tiếp xúc cử tri phường Cầu Giấy');
    expect(notice).toContain('dữ liệu cá nhân');
    const [ask] = await fx.say(callback(user, 'consent:anonymous'));
    expect(ask).toContain('ẩn danh');
    await fx.say(textMessage(user, 'Xin hỏi khi nào sửa xong cầu Mọc?'));
    const petition = await app.db.petition.findFirstOrThrow({ include: { voter: true } });
    expect(petition.anonymous).toBe(true);
    expect(petition.voter?.name).toBeNull();
    expect(petition.voter?.consent).toBe('anonymous');
  });

  it('stores nothing when the voter cancels at the notice', async () => {
    const app = await fx.start();
    const user = newUserId();
    // Text before consent is held, not stored; cancelling drops it.
    const [notice] = await fx.say(textMessage(user, 'Rác thải ở chợ Nghĩa Tân không được thu gom'));
    expect(notice).toContain('trợ lý tự động');
    expect(notice).toContain('dữ liệu cá nhân');
    const [cancelled] = await fx.say(textMessage(user, 'huy'));
    expect(cancelled).toContain('Không có thông tin nào');
    expect(await app.db.petition.count()).toBe(0);
    expect(await app.db.voter.count()).toBe(0);
  });

  it('keeps what was typed before consent and stores it once the voter agrees by typing', async () => {
    const app = await fx.start();
    const user = newUserId();
    const [notice] = await fx.say(textMessage(user, 'Cong thoat nuoc o to dan pho 5 bi tac'));
    expect(notice).toContain('dữ liệu cá nhân');
    await fx.say(textMessage(user, 'dong y'));
    await fx.say(textMessage(user, 'bo qua'));
    const [stored] = await fx.say(textMessage(user, '2'));
    expect(stored).toMatch(/KN-2026-\d{6}/);
    const petition = await app.db.petition.findFirstOrThrow();
    expect(petition.text).toBe('Cong thoat nuoc o to dan pho 5 bi tac');
    expect(petition.meetingId).toBeNull();
  });

  it('continues the conversation after a restart', async () => {
    const databaseUrl = freshDatabaseUrl();
    await fx.start({}, { databaseUrl });
    await fx.addMeeting();
    const user = newUserId();
    const [notice] = await fx.say(textMessage(user, '/start HN-CG-01'));
    expect(notice).toContain('dữ liệu cá nhân');
    await fx.say(callback(user, 'consent:agree'));
    await fx.stopApp();

    const app = await fx.start({}, { databaseUrl });
    const [askWard] = await fx.say(textMessage(user, 'Lê Văn Nam'));
    expect(askWard).toContain('phường/xã');
    await fx.say(textMessage(user, 'Phường Nghĩa Đô'));
    await fx.say(textMessage(user, 'Đề nghị lắp đèn chiếu sáng ngõ 98.'));
    const petition = await app.db.petition.findFirstOrThrow({ include: { voter: true, meeting: true } });
    expect(petition.voter).toMatchObject({ name: 'Lê Văn Nam', ward: 'Phường Nghĩa Đô' });
    expect(petition.meeting?.code).toBe('HN-CG-01');
  });

  it('answers stickers kindly and stores long, NFD, photo and NUL-bearing petitions faithfully', async () => {
    const app = await fx.start();
    const user = newUserId();
    const [notice] = await fx.say(textMessage(user, '/start'));
    expect(notice).toContain('trợ lý tự động');
    expect(notice).toContain('dữ liệu cá nhân');
    await fx.say(callback(user, 'consent:anonymous'));

    const [sticker] = await fx.say(stickerMessage(user));
    expect(sticker).toContain('nhãn dán');

    const long = `Kiến nghị về quy hoạch 🏗️ ${'Đường Láng ngập nặng mỗi khi mưa. '.repeat(150)}`.slice(0, 5000);
    await fx.say(textMessage(user, long));
    const nfd = 'Đề nghị sửa đường'.normalize('NFD') + '\u0007 gấp';
    await fx.say(textMessage(user, nfd));
    await fx.say(photoMessage(user, 'Ảnh hố ga mất nắp trước số 5'));
    // A NUL character (which PostgreSQL text cannot hold) must not make the update fail forever.
    await fx.say(textMessage(user, 'Cống thoát nước\u0000 bị tắc'));

    const petitions = await app.db.petition.findMany({ orderBy: { id: 'asc' }, include: { attachments: true } });
    expect(petitions).toHaveLength(4);
    expect(petitions[0]!.text).toBe(long);
    expect(petitions[0]!.text).toHaveLength(5000);
    expect(petitions[1]!.text).toBe(nfd);
    expect(petitions[1]!.textNormalized).toBe('Đề nghị sửa đường gấp');
    expect(petitions[2]!.text).toBe('Ảnh hố ga mất nắp trước số 5');
    expect(petitions[2]!.attachments.map((a) => [a.kind, a.fileId])).toEqual([['photo', 'PHOTO-large']]);
    expect(petitions[3]!.text).toBe('Cống thoát nước\uFFFD bị tắc');
  });

  it('shows a petition to its sender only', async () => {
    await fx.start();
    const owner = newUserId();
    const other = newUserId();
    const [notice] = await fx.say(textMessage(owner, '/start'));
    expect(notice).toContain('dữ liệu cá nhân');
    await fx.say(callback(owner, 'consent:anonymous'));
    const [stored] = await fx.say(textMessage(owner, 'Trạm y tế phường thiếu thuốc.'));
    const code = /KN-2026-\d{6}/.exec(stored!)![0];
    const [answer] = await fx.say(textMessage(other, `/tracuu ${code}`));
    expect(answer).toContain('Không tìm thấy');
    expect(answer).not.toContain('Trạm y tế');
  });

  it('delivers a reply after Telegram answers 429', async () => {
    await fx.start();
    fx.telegram.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
    const user = newUserId();
    const replies = await fx.say(textMessage(user, '/trogiup'));
    expect(replies[0]).toContain('/tracuu');
    expect(fx.telegram.failed.map((call) => call.method)).toEqual(['sendMessage']);
    expect(fx.telegram.sent).toHaveLength(1);
  });

  it('slows a flooding voter without losing what came before the limit', async () => {
    const app = await fx.start({ FLOOD_MAX_MESSAGES: '4', FLOOD_WINDOW_SECONDS: '60' });
    const user = newUserId();
    const [notice] = await fx.say(textMessage(user, '/start'));
    expect(notice).toContain('dữ liệu cá nhân');
    await fx.say(callback(user, 'consent:anonymous'));
    for (let i = 1; i <= 5; i++) fx.telegram.push(textMessage(user, `Ý kiến số ${i} về rác thải`) as never);
    // Greeting with the notice, the anonymous choice, two stored petitions, one warning.
    const sent = await fx.telegram.waitForSent(2 + 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await app.db.petition.count()).toBe(2);
    expect(sent.at(-1)!.body.text).toContain('gửi tin nhắn quá nhanh');
    expect(fx.telegram.sent.filter((c) => String(c.body.text).includes('gửi tin nhắn quá nhanh'))).toHaveLength(1);
  });
});

describe('Telegram webhook', () => {
  const secret = 'test_secret-123';

  async function post(update: object, headerSecret?: string) {
    return fetch(`http://127.0.0.1:${fx.app.port}/telegram/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(headerSecret !== undefined ? { 'X-Telegram-Bot-Api-Secret-Token': headerSecret } : {}),
      },
      body: JSON.stringify(update),
    });
  }

  it('registers the webhook with its secret and stores a petition once when the update is delivered twice', async () => {
    const app = await fx.start({ PUBLIC_URL: 'http://bot.example.test', TELEGRAM_WEBHOOK_SECRET: secret });
    const setWebhook = fx.telegram.calls.find((call) => call.method === 'setWebhook');
    expect(setWebhook?.body).toMatchObject({ url: 'http://bot.example.test/telegram/webhook', secret_token: secret });

    const user = newUserId();
    expect((await post({ update_id: 1, ...textMessage(user, '/start') }, secret)).status).toBe(200);
    // The button press is answered in the webhook's HTTP answer, not by a call of its own.
    const pressed = await post({ update_id: 2, ...callback(user, 'consent:anonymous') }, secret);
    expect(pressed.status).toBe(200);
    expect(await pressed.json()).toMatchObject({ method: 'answerCallbackQuery' });
    const petition = { update_id: 3, ...textMessage(user, 'Xe tải chạy quá tốc độ trên đường Hoàng Quốc Việt.') };
    expect((await post(petition, secret)).status).toBe(200);
    expect((await post(petition, secret)).status).toBe(200);
    // The greeting with the notice, the anonymous choice, the tracking code.
    await fx.telegram.waitForSent(3);
    expect(fx.telegram.textsTo(user)[0]).toContain('dữ liệu cá nhân');
    expect(fx.telegram.calls.filter((call) => call.method === 'answerCallbackQuery')).toHaveLength(0);
    expect(await app.db.petition.count()).toBe(1);
    expect(fx.telegram.textsTo(user).filter((text) => /KN-2026-\d{6}/.test(text))).toHaveLength(1);
  });

  it("keeps every voter's conversation intact and in order when many arrive at once (several batches at a time on PostgreSQL)", async () => {
    const app = await fx.start({ PUBLIC_URL: 'http://bot.example.test', TELEGRAM_WEBHOOK_SECRET: secret });
    await fx.addMeeting();
    const users = Array.from({ length: 40 }, () => newUserId());
    let updateId = 100;
    await Promise.all(
      users.map(async (user, i) => {
        for (const update of [
          textMessage(user, '/start HN-CG-01'),
          callback(user, 'consent:anonymous'),
          textMessage(user, `Ý kiến số ${i}`),
        ]) {
          expect((await post({ update_id: updateId++, ...update }, secret)).status).toBe(200);
        }
      }),
    );
    const petitions = await app.db.petition.findMany({ include: { voter: true } });
    expect(petitions).toHaveLength(users.length);
    for (const petition of petitions)
      expect(petition).toMatchObject({
        anonymous: true,
        meetingId: expect.any(Number),
        voter: { consent: 'anonymous' },
      });
    for (const [i, user] of users.entries()) {
      const texts = await waitUntil(async () => {
        const sent = fx.telegram.textsTo(user);
        return sent.length >= 3 ? sent : undefined;
      }, 60_000);
      // Greeting, meeting and notice are one message; then the anonymous choice; then the tracking code.
      expect(texts).toHaveLength(3);
      expect(texts[0]).toContain('trợ lý tự động');
      expect(texts[0]).toContain('Tiếp xúc cử tri phường Cầu Giấy');
      expect(texts[0]).toContain('dữ liệu cá nhân');
      expect(texts[1]).toContain('ẩn danh');
      const stored = petitions.find((petition) => petition.voter?.channelUserId === String(user));
      expect(stored?.text).toBe(`Ý kiến số ${i}`);
      expect(texts[2]).toContain(stored!.trackingCode);
    }
  });

  it('refuses a wrong or missing secret and processes nothing', async () => {
    const app = await fx.start({ PUBLIC_URL: 'https://bot.example.test', TELEGRAM_WEBHOOK_SECRET: secret });
    const user = newUserId();
    expect((await post({ update_id: 10, ...textMessage(user, 'Nội dung') }, 'wrong')).status).toBe(401);
    expect((await post({ update_id: 11, ...textMessage(user, 'Nội dung') })).status).toBe(401);
    expect(await app.db.processedUpdate.count()).toBe(0);
    expect(await app.db.conversation.count()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fx.telegram.sent).toHaveLength(0);
  });

  it('rejects bodies that are not updates with a 4xx', async () => {
    const app = await fx.start({ PUBLIC_URL: 'https://bot.example.test', TELEGRAM_WEBHOOK_SECRET: secret });
    const invalid = await fetch(`http://127.0.0.1:${app.port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'X-Telegram-Bot-Api-Secret-Token': secret, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(invalid.status).toBe(400);
    expect((await post({ hello: 'world' }, secret)).status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
  });
});

it('waitUntil helper fails when the condition never holds', async () => {
  await expect(waitUntil(async () => false, 100)).rejects.toThrow();
});
