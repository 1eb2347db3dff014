// What a signed-in person may see: a deputy their scope (src/staff/scope.ts), office staff everything.
import type { Db, Tx } from '../db/types.ts';
import { deputyScope, type DeputyScope } from '../staff/scope.ts';
import type { WebUser } from './types.ts';

/** The deputy's scope for a deputy; null for admins and staff (no limit). */
export async function scopeOfUser(db: Db | Tx, user: WebUser): Promise<DeputyScope | null> {
  return user.role === 'deputy' ? deputyScope(db, user.deputyId) : null;
}
