// Measures the redactor on a labelled corpus: how many personal-data stretches go whole (recall) and how
// many other words go with them (over-removal).
import { z } from 'zod';
import { normalizeText } from '../core/text.ts';
import type { PersonalDataKind } from './patterns.ts';
import { findPersonalData } from './redact.ts';

const KINDS = ['name', 'phone', 'id', 'email', 'account', 'plate', 'dob', 'house'] as const;

/** One corpus line: a text and every stretch of personal data in it (each occurrence counts). */
export const piiCaseSchema = z.object({
  text: z.string().min(1),
  pii: z.array(z.object({ text: z.string().min(1), kind: z.enum(KINDS) })),
  topic: z.string().optional(),
});
export type PiiCase = z.infer<typeof piiCaseSchema>;

interface Stretch {
  start: number;
  end: number;
}

/** One labelled stretch that was not removed whole, or one word removed that should have stayed. */
export interface PiiMistake {
  line: number;
  text: string;
  kind?: PersonalDataKind;
}

export interface PiiReport {
  /** Corpus lines. */
  n: number;
  /** Labelled stretches of personal data. */
  spans: number;
  removed: number;
  recall: number;
  /** Words outside the labelled stretches, and how many of them were removed. */
  words_outside: number;
  words_removed: number;
  over_removal: number;
  per_kind: Record<string, { n: number; recall: number }>;
  missed: PiiMistake[];
  over_removed: PiiMistake[];
}

const WORD = /[\p{L}\p{N}]+/gu;

const charClass = (char: string | undefined) =>
  char === undefined ? '' : /\p{L}/u.test(char) ? 'L' : /\p{N}/u.test(char) ? 'N' : '';
/** Two characters of one word: both letters or both digits ("ĐT0912" splits between T and 0). */
const sameWord = (a: string | undefined, b: string | undefined) => charClass(a) !== '' && charClass(a) === charClass(b);

/** Where the value stands as whole words ("An" is not inside "Anh"). */
function occurrences(text: string, value: string): Stretch[] {
  const found: Stretch[] = [];
  for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
    const end = at + value.length;
    if (!sameWord(text[at - 1], value[0]) && !sameWord(value.at(-1), text[end])) found.push({ start: at, end });
  }
  return found;
}

const overlaps = (a: Stretch, b: Stretch) => a.start < b.end && b.start < a.end;
const covers = (removed: Stretch[], span: Stretch) => removed.some((r) => r.start <= span.start && span.end <= r.end);
const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);

/** Labelled stretches of one case, in its normalized text; throws when a label is not in the text. */
function labelledStretches(text: string, item: PiiCase): Array<Stretch & { kind: PersonalDataKind }> {
  return item.pii.flatMap((label) => {
    const found = occurrences(text, normalizeText(label.text));
    if (found.length === 0) throw new Error(`"${label.text}" không có trong văn bản`);
    return found.map((stretch) => ({ ...stretch, kind: label.kind }));
  });
}

/** Runs the redactor over every case and counts what went and what stayed. */
export function evaluatePii(cases: PiiCase[]): PiiReport {
  const perKind = new Map<string, { n: number; removed: number }>(KINDS.map((kind) => [kind, { n: 0, removed: 0 }]));
  const missed: PiiMistake[] = [];
  const overRemoved: PiiMistake[] = [];
  let spans = 0;
  let removedSpans = 0;
  let wordsOutside = 0;
  let wordsRemoved = 0;
  cases.forEach((item, index) => {
    const text = normalizeText(item.text);
    const labelled = labelledStretches(text, item);
    const removed = findPersonalData(text);
    for (const span of labelled) {
      const tally = perKind.get(span.kind)!;
      tally.n++;
      spans++;
      if (covers(removed, span)) {
        tally.removed++;
        removedSpans++;
      } else {
        missed.push({ line: index + 1, text: text.slice(span.start, span.end), kind: span.kind });
      }
    }
    for (const match of text.matchAll(WORD)) {
      const word = { start: match.index, end: match.index + match[0].length };
      if (labelled.some((span) => overlaps(span, word))) continue;
      wordsOutside++;
      if (removed.some((r) => overlaps(r, word))) {
        wordsRemoved++;
        overRemoved.push({ line: index + 1, text: match[0] });
      }
    }
  });
  const per_kind = Object.fromEntries(
    [...perKind]
      .filter(([, tally]) => tally.n > 0)
      .map(([kind, tally]) => [kind, { n: tally.n, recall: ratio(tally.removed, tally.n) }]),
  );
  return {
    n: cases.length,
    spans,
    removed: removedSpans,
    recall: ratio(removedSpans, spans),
    words_outside: wordsOutside,
    words_removed: wordsRemoved,
    over_removal: wordsOutside === 0 ? 0 : wordsRemoved / wordsOutside,
    per_kind,
    missed,
    over_removed: overRemoved,
  };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The report as lines a person reads. */
export function formatPiiReport(report: PiiReport): string {
  const lines = [
    `Số mẫu: ${report.n}; đoạn dữ liệu cá nhân: ${report.spans}`,
    `recall: ${report.recall.toFixed(4)} (${report.removed}/${report.spans} đoạn bị xóa trọn)`,
    `over_removal: ${report.over_removal.toFixed(4)} (${report.words_removed}/${report.words_outside} từ ngoài nhãn bị xóa)`,
    'Theo loại:',
    ...Object.entries(report.per_kind).map(
      ([kind, { n, recall }]) => `  ${kind.padEnd(8)} ${percent(recall).padStart(6)}  (${n})`,
    ),
  ];
  if (report.missed.length)
    lines.push('Bỏ sót:', ...report.missed.map((m) => `  dòng ${m.line} [${m.kind}]: ${m.text}`));
  if (report.over_removed.length)
    lines.push('Xóa thừa:', ...report.over_removed.map((m) => `  dòng ${m.line}: ${m.text}`));
  return lines.join('\n');
}
