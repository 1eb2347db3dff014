// The offline classifier: weighted cues from the taxonomy data, explainable by design
// (the reason quotes the words that decided), usable without any network.
import { foldDiacritics, normalizeText } from '../core/text.ts';
import { notPetitionReason, type NotPetitionReason } from '../intake/screen.ts';
import { findExact, findFolded, prepareText, type Hit, type PreparedText } from './matching.ts';
import { redactPersonalData } from './pii.ts';
import { RULE_LEVELS, fieldLabel, levelLabel, type AuthorityCue, type RuleLevel, type Taxonomy } from './taxonomy.ts';
import type { ClassificationResult, ClassifyContext } from './types.ts';

interface Evidence {
  level: RuleLevel;
  kind: AuthorityCue['kind'];
  weight: number;
  quote: string;
}

export interface RuleDetail {
  scores: Record<string, number>;
  evidence: Evidence[];
  /** Every field a keyword names, with its keyword weight (the chosen field is the highest). */
  fieldScores: Record<string, number>;
}

// Temperature of the softmax that turns cue scores into a confidence: one strong cue
// (weight ~3) over nothing gives about 0.8.
const TEMPERATURE = 1.5;
const MIN_CONFIDENCE = 0.2;
const MAX_CONFIDENCE = 0.95;
const KIND_LABEL: Record<AuthorityCue['kind'], string> = { addressee: 'nơi nhận', topic: 'nội dung', place: 'địa bàn' };

// "Cử tri phường X, quận Y đề nghị ..." names where the voters live, not who resolves:
// the place words before the first verb are blanked so they do not count as cues.
const REPORTER_PREFIX =
  /(^|[.;:!?\n]\s*|-\s*)((?:cu tri|nhan dan|nguoi dan|ba con)(?: [^.;:!?\n]{0,70}?)??)(?= (?:tiep tuc )?(?:kien nghi|de nghi|phan anh|de xuat|co y kien|cho rang|mong muon|yeu cau|buc xuc|to ra|dong tinh|neu y kien))/g;

export function maskReporterPrefix(text: PreparedText): PreparedText {
  let folded = text.folded;
  let lower = text.lower;
  for (const match of text.folded.matchAll(REPORTER_PREFIX)) {
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    const end = start + (match[2]?.length ?? 0);
    folded = folded.slice(0, start) + ' '.repeat(end - start) + folded.slice(end);
    const from = text.origin[start] ?? 0;
    const to = (text.origin[end - 1] ?? from) + 1;
    lower = lower.slice(0, from) + ' '.repeat(to - from) + lower.slice(to);
  }
  return { ...text, folded, lower };
}

function findCue(text: PreparedText, cue: AuthorityCue): Hit | undefined {
  return cue.vi && text.hasDiacritics ? findExact(text, cue.vi) : findFolded(text, cue.p);
}

function collectEvidence(text: PreparedText, taxonomy: Taxonomy): Evidence[] {
  const evidence: Evidence[] = [];
  for (const level of RULE_LEVELS) {
    for (const cue of taxonomy.cues.levels[level] ?? []) {
      const hit = findCue(text, cue);
      if (hit) evidence.push({ level, kind: cue.kind, weight: cue.w, quote: hit.quote.trim() });
    }
  }
  return evidence;
}

function contextEvidence(context: ClassifyContext | undefined, taxonomy: Taxonomy): Evidence[] {
  if (!context?.meetingTitle) return [];
  const title = prepareText(context.meetingTitle);
  return taxonomy.cues.context.cues
    .filter((cue) => findFolded(title, cue.p))
    .map((cue) => ({
      level: cue.level,
      kind: 'place' as const,
      weight: cue.w,
      quote: `hội nghị: ${context.meetingTitle}`,
    }));
}

// Words that are capitalised without naming a place: institutions and legal acts.
const INSTITUTION_WORDS =
  /^(Chính|Phủ|Quốc|Hội|Bộ|Thành|Phố|Nhà|Nước|Trung|Ương|Luật|Nghị|Định|Quyết|Thông|Tư|Sở|Ủy|Uỷ|Ban|Nhân|Dân|UBND|HĐND|ĐBQH|MTTQ|Mặt|Trận|Tổ|Quốc|Việt|Nam|Đảng|Cử|Tri|Tết|Nguyên|Đán|Thủ|Tướng|Ngân|Hàng|Tập|Đoàn|Điện|Lực|Bảo|Hiểm|Xã|Y|Tế|Giáo|Dục|Đào|Tạo|Tài|Chính|Công|An|Lao|Động|Thương|Binh|Kế|Hoạch|Đầu|Xây|Dựng|Giao|Vận|Tải|Nguyên|Môi|Trường|Nông|Nghiệp|Văn|Hóa|Hoá|Thể|Thao|Du|Lịch|Khoa|Học|Nội|Vụ|Pháp|Và|Đề|Kiến|Cần|Hiện|Theo|Đối|Với|Trong|Khi|Do|Vì|Tuy|Nhưng|Đồng|Thời|Ngoài|Ra|Kính|Đề|Xin|Mong|Tôi|Chúng|Đây|Các|Những|Việc|Tình|Trạng|Hiện|Nay|Có|Người)$/u;
