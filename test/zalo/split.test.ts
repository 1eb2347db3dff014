// Cutting long replies for Zalo's 2,000-character limit (the same function serves Telegram).
import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../src/channels/split.ts';

const ZALO = 2000;

describe('splitMessage for Zalo', () => {
  it('cuts 3,500 characters of sentences into two parts after a sentence, losing nothing', () => {
    const text = 'Đường Láng ngập nặng mỗi khi mưa to kéo dài. '.repeat(80).slice(0, 3500);
    const parts = splitMessage(text, ZALO);
    expect(parts).toHaveLength(2);
    expect(parts.every((part) => part.length <= ZALO)).toBe(true);
    expect(parts[0]).toMatch(/\.$/);
    expect(parts.join(' ')).toBe(text.trimEnd());
  });

  it('prefers a line break, and keeps a short text whole', () => {
    const text = `${'a '.repeat(700)}\n${'b '.repeat(700)}`;
    expect(splitMessage(text, ZALO)).toEqual(['a '.repeat(700).trimEnd(), 'b '.repeat(700)]);
    expect(splitMessage('Xin chào', ZALO)).toEqual(['Xin chào']);
  });

  it('cuts before a word longer than half the limit rather than inside it', () => {
    const head = 'đ'.repeat(800);
    const word = 'x'.repeat(1500);
    expect(splitMessage(`${head} ${word}`, ZALO)).toEqual([head, word]);
  });

  it('never separates a surrogate pair or a combining mark from its letter in a huge word', () => {
    const emoji = 'a'.repeat(1999) + '😀' + 'b'.repeat(100);
    const [first, second] = splitMessage(emoji, ZALO);
    expect(first).toBe('a'.repeat(1999));
    expect(second!.startsWith('😀')).toBe(true);

    const decomposed = 'e'.repeat(1999) + 'e\u0302\u0301' + 'f'.repeat(50);
    const parts = splitMessage(decomposed, ZALO);
    expect(parts.every((part) => !/^\p{M}/u.test(part))).toBe(true);
    expect(parts.join('')).toBe(decomposed);
    expect(parts[0]!.length).toBeLessThanOrEqual(ZALO);
  });
});
