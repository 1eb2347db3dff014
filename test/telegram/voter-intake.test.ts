// What a voter sends is stored, or they are told at once what was not stored and why:
// held text survives a meeting code, long and unclear messages are answered, wards are
// matched against the office's list, and staff never land in the voter's consent step.
// End to end: the real grammY client against a fake Bot API server on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/main.ts';
import { callback, newUserId, textMessage } from '../fakes/telegram.ts';
import { useFakes } from '../helpers/fixture.ts';

const TRACKING = /KN-\d{4}-\d{6}/;

const fx = useFakes({ telegram: true });

async function start(extra: Record<string, string> = {}): Promise<App> {
  const app = await fx.start(extra);
  await fx.addMeeting();
  return app;
}

/** A voter who has chosen to send anonymously. */
async function anonymousVoter(): Promise<number> {
  const user = newUserId();
  const [notice] = await fx.say(textMessage(user, '/start'));
  expect(notice).toContain('dữ liệu cá nhân');
  expect(fx.buttons()).toEqual(['consent:agree', 'consent:anonymous', 'consent:cancel']);
  await fx.say(callback(user, 'consent:anonymous'));
  return user;
}

/** A first message from `user`, held: the one reply is the greeting with the privacy notice. */
async function holdBeforeConsent(user: number, text: string): Promise<void> {
  const [notice] = await fx.say(textMessage(user, text));
  expect(notice).toContain('dữ liệu cá nhân');
  expect(notice).toContain('đang được giữ tạm');
}

/** Agrees, skips the name, answers the ward step with `ward` (or skips it): the reply to the ward answer. */
async function agreeWithWard(user: number, ward?: string): Promise<string> {
  await fx.say(callback(user, 'consent:agree'));
  await fx.say(callback(user, 'skip'));
  const [reply] = await fx.say(ward === undefined ? callback(user, 'skip') : textMessage(user, ward));
  return reply!;
}

