// Finds people's full names without being told them: a surname from the list followed by given-name
// syllables, in capitals, title case or lower case, with or without diacritics, plus single names after an
// honorific ("chị Lan"). A name written after a place word is a place ("đường Nguyễn Trãi") and stays.
import { foldDiacritics } from '../core/text.ts';
import {
  ADMINISTRATIVE_CUES,
  ASCII_FUNCTION_WORDS,
  DISTINCT_SURNAMES,
  GIVEN_NAMES,
  INSTITUTION_PHRASES,
  LOWERCASE_AMBIGUOUS_SURNAMES,
  LOWERCASE_NOT_NAMES,
  MAJOR_SURNAMES,
  MIDDLE_NAMES,
  NAME_STOPS,
  NOT_NAME_AFTER_HONORIFIC,
  OFFICE_PHRASES_AFTER_HONORIFIC,
  PLACE_CUES,
  PLACE_NAMES,
  SURNAMES,
} from './lexicon.ts';
import { alignedFold, alignedLower, escapeRegex, isAscii } from './text.ts';

/** A stretch of text [start, end) holding personal data. */
export interface Range {
  start: number;
  end: number;
}

type Shape = 'title' | 'upper' | 'lower' | 'other';

interface Token {
  text: string;
  start: number;
  end: number;
  lower: string;
  folded: string;
  ascii: boolean;
  shape: Shape;
}

/** A word list matched exactly when a word has diacritics and folded when it is typed in plain ASCII. */
class Lexicon {
  private readonly exact: Set<string>;
  private readonly folded: Set<string>;
  constructor(words: readonly string[]) {
    this.exact = new Set(words.map((word) => word.toLowerCase()));
    this.folded = new Set(words.map((word) => foldDiacritics(word)));
  }
  /** `plain`: the text around is typed without diacritics, so a plain word may stand for any accented one. */
  has(token: Token, plain = true): boolean {
    return token.ascii && plain ? this.folded.has(token.folded) : this.exact.has(token.lower);
  }
}

const SURNAME = new Lexicon(SURNAMES);
const MAJOR_SURNAME = new Lexicon(MAJOR_SURNAMES);
const AMBIGUOUS_LOWER_SURNAME = new Lexicon(LOWERCASE_AMBIGUOUS_SURNAMES);
const DISTINCT_SURNAME = new Lexicon(DISTINCT_SURNAMES);
const MIDDLE = new Lexicon(MIDDLE_NAMES);
const GIVEN = new Lexicon([...GIVEN_NAMES, ...MIDDLE_NAMES]);
const STOP = new Lexicon(NAME_STOPS);
const PLACE_CUE = new Lexicon(PLACE_CUES);
const ADMINISTRATIVE_CUE = new Lexicon(ADMINISTRATIVE_CUES);
const NOT_AFTER_HONORIFIC = new Lexicon(NOT_NAME_AFTER_HONORIFIC);
const SECOND_OF_PERSON = new Lexicon(['Văn', 'Thị']);
const ASCII_FUNCTION = new Set(ASCII_FUNCTION_WORDS);
// "đô thị" and "do văn phòng" typed without diacritics read like "Đỗ Thị ..." and "Đỗ Văn Phong".
const ASCII_NOT_NAME_START = /^(?:do thi|(?:do|ho|ha|le|vu|la) van (?:phong|hoa|ban|de|bang))(?![a-z])/;
const MAX_AFTER_SURNAME = 5;