const LOCAL_MARKERS =
  /(?<![a-z])(?:tai khu vuc|khu vuc|tren dia ban|dia ban|tuyen duong|tuyen pho|doan (?:qua|tu)|thon|xom|to dan pho|khu dan cu|ngo|ngach|hem|phuong|xa|thi tran|quan|huyen|khu pho|so \d+|\d+\s?(?:m|km|ha|m2)\b)(?![a-z])/;

/**
 * A petition that names no place and nothing local reads like national policy: compiled
 * central petitions are general ("có cơ chế quản lý ..."), local ones name a road, a school,
 * a village. Such a petition gets a small push towards central.
 */
export function isGeneral(text: PreparedText): boolean {
  if (LOCAL_MARKERS.test(text.folded)) return false;
  const words = text.display
    .replace(/^[^\p{L}]+/u, '')
    .split(/[\s,;:()"“”]+/u)
    .slice(1);
  return !words.some((word) => /^\p{Lu}/u.test(word) && !INSTITUTION_WORDS.test(word.replace(/[^\p{L}]/gu, '')));
}

const GENERAL_BONUS = 1;
const EXTRA_ADDRESSEE_SHARE = 0.25;

function scoreLevels(evidence: Evidence[], taxonomy: Taxonomy): Record<string, number> {
  const scores: Record<string, number> = Object.fromEntries(taxonomy.levelIds.map((id) => [id, 0]));
  for (const level of RULE_LEVELS) {
    const target = taxonomy.ruleLevels[level];
    scores[target] = Math.max(scores[target] ?? 0, taxonomy.cues.priors[level] ?? 0);
  }
  // "Quốc hội, Chính phủ", "UBND Thành phố, Sở Xây dựng": a list of bodies at one level is
  // one formula of address, not several independent signals. Counted in full it outweighs
  // what the petition is about (land compensation in a city project asked of the National
  // Assembly is still answered by the city), so only the strongest addressee counts in full.
  const strongestAddressee = new Map<RuleLevel, Evidence>();
  for (const item of evidence) {
    if (item.kind !== 'addressee') continue;
    const current = strongestAddressee.get(item.level);
    if (!current || item.weight > current.weight) strongestAddressee.set(item.level, item);
  }
  for (const item of evidence) {
    const target = taxonomy.ruleLevels[item.level];
    const extra = item.kind === 'addressee' && strongestAddressee.get(item.level) !== item;
    scores[target] = (scores[target] ?? 0) + (extra ? item.weight * EXTRA_ADDRESSEE_SHARE : item.weight);
  }
  return scores;
}

function pickTop(scores: Record<string, number>): { id: string; confidence: number } {
  const entries = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const [topId, top] = entries[0]!;
  const total = entries.reduce((sum, [, score]) => sum + Math.exp((score - top) / TEMPERATURE), 0);
  const confidence = Math.min(MAX_CONFIDENCE, Math.max(MIN_CONFIDENCE, 1 / total));
  return { id: topId, confidence: Math.round(confidence * 100) / 100 };
}

interface FieldChoice {
  id: string;
  quotes: string[];
  /** Every field with a keyword in the text, by summed keyword weight. */
  scores: Record<string, number>;
}

export function chooseField(text: PreparedText, taxonomy: Taxonomy): FieldChoice {
  let best = { id: 'other', quotes: [] as string[], score: 0 };
  const scores: Record<string, number> = {};
  for (const field of taxonomy.fields) {
    let score = 0;
    const quotes: string[] = [];
    for (const keyword of field.keywords) {
      const hit = findFolded(text, keyword.pattern);
      if (!hit) continue;
      score += keyword.weight;
      quotes.push(hit.quote.trim());
    }
    if (score > 0) scores[field.id] = score;
    if (score > best.score) best = { id: field.id, quotes, score };
  }
  return { id: best.id, quotes: best.quotes, scores };
}

/** True when the message is only greetings, thanks or noise. */
export function looksLikeNonPetition(text: PreparedText, taxonomy: Taxonomy, evidence: Evidence[]): boolean {
  if (evidence.some((item) => item.weight >= 1)) return false;
  const pattern = new RegExp(`(?<![a-z0-9])(?:${taxonomy.cues.nonPetition.p})(?![a-z0-9])`, 'g');
  const rest = text.folded
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(pattern, ' ')
    .replace(/[^a-z]+/g, '');
  return rest.length < 12;
}

const NAMED_PLACE = '[A-ZĐ\\p{Lu}][\\p{L}\\d]*(?: [A-ZĐ\\p{Lu}\\d][\\p{L}\\d]*){0,3}';

function findNamedBody(display: string, kinds: string): string | undefined {
  const match = new RegExp(`(?:UBND |Ủy ban nhân dân |Uỷ ban nhân dân )?(${kinds}) (${NAMED_PLACE})`, 'u').exec(
    display,
  );
  return match ? `UBND ${match[1]!.toLowerCase()} ${match[2]}` : undefined;
}

// Ministries as petitions name them (before and after the 2025 mergers).
const MINISTRIES = [
  'Bộ Y tế',
  'Bộ Giáo dục và Đào tạo',
  'Bộ Tài chính',
  'Bộ Nội vụ',
  'Bộ Công an',
  'Bộ Quốc phòng',
  'Bộ Tư pháp',
  'Bộ Xây dựng',
  'Bộ Giao thông vận tải',
  'Bộ Tài nguyên và Môi trường',
  'Bộ Nông nghiệp và Môi trường',
  'Bộ Nông nghiệp và Phát triển nông thôn',
  'Bộ Lao động - Thương binh và Xã hội',
  'Bộ Công Thương',
  'Bộ Kế hoạch và Đầu tư',
  'Bộ Thông tin và Truyền thông',
  'Bộ Văn hóa, Thể thao và Du lịch',
  'Bộ Khoa học và Công nghệ',
  'Bộ Ngoại giao',
  'Bộ Dân tộc và Tôn giáo',
  'Ngân hàng Nhà nước',
  'Bảo hiểm xã hội Việt Nam',
].sort((a, b) => b.length - a.length);

/** Each ministry's name with its folded form, folded once. */
const MINISTRY_KEYS = MINISTRIES.map((name) => [name, foldDiacritics(name)] as const);

function guessAgency(
  level: string,
  fieldId: string,
  text: PreparedText,
  taxonomy: Taxonomy,
  context?: ClassifyContext,
): string {
  const field = taxonomy.fields.find((item) => item.id === fieldId);
  const levelInfo = taxonomy.levels.find((item) => item.id === level);
  const fallback = levelInfo?.defaultAgency ?? level;
  if (level === 'central') {
    const ministry = MINISTRY_KEYS.find(([, folded]) => findFolded(text, folded));
    if (ministry) return ministry[0];
    return field && field.id !== 'other' ? field.centralAgency : fallback;
  }
  if (level === 'city') {
    const department = /Sở [A-ZĐ][\p{L}]*(?:,? (?:và |- )?[\p{L}]+){0,5}/u.exec(text.display);
    if (department)
      return department[0].replace(/\s+(có|cho|xem|sớm|chỉ|kiểm|công|hướng|bổ|tăng|đẩy)\b.*$/u, '').trim();
    return field && field.id !== 'other' ? `UBND thành phố (${field.cityAgency})` : fallback;
  }
  if (level === 'district') return findNamedBody(text.display, 'quận|huyện|thị xã') ?? fallback;
  if (context?.ward) return `UBND ${context.ward}`;
  return findNamedBody(text.display, 'phường|xã|thị trấn|đặc khu') ?? fallback;
}

/**
 * The offline summary: the first sentence of the text with personal data removed (the
 * voter's name, phones, ID numbers, addresses), since summaries reach reports and digests.
 */
const firstSentence = (text: string) =>
  normalizeText(text)
    .split(/(?<=[.!?])\s|\n/)[0]
    ?.trim() ?? '';

/** The first sentence, redacted (only it: redacting the whole text was most of the rules' time). */
function summarize(text: string, names: string[] | undefined): string | null {
  const sentence = firstSentence(redactPersonalData(firstSentence(text), { names }));
  if (!sentence) return null;
  return sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
}

/** Why a text is not a petition, as the reason shown to staff says it. */
const NOT_PETITION_WHY: Record<NotPetitionReason | 'no_cue' | 'noise', string> = {
  empty: 'tin nhắn trống',
  symbols: 'chỉ có biểu tượng, ký hiệu',
  code: 'chỉ có một mã (có thể là mã hội nghị gõ nhầm)',
  greeting: 'lời chào hoặc lời cảm ơn',
  question: 'câu hỏi về cách dùng trợ lý',
  too_short: 'tin nhắn quá ngắn',
  no_cue: 'không nêu cấp, địa bàn hay lĩnh vực nào',
  noise: 'lời chào, cảm ơn hoặc tin nhắn ngắn',
};

/** Screen verdicts no civic word overturns: nothing but symbols, a code, a greeting. */
const NEVER_PETITION: ReadonlySet<NotPetitionReason> = new Set(['empty', 'symbols', 'code', 'greeting']);

/**
 * Why the text is not a petition, or null when it reads as one. Beyond the intake screen, a
 * text with no civic cue at all (no authority, place or field word) is not one: none of
 * the petitions of the development and held-out sets lacks one, and staff review each
 * text so marked.
 */
function notPetitionWhy(
  rawText: string,
  text: PreparedText,
  taxonomy: Taxonomy,
  textEvidence: Evidence[],
  evidence: Evidence[],
  field: FieldChoice,
): keyof typeof NOT_PETITION_WHY | null {
  const screened = notPetitionReason(rawText);
  if (screened && NEVER_PETITION.has(screened)) return screened;
  if (textEvidence.length === 0 && field.quotes.length === 0) return screened ?? 'no_cue';
  if (looksLikeNonPetition(text, taxonomy, evidence) && field.quotes.length <= 1) return screened ?? 'noise';
  return null;
}

function explain(
  level: string,
  field: FieldChoice,
  evidence: Evidence[],
  taxonomy: Taxonomy,
  notPetition: keyof typeof NOT_PETITION_WHY | null,
): string {
  if (notPetition) return `Quy tắc: không phải kiến nghị (${NOT_PETITION_WHY[notPetition]}).`;
  const decisive = evidence
    .filter((item) => taxonomy.ruleLevels[item.level] === level)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 4)
    .map((item) => `"${item.quote}" (${KIND_LABEL[item.kind]})`);
  const against = evidence
    .filter((item) => taxonomy.ruleLevels[item.level] !== level && item.weight >= 1.5)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 2)
    .map((item) => `"${item.quote}" → ${levelLabel(taxonomy, taxonomy.ruleLevels[item.level])}`);
  const why = decisive.length > 0 ? decisive.join(', ') : 'không có dấu hiệu rõ, chọn mặc định';
  const fieldWhy =
    field.quotes.length > 0
      ? ` ← ${field.quotes
          .slice(0, 3)
          .map((q) => `"${q}"`)
          .join(', ')}`
      : ' (không có từ khóa)';
  const contra = against.length > 0 ? `; yếu hơn: ${against.join(', ')}` : '';
  return `Quy tắc: ${levelLabel(taxonomy, level)} ← ${why}${contra}. Lĩnh vực ${fieldLabel(taxonomy, field.id)}${fieldWhy}.`;
}

