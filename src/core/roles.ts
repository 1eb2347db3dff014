// Roles are resolved on every turn, never cached: a revoked staff member loses access at once.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { channelKey, loadStaffRoles } from './store.ts';
import type { Channel } from './types.ts';

export const ROLES = ['admin', 'staff', 'deputy', 'voter'] as const;
export type Role = (typeof ROLES)[number];

export async function resolveRole(db: Db | Tx, config: Config, channel: Channel, userId: string): Promise<Role> {
  return (await resolveRoles(db, config, [{ channel, userId }])).get(channelKey(channel, userId))!;
}

/** The roles of a batch's users, in one lookup: user key (`channelKey`) -> role. */
export async function resolveRoles(db: Db | Tx, config: Config, users: { channel: Channel; userId: string }[]): Promise<Map<string, Role>> {
  const roles = await loadStaffRoles(db, users);
  for (const { channel, userId } of users) {
    const key = channelKey(channel, userId);
    if (adminIds(config, channel).includes(userId)) roles.set(key, 'admin');
    else if (!roles.has(key)) roles.set(key, 'voter');
  }
  return roles;
}

function adminIds(config: Config, channel: Channel): string[] {
  return channel === 'telegram' ? config.ADMIN_TELEGRAM_IDS : channel === 'zalo' ? config.ADMIN_ZALO_IDS : [];
}

export function isStaff(role: Role): boolean {
  return role === 'admin' || role === 'staff';
}
