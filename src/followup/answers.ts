// An agency's answer document, split into answers and matched to the petitions forwarded to
// that agency: by the tracking code an answer quotes (certain), otherwise by TF-IDF
// similarity to the forwarded texts. Confirmed answers are recorded as /traloi records them
// (changeStatus), so each voter is told once.
import type { Config } from '../config/index.ts';
import { normalizeText, answerKey } from '../core/text.ts';
import { zonedTime } from '../core/dates.ts';
import type { Db } from '../db/client.ts';
import { normalizeTrackingCode } from '../intake/petitions.ts';
import { cosine, vectorize } from '../digests/similarity.ts';
import { changeStatus } from '../staff/review.ts';
import { transaction } from '../db/sql.ts';

/** Similarity at or above which a match is proposed for confirmation. */
export const MATCH_THRESHOLD = 0.3;
const EXCERPT_CHARS = 160;
const MAX_ANSWER_CHARS = 3000;
const CODE = /KN-\d{4}-\d{6}/gi;
/** "1.", "2)", "II.", "Câu 3", "Kiến nghị số 4", "Nội dung 5": where a numbered answer starts. */
const ITEM_START =
  /^\s*(?:(?:\d{1,3}|[IVXLC]{1,6})(?:\.\d{1,3})*\s*[.)]\s+|(?:câu|kiến nghị|nội dung|ý kiến)(?: số)?\s*\d{1,3}\s*[.:)-]?\s+)/iu;
const CLOSING = /^\s*(?:nơi nhận|trân trọng|kính gửi)\b/iu;

/** One answer of the document, with the petition it answers when one was found. */
export interface ProposedMatch {
  /** 1-based position of the answer in the document. */
  index: number;
  text: string;
  excerpt: string;
  trackingCode: string | null;
  confidence: number;
  /** code: the answer quotes it; text: similar to the forwarded text; staff: assigned by hand. */
  by: 'code' | 'text' | 'staff' | null;
}

export interface AnswerDocument {
  number: string | null;
  date: Date | null;
  answers: ProposedMatch[];
}

/** The document's number ("Số: 123/UBND-QLĐT") and date ("ngày 10 tháng 12 năm 2026"). */
export function documentHeader(text: string, timeZone: string): { number: string | null; date: Date | null } {
  const number = /Số\s*:\s*([^\s,;]+)/iu.exec(text)?.[1] ?? null;
  const day = /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu.exec(text);
  const date = day ? zonedTime({ year: Number(day[3]), month: Number(day[2]), day: Number(day[1]) }, timeZone) : null;
  return { number: number && /\d/.test(number) ? number : null, date };
}

/**
 * The answers of a document: a numbered item starts one, and so does a paragraph quoting a
 * tracking code other than the current answer's; the preamble before the first answer and
 * everything from "Nơi nhận" on are left out.
 */
export function splitAnswers(text: string): string[] {
  const paragraphs = text
    .split(/\n+/)
    .map((line) => normalizeText(line))
    .filter(Boolean);
  const answers: string[][] = [];
  let current: string[] | null = null;
  for (const paragraph of paragraphs) {
    if (CLOSING.test(paragraph) && answers.length) break;
    const codes = paragraph.match(CODE) ?? [];
    const currentCodes = new Set((current ?? []).join(' ').toUpperCase().match(CODE) ?? []);
    const newCode = codes.some((code) => !currentCodes.has(code.toUpperCase())) && currentCodes.size > 0;
    if (ITEM_START.test(paragraph) || newCode || (codes.length > 0 && !current)) {
      current = [paragraph];
      answers.push(current);
    } else if (current) {
      current.push(paragraph);
    }
  }
  return answers.map((lines) => lines.join('\n'));
}

interface Candidate {
  trackingCode: string;
  text: string;
}

/** The petitions an answer can be matched to: forwarded (to the agency when named) or answered. */
async function candidates(db: Db, agency?: string): Promise<Candidate[]> {
  const rows = await db.petition.findMany({
    where: { status: { in: ['forwarded', 'answered'] } },
    select: { trackingCode: true, textNormalized: true, forwardedTo: true },
    orderBy: { id: 'asc' },
  });
  const key = agency ? answerKey(agency) : null;
  return rows
    .filter((row) => !key || (row.forwardedTo !== null && answerKey(row.forwardedTo) === key))
    .map((row) => ({ trackingCode: row.trackingCode, text: row.textNormalized }));
}

