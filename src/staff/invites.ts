// Staff and deputies join with a one-time invite code made by an admin; admins can revoke.
// Admins themselves come from ADMIN_TELEGRAM_IDS / ADMIN_ZALO_IDS, never from the database.
import { randomInt } from 'node:crypto';
import type { Channel, Command, Turn } from '../core/types.ts';
import { staffMsg } from '../core/messages-staff.ts';
import { foldDiacritics, normalizeText } from '../core/text.ts';
import type { Tx } from '../db/types.ts';
import type { StaffMember } from '../generated/prisma/client.ts';
import { deputyKey } from '../meetings/service.ts';
import { endAllSessions } from '../web/auth.ts';
import { actorOf, audit, rolesWith } from './access.ts';

export const INVITE_PATTERN = /^MOI-[A-Z0-9]{8}$/i;
const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const INVITE_DAYS = 7;

function newInviteCode(): string {
  let code = 'MOI-';
  for (let i = 0; i < 8; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
  return code;
}

async function invite(turn: Turn, args: string): Promise<void> {
  const [kind, ...rest] = normalizeText(args).split(/\s+/);
  const role = foldDiacritics(kind ?? '');
  const wanted =
    role === 'staff' || role === 'canbo' ? 'staff' : role === 'deputy' || role === 'daibieu' ? 'deputy' : null;
  const deputyName = rest.join(' ');
  if (!wanted || (wanted === 'deputy' && !deputyName)) return turn.reply(staffMsg.inviteUsage());
  const made = await createInvite(turn.tx, { role: wanted, deputyName, actor: actorOf(turn), now: turn.now });
  if ('ambiguous' in made) return turn.reply(staffMsg.deputyAmbiguous(made.ambiguous));
  const { code, deputy, expiresAt, deputyCreated } = made;
  turn.reply(staffMsg.inviteCreated(code, wanted, deputy?.name ?? null, expiresAt, turn.config.TZ, deputyCreated));
}

export interface InviteRequest {
  role: 'staff' | 'deputy';
  /** For a deputy's invite: the deputy, found by name (without diacritics) or created. */
  deputyName?: string;
  actor: string;
  now: Date;
}

export interface CreatedInvite {
  id: number;
  code: string;
  expiresAt: Date;
  deputy: { id: number; name: string } | null;
  /** The deputy was not known yet and was added. */
  deputyCreated: boolean;
}

/** Makes a one-time invite code (valid 7 days), as `/moi` and the workspace do; several deputies may match a name. */
export async function createInvite(tx: Tx, request: InviteRequest): Promise<CreatedInvite | { ambiguous: string[] }> {
  let deputy: { id: number; name: string } | null = null;
  let created = false;
  if (request.role === 'deputy') {
    const found = await findOrCreateDeputy(tx, request.deputyName ?? '', request.actor);
    if (found.ambiguous) return { ambiguous: found.ambiguous };
    ({ deputy, created } = found);
  }
  const code = newInviteCode();
  const expiresAt = new Date(request.now.getTime() + INVITE_DAYS * 86_400_000);
  const row = await tx.invite.create({
    data: { code, role: request.role, deputyId: deputy?.id ?? null, createdBy: request.actor, expiresAt },
  });
  await audit(tx, {
    actor: request.actor,
    action: 'invite.create',
    entity: 'Invite',
    entityId: row.id,
    after: { role: request.role, deputyId: deputy?.id ?? null, expiresAt },
  });
  return { id: row.id, code, expiresAt, deputy, deputyCreated: created };
}

/** An exact name (without diacritics) first, then a unique partial match; else a new deputy. */
async function findOrCreateDeputy(
  tx: Tx,
  name: string,
  actor: string,
): Promise<
  | { deputy: { id: number; name: string }; created: boolean; ambiguous?: undefined }
  | { ambiguous: string[]; deputy?: undefined; created?: undefined }
> {
  const key = deputyKey(name);
  const exact = await tx.deputy.findUnique({ where: { nameKey: key } });
  if (exact) return { deputy: exact, created: false };
  const partial = await tx.deputy.findMany({ where: { nameKey: { contains: key } }, take: 5 });
  if (partial.length === 1) return { deputy: partial[0]!, created: false };
  if (partial.length > 1) return { ambiguous: partial.map((d) => d.name) };
  const deputy = await tx.deputy.create({ data: { name: normalizeText(name), nameKey: key } });
  await audit(tx, {
    actor,
    action: 'deputy.create',
    entity: 'Deputy',
    entityId: deputy.id,
    after: { name: deputy.name },
  });
  return { deputy, created: true };
}

/** Redeems an invite for the account that sent it (typed alone or after /thamgia). */
export async function redeemInvite(turn: Turn, typed: string): Promise<void> {
  await redeemInviteCode(turn, typed);
}

/** Redeems an invite and answers; true when the account joined (the voter flow then steps aside). */
export async function redeemInviteCode(turn: Turn, typed: string): Promise<boolean> {
  const code = typed.trim().toUpperCase();
  if (turn.role === 'admin') return refuse(turn, staffMsg.alreadyAdmin());
  const row = INVITE_PATTERN.test(code) ? await turn.tx.invite.findUnique({ where: { code } }) : null;
  if (!row || row.usedAt || row.expiresAt <= turn.now) return refuse(turn, staffMsg.inviteInvalid());
  const { channel, userId } = turn.event;
  const account = `${channel}:${userId}`;
  // Marked used first and conditionally: a code sent twice at once grants one account only.
  const claimed = await turn.tx.invite.updateMany({
    where: { id: row.id, usedAt: null },
    data: { usedAt: turn.now, usedBy: account },
  });
  if (claimed.count === 0) return refuse(turn, staffMsg.inviteInvalid());
  const before = await turn.tx.staffMember.findUnique({
    where: { channel_channelUserId: { channel, channelUserId: userId } },
  });
  const data = { role: row.role, deputyId: row.deputyId, revokedAt: null };
  const member = await turn.tx.staffMember.upsert({
    where: { channel_channelUserId: { channel, channelUserId: userId } },
    create: { channel, channelUserId: userId, ...data },
    update: data,
  });
  await audit(turn.tx, {
    actor: account,
    action: 'invite.redeem',
    entity: 'StaffMember',
    entityId: member.id,
    before: before ? { role: before.role, deputyId: before.deputyId, revokedAt: before.revokedAt } : null,
    after: { role: member.role, deputyId: member.deputyId, invite: row.code },
  });
  const deputy = row.deputyId ? await turn.tx.deputy.findUnique({ where: { id: row.deputyId } }) : null;
  turn.roleChanged(channel, userId);
  turn.reply(staffMsg.joined(row.role, deputy?.name ?? null));
  return true;
}

function refuse(turn: Turn, text: string): false {
  turn.reply(text);
  return false;
}

/** Ends a staff member's access: their role, and every workspace session they have open. */
export async function revokeMember(tx: Tx, member: StaffMember, actor: string, now: Date): Promise<void> {
  await tx.staffMember.update({ where: { id: member.id }, data: { revokedAt: now } });
  await endAllSessions(tx, member.id, now);
  await audit(tx, {
    actor,
    action: 'staff.revoke',
    entity: 'StaffMember',
    entityId: member.id,
    before: { role: member.role, revokedAt: null },
    after: { role: member.role, revokedAt: now },
  });
}

async function revoke(turn: Turn, args: string): Promise<void> {
  const target = args.trim().replace(/^#/, '');
  if (!target) return turn.reply(staffMsg.revokeUsage());
  if (INVITE_PATTERN.test(target)) return revokeInvite(turn, target.toUpperCase());
  const member = /^\d+$/.test(target)
    ? await turn.tx.staffMember.findUnique({ where: { id: Number(target) } })
    : await findMemberByAccount(turn, target);
  if (!member || member.revokedAt) return turn.reply(staffMsg.revokeNotFound(target));
  await revokeMember(turn.tx, member, actorOf(turn), turn.now);
  turn.roleChanged(member.channel as Channel, member.channelUserId);
  turn.reply(staffMsg.revoked(`#${member.id} (${member.channel}:${member.channelUserId})`));
}

/** "telegram:12345" names an account on a channel. */
async function findMemberByAccount(turn: Turn, target: string) {
  const match = /^(telegram|zalo|local):(.+)$/.exec(target);
  if (!match) return null;
  return turn.tx.staffMember.findUnique({
    where: { channel_channelUserId: { channel: match[1]!, channelUserId: match[2]! } },
  });
}

async function revokeInvite(turn: Turn, code: string): Promise<void> {
  if (!(await withdrawInvite(turn.tx, code, actorOf(turn), turn.now))) return turn.reply(staffMsg.revokeNotFound(code));
  turn.reply(staffMsg.inviteRevoked(code));
}

/** Withdraws an unused invite code; false when it is unknown, used or expired. */
export async function withdrawInvite(tx: Tx, code: string, actor: string, now: Date): Promise<boolean> {
  const row = await tx.invite.findUnique({ where: { code } });
  if (!row || row.usedAt || row.expiresAt <= now) return false;
  // An invite is withdrawn by expiring it now: the row stays as the record of who made it.
  await tx.invite.update({ where: { id: row.id }, data: { expiresAt: now } });
  await audit(tx, {
    actor,
    action: 'invite.revoke',
    entity: 'Invite',
    entityId: row.id,
    before: { expiresAt: row.expiresAt },
    after: { expiresAt: now },
  });
  return true;
}

async function listStaff(turn: Turn): Promise<void> {
  const members = await turn.tx.staffMember.findMany({
    where: { revokedAt: null },
    include: { deputy: true },
    orderBy: { id: 'asc' },
  });
  turn.reply(
    staffMsg.staffList(
      members.map((m) => ({
        id: m.id,
        role: m.role,
        account: `${m.channel}:${m.channelUserId}`,
        deputy: m.deputy?.name ?? null,
        since: m.createdAt,
      })),
      turn.config.TZ,
    ),
  );
}

/** Managing staff (admins) and joining with an invite code (anyone). */
export function inviteCommands(): Command[] {
  const admins = rolesWith('invite');
  return [
    {
      name: 'moi',
      roles: admins,
      usage: '/moi staff, /moi deputy <họ tên>',
      help: 'mời cán bộ, đại biểu',
      run: invite,
    },
    { name: 'thuhoi', roles: admins, usage: '/thuhoi <số>', help: 'thu hồi quyền của cán bộ', run: revoke },
    { name: 'nhanvien', roles: admins, usage: '/nhanvien', help: 'danh sách cán bộ', run: listStaff },
    {
      name: 'thamgia',
      roles: ['admin', 'staff', 'deputy', 'voter'],
      usage: '/thamgia <mã mời>',
      help: 'nhận vai trò bằng mã mời',
      hidden: true,
      run: redeemInvite,
    },
  ];
}
