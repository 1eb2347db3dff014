// Who may do what (the core checks a command's roles on every call, the role resolved
// afresh each turn), and the audit log every staff change writes to.
import type { Role, Turn } from '../core/types.ts';
import type { Db, Tx } from '../db/client.ts';

export type Permission = 'schedule' | 'stats' | 'assistant' | 'manageMeetings' | 'review' | 'petitions' | 'invite';

const ALLOWED: Record<Permission, readonly Role[]> = {
  // The public schedule: voters may ask about their ward too.
  schedule: ['admin', 'staff', 'deputy', 'voter'],
  stats: ['admin', 'staff', 'deputy'],
  assistant: ['admin', 'staff', 'deputy'],
  manageMeetings: ['admin', 'staff'],
  review: ['admin', 'staff'],
  // Petition contents and histories: office staff only (deputies get counts).
  petitions: ['admin', 'staff'],
  invite: ['admin'],
};

/** Whether a role has a permission (input outside commands, tools, jobs run later). */
export function can(role: Role, permission: Permission): boolean {
  return ALLOWED[permission].includes(role);
}

/** The roles with a permission: a command's `roles`. */
export function rolesWith(permission: Permission): readonly Role[] {
  return ALLOWED[permission];
}

/** How staff are named in histories and the audit log: channel account and role. */
export function actorOf(turn: Turn): string {
  return `${turn.event.channel}:${turn.event.userId} (${turn.role})`;
}

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Writes one audit entry (who changed what, before and after). */
export async function audit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    },
  });
}
