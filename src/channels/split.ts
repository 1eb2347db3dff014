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
  const candidates = [
    window.lastIndexOf('\n'),
    lastSentenceEnd(window),
    window.lastIndexOf(' '),
  ];
  for (const index of candidates) {
    if (index >= minimum && index <= max) return index + (text[index] === '\n' || text[index] === ' ' ? 0 : 1);
  }
  // One enormous word: cut at the limit, but keep surrogate pairs together.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

function lastSentenceEnd(window: string): number {
  let found = -1;
  for (const match of window.matchAll(/[.!?…](?=\s)/g)) found = match.index;
  return found;
}
