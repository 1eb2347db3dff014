// Personal data never leaves the process: before a petition goes to a model, into a generated summary or
// past its retention, names, phone and ID numbers, bank accounts, e-mail addresses, house numbers, licence
// plates and dates of birth are replaced by placeholders. Places, agencies, legal references, amounts and
// event dates stay, since classification and reports need them.
import { foldDiacritics, normalizeText } from '../core/text.ts';
import { findNames } from './names.ts';
import { findPatterns, type Found, type PersonalDataKind } from './patterns.ts';
import { alignedFold, escapeRegex } from './text.ts';

export type { PersonalDataKind } from './patterns.ts';

/** The placeholder that replaces each kind of personal data. */
export const PLACEHOLDER = {
  name: '[tên]',
  phone: '[số điện thoại]',
  id: '[số giấy tờ]',
  email: '[email]',
  number: '[số]',
  account: '[số tài khoản]',
  plate: '[biển số]',
  dob: '[ngày sinh]',
} as const;

const PLACEHOLDER_OF: Record<PersonalDataKind, string> = {
  name: PLACEHOLDER.name,
  phone: PLACEHOLDER.phone,
  id: PLACEHOLDER.id,
  email: PLACEHOLDER.email,
  account: PLACEHOLDER.account,
  plate: PLACEHOLDER.plate,
  dob: PLACEHOLDER.dob,
  house: PLACEHOLDER.number,
};

const KNOWN_NAME_RANK = -1;
const FOUND_NAME_RANK = 1000;

export interface RedactOptions {
  /** Names known to belong to the sender or people in the petition; removed in any case, with or without diacritics. */
  names?: string[];
}

/** Every place a known name appears, compared without diacritics and case. */
function findKnownNames(text: string, names: string[]): Found[] {
  const folded = alignedFold(text);
  const targets = [...new Set(names.map((name) => foldDiacritics(normalizeText(name)).replace(/\s+/g, ' ').trim()))]
    .filter((target) => target.length >= 2)
    .sort((a, b) => b.length - a.length);
  if (targets.length === 0) return [];
  const alternatives = targets.map((target) => escapeRegex(target).replace(/ /g, '\\s+')).join('|');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'gu');
  return [...folded.matchAll(pattern)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    kind: 'name' as const,
    rank: KNOWN_NAME_RANK,
  }));
}

/** Overlapping findings become one stretch, named by the most specific kind among them. */
function merge(found: Found[]): Found[] {
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Found[] = [];
  for (const item of sorted) {
    const last = merged.at(-1);
    if (last && item.start < last.end) {
      last.end = Math.max(last.end, item.end);
      if (item.rank < last.rank) Object.assign(last, { kind: item.kind, rank: item.rank });
    } else {
      merged.push({ ...item });
    }
  }
  return merged;
}

/** The stretches of an already normalized text that hold personal data, in order, not overlapping. */
export function findPersonalData(text: string, options: RedactOptions = {}): Found[] {
  const names = (options.names ?? []).map((name) => name.trim()).filter((name) => name.length >= 2);
  const found = findNames(text).map((range) => ({ ...range, kind: 'name' as const, rank: FOUND_NAME_RANK }));
  return merge([...findKnownNames(text, names), ...findPatterns(text), ...found]);
}

/** Replaces the given stretches of the text by their placeholders. */
export function applyRedaction(text: string, found: Found[]): string {
  let out = '';
  let at = 0;
  for (const item of found) {
    out += text.slice(at, item.start) + PLACEHOLDER_OF[item.kind];
    at = item.end;
  }
  return out + text.slice(at);
}

/** The copy of a text that may leave the process: normalized (normalizeText), personal data replaced. */
export function redactPersonalData(raw: string, options: RedactOptions = {}): string {
  const text = normalizeText(raw);
  return applyRedaction(text, findPersonalData(text, options));
}
