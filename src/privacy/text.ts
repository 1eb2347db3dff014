// Position-preserving copies of a text, so a match in the copy is a match at the same offsets in the text.
import { foldDiacritics } from '../core/text.ts';

// Per-character results are cached: the redactor runs on every model call and texts repeat their letters.
function mapChars(text: string, map: (char: string) => string, cache: Map<string, string>): string {
  const out: string[] = [];
  for (const unit of text.split('')) {
    let mapped = cache.get(unit);
    if (mapped === undefined) {
      const result = map(unit);
      mapped = result.length === 1 ? result : unit;
      cache.set(unit, mapped);
    }
    out.push(mapped);
  }
  return out.join('');
}
const LOWER = new Map<string, string>();
const FOLDED = new Map<string, string>();

/** Lower-case copy of the same length (Vietnamese letters are single UTF-16 units in NFC). */
export function alignedLower(text: string): string {
  return mapChars(text, (char) => char.toLowerCase(), LOWER);
}

/** Lower-case ASCII copy of the same length ("Đường" -> "duong"). */
export function alignedFold(text: string): string {
  return mapChars(text, foldDiacritics, FOLDED);
}

/** True when the text has no letter outside ASCII: a word typed without diacritics. */
export function isAscii(text: string): boolean {
  return /^[\x00-\x7F]*$/.test(text);
}

/** Escapes a string for use inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