describe('text held before consent', () => {
  it('survives /start <code>: stored with that meeting on agreeing, and listed by /tracuu', async () => {
    await start();
    const user = newUserId();
    const text = 'Đề nghị nạo vét mương thoát nước tổ dân phố 12, mưa là ngập.';
    const [notice] = await fx.say(textMessage(user, text));
    expect(notice).toContain('trợ lý tự động');
    expect(notice).toContain('dữ liệu cá nhân');

    const [greeting] = await fx.say(textMessage(user, '/start HN-CG-01'));
    expect(greeting).toContain('Tiếp xúc cử tri phường Cầu Giấy');
    expect(greeting).toContain('đang được giữ tạm');
    expect(fx.buttons()).toEqual(['consent:agree', 'consent:anonymous', 'consent:cancel']);

    const stored = await agreeWithWard(user);
    const code = TRACKING.exec(stored)?.[0];
    expect(code).toBeDefined();
    const petition = await fx.app.db.petition.findUniqueOrThrow({
      where: { trackingCode: code! },
      include: { meeting: true },
    });
    expect(petition.text).toBe(text);
    expect(petition.meeting?.code).toBe('HN-CG-01');
    const [list] = await fx.say(textMessage(user, '/tracuu'));
    expect(list).toContain(code);
  });

  it('survives a meeting code typed at the notice: the meeting is bound and the code is not in the text', async () => {
    await start();
    const user = newUserId();
    const text = 'Chợ tạm trên đường Trần Quốc Hoàn lấn chiếm lòng đường.';
    await fx.say(textMessage(user, text));
    const [greeting] = await fx.say(textMessage(user, 'hn-cg-01'));
    expect(greeting).toContain('Tiếp xúc cử tri phường Cầu Giấy');
    expect(greeting).toContain(`giữ tạm ${text.length} ký tự`);

    expect(await agreeWithWard(user)).toMatch(TRACKING);
    const petition = await fx.app.db.petition.findFirstOrThrow({ include: { meeting: true } });
    expect(petition.text).toBe(text);
    expect(petition.meeting?.code).toBe('HN-CG-01');
  });

  it('refuses at once what would take held text past the limit, and stores what was held', async () => {
    await start();
    const user = newUserId();
    const first = `Kiến nghị về ngập úng. ${'Đường Láng ngập nặng mỗi khi mưa. '.repeat(400)}`.slice(0, 12_000);
    const second = `Phần hai. ${'Cống thoát nước bị tắc lâu ngày. '.repeat(400)}`.slice(0, 12_000);
    const last = 'Mong các đại biểu sớm kiến nghị giải quyết.';
    const [notice] = await fx.say(textMessage(user, first));
    expect(notice).toContain('dữ liệu cá nhân');
    expect(notice).toContain('đang được giữ tạm');
    const [refused] = await fx.say(textMessage(user, second));
    expect(refused).toContain('chưa được giữ');
    expect(refused).toContain('20.000');
    expect(fx.buttons()).toEqual(['consent:agree', 'consent:anonymous', 'consent:cancel']);
    const [kept] = await fx.say(textMessage(user, last));
    expect(kept).toContain('giữ tạm');

    const [stored] = await fx.say(callback(user, 'consent:anonymous'));
    expect(stored).toMatch(TRACKING);
    const petition = await fx.app.db.petition.findFirstOrThrow();
    expect(petition.text).toBe(`${first}\n${last}`);
  });

  it('refuses a 1 MB message at once, before and after consent, and keeps none of it', async () => {
    await start();
    const user = newUserId();
    const huge = 'Đường ngõ 5 ngập. '.repeat(60_000);
    const [refused] = await fx.say(textMessage(user, huge));
    expect(refused).toContain('trợ lý tự động');
    expect(refused).toContain('dài quá 20.000 ký tự');
    expect(refused).toContain('chưa được giữ');
    // The refusal points to the "Đồng ý" choice: the notice and its choices come with it.
    expect(refused).toContain('dữ liệu cá nhân');
    expect(refused).not.toContain('đang được giữ tạm');
    expect(fx.buttons()).toEqual(['consent:agree', 'consent:anonymous', 'consent:cancel']);
    const conversation = await fx.app.db.conversation.findFirstOrThrow();
    expect(conversation.data.length).toBeLessThan(2_000);

    await fx.say(callback(user, 'consent:anonymous'));
    const [again] = await fx.say(textMessage(user, huge));
    expect(again).toContain('chưa được lưu');
    expect(again).not.toMatch(TRACKING);
    expect(await fx.app.db.petition.count()).toBe(0);
  });
});

describe('messages that are not petitions', () => {
  it('answers emoji, a mistyped code, a greeting, a question and invisible text without a tracking code', async () => {
    await start();
    const user = await anonymousVoter();
    const answers: Record<string, string> = {
      '😀😀👍': 'chỉ có biểu tượng',
      'HN-XYZ-01': 'Không tìm thấy hội nghị mã "HN-XYZ-01"',
      'xin chào': 'Để gửi ý kiến, kiến nghị',
      'cảm ơn': 'không được lưu thành ý kiến',
      '\u200B\u200C\u2060\uFEFF': 'không có nội dung đọc được',
      '\u0000\u0000': 'không có nội dung đọc được',
    };
    for (const [text, expected] of Object.entries(answers)) {
      const [reply] = await fx.say(textMessage(user, text));
      expect(reply).toContain(expected);
      expect(reply).not.toMatch(TRACKING);
    }
    const [question] = await fx.say(textMessage(user, 'Bạn là ai?'));
    expect(question).toContain('trợ lý tự động');
    expect(fx.buttons()).toEqual(['petition:yes', 'petition:no']);
    expect(await fx.app.db.petition.count()).toBe(0);
  });

  it('asks about a short text and stores it only when the voter says it is a petition', async () => {
    await start();
    const user = await anonymousVoter();
    const [asked] = await fx.say(textMessage(user, 'Đường hỏng'));
    expect(asked).toContain('Đây có phải ý kiến, kiến nghị của Ông/Bà không?');
    expect(asked).not.toMatch(TRACKING);
    expect(await fx.app.db.petition.count()).toBe(0);
    const [stored] = await fx.say(callback(user, 'petition:yes'));
    expect(stored).toMatch(TRACKING);

    await fx.say(textMessage(user, 'Ổ gà'));
    const [dropped] = await fx.say(callback(user, 'petition:no'));
    expect(dropped).toContain('không được lưu');
    const petitions = await fx.app.db.petition.findMany();
    expect(petitions.map((petition) => petition.text)).toEqual(['Đường hỏng']);
  });
});