/** Classifies one petition with the offline rules. */
export function classifyWithRules(
  rawText: string,
  taxonomy: Taxonomy,
  context?: ClassifyContext,
): ClassificationResult & { detail: RuleDetail } {
  const text = maskReporterPrefix(prepareText(rawText));
  const textEvidence = collectEvidence(text, taxonomy);
  const evidence = [...textEvidence, ...contextEvidence(context, taxonomy)];
  const field = chooseField(text, taxonomy);
  const notPetition = notPetitionWhy(rawText, text, taxonomy, textEvidence, evidence, field);
  const isPetition = notPetition === null;
  const localAddressee = evidence.some((item) => item.level !== 'central' && item.kind !== 'topic' && item.weight >= 1);
  if (isPetition && !localAddressee && isGeneral(text)) {
    evidence.push({
      level: 'central',
      kind: 'topic',
      weight: GENERAL_BONUS,
      quote: 'nội dung chung, không nêu địa điểm cụ thể',
    });
  }
  const scores = scoreLevels(evidence, taxonomy);
  const top = pickTop(scores);
  return {
    authority: top.id,
    field: field.id,
    agency: isPetition ? guessAgency(top.id, field.id, text, taxonomy, context) : null,
    summary: isPetition ? summarize(rawText, context?.personalNames) : null,
    confidence: isPetition ? top.confidence : Math.min(top.confidence, 0.3),
    isPetition,
    reason: explain(top.id, field, evidence, taxonomy, notPetition),
    classifier: 'rules',
    detail: { scores, evidence, fieldScores: field.scores },
  };
}
