// Answer deadlines: an agency's answer is due ANSWER_DUE_DAYS after forwarding unless the
// letter set another date; a forwarded petition past its due date is overdue.
import type { Db, Tx } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';

const DAY_MS = 86_400_000;

/** The due date of an answer to a petition forwarded at `forwardedAt` (the letter's date wins). */
export function answerDueDate(forwardedAt: Date, config: { ANSWER_DUE_DAYS: number }, letterDue?: Date): Date {
  return letterDue ?? new Date(forwardedAt.getTime() + config.ANSWER_DUE_DAYS * DAY_MS);
}

/** Forwarded petitions whose answer is past due at `now`. */
export function overdueWhere(now: Date): Prisma.PetitionWhereInput {
  return { status: 'forwarded', answerDueAt: { lt: now } };
}

/** How many answers are overdue at `now`, within `where` (a statistics filter, a deputy's meetings). */
export async function countOverdue(db: Db | Tx, now: Date, where: Prisma.PetitionWhereInput = {}): Promise<number> {
  return db.petition.count({ where: { AND: [where, overdueWhere(now)] } });
}

/** One agency's overdue answers, oldest due first. */
export interface OverdueAgency {
  agency: string;
  items: { trackingCode: string; answerDueAt: Date; forwardRef: string | null }[];
}

/** Overdue answers grouped by the agency they were forwarded to. */
export async function overdueByAgency(db: Db | Tx, now: Date): Promise<OverdueAgency[]> {
  const rows = await db.petition.findMany({
    where: overdueWhere(now),
    select: { trackingCode: true, forwardedTo: true, answerDueAt: true, forwardRef: true },
    orderBy: [{ answerDueAt: 'asc' }, { id: 'asc' }],
  });
  const groups = new Map<string, OverdueAgency>();
  for (const row of rows) {
    const agency = row.forwardedTo ?? '';
    const group = groups.get(agency) ?? { agency, items: [] };
    group.items.push({ trackingCode: row.trackingCode, answerDueAt: row.answerDueAt!, forwardRef: row.forwardRef });
    groups.set(agency, group);
  }
  return [...groups.values()];
}
