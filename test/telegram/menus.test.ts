// Telegram's command menus come from the commands' declarations: the voters' commands in
// the default scope, each staff member's and admin's in their own chat, set at start-up and
// set again when an invite is redeemed or access is revoked.
import { afterEach, describe, expect, it } from 'vitest';
import type { SentCall } from '../fakes/telegram.ts';
import { newUserId } from '../fakes/telegram.ts';
import { waitUntil } from '../helpers/app.ts';
import { signIn } from '../helpers/web.ts';
import { startHarness, type Harness } from '../staff/support.ts';

let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type Scope = { type: string; chat_id?: number | string };

/** The commands of the latest setMyCommands call for a scope (the default one, or a chat's). */
function menuOf(harness: Harness, chatId?: number): string[] | undefined {
  const matches = (call: SentCall) => {
    const scope = call.body.scope as Scope | undefined;
    if (chatId === undefined) return !scope || scope.type === 'default';
    return scope?.type === 'chat' && String(scope.chat_id) === String(chatId);
  };
  const call = harness.telegram.calls.filter((c) => c.method === 'setMyCommands' && matches(c)).at(-1);
  return call && (call.body.commands as { command: string }[]).map((entry) => entry.command);
}

describe('Telegram command menus', () => {
  it('show voters and staff their own commands at start-up and when a role changes', async () => {
    h = await startHarness();
    const voters = await waitUntil(async () => menuOf(h!));
    expect(voters).toEqual(expect.arrayContaining(['trogiup', 'tracuu', 'huy', 'xoadulieu']));
    expect(voters).not.toContain('thongke');
    expect(voters).not.toContain('start');
    const admin = await waitUntil(async () => menuOf(h!, h!.adminId));
    expect(admin).toEqual(expect.arrayContaining(['canbo', 'thongke', 'duyet', 'moi', 'thuhoi', 'tracuu']));

    const invitee = newUserId();
    const [created] = await h.text(h.adminId, '/moi staff');
    const code = /MOI-[A-Z0-9]{8}/.exec(created!)![0];
    expect(menuOf(h, invitee)).toBeUndefined();
    await h.text(invitee, code);
    const staff = await waitUntil(async () => menuOf(h!, invitee));
    expect(staff).toEqual(expect.arrayContaining(['canbo', 'thongke', 'duyet']));
    expect(staff).not.toContain('moi');

    const member = await h.app.db.staffMember.findFirstOrThrow({ where: { channelUserId: String(invitee) } });
    await h.text(h.adminId, `/thuhoi ${member.id}`);
    const revoked = await waitUntil(async () => {
      const menu = menuOf(h!, invitee);
      return menu && !menu.includes('duyet') && menu;
    });
    expect(revoked).toEqual(voters);
  });

  it('is set back to the voter menu when an admin revokes a member in the workspace', async () => {
    h = await startHarness();
    const voters = await waitUntil(async () => menuOf(h!));
    const member = newUserId();
    await h.grant(member, 'staff');
    const row = await h.app.db.staffMember.findFirstOrThrow({ where: { channelUserId: String(member) } });
    const admin = await signIn(h.app);
    expect((await admin.post(`/web/people/${row.id}/revoke`)).status).toBe(303);
    expect(await waitUntil(async () => menuOf(h!, member))).toEqual(voters);
  });
});