const TOKEN = /[\p{L}\p{M}]+/gu;
// A house number just before a capitalised run makes it a street: "45 Nguyễn Trãi", "12/3 Lê Lợi".
const HOUSE_NUMBER_BEFORE = /(?:^|[\s,(])\d+[\p{L}]?(?:\/\d+[\p{L}]?)*\s+$/u;
const HONORIFIC_WORDS = [
  'ông',
  'bà',
  'anh',
  'chị',
  'cô',
  'chú',
  'bác',
  'cụ',
  'em',
  'cháu',
  'dì',
  'thím',
  'mợ',
  'cậu',
  'dượng',
  'cử tri',
  'đồng chí',
  'ong',
  'chi',
  'chu',
  'bac',
  'cu tri',
  'dong chi',
  'vợ',
  'chồng',
  'mẹ',
  'bố',
  'cha',
];
const STRONG_CUE_WORDS = [
  'tôi là',
  'tên tôi là',
  'tên là',
  'tôi tên là',
  'tôi tên',
  'họ tên',
  'họ và tên',
  'ký tên',
  'người gửi',
  'người viết',
  'người làm đơn',
  'người kiến nghị',
  'toi la',
  'ten toi la',
  'ten la',
  'toi ten',
  'ho ten',
  'ho va ten',
  'ky ten',
  'nguoi gui',
];
const cueBefore = (words: string[]) =>
  new RegExp(`(?:^|[^\\p{L}])(?:${words.map(escapeRegex).join('|')})\\s*:?\\s+$`, 'iu');
const HONORIFIC_BEFORE = cueBefore(HONORIFIC_WORDS);
const STRONG_CUE_BEFORE = cueBefore(STRONG_CUE_WORDS);
const CUE_LOOKBACK = 24;

function placeMatcher(words: readonly string[]): RegExp {
  const sorted = [...new Set(words)].sort((a, b) => b.length - a.length).map(escapeRegex);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
}
const PLACE_EXACT = placeMatcher([...PLACE_NAMES, 'Việt Nam', 'Bác Hồ', 'Thăng Long'].map((w) => w.toLowerCase()));
const PLACE_FOLDED = placeMatcher([...PLACE_NAMES, 'Việt Nam', 'Bác Hồ', 'Thăng Long'].map((w) => foldDiacritics(w)));
const INSTITUTION = placeMatcher(INSTITUTION_PHRASES.map((w) => w.toLowerCase()));
const OFFICE_AHEAD = new RegExp(`^(?:${OFFICE_PHRASES_AFTER_HONORIFIC.map(escapeRegex).join('|')})(?![\\p{L}])`, 'iu');

function shapeOf(word: string): Shape {
  const lower = word.toLowerCase();
  const upper = word.toUpperCase();
  if (word === lower) return 'lower';
  if (word === upper) return 'upper';
  if (word[0] === upper[0] && word.slice(1) === lower.slice(1)) return 'title';
  return 'other';
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(TOKEN)].map((match) => {
    const word = match[0];
    return {
      text: word,
      start: match.index,
      end: match.index + word.length,
      lower: word.toLowerCase(),
      folded: foldDiacritics(word),
      ascii: isAscii(word),
      shape: shapeOf(word),
    };
  });
}

/** Known places and famous people's names (the ranges where they are written). */
function placeRanges(text: string, lower: string, folded: string): Range[] {
  const ranges: Range[] = [];
  for (const match of lower.matchAll(PLACE_EXACT))
    ranges.push({ start: match.index, end: match.index + match[0].length });
  for (const match of folded.matchAll(PLACE_FOLDED)) {
    const start = match.index;
    const end = start + match[0].length;
    if (isAscii(text.slice(start, end))) ranges.push({ start, end });
  }
  for (const match of lower.matchAll(INSTITUTION))
    ranges.push({ start: match.index, end: match.index + match[0].length });
  return ranges;
}

