// Roles are resolved on every turn, never cached: a revoked staff member loses access at once.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/types.ts';
import { channelKey } from './keys.ts';
import { loadStaffRoles } from './turn-store.ts';
import type { Channel, Role } from './types.ts';

/** A user's role now (for work outside a turn, e.g. a job answering later). */
export async function resolveRole(db: Db | Tx, config: Config, channel: Channel, userId: string): Promise<Role> {
  const users = [{ channel, userId }];
  return rolesOf(config, users, await loadStaffRoles(db, users)).get(channelKey(channel, userId))!;
}

/** The roles of users, given their staff roles (`loadStaffRoles`): user key (`channelKey`) -> role. */
export function rolesOf(
  config: Config,
  users: { channel: Channel; userId: string }[],
  staff: Map<string, Role>,
): Map<string, Role> {
  const roles = new Map(staff);
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
