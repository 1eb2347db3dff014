// Text preparation for the offline rules: a folded (ASCII, lower-case) copy whose
// offsets map back to the original, so a reason can quote the voter's own words.
import { foldDiacritics, normalizeText } from '../core/text.ts';

export interface PreparedText {
  /** NFC, tidy spaces, lower-case, with diacritics. */
  lower: string;
  /** Same text folded to ASCII; folded[i] comes from lower[origin[i]]. */
  folded: string;
  origin: number[];
  /** The original (NFC) text, for quoting. */
  display: string;
  hasDiacritics: boolean;
}

// Folding one character at a time is the rules' hot spot: each character is folded once.
const foldedChars = new Map<string, string>();
function foldChar(char: string): string {
  let ascii = foldedChars.get(char);
  if (ascii === undefined) {
    ascii = foldDiacritics(char);
    foldedChars.set(char, ascii);
  }
  return ascii;
}

export function prepareText(raw: string): PreparedText {
  const display = normalizeText(raw);
  const lower = display.toLowerCase();
  let folded = '';
  const origin: number[] = [];
  let index = 0;
  for (const char of lower) {
    const ascii = foldChar(char);
    for (let k = 0; k < ascii.length; k++) origin.push(index);
    folded += ascii;
    index += char.length;
  }
  return { lower, folded, origin, display, hasDiacritics: /[^\x00-\x7F]/.test(lower) && /[\u00C0-\u1EF9]/.test(lower) };
}

/** Wraps a pattern so it only matches whole words (letters of any script count as word characters). */
export function wordRegex(pattern: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${pattern})(?![\\p{L}\\p{N}])`, 'gu');
}

// Compiled once per pattern: taxonomies are loaded once and their patterns reused.
const compiled = new Map<string, RegExp>();
export function cachedWordRegex(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = wordRegex(pattern);
    compiled.set(pattern, regex);
  }
  regex.lastIndex = 0;
  return regex;
}

export interface Hit {
  start: number;
  end: number;
  /** The matched words as the voter wrote them. */
  quote: string;
}

// Folded text is ASCII letters and digits for words, so its patterns need no Unicode mode
// (several times faster); one that names a Unicode class keeps it.
const compiledFolded = new Map<string, RegExp>();
function foldedWordRegex(pattern: string): RegExp {
  let regex = compiledFolded.get(pattern);
  if (!regex) {
    regex = /\\p\{/.test(pattern) ? wordRegex(pattern) : new RegExp(`(?<![a-z0-9])(?:${pattern})(?![a-z0-9])`, 'g');
    compiledFolded.set(pattern, regex);
  }
  return regex;
}

/** First match of a folded pattern, quoted from the original text. */
export function findFolded(text: PreparedText, pattern: string, from = 0): Hit | undefined {
  const regex = foldedWordRegex(pattern);
  regex.lastIndex = from;
  const match = regex.exec(text.folded);
  if (!match) return undefined;
  const start = text.origin[match.index] ?? 0;
  const lastChar = text.origin[match.index + match[0].length - 1] ?? start;
  const end = lastChar + 1;
  return { start, end, quote: text.display.slice(start, end) };
}

/** First match of a pattern written with diacritics, on the lower-case original. */
export function findExact(text: PreparedText, pattern: string): Hit | undefined {
  const regex = cachedWordRegex(pattern);
  const match = regex.exec(text.lower);
  if (!match) return undefined;
  const start = match.index;
  const end = start + match[0].length;
  return { start, end, quote: text.display.slice(start, end) };
}
