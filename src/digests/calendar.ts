// Calendar arithmetic in the office's zone: local days, ISO weeks, day boundaries.
import { isoDay, parseDay as parseTypedDay } from '../core/dates.ts';
import { formatter, zoneOffsetMs } from '../core/time.ts';

/** YYYY-MM-DD of the instant in the zone. */
export function localDate(date: Date, timeZone: string): string {
  return formatter('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** Minutes the zone is ahead of UTC at that instant. */
function offsetMinutes(date: Date, timeZone: string): number {
  return Math.round(zoneOffsetMs(date.getTime(), timeZone) / 60_000);
}

/** The instant a local day (YYYY-MM-DD) starts in the zone. */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = new Date(Date.UTC(y, m - 1, d));
  const first = new Date(guess.getTime() - offsetMinutes(guess, timeZone) * 60_000);
  // A second pass settles days on which the offset changes (not in Vietnam, but in general).
  return new Date(guess.getTime() - offsetMinutes(first, timeZone) * 60_000);
}

export function addIsoDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO week of a local day, as 2026-W48. */
export function isoWeekKey(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** A day as the office types it (dd/mm/yyyy or yyyy-mm-dd, core/dates.ts) as YYYY-MM-DD. */
export function parseIsoDay(text: string): string | null {
  const ymd = parseTypedDay(text);
  return ymd ? isoDay(ymd) : null;
}

/** [start of `from`, start of the day after `to`) in the zone: both days included. */
export function dayRange(from: string, to: string, timeZone: string): { start: Date; end: Date } {
  return { start: startOfLocalDay(from, timeZone), end: startOfLocalDay(addIsoDays(to, 1), timeZone) };
}
