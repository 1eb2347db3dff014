// The one reader of typed dates: ISO-8601 or day-first dd/mm/yyyy, wall-clock time in the zone.
import { describe, expect, it } from 'vitest';
import { invalidDateTime, parseDateTime, parseDay } from '../../src/core/dates.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const iso = (text: string, timeZone = TZ) => parseDateTime(text, timeZone)?.toISOString();

describe('parseDateTime', () => {
  it('reads dd/mm/yyyy day first, in the office zone', () => {
    expect(iso('05/12/2026 08:00')).toBe('2026-12-05T01:00:00.000Z');
    expect(iso('13/12/2026 08:00')).toBe('2026-12-13T01:00:00.000Z');
    expect(iso('5/12/2026 8:30')).toBe('2026-12-05T01:30:00.000Z');
    expect(iso('05/12/2026 8h30')).toBe('2026-12-05T01:30:00.000Z');
    expect(iso('05/12/2026')).toBe('2026-12-04T17:00:00.000Z');
  });

  it('reads ISO-8601 with an offset as that instant and without one in the zone', () => {
    expect(iso('2026-12-05T08:00:00+07:00')).toBe('2026-12-05T01:00:00.000Z');
    expect(iso('2026-12-05T01:00:00.250Z')).toBe('2026-12-05T01:00:00.250Z');
    expect(iso('2026-12-05T08:00+0700')).toBe('2026-12-05T01:00:00.000Z');
    expect(iso('2026-12-05T08:00')).toBe('2026-12-05T01:00:00.000Z');
    expect(iso('2026-12-05 08:00')).toBe('2026-12-05T01:00:00.000Z');
    expect(iso('2026-12-05')).toBe('2026-12-04T17:00:00.000Z');
    expect(iso('2026-12-05T08:00', 'Europe/Paris')).toBe('2026-12-05T07:00:00.000Z');
  });

  it('refuses month-first, impossible and unknown forms', () => {
    for (const text of [
      '12/31/2026',
      '31/02/2026',
      '29/02/2026',
      '05/12/2026 25:00',
      '05/12/2026 08:60',
      '05-12-26',
      '2026-13-01',
      '2026-12-05T08:00+15:00',
      '05/12/2026+07:00',
      'Dec 5 2026',
      '',
      'mai',
    ]) {
      expect(parseDateTime(text, TZ), text).toBeUndefined();
    }
    expect(iso('29/02/2028')).toBe('2028-02-28T17:00:00.000Z');
  });

  it('names the refused value in one Vietnamese line', () => {
    expect(invalidDateTime('05-12-26')).toBe('Ngày giờ không hợp lệ: "05-12-26" (dùng dd/mm/yyyy HH:mm hoặc ISO-8601)');
  });
});

describe('parseDay', () => {
  it('reads a day, day first or ISO, and nothing else', () => {
    expect(parseDay('05/12/2026')).toEqual({ year: 2026, month: 12, day: 5 });
    expect(parseDay('2026-12-05')).toEqual({ year: 2026, month: 12, day: 5 });
    expect(parseDay('12/31/2026')).toBeUndefined();
    expect(parseDay('05/12/2026 08:00')).toBeUndefined();
    expect(parseDay('30.11.2026')).toBeUndefined();
  });
});