class NameFinder {
  private readonly tokens: Token[];
  private readonly places: Range[];
  private readonly folded: string;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
    this.folded = alignedFold(text);
    this.places = placeRanges(text, alignedLower(text), this.folded);
  }

  /** Words next to each other with only spaces between them (a line break or a comma ends a name). */
  private adjacent(index: number): boolean {
    const before = this.tokens[index - 1];
    const token = this.tokens[index];
    return !!before && !!token && /^ +$/.test(this.text.slice(before.end, token.start));
  }

  private insidePlace(start: number, end: number): boolean {
    return this.places.some((place) => place.start <= start && end <= place.end);
  }

  /** "Hà Nội Nguyễn Văn An": the run opens with a place and a surname follows it, so the name starts there. */
  private placeThenName(start: number, end: number): boolean {
    return this.places.some((place) => {
      if (place.start !== start || place.end >= end) return false;
      const next = this.tokens.find((token) => token.start > place.end);
      return !!next && SURNAME.has(next);
    });
  }

  /** Title-case syllables after a name's first one, up to `max`. */
  private extendTitle(from: number, max: number): number {
    let last = from;
    let plain = this.tokens[from]!.ascii;
    while (last - from < max && this.adjacent(last + 1)) {
      const next = this.tokens[last + 1]!;
      const fits = next.shape === 'title' || (next.shape === 'upper' && next.text.length === 1);
      if (!fits || this.isStop(next, plain)) break;
      plain &&= next.ascii;
      last++;
    }
    return last;
  }

  /** Syllables in the given-name list written with the same case as the first one. */
  private extendGiven(from: number, shape: Shape, max: number, firstFree: boolean): number {
    let last = from;
    let plain = this.tokens[from]!.ascii;
    while (last - from < max && this.adjacent(last + 1)) {
      const next = this.tokens[last + 1]!;
      const sameShape = next.shape === shape || (shape === 'upper' && next.text.length === 1 && next.shape === 'upper');
      if (!sameShape || !GIVEN.has(next, plain) || (shape !== 'lower' && this.isStop(next, plain))) break;
      const free = firstFree && last === from;
      // Typed without diacritics "lam" may be "làm"; in a name written with diacritics it is the name "Lam".
      if (plain && next.ascii && ASCII_FUNCTION.has(next.folded) && !free && !this.endsClause(last + 1)) break;
      plain &&= next.ascii;
      last++;
    }
    return last;
  }

  /** A word that ends a name; typed without diacritics a given name ("Chi") is read as the name, not "Chị". */
  private isStop(token: Token, plain: boolean): boolean {
    return STOP.has(token, false) || (plain && STOP.has(token) && !GIVEN.has(token));
  }

  /** Nothing but punctuation or the end of the line follows the token. */
  private endsClause(index: number): boolean {
    return /^[ \t]*(?:[,.;:!?)\n]|$)/.test(this.text.slice(this.tokens[index]!.end, this.tokens[index]!.end + 3));
  }

  /** The last token of a name starting with the surname at `index`, or -1. */
  private surnameRun(index: number): number {
    const token = this.tokens[index]!;
    if (!SURNAME.has(token)) return -1;
    if (token.shape === 'title') return this.extendTitle(index, MAX_AFTER_SURNAME);
    if (token.shape === 'upper') return this.extendGiven(index, 'upper', MAX_AFTER_SURNAME, true);
    if (token.shape === 'lower') return this.lowerRun(index);
    return -1;
  }

  /** "nguyễn văn an", "tran thi binh": lower case needs a middle name, or a surname that is no common word. */
  private lowerRun(index: number): number {
    const token = this.tokens[index]!;
    if (AMBIGUOUS_LOWER_SURNAME.has(token)) return -1;
    if (token.ascii && ASCII_NOT_NAME_START.test(this.folded.slice(token.start, token.start + 24))) return -1;
    const second = this.tokens[index + 1];
    if (second && this.adjacent(index + 1) && second.shape === 'lower' && MIDDLE.has(second)) {
      const last = this.extendGiven(index + 1, 'lower', MAX_AFTER_SURNAME - 1, true);
      return last > index + 1 ? last : -1;
    }
    if (token.ascii || !DISTINCT_SURNAME.has(token)) return -1;
    const last = this.extendGiven(index, 'lower', 3, true);
    return last > index ? last : -1;
  }

  private placeCueBefore(index: number): Token | undefined {
    const before = this.tokens[index - 1];
    if (!before || !this.adjacent(index)) return undefined;
    return PLACE_CUE.has(before) ? before : undefined;
  }

  /** "phường Kim Liên", "45 Nguyễn Trãi": the run names a place; a person named after an admin unit is not one. */
  private isPlace(index: number, last: number): boolean {
    const token = this.tokens[index]!;
    if (HOUSE_NUMBER_BEFORE.test(this.text.slice(Math.max(0, token.start - 16), token.start))) return true;
    const cue = this.placeCueBefore(index);
    if (!cue) return false;
    const personLike =
      ADMINISTRATIVE_CUE.has(cue) && last - index >= 2 && SECOND_OF_PERSON.has(this.tokens[index + 1]!);
    return !personLike || this.insidePlace(token.start, this.tokens[last]!.end);
  }

  /** A single or full name after "ông", "chị", "tôi là": the last token, or -1. */
  private honorificRun(index: number): number {
    const token = this.tokens[index]!;
    const before = this.text.slice(Math.max(0, token.start - CUE_LOOKBACK), token.start);
    const strong = STRONG_CUE_BEFORE.test(before);
    if (!strong && !HONORIFIC_BEFORE.test(before)) return -1;
    if (token.shape === 'title' || (token.shape === 'upper' && GIVEN.has(token))) {
      if (
        NOT_AFTER_HONORIFIC.has(token) ||
        STOP.has(token) ||
        OFFICE_AHEAD.test(this.text.slice(token.start, token.start + 20))
      ) {
        return -1;
      }
      return token.shape === 'title' ? this.extendTitle(index, 4) : this.extendGiven(index, 'upper', 4, true);
    }
    if (!strong || token.shape !== 'lower' || !GIVEN.has(token)) return -1;
    const last = this.extendGiven(index, 'lower', 3, true);
    const phrase = this.text.slice(token.start, this.tokens[last]!.end).toLowerCase();
    return LOWERCASE_NOT_NAMES.some((noun) => phrase === noun || phrase.startsWith(`${noun} `)) ? -1 : last;
  }

  /** Every name found, as ranges of the text. */
  find(): Range[] {
    const found: Range[] = [];
    let placeUntil = -1;
    for (let index = 0; index < this.tokens.length; index++) {
      const token = this.tokens[index]!;
      if (index <= placeUntil && !this.innerNameStart(index, placeUntil)) continue;
      let last = this.surnameRun(index);
      if (last > index && this.isPlace(index, last)) {
        placeUntil = last;
        continue;
      }
      if (last <= index) last = this.honorificRun(index);
      if (last < index) continue;
      const end = this.tokens[last]!.end;
      if (this.insidePlace(token.start, end) || this.placeThenName(token.start, end)) continue;
      found.push({ start: token.start, end });
      index = last;
    }
    return found;
  }

  /** Inside a place's run, a common surname with two more syllables starts a person's name. */
  private innerNameStart(index: number, placeEnd: number): boolean {
    return MAJOR_SURNAME.has(this.tokens[index]!) && placeEnd - index >= 2;
  }
}

/** Ranges of the text that hold people's names (full names, or a single name after an honorific). */
export function findNames(text: string): Range[] {
  return new NameFinder(text).find();
}
