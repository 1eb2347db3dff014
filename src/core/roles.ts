// Roles are resolved on every turn, never cached: a revoked staff member loses access at once.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import type { Channel } from './types.ts';

export const ROLES = ['admin', 'staff', 'deputy', 'voter'] as const;
export type Role = (typeof ROLES)[number];

export async function resolveRole(db: Db | Tx, config: Config, channel: Channel, userId: string): Promise<Role> {
  if (adminIds(config, channel).includes(userId)) return 'admin';
  const member = await db.staffMember.findUnique({
    where: { channel_channelUserId: { channel, channelUserId: userId } },
  });
  if (!member || member.revokedAt) return 'voter';
  return member.role as Role;
}

/** The roles of a batch's users, in one lookup: `${channel}\u0000${userId}` -> role. */
export async function resolveRoles(
  db: Db | Tx,
  config: Config,
  users: { channel: Channel; userId: string }[],
): Promise<Map<string, Role>> {
  const roles = new Map<string, Role>();
  const key = (channel: string, userId: string) => `${channel}\u0000${userId}`;
  const members = users.length
    ? await db.staffMember.findMany({
        // A superset (every channel x every id); the exact pairs are picked below.
        where: {
          channel: { in: [...new Set(users.map((user) => user.channel))] },
          channelUserId: { in: [...new Set(users.map((user) => user.userId))] },
        },
      })
    : [];
  for (const member of members) {
    if (!member.revokedAt) roles.set(key(member.channel, member.channelUserId), member.role as Role);
  }
  for (const { channel, userId } of users) {
    if (adminIds(config, channel).includes(userId)) roles.set(key(channel, userId), 'admin');
    else if (!roles.has(key(channel, userId))) roles.set(key(channel, userId), 'voter');
  }
  return roles;
}

function adminIds(config: Config, channel: Channel): string[] {
  return channel === 'telegram' ? config.ADMIN_TELEGRAM_IDS : channel === 'zalo' ? config.ADMIN_ZALO_IDS : [];
}

export function isStaff(role: Role): boolean {
  return role === 'admin' || role === 'staff';
}
