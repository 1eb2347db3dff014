// The office's voice: no message a person reads calls the voter "bạn" or the bot "mình".
import { describe, expect, it } from 'vitest';
import * as voter from '../../src/core/messages.ts';
import * as staff from '../../src/core/messages-staff.ts';
import * as digest from '../../src/core/messages-digest.ts';
import * as zalo from '../../src/core/messages-zalo.ts';
import { posterSteps } from '../../src/meetings/poster.ts';

/** Whole words only, with or without capitals: "bạn" but not "bản", "mình" but not "minh". */
const FORBIDDEN = /(?<![\p{L}\p{M}])(bạn|mình)(?![\p{L}\p{M}])/iu;

/** Every string a catalogue can produce: each function called with sample arguments of every kind. */
function sentences(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object' || seen.has(value)) {
    return typeof value === 'function' ? sentencesOf(value as (...args: unknown[]) => unknown) : [];
  }
  seen.add(value);
  return Object.values(value).flatMap((item) => sentences(item, seen));
}

const SAMPLES: unknown[][] = [
  ['X', 'X', 'X', 'X', 'X', 'X'],
  [true, true, true],
  [false, false, false],
  [3, 10, 2],
  ['greeting'],
  ['sticker'],
];

function sentencesOf(fn: (...args: unknown[]) => unknown): string[] {
  const meeting = { code: 'HN-01', title: 'T', place: 'P', ward: 'W', startsAt: new Date(), status: 'open' };
  const out: string[] = [];
  for (const args of [...SAMPLES, [meeting, 'Asia/Ho_Chi_Minh']]) {
    try {
      const result = fn(...args);
      if (typeof result === 'string') out.push(result);
    } catch {
      // A sample that does not fit the function's arguments says nothing.
    }
  }
  return out;
}

describe('the message catalogue', () => {
  const all = [voter, staff, digest, zalo].flatMap((module) => sentences(module)).concat(posterSteps('HN-01', true));

  it('finds the forbidden words as words, diacritics included', () => {
    expect(FORBIDDEN.test('Cảm ơn bạn')).toBe(true);
    expect(FORBIDDEN.test('Mình chưa tìm được')).toBe(true);
    expect(FORBIDDEN.test('Bản tin, bàn bạc')).toBe(false);
    expect(FORBIDDEN.test('thành phố Hồ Chí Minh')).toBe(false);
  });

  it('never says "bạn" or "mình"', () => {
    expect(all.length).toBeGreaterThan(150);
    expect(all.filter((text) => FORBIDDEN.test(text))).toEqual([]);
  });

  it('opens with the office the bot speaks for', () => {
    const office = 'Văn phòng Đoàn ĐBQH và HĐND thành phố Hà Nội';
    expect(voter.msg.welcome(office)).toContain(`trợ lý tự động của ${office}`);
  });

  it('thanks a voter only for something given', () => {
    const thanks = all.filter((text) => /cảm ơn/i.test(text));
    expect(thanks.every((text) => /gửi ý kiến/.test(text))).toBe(true);
  });
});
