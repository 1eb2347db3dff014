// Roles, invites and refusals, end to end through the fake Telegram server.
import { afterEach, describe, expect, it } from 'vitest';
import { auditedActions, newUserId, startHarness, type Harness } from './support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function voterPetition(harness: Harness, userId: number, text: string): Promise<string> {
  const [greeting] = await harness.text(userId, '/start');
  expect(greeting).toContain('dữ liệu cá nhân');
  await harness.press(userId, 'consent:anonymous');
  const [stored] = await harness.text(userId, text);
  return /KN-\d{4}-\d{6}/.exec(stored!)![0];
}

describe('roles', () => {
  it('refuses staff commands to a voter without revealing any data', async () => {
    h = await startHarness();
    const owner = newUserId();
    const other = newUserId();
    const code = await voterPetition(h, owner, 'Rác thải tồn đọng ở chợ Nghĩa Tân, đề nghị thu gom.');
    const refusals: string[] = [];
    for (const command of [
      '/thongke',
      '/bieudo',
      `/kn ${code}`,
      '/duyet',
      '/moi staff',
      '/taohop X | y | 05/12/2026 08:00 | z',
      `/traloi ${code} | đã xử lý`,
      '/nhanvien',
    ]) {
      const [reply] = await h.text(other, command);
      refusals.push(reply!);
    }
    for (const reply of refusals) {
      expect(reply).toContain('chỉ dành cho cán bộ');
      expect(reply).not.toMatch(/\d/);
      expect(reply).not.toContain('Nghĩa Tân');
    }
    // The owner gets the same refusal for /kn: voters use /tracuu, which shows only their own.
    const [own] = await h.text(owner, `/kn ${code}`);
    expect(own).toContain('chỉ dành cho cán bộ');
    const [otherLookup] = await h.text(other, `/tracuu ${code}`);
    expect(otherLookup).not.toContain('Nghĩa Tân');
    const petition = await h.app.db.petition.findUniqueOrThrow({
      where: { trackingCode: code },
      include: { events: true },
    });
    expect(petition.answerText).toBeNull();
    expect(petition.events.map((e) => e.toStatus)).not.toContain('answered');
    expect(await auditedActions(h.app)).toEqual([]);
  });

  it('lets an admin invite staff with a one-time code, audits it, and revokes access at once', async () => {
    h = await startHarness();
    const invitee = newUserId();
    const stranger = newUserId();
    const [created] = await h.text(h.adminId, '/moi staff');
    const code = /MOI-[A-Z0-9]{8}/.exec(created!)![0];
    expect(created).toContain('một lần');

    // Before joining the invitee is a voter.
    const [before] = await h.text(invitee, '/thongke');
    expect(before).toContain('chỉ dành cho cán bộ');

    const [joined] = await h.text(invitee, code.toLowerCase());
    expect(joined).toContain('cán bộ Văn phòng');
    const [stats] = await h.text(invitee, '/thongke');
    expect(stats).toContain('Tổng số: 0');

    // The code is used up.
    const [reused] = await h.text(stranger, `/thamgia ${code}`);
    expect(reused).toContain('không đúng, đã được dùng');
    const [strangerStats] = await h.text(stranger, '/thongke');
    expect(strangerStats).toContain('chỉ dành cho cán bộ');

    // Staff cannot invite; only admins can.
    const [staffInvite] = await h.text(invitee, '/moi staff');
    expect(staffInvite).toContain('chỉ dành cho cán bộ');

    const member = await h.app.db.staffMember.findFirstOrThrow({ where: { channelUserId: String(invitee) } });
    expect(member.role).toBe('staff');
    const [list] = await h.text(h.adminId, '/nhanvien');
    expect(list).toContain(`#${member.id}`);
    const [revoked] = await h.text(h.adminId, `/thuhoi ${member.id}`);
    expect(revoked).toContain('Đã thu hồi');
    const [after] = await h.text(invitee, '/thongke');
    expect(after).toContain('chỉ dành cho cán bộ');

    expect(await auditedActions(h.app)).toEqual(['invite.create', 'invite.redeem', 'staff.revoke']);
    const revokeEntry = await h.app.db.auditLog.findFirstOrThrow({ where: { action: 'staff.revoke' } });
    expect(revokeEntry.actor).toContain(String(h.adminId));
    expect(JSON.parse(revokeEntry.before!)).toMatchObject({ revokedAt: null });
    expect(JSON.parse(revokeEntry.after!).revokedAt).toBeTruthy();
  });

  it('invites a deputy by name typed without diacritics and gives the deputy counts but not petitions', async () => {
    h = await startHarness();
    await h.app.db.deputy.create({ data: { name: 'Nguyễn Văn An', nameKey: 'nguyen van an' } });
    const deputyUser = newUserId();
    const [created] = await h.text(h.adminId, '/moi deputy nguyen van an');
    expect(created).toContain('Nguyễn Văn An');
    const code = /MOI-[A-Z0-9]{8}/.exec(created!)![0];
    const [joined] = await h.text(deputyUser, `/thamgia ${code}`);
    expect(joined).toContain('đại biểu (Nguyễn Văn An)');
    const [stats] = await h.text(deputyUser, '/thongke');
    expect(stats).toContain('Tổng số');
    const [review] = await h.text(deputyUser, '/duyet');
    expect(review).toContain('chỉ dành cho cán bộ');
    const member = await h.app.db.staffMember.findFirstOrThrow({
      where: { channelUserId: String(deputyUser) },
      include: { deputy: true },
    });
    expect(member).toMatchObject({ role: 'deputy' });
    expect(member.deputy?.name).toBe('Nguyễn Văn An');
  });
});
