// Calendar periods in the office's time zone ("hôm nay", "tuần này", a date range), as
// half-open instants [from, to) that database filters can use directly.
import { foldDiacritics, normalizeText } from '../core/text.ts';
import { parseDay, zonedTime, type Ymd } from '../core/dates.ts';
import { formatDate, zoneOffsetMs } from '../core/time.ts';

export { zonedTime, type Ymd };

export interface Period {
  from: Date;
  to: Date;
  label: string;
}

const DAY_MS = 86_400_000;

export const PERIOD_NAMES = [
  'today',
  'yesterday',
  'tomorrow',
  'this_week',
  'last_week',
  'next_week',
  'this_month',
  'last_month',
  'next_month',
  'this_year',
] as const;
export type PeriodName = (typeof PERIOD_NAMES)[number];

export function zonedYmd(date: Date, timeZone: string): Ymd & { weekday: number } {
  const shifted = new Date(date.getTime() + zoneOffsetMs(date.getTime(), timeZone));
  const weekday = ((shifted.getUTCDay() + 6) % 7) + 1;
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate(), weekday };
}

export function addDays(ymd: Ymd, days: number): Ymd {
  const date = new Date(Date.UTC(ymd.year, ymd.month - 1, ymd.day) + days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function addMonths(ymd: Ymd, months: number): Ymd {
  const date = new Date(Date.UTC(ymd.year, ymd.month - 1 + months, 1));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: 1 };
}

export function dayPeriod(first: Ymd, daysCount: number, timeZone: string, name?: string): Period {
  const from = zonedTime(first, timeZone);
  const to = zonedTime(addDays(first, daysCount), timeZone);
  return { from, to, label: periodLabel(from, to, timeZone, name) };
}

function periodLabel(from: Date, to: Date, timeZone: string, name?: string): string {
  const first = formatDate(from, timeZone);
  const last = formatDate(new Date(to.getTime() - 1), timeZone);
  const range = first === last ? first : `${first} – ${last}`;
  return name ? `${name} (${range})` : range;
}

/** A named period relative to `now`. */
export function namedPeriod(name: PeriodName, now: Date, timeZone: string): Period {
  const today = zonedYmd(now, timeZone);
  const monday = addDays(today, 1 - today.weekday);
  const monthStart = { year: today.year, month: today.month, day: 1 };
  const month = (start: Ymd, label: string): Period => {
    const from = zonedTime(start, timeZone);
    const to = zonedTime(addMonths(start, 1), timeZone);
    return { from, to, label: periodLabel(from, to, timeZone, label) };
  };
  switch (name) {
    case 'today':
      return dayPeriod(today, 1, timeZone, 'hôm nay');
    case 'yesterday':
      return dayPeriod(addDays(today, -1), 1, timeZone, 'hôm qua');
    case 'tomorrow':
      return dayPeriod(addDays(today, 1), 1, timeZone, 'ngày mai');
    case 'this_week':
      return dayPeriod(monday, 7, timeZone, 'tuần này');
    case 'last_week':
      return dayPeriod(addDays(monday, -7), 7, timeZone, 'tuần trước');
    case 'next_week':
      return dayPeriod(addDays(monday, 7), 7, timeZone, 'tuần sau');
    case 'this_month':
      return month(monthStart, 'tháng này');
    case 'last_month':
      return month(addMonths(monthStart, -1), 'tháng trước');
    case 'next_month':
      return month(addMonths(monthStart, 1), 'tháng sau');
    case 'this_year': {
      const from = zonedTime({ year: today.year, month: 1, day: 1 }, timeZone);
      const to = zonedTime({ year: today.year + 1, month: 1, day: 1 }, timeZone);
      return { from, to, label: periodLabel(from, to, timeZone, 'năm nay') };
    }
  }
}

const SPOKEN: [RegExp, PeriodName][] = [
  [/^hom nay\b/, 'today'],
  [/^hom qua\b/, 'yesterday'],
  [/^ngay mai\b/, 'tomorrow'],
  [/^tuan (nay|hien tai)\b/, 'this_week'],
  [/^tuan (truoc|qua)\b/, 'last_week'],
  [/^tuan (sau|toi)\b/, 'next_week'],
  [/^thang (nay|hien tai)\b/, 'this_month'],
  [/^thang (truoc|qua)\b/, 'last_month'],
  [/^thang (sau|toi)\b/, 'next_month'],
  [/^nam nay\b/, 'this_year'],
];

const DATE = String.raw`(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})`;
const RANGE = new RegExp(String.raw`^(?:tu\s+)?${DATE}\s*(?:-|–|\.\.|den)\s*${DATE}`);
const SINGLE = new RegExp(String.raw`^(?:ngay\s+)?${DATE}\b`);

/** An inclusive day range as a period; undefined when a day is invalid or the range reversed. */
export function rangePeriod(first: string, last: string, timeZone: string): Period | undefined {
  const a = parseDay(first);
  const b = parseDay(last);
  if (!a || !b) return undefined;
  const from = zonedTime(a, timeZone);
  const to = zonedTime(addDays(b, 1), timeZone);
  return to > from ? { from, to, label: periodLabel(from, to, timeZone) } : undefined;
}

/**
 * Reads a period at the start of `text` ("tuần này Cầu Giấy", "01/12/2026-07/12/2026 ...")
 * and returns what follows it, with its diacritics kept.
 */
export function parsePeriod(text: string, now: Date, timeZone: string): { period?: Period; rest: string } {
  const original = normalizeText(text);
  // Folding an NFC Vietnamese string keeps one character per character, so offsets carry over.
  const folded = foldDiacritics(original);
  for (const [pattern, name] of SPOKEN) {
    const match = pattern.exec(folded);
    if (match) return { period: namedPeriod(name, now, timeZone), rest: original.slice(match[0].length).trim() };
  }
  const range = RANGE.exec(folded);
  if (range) {
    const period = rangePeriod(range[1]!, range[2]!, timeZone);
    if (period) return { period, rest: original.slice(range[0].length).trim() };
  }
  const single = SINGLE.exec(folded);
  if (single) {
    const day = parseDay(single[1]!);
    if (day) return { period: dayPeriod(day, 1, timeZone), rest: original.slice(single[0].length).trim() };
  }
  return { rest: original };
}
