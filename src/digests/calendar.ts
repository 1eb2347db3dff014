// Calendar arithmetic in the office's zone: local days, ISO weeks, day boundaries.
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

export function addDays(day: string, days: number): string {
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

const DAY_PATTERNS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/,
];

/** Reads 2026-11-30 or 30/11/2026 (the way dates are written in Vietnam) into YYYY-MM-DD. */
export function parseDay(text: string): string | null {
  const value = text.trim();
  for (const [index, pattern] of DAY_PATTERNS.entries()) {
    const match = pattern.exec(value);
    if (!match) continue;
    const [y, m, d] = index === 0 ? [match[1], match[2], match[3]] : [match[3], match[2], match[1]];
    const iso = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    const check = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== iso) return null;
    return iso;
  }
  return null;
}

/** [start of `from`, start of the day after `to`) in the zone: both days included. */
export function dayRange(from: string, to: string, timeZone: string): { start: Date; end: Date } {
  return { start: startOfLocalDay(from, timeZone), end: startOfLocalDay(addDays(to, 1), timeZone) };
}
