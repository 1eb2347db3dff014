// The one reader of dates the office types, on the command line, in CSV files and in chat:
// ISO-8601 (2026-12-05, 2026-12-05T08:00, 2026-12-05T08:00:00+07:00) or the Vietnamese
// day-first form (05/12/2026, 05/12/2026 08:00). Without an offset the time is wall-clock time
// in the office's zone. Month-first dates (12/31/2026) and impossible ones (31/02/2026, 25:00)
// are refused rather than guessed.
import { zoneOffsetMs } from './time.ts';

/** A calendar day. */
export interface Ymd {
  year: number;
  month: number;
  day: number;
}

/** The zone a date typed without an offset is read in when no setting says otherwise (TZ's default). */
export const OFFICE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const DAY_FIRST = String.raw`(\d{1,2})/(\d{1,2})/(\d{4})`;
const ISO_DAY = String.raw`(\d{4})-(\d{2})-(\d{2})`;
// 08:00, 8:00, 8h30, 8g30, 8h, 8 (how times are written in Vietnam), with ISO seconds and fractions.
const TIME = String.raw`(?:[T ]\s*(\d{1,2})(?:[:hg](?:(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)`;
const OFFSET = String.raw`(Z|[+-]\d{2}(?::?\d{2})?)`;
const DATE_TIME = new RegExp(String.raw`^(?:${DAY_FIRST}|${ISO_DAY})(?:${TIME}\s*${OFFSET}?)?$`, 'i');

/** The one line that refuses a date and time, naming what was typed. */
export function invalidDateTime(value: string): string {
  return `Ngày giờ không hợp lệ: "${value}" (dùng dd/mm/yyyy HH:mm hoặc ISO-8601)`;
}

/** The one line that refuses a day, naming what was typed. */
export function invalidDay(value: string): string {
  return `Ngày không hợp lệ: "${value}" (dùng dd/mm/yyyy hoặc yyyy-mm-dd)`;
}

function validDay(ymd: Ymd): boolean {
  const check = new Date(Date.UTC(ymd.year, ymd.month - 1, ymd.day));
  return check.getUTCFullYear() === ymd.year && check.getUTCMonth() === ymd.month - 1 && check.getUTCDate() === ymd.day;
}

/** A time of day. */
export interface Clock {
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const MIDNIGHT: Clock = { hour: 0, minute: 0, second: 0, ms: 0 };

function utc(ymd: Ymd, { hour, minute, second, ms }: Clock): number {
  return Date.UTC(ymd.year, ymd.month - 1, ymd.day, hour, minute, second, ms);
}

/** The instant of a wall-clock time in the zone (one correction covers a DST edge). */
export function zonedTime(ymd: Ymd, timeZone: string, clock: Clock = MIDNIGHT): Date {
  const guess = utc(ymd, clock);
  const first = guess - zoneOffsetMs(guess, timeZone);
  return new Date(guess - zoneOffsetMs(first, timeZone));
}

/** Minutes east of UTC of an ISO-8601 offset (Z, +07, +07:00, +0700); undefined past ±14:00. */
function offsetMinutes(offset: string): number | undefined {
  if (/^z$/i.test(offset)) return 0;
  const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
  const total = Number(hours) * 60 + Number(minutes ?? 0);
  if (Number(minutes ?? 0) > 59 || total > 14 * 60) return undefined;
  return sign === '-' ? -total : total;
}

/** The date and time parts of `text`, or undefined when it is not one of the accepted forms or impossible. */
function readParts(text: string): (Clock & { ymd: Ymd; offset?: string }) | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, d, m, y, isoY, isoM, isoD, hour, minute, second, fraction, offset] = match;
  const ymd = d
    ? { year: Number(y), month: Number(m), day: Number(d) }
    : { year: Number(isoY), month: Number(isoM), day: Number(isoD) };
  const time: Clock = {
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    ms: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  };
  if (!validDay(ymd) || time.hour > 23 || time.minute > 59 || time.second > 59) return undefined;
  return { ymd, ...time, offset };
}

/**
 * A date and time typed by the office: ISO-8601 with or without an offset, or dd/mm/yyyy
 * [HH:mm] day-first; a time without an offset is read in `timeZone`, a date alone is its midnight.
 */
export function parseDateTime(text: string, timeZone: string): Date | undefined {
  const parts = readParts(text);
  if (!parts) return undefined;
  const { ymd, offset, ...clock } = parts;
  if (offset === undefined) return zonedTime(ymd, timeZone, clock);
  const minutes = offsetMinutes(offset);
  return minutes === undefined ? undefined : new Date(utc(ymd, clock) - minutes * 60_000);
}

/** A calendar day typed by the office: dd/mm/yyyy (day first) or yyyy-mm-dd. */
export function parseDay(text: string): Ymd | undefined {
  const parts = /^[^T ]+$/i.test(text.trim()) ? readParts(text) : undefined;
  return parts && !parts.offset ? parts.ymd : undefined;
}

/** YYYY-MM-DD of a calendar day. */
export function isoDay(ymd: Ymd): string {
  return `${ymd.year}-${String(ymd.month).padStart(2, '0')}-${String(ymd.day).padStart(2, '0')}`;
}