/** Proposes a petition for each answer; `assign` (answer index → code) is staff's correction. */
export async function matchAnswers(
  db: Db,
  text: string,
  options: { agency?: string; timeZone: string; assign?: Map<number, string> },
): Promise<AnswerDocument> {
  const pool = await candidates(db, options.agency);
  const known = new Set(pool.map((c) => c.trackingCode));
  const answers = splitAnswers(text);
  const vectors = vectorize([...pool.map((c) => c.text), ...answers]);
  const taken = new Set<string>();
  const proposed = answers.map((answer, i): ProposedMatch => {
    const base = { index: i + 1, text: answer.slice(0, MAX_ANSWER_CHARS), excerpt: excerptOf(answer) };
    const assigned = options.assign?.get(i + 1);
    if (assigned) return { ...base, trackingCode: normalizeTrackingCode(assigned), confidence: 1, by: 'staff' };
    const quoted = (answer.match(CODE) ?? []).map((code) => code.toUpperCase()).find((code) => known.has(code));
    if (quoted) return { ...base, trackingCode: quoted, confidence: 1, by: 'code' };
    return { ...base, trackingCode: null, confidence: 0, by: null };
  });
  for (const match of proposed) if (match.trackingCode) taken.add(match.trackingCode);
  // Similarity only among the petitions no answer quoted, best pairs first.
  const pairs: { answer: number; candidate: number; score: number }[] = [];
  proposed.forEach((match, a) => {
    if (match.by) return;
    pool.forEach((candidate, c) => {
      if (taken.has(candidate.trackingCode)) return;
      const score = cosine(vectors[pool.length + a]!, vectors[c]!);
      if (score > 0) pairs.push({ answer: a, candidate: c, score });
    });
  });
  pairs.sort((x, y) => y.score - x.score);
  for (const pair of pairs) {
    const match = proposed[pair.answer]!;
    const code = pool[pair.candidate]!.trackingCode;
    if (match.by || taken.has(code)) continue;
    Object.assign(match, { trackingCode: code, confidence: round(pair.score), by: 'text' });
    taken.add(code);
  }
  return { ...documentHeader(text, options.timeZone), answers: proposed };
}

function round(score: number): number {
  return Math.round(score * 100) / 100;
}

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
}

/** Whether a proposed match is good enough to record with --confirm. */
export function confident(match: ProposedMatch, threshold = MATCH_THRESHOLD): boolean {
  return match.trackingCode !== null && match.confidence >= threshold;
}

export interface RecordAnswersOptions {
  actor: string;
  now: Date;
  /** The answers also resolve the petitions ("đã giải quyết", not only "đã trả lời"). */
  resolved?: boolean;
}

/**
 * Records the answers in one transaction, as /traloi does: text, the document's number and
 * date, history, audit, and the voter told once. Returns the tracking codes recorded.
 */
export async function recordAnswers(
  db: Db,
  config: Config,
  document: AnswerDocument,
  matches: ProposedMatch[],
  options: RecordAnswersOptions,
): Promise<string[]> {
  return transaction(
    db,
    async (tx) => {
      const recorded: string[] = [];
      for (const match of matches) {
        const petition = await tx.petition.findUnique({ where: { trackingCode: match.trackingCode! } });
        if (!petition || ['resolved', 'duplicate', 'rejected'].includes(petition.status)) continue;
        const answered = {
          answerText: match.text,
          answerRef: document.number,
          answeredAt: document.date ?? options.now,
        };
        const common = { actor: options.actor, now: options.now, timeZone: config.TZ };
        const note = document.number ?? null;
        await changeStatus(tx, petition, { ...common, kind: 'answered', data: answered, note });
        if (options.resolved) {
          const now = await tx.petition.findUniqueOrThrow({ where: { id: petition.id } });
          await changeStatus(tx, now, { ...common, kind: 'resolved', data: { resolvedAt: options.now }, note });
        }
        recorded.push(petition.trackingCode);
      }
      return recorded;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}
