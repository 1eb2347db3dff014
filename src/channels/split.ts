// Platforms cap a message's length (Telegram 4096, Zalo 2000). Long replies are cut on a
// line break, else after a sentence, else between words; never inside a word or inside a
// character made of two UTF-16 units.

export function splitMessage(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const minimum = Math.floor(max / 2);
  const candidates = [window.lastIndexOf('\n'), lastSentenceEnd(window), window.lastIndexOf(' ')];
  for (const index of candidates) {
    if (index >= minimum && index <= max) return index + (text[index] === '\n' || text[index] === ' ' ? 0 : 1);
  }
  // A word longer than half the limit: a short part beats a cut inside the word.
  const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\n'));
  if (space > 0) return space;
  return hardCut(text, max);
}

/** One enormous word: cut at the limit, but not inside a surrogate pair or before a combining mark. */
function hardCut(text: string, max: number): number {
  let cut = max;
  while (cut > 1 && (isLowSurrogate(text.charCodeAt(cut)) || COMBINING.test(text[cut]!))) cut -= 1;
  return cut;
}

const COMBINING = /^\p{M}$/u;

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function lastSentenceEnd(window: string): number {
  let found = -1;
  for (const match of window.matchAll(/[.!?…](?=\s)/g)) found = match.index;
  return found;
}
