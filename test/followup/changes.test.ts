// Meeting changes reach the voters bound to the meeting who have not sent a petition and the
// deputies attending, once, on Telegram and Zalo; /dulieucuatoi shows a voter their data and
// the view is audited.
import { afterEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { FakeZalo, newZaloUserId, zaloText } from '../fakes/zalo.ts';
import { waitUntil } from '../helpers/app.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';

let h: Harness | undefined;
let zalo: FakeZalo | undefined;
afterEach(async () => {
  await h?.stop();
  await zalo?.stop();
  h = undefined;
  zalo = undefined;
});

async function zaloSay(fake: FakeZalo, user: string, text: string, replies = 1): Promise<string[]> {
  const before = fake.textsTo(user).length;
  fake.push(zaloText(user, text));
  await waitUntil(async () => fake.textsTo(user).length >= before + replies);
  return fake.textsTo(user).slice(before);
}

describe('meeting changes and data requests', () => {
  it(
    'tells waiting voters and attending deputies once when a meeting moves or is cancelled',
    { timeout: 60_000 },
    async () => {
      zalo = await new FakeZalo().start();
      h = await startHarness({ ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot });
      const db = h.app.db;
      await saveMeeting(db, {
        code: 'HN-LANG',
        title: 'Tiếp xúc cử tri phường Láng',
        start: '2026-12-05T08:00:00+07:00',
        place: 'Nhà văn hóa tổ 5',
        deputies: 'Lê Văn Cường',
      });
      const deputy = await db.deputy.findFirstOrThrow({ where: { name: 'Lê Văn Cường' } });
      const deputyChat = newUserId();
      await db.digestSubscription.create({
        data: { deputyId: deputy.id, channel: 'telegram', chatId: String(deputyChat), frequency: 'weekly' },
      });
      const staff = newUserId();
      await h.grant(staff, 'staff');
      const telegramVoter = newUserId();
      await h.text(telegramVoter, '/start HN-LANG');
      const zaloVoter = newZaloUserId();
      await zaloSay(zalo, zaloVoter, 'HN-LANG');

      await h.text(staff, '/suahop HN-LANG gio=06/12/2026 09:30');
      const telegramTexts = (chat: number) =>
        h!.telegram.sent.filter((c) => String(c.body.chat_id) === String(chat)).map((c) => String(c.body.text ?? ''));
      await waitUntil(async () => telegramTexts(telegramVoter).some((t) => t.includes('chuyển sang 09:30 06/12/2026')));
      await waitUntil(async () => zalo!.textsTo(zaloVoter).some((t) => t.includes('chuyển sang 09:30 06/12/2026')));
      await waitUntil(async () => telegramTexts(deputyChat).some((t) => t.includes('chuyển sang')));

      await h.text(staff, '/huyhop HN-LANG');
      await waitUntil(async () => zalo!.textsTo(zaloVoter).some((t) => t.includes('đã hủy')));
      await waitUntil(async () => telegramTexts(telegramVoter).some((t) => t.includes('đã hủy')));
      await h.text(staff, '/huyhop HN-LANG');
      await waitUntil(
        async () => (await db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0,
      );
      expect(telegramTexts(telegramVoter).filter((t) => t.includes('đã hủy'))).toHaveLength(1);
      expect(telegramTexts(deputyChat).filter((t) => t.includes('đã hủy'))).toHaveLength(1);
      expect(zalo.textsTo(zaloVoter).filter((t) => t.includes('chuyển sang'))).toHaveLength(1);
    },
  );

  it('shows a voter their data on Telegram and Zalo and audits the view', { timeout: 60_000 }, async () => {
    zalo = await new FakeZalo().start();
    h = await startHarness({ ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot });
    const voter = newUserId();
    await h.text(voter, '/start');
    await h.press(voter, 'consent:agree');
    await h.text(voter, 'Trần Thị Hoa');
    await h.text(voter, 'Phường Cầu Giấy');
    const [stored] = await h.text(voter, 'Đề nghị sửa đèn chiếu sáng hỏng trong ngõ 12 Trần Duy Hưng.');
    const code = /KN-\d{4}-\d{6}/.exec(stored!)![0];
    const [mine] = await h.text(voter, '/dulieucuatoi');
    expect(mine).toContain('Họ tên: Trần Thị Hoa');
    expect(mine).toContain('Phường/xã: Phường Cầu Giấy');
    expect(mine).toContain(code);

    const zaloVoter = newZaloUserId();
    const [none] = await zaloSay(zalo, zaloVoter, '/dulieucuatoi');
    expect(none).toContain('không lưu dữ liệu');
    const views = await h.app.db.auditLog.findMany({ where: { action: 'voter.data_view' } });
    expect(views).toHaveLength(1);
    expect(views[0]!.actor).toContain(`telegram:${voter}`);
  });
});
