// The folded copy of a petition's text that searches match: typed with or without diacritics,
// in any case, a word finds the petition ("duong ngap" finds "Đường … bị ngập"). Every writer of
// a petition's text writes this beside it (intake, minutes, retention, transcripts).
import { foldDiacritics, normalizeText } from '../core/text.ts';

/** Petition.searchKey for a text: normalized, lower-case ASCII, đ as d. */
export function searchKeyOf(text: string): string {
  return foldDiacritics(normalizeText(text));
}

/** The words of a search as typed, folded like the key: each must appear in a petition it finds. */
export function searchWords(typed: string, max = 8): string[] {
  const words = searchKeyOf(typed)
    .split(/\s+/)
    .filter((word) => word.length > 0);
  return [...new Set(words)].slice(0, max);
}
