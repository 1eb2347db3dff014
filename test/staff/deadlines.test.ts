// /thongke flags petitions not forwarded by the session's deadline, and the next deadline.
import { afterEach, expect, it } from 'vitest';
import { newUserId, startHarness, type Harness } from './support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
});

const DAY = 86_400_000;
const isoDay = (offsetDays: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(Date.now() + offsetDays * DAY));

it('counts petitions that missed the last deadline and shows the next one', async () => {
  // Closed 30 days ago: its deadline (15 days after) has passed. Opens in 40 days: due in 25.
  h = await startHarness({ SESSION_CLOSES: isoDay(-30), SESSION_OPENS: isoDay(40) });
  const staff = newUserId();
  await h.grant(staff, 'staff');
  const old = new Date(Date.now() - 20 * DAY);
  const rows = [
    { receivedAt: old, status: 'received' },
    { receivedAt: old, status: 'classified' },
    { receivedAt: old, status: 'forwarded' },
    { receivedAt: new Date(), status: 'received' },
  ];
  for (const [index, row] of rows.entries()) {
    const text = `Kiến nghị ${index}`;
    await h.app.db.petition.create({
      data: { trackingCode: `KN-2026-90000${index}`, channel: 'telegram', text, textNormalized: text, ...row },
    });
  }

  const [answer] = await h.text(staff, '/thongke');
  expect(answer).toContain('Tổng số: 4');
  expect(answer).toContain('Quá hạn chuyển cơ quan có thẩm quyền: 2 ý kiến');
  expect(answer).toMatch(/Hạn gửi tổng hợp kiến nghị trước kỳ họp: .*còn 25 ngày/);
});

it('says nothing about deadlines when no session is configured', async () => {
  h = await startHarness();
  const staff = newUserId();
  await h.grant(staff, 'staff');
  const [answer] = await h.text(staff, '/thongke');
  // Overdue answers from agencies are a follow-up figure, shown with or without a session.
  expect(answer).toContain('Quá hạn trả lời: 0');
  expect(answer!.replace('Quá hạn trả lời: 0', '')).not.toContain('hạn');
});