describe('wards', () => {
  it('puts only a ward the office knows on the petition, in its own spelling', async () => {
    await start({ WARDS: 'Phường Láng; Phường Nghĩa Đô' });
    const typedAddress = 'số 5 ngõ 10, 0912345678';
    const stranger = newUserId();
    await holdBeforeConsent(stranger, 'Đèn chiếu sáng ngõ 10 phố Chùa Láng hỏng đã hai tháng.');
    const noted = await agreeWithWard(stranger, typedAddress);
    expect(noted).toContain('không có trong danh sách phường/xã');
    expect(noted).toMatch(TRACKING);

    const local = newUserId();
    await holdBeforeConsent(local, 'Vỉa hè phố Nguyễn Khang bị chiếm làm bãi xe.');
    expect(await agreeWithWard(local, 'cau giay')).not.toContain('không có trong danh sách');
    const settled = newUserId();
    await holdBeforeConsent(settled, 'Trường mầm non phường thiếu phòng học cho các cháu.');
    await agreeWithWard(settled, 'P. Lang');

    const petitions = await fx.app.db.petition.findMany({ orderBy: { id: 'asc' }, include: { voter: true } });
    expect(petitions.map((petition) => petition.ward)).toEqual([null, 'Phường Cầu Giấy', 'Phường Láng']);
    expect(petitions.map((petition) => petition.voter?.ward)).toEqual([typedAddress, 'Phường Cầu Giấy', 'Phường Láng']);
  });
});

describe('staff in the voter flow', () => {
  it('greets staff on /start as staff, without the consent notice, and their questions are not held', async () => {
    await start();
    const user = newUserId();
    await fx.app.db.staffMember.create({ data: { channel: 'telegram', channelUserId: String(user), role: 'staff' } });
    const [welcome] = await fx.say(textMessage(user, '/start'));
    expect(welcome).toContain('/canbo');
    expect(welcome).toContain('/cutri');
    expect(welcome).not.toContain('dữ liệu cá nhân');
    // The meeting greeting and the staff welcome arrive as one message.
    const [greeting] = await fx.say(textMessage(user, '/start HN-CG-01'));
    expect(greeting).toContain('Tiếp xúc cử tri phường Cầu Giấy');
    expect(greeting).toContain('/canbo');
    expect(greeting).not.toContain('dữ liệu cá nhân');

    const [answer] = await fx.say(textMessage(user, 'Tuần này có bao nhiêu kiến nghị về môi trường?'));
    expect(answer).toContain('OPENAI_API_KEY');
    expect(await fx.app.db.voter.count()).toBe(0);
    expect(await fx.app.db.petition.count()).toBe(0);
  });

  it('redeems an invite code typed at the consent notice', async () => {
    await start();
    await fx.app.db.invite.create({
      data: {
        code: 'MOI-ABCD2345',
        role: 'staff',
        createdBy: 'telegram:1',
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const user = newUserId();
    const [notice] = await fx.say(textMessage(user, '/start'));
    expect(notice).toContain('trợ lý tự động');
    expect(notice).toContain('dữ liệu cá nhân');
    const [joined] = await fx.say(textMessage(user, 'moi-abcd2345'));
    expect(joined).toContain('Chào mừng! Tài khoản này đã được cấp vai trò');
    const member = await fx.app.db.staffMember.findFirst({ where: { channelUserId: String(user) } });
    expect(member).toMatchObject({ role: 'staff' });

    const [answer] = await fx.say(textMessage(user, 'Tuần này có bao nhiêu kiến nghị về môi trường?'));
    expect(answer).toContain('OPENAI_API_KEY');
    expect(await fx.app.db.petition.count()).toBe(0);
  });
});
