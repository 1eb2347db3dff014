// Roles are resolved on every turn, never cached: a revoked staff member loses access at once.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import type { Channel } from './types.ts';

export const ROLES = ['admin', 'staff', 'deputy', 'voter'] as const;
export type Role = (typeof ROLES)[number];

export async function resolveRole(db: Db | Tx, config: Config, channel: Channel, userId: string): Promise<Role> {
  const admins = channel === 'telegram' ? config.ADMIN_TELEGRAM_IDS : channel === 'zalo' ? config.ADMIN_ZALO_IDS : [];
  if (admins.includes(userId)) return 'admin';
  const member = await db.staffMember.findUnique({
    where: { channel_channelUserId: { channel, channelUserId: userId } },
  });
  if (!member || member.revokedAt) return 'voter';
  return member.role as Role;
}

export function isStaff(role: Role): boolean {
  return role === 'admin' || role === 'staff';
}
