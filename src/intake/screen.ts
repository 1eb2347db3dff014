// Texts that are not petitions: emoji, greetings, thanks, questions to the bot, a mistyped
// meeting code. At intake the voter is asked whether such a text is a petition; the
// classifier marks them not a petition, which keeps them out of statistics and reports.
import { answerKey, normalizeText } from '../core/text.ts';

export type NotPetitionReason = 'empty' | 'symbols' | 'greeting' | 'question' | 'code' | 'too_short';

// Zero-width and invisible format characters count as nothing, and so does U+FFFD, which
// stands for a NUL character the core removed (PostgreSQL text cannot hold one).
const INVISIBLE = /[\p{Cf}\p{Cc}\u3164\u115F\u1160\uFFA0\uFFFD]/gu;
// A code-like word: letters and digits joined by dashes or underscores ("HN-XYZ-01").
const CODE_LIKE = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+$/;
const GREETINGS = [
  'xin chao',
  'chao',
  'chao ban',
  'chao bot',
  'hello',
  'hi',
  'alo',
  'a lo',
  'cam on',
  'cam on nhieu',
  'thanks',
  'thank you',
  'ok',
  'oke',
  'okay',
  'vang',
  'da',
  'uh',
  'u',
  'co',
  'khong',
  'test',
  'thu',
  'xin chao ban',
  'chao buoi sang',
  'tam biet',
  'bye',
  'xin cam on',
  'cam on ban',
];
const GREETING_SET = new Set(GREETINGS);
// Questions about the bot itself, not about a civic matter.
const BOT_QUESTION =
  /^(ban la ai|day la gi|bot (nay )?(la gi|lam gi)|lam sao de|lam the nao de|huong dan|cach (gui|dung|su dung)|gui nhu the nao|toi phai lam gi)/;
/** Fewer words than this, with no civic cue, are too short to be a petition. */
const MIN_WORDS = 3;
/** A question about the bot is short: a longer text that opens like one ("làm sao để …") is a petition. */
const MAX_QUESTION_WORDS = 10;

/** Why a text is not a petition, or null when it may be one. */
export function notPetitionReason(raw: string): NotPetitionReason | null {
  const text = normalizeText(raw.replace(INVISIBLE, ''));
  if (!text) return 'empty';
  const key = answerKey(text);
  if (!/[\p{L}\p{N}]/u.test(key)) return 'symbols';
  if (CODE_LIKE.test(text) && !/\s/.test(text)) return 'code';
  if (GREETING_SET.has(key) || GREETINGS.some((greeting) => key === `${greeting} a`)) return 'greeting';
  const words = key.split(' ').length;
  if (BOT_QUESTION.test(key) && words <= MAX_QUESTION_WORDS) return 'question';
  if (words < MIN_WORDS) return 'too_short';
  return null;
}
