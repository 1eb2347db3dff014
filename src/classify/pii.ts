// Personal data never leaves the process: before a petition goes to an LLM, names,
// phone numbers, ID numbers, e-mail addresses and house numbers are replaced by
// placeholders. The stored original is not touched; only the copy sent out is.
import { foldDiacritics, normalizeText } from '../core/text.ts';

export const PLACEHOLDER = {
  name: '[tên]',
  phone: '[số điện thoại]',
  id: '[số giấy tờ]',
  email: '[email]',
  number: '[số]',
} as const;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Vietnamese phones: 0 or +84/84 then 9 digits (mobile 03/05/07/08/09, landline 02x),
// often grouped with spaces, dots or dashes ("0912 345 678", "+84 912.345.678").
const PHONE = /(?<![\p{L}\p{N}/])(?:\+?84[\s.-]?|0)\d(?:[\s.-]?\d){7,9}(?![\p{N}/])/gu;
// CCCD (12 digits) and CMND (9 digits); also written in groups of three or four.
const ID_NUMBER = /(?<![\p{N}/.-])(?:\d{12}|\d{9}|\d{3}[\s.]\d{3}[\s.]\d{3}(?:[\s.]\d{3})?|\d{4}[\s.]\d{4}[\s.]\d{4})(?![\p{N}/])/gu;
const ID_CUE = /(?<![\p{L}])(cccd|cmnd|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?|hộ chiếu|mã số thuế|số định danh(?: cá nhân)?|stk|số tài khoản)(\s*(?:số|là|:)?\s*)([\dA-Z][\d\s.A-Z-]{5,20}\d)/giu;
// House numbers and the numbers of alleys and lanes: "số nhà 5A", "nhà số 7", "số 12 ngõ 34",
// "ngách 5/12", "hẻm 12/3", "kiệt 40", "phòng 1203", "căn hộ 12A05". A bare "số 5" stays
// ("tổ số 5", "Nghị định số 33"): it is an address only when a street word follows.
const ADDRESS_NUMBER =
  /(?<![\p{L}])(số nhà|nhà số|ngõ|ngách|hẻm|hẽm|kiệt|phòng|căn hộ|so nha|nha so|ngo|ngach|hem|kiet|can ho)(\s+)(\d+[A-Za-z]?(?:[/-]\d+[A-Za-z]?)*)(?![\p{L}\p{N}])/giu;
const HOUSE_NUMBER =
  /(?<![\p{L}])(số|so)(\s+)(\d+[A-Za-z]?(?:[/-]\d+[A-Za-z]?)*)(?=,?\s+(?:ngõ|ngách|hẻm|kiệt|phố|đường|đ\.|ngo|ngach|hem|kiet|pho|duong|tổ|khu|thôn|xóm|ấp)(?![\p{L}]))/giu;
// "tôi là Nguyễn Văn An", "ông Trần Văn Bình", "chị Lan": a person named in the text.
const HONORIFIC_NAME =
  new RegExp(
  `(?<![\\p{L}])(${['tôi là', 'tên tôi là', 'tên là', 'tôi tên', 'ông', 'bà', 'anh', 'chị', 'cô', 'chú', 'bác', 'cụ', 'em', 'cháu', 'toi la', 'ten toi la', 'toi ten']
    .flatMap((word) => [word, word[0]!.toUpperCase() + word.slice(1)])
    .join('|')})(\\s+)((?:\\p{Lu}[\\p{Ll}]*)(?:\\s+\\p{Lu}[\\p{Ll}]*){0,3})`,
  'gu',
);
// Capitalised words after an honorific that are places, not people ("Bà Rịa", "Bà Điểm").
const NOT_A_NAME = /^(Rịa|Điểm|Chiểu|Triệu|Hom|Chúa|Đen|Nà|Quẹo|Hạt|Tổ|Ủy|Uỷ|Bộ|Sở|Chính|Quốc|Thành|Nhà|UBND|HĐND)/u;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces a name wherever it appears, with or without diacritics, in any case. */
function redactName(text: string, name: string): string {
  const target = foldDiacritics(normalizeText(name)).replace(/\s+/g, ' ').trim();
  if (target.length < 2) return text;
  // Fold char by char so positions in the folded copy map back to the text.
  const chars = [...text];
  const foldedChars = chars.map((char) => foldDiacritics(char));
  const folded = foldedChars.join('');
  const starts: number[] = [];
  let offset = 0;
  for (const piece of foldedChars) {
    starts.push(offset);
    offset += piece.length;
  }
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(target).replace(/ /g, '\\s+')}(?![\\p{L}\\p{N}])`, 'gu');
  const spans: Array<[number, number]> = [];
  for (const match of folded.matchAll(pattern)) {
    const from = starts.findIndex((start) => start === match.index);
    const endOffset = match.index + match[0].length;
    let to = from;
    while (to < chars.length && starts[to]! < endOffset) to++;
    if (from >= 0) spans.push([from, to]);
  }
  for (const [from, to] of spans.reverse()) chars.splice(from, to - from, PLACEHOLDER.name);
  return chars.join('');
}

export interface RedactOptions {
  names?: string[];
}

/** The copy of a petition that may leave the process. */
export function redactPersonalData(raw: string, options: RedactOptions = {}): string {
  let text = normalizeText(raw);
  const names = [...new Set((options.names ?? []).map((n) => n.trim()).filter((n) => n.length >= 2))];
  // Longest first, so "Nguyễn Văn An" goes before "An".
  for (const name of names.sort((a, b) => b.length - a.length)) text = redactName(text, name);
  text = text.replace(EMAIL, PLACEHOLDER.email);
  text = text.replace(ID_CUE, (_m, cue: string, sep: string) => `${cue}${sep}${PLACEHOLDER.id}`);
  text = text.replace(PHONE, PLACEHOLDER.phone);
  text = text.replace(ID_NUMBER, PLACEHOLDER.id);
  text = text.replace(HOUSE_NUMBER, (_m, word: string, space: string) => `${word}${space}${PLACEHOLDER.number}`);
  text = text.replace(ADDRESS_NUMBER, (_m, word: string, space: string) => `${word}${space}${PLACEHOLDER.number}`);
  text = text.replace(HONORIFIC_NAME, (match, word: string, space: string, name: string) =>
    NOT_A_NAME.test(name) ? match : `${word}${space}${PLACEHOLDER.name}`,
  );
  return text;
}
