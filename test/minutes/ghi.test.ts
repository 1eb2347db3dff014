// Quick entry by staff in chat: `/ghi CODE | speaker | area | text`, answered with the
// tracking code; stored as a meeting petition from the minutes and classified like the others.
import { afterEach, describe, expect, it } from 'vitest';
import { saveMeeting } from '../../src/meetings/service.ts';
import { waitUntil } from '../helpers/app.ts';
import { newUserId, startHarness, type Harness } from '../staff/support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('/ghi', () => {
  it('stores what staff type with the speaker and area, and answers with the tracking code', async () => {
    h = await startHarness();
    await saveMeeting(
      h.app.db,
      { code: 'BN-01', title: 'Tiếp xúc cử tri phường Bến Nghé', start: '05/12/2026 08:00', place: 'Nhà văn hóa' },
      'Asia/Ho_Chi_Minh',
    );
    const staff = newUserId();
    await h.grant(staff, 'staff');

    const [reply] = await h.text(
      staff,
      '/ghi bn-01 | Nguyễn Văn An | tổ dân phố 5 | Đề nghị sửa cống thoát nước đường Lê Lợi.',
    );
    const code = /KN-\d{4}-\d{6}/.exec(reply!)?.[0];
    expect(reply).toBe(`Đã ghi kiến nghị ${code} vào hội nghị BN-01.`);
    const stored = await h.app.db.petition.findUniqueOrThrow({
      where: { trackingCode: code! },
      include: { meeting: true },
    });
    expect(stored).toMatchObject({
      channel: 'meeting',
      legalBasis: 'minutes',
      voterId: null,
      speaker: 'Nguyễn Văn An',
      speakerArea: 'tổ dân phố 5',
      text: 'Đề nghị sửa cống thoát nước đường Lê Lợi.',
      voters: 1,
    });
    expect(stored.meeting?.code).toBe('BN-01');
    // Classified like any other petition.
    await waitUntil(async () => (await h!.app.db.petition.findUniqueOrThrow({ where: { id: stored.id } })).field);

    const [anonymous] = await h.text(staff, '/ghi BN-01 | | | Đề nghị lắp đèn chiếu sáng hẻm 12.');
    expect(anonymous).toMatch(/^Đã ghi kiến nghị KN-\d{4}-\d{6} vào hội nghị BN-01\.$/);
    expect(await h.app.db.petition.count({ where: { speaker: null, speakerArea: null, channel: 'meeting' } })).toBe(1);

    expect((await h.text(staff, '/ghi BN-01'))[0]).toContain('Cú pháp: /ghi');
    expect((await h.text(staff, '/ghi XX-99 | | | Nội dung'))[0]).toBe('Không có hội nghị mã XX-99.');
  });

  it('is refused to voters', async () => {
    h = await startHarness();
    const voter = newUserId();
    const [reply] = await h.text(voter, '/ghi BN-01 | | | Đề nghị sửa đường.');
    expect(reply).not.toContain('Đã ghi');
    expect(await h.app.db.petition.count()).toBe(0);
  });
});
