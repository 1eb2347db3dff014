// Who may do what, checked on every call (the role is resolved afresh each turn), and
// the audit log every staff change writes to.
import type { CommandHandler, Turn } from '../core/engine.ts';
import { staffMsg } from '../core/messages-staff.ts';
import type { Role } from '../core/roles.ts';
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

export function can(role: Role, permission: Permission): boolean {
  return ALLOWED[permission].includes(role);
}

/** Wraps a command so that a role without the permission gets a refusal and nothing else. */
export function guarded(permission: Permission, handler: CommandHandler): CommandHandler {
  return async (turn, args) => {
    if (!can(turn.role, permission)) return turn.reply(staffMsg.notAllowed());
    return handler(turn, args);
  };
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
