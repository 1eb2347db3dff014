// Joint Resolution 72/2025: compiled petitions go to the competent bodies no later than
// 15 days before a session opens and 15 days after it closes. SESSION_OPENS and
// SESSION_CLOSES (local days) give those two deadlines; a petition still not forwarded
// when the deadline of its round has passed is late. /thongke and the digests both use this.
import type { Config } from '../config/index.ts';
import { addIsoDays, localDate, startOfLocalDay } from './calendar.ts';

export const DEADLINE_DAYS = 15;
/** Statuses in which a petition has not yet left the office. */
export const NOT_FORWARDED = ['received', 'classified', 'reviewed'];

export type DeadlineConfig = Pick<Config, 'SESSION_OPENS' | 'SESSION_CLOSES' | 'TZ'>;

export interface Deadline {
  kind: 'before_session' | 'after_session';
  /** Last local day (YYYY-MM-DD) on which the compiled petitions may be sent. */
  day: string;
  /** Whole days from today to that day: 0 on the day itself, negative once passed. */
  daysLeft: number;
  passed: boolean;
}

export interface DeadlineStatus {
  configured: boolean;
  sessionOpens: string | null;
  sessionCloses: string | null;
  before: Deadline | null;
  after: Deadline | null;
  /** The deadline the office works toward now: the first one not yet passed. */
  next: Deadline | null;
}

function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000);
}

function deadline(kind: Deadline['kind'], day: string, today: string): Deadline {
  const daysLeft = daysBetween(today, day);
  return { kind, day, daysLeft, passed: daysLeft < 0 };
}

export function deadlineStatus(config: DeadlineConfig, now: Date): DeadlineStatus {
  const today = localDate(now, config.TZ);
  const opens = config.SESSION_OPENS ?? null;
  const closes = config.SESSION_CLOSES ?? null;
  const before = opens ? deadline('before_session', addIsoDays(opens, -DEADLINE_DAYS), today) : null;
  const after = closes ? deadline('after_session', addIsoDays(closes, DEADLINE_DAYS), today) : null;
  const next = [before, after].find((d) => d && !d.passed) ?? null;
  return { configured: Boolean(opens || closes), sessionOpens: opens, sessionCloses: closes, before, after, next };
}

export interface DeadlinePetition {
  status: string;
  receivedAt: Date;
}

/**
 * The passed deadline a petition has missed, if any: it was received before that deadline
 * ended and has still not been forwarded.
 */
export function missedDeadline(petition: DeadlinePetition, status: DeadlineStatus, timeZone: string): Deadline | null {
  if (!NOT_FORWARDED.includes(petition.status)) return null;
  for (const d of [status.before, status.after]) {
    if (!d?.passed) continue;
    if (petition.receivedAt < startOfLocalDay(addIsoDays(d.day, 1), timeZone)) return d;
  }
  return null;
}
