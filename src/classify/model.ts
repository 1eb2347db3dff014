// The learned part of the offline classifier: a multinomial logistic regression over syllable
// unigrams and bigrams (with and without diacritics) plus the rules' cues and verdicts as
// features. Each head is a linear scorer (a bias and one weight per class for every kept
// feature), stored as reviewable JSON, so a reason can name the words that weighed most.
import { readFileSync } from 'node:fs';
import { foldDiacritics, normalizeText } from '../core/text.ts';

/** One labelled training line: the text, its level in one taxonomy and its field. */
export interface TrainingLine {
  text: string;
  authority: string;
  field?: string;
}

/** Extra features computed outside the text (the rules' verdicts). */
export type FeatureHints = string[];

/** One trained head (levels or fields): score(class) = bias + the sum of the text's feature weights. */
export interface LinearHead {
  classes: string[];
  /** The score of each class before any feature, in the order of `classes`. */
  bias: number[];
  /** The weight of every kept feature, one per class in the order of `classes`. */
  weights: Record<string, number[]>;
}

export const MODEL_FORMAT = 'kiennghi-lr-1';

export interface TrainedModel {
  format: typeof MODEL_FORMAT;
  taxonomy: string;
  /** How many lines each head learned from. */
  trainedOn: { level: number; field: number };
  level: LinearHead;
  field: LinearHead;
}

// Training is plain stochastic gradient descent in the corpus order (so the same corpus gives
// the same file) with a weight decay; the few passes and the decay are the regularisation.
// Chosen once by 5-fold cross-validation on the corpus over passes × decay × the rule features
// (naive Bayes with several smoothings did worse on the four-level taxonomy), then fixed.
const PASSES = 30;
const LEARNING_RATE = 0.1;
const WEIGHT_DECAY = 0.01;
/**
 * Features found in fewer training texts than this are dropped: a feature of a single text
 * only memorises it, and dropping them keeps the file a quarter of the size at the same scores.
 */
export const MIN_DOCUMENTS = 2;

// Folding is the costly step of featuresOf; syllables recur, so each is folded once
// (the cache is emptied when it grows past a bound, so odd input cannot make it grow forever).
const foldedSyllables = new Map<string, string>();
const FOLD_CACHE_LIMIT = 50_000;
function foldSyllable(syllable: string): string {
  let folded = foldedSyllables.get(syllable);
  if (folded === undefined) {
    if (foldedSyllables.size >= FOLD_CACHE_LIMIT) foldedSyllables.clear();
    folded = foldDiacritics(syllable);
    foldedSyllables.set(syllable, folded);
  }
  return folded;
}

/** Syllables of a text, lower-case; the folded copy drops diacritics. */
function syllables(text: string): { exact: string[]; folded: string[] } {
  const lower = normalizeText(text).toLowerCase();
  const exact = lower.split(/[^\p{L}\p{N}]+/u).filter((s) => s.length > 0);
  return { exact, folded: exact.map(foldSyllable) };
}

/**
 * The features of a text: folded unigrams and bigrams ("f:duong", "f:duong_lang") so a
 * text typed without diacritics matches, exact ones ("d:đường") where it has them, and
 * the hints (rule verdicts) as they are.
 */
export function featuresOf(text: string, hints: FeatureHints = []): string[] {
  const { exact, folded } = syllables(text);
  const features = new Set<string>();
  folded.forEach((s, i) => {
    features.add(`f:${s}`);
    if (i > 0) features.add(`f:${folded[i - 1]}_${s}`);
  });
  if (exact.some((s, i) => s !== folded[i])) {
    exact.forEach((s, i) => {
      features.add(`d:${s}`);
      if (i > 0) features.add(`d:${exact[i - 1]}_${s}`);
    });
  }
  for (const hint of hints) features.add(hint);
  return [...features];
}

type Example = { features: string[]; label: string };

/** Features found in at least MIN_DOCUMENTS texts, in a stable (sorted) order. */
function keptFeatures(examples: Example[]): string[] {
  const documents = new Map<string, number>();
  for (const { features } of examples) for (const f of features) documents.set(f, (documents.get(f) ?? 0) + 1);
  return [...documents]
    .filter(([, count]) => count >= MIN_DOCUMENTS)
    .map(([feature]) => feature)
    .sort((a, b) => (a < b ? -1 : 1));
}

/** Class probabilities of a softmax over scores (shifted by the maximum, so large scores cannot overflow). */
function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * Fits one head. A class with no example is kept (its bias only falls), so a head trained on
 * a corpus that lacks a level still scores every level of the taxonomy.
 */
function trainHead(examples: Example[], classes: string[]): LinearHead {
  const kept = keptFeatures(examples);
  const rows = new Map(kept.map((feature) => [feature, classes.map(() => 0)]));
  const bias = classes.map(() => 0);
  const data = examples
    .map(({ features, label }) => ({
      rows: features.map((f) => rows.get(f)).filter((row): row is number[] => row !== undefined),
      target: classes.indexOf(label),
    }))
    .filter((example) => example.target >= 0);
  for (let pass = 0; pass < PASSES; pass++) {
    for (const example of data) {
      const scores = bias.map((b, k) => example.rows.reduce((sum, row) => sum + row[k]!, b));
      const gradient = softmax(scores).map((p, k) => p - (k === example.target ? 1 : 0));
      gradient.forEach((g, k) => {
        bias[k]! -= LEARNING_RATE * g;
        for (const row of example.rows) row[k]! -= LEARNING_RATE * g;
      });
    }
    const decay = 1 - LEARNING_RATE * WEIGHT_DECAY;
    for (const row of rows.values()) row.forEach((w, k) => (row[k] = w * decay));
  }
  const round = (value: number) => Math.round(value * 1e3) / 1e3 || 0;
  const weights: Record<string, number[]> = {};
  for (const [feature, row] of rows) {
    const rounded = row.map(round);
    if (rounded.some((w) => w !== 0)) weights[feature] = rounded;
  }
  return { classes, bias: bias.map(round), weights };
}

/** Trains both heads; `hintsOf` gives each text's rule features (the same function as at prediction). */
export function trainModel(
  lines: TrainingLine[],
  taxonomy: { name: string; levelIds: string[]; fieldIds: string[] },
  hintsOf: (text: string) => FeatureHints,
): TrainedModel {
  const withFeatures = lines.map((line) => ({ line, features: featuresOf(line.text, hintsOf(line.text)) }));
  const levelExamples = withFeatures
    .filter(({ line }) => taxonomy.levelIds.includes(line.authority))
    .map(({ line, features }) => ({ features, label: line.authority }));
  const fieldExamples = withFeatures
    .filter(({ line }) => line.field && taxonomy.fieldIds.includes(line.field))
    .map(({ line, features }) => ({ features, label: line.field! }));
  return {
    format: MODEL_FORMAT,
    taxonomy: taxonomy.name,
    trainedOn: { level: levelExamples.length, field: fieldExamples.length },
    level: trainHead(levelExamples, taxonomy.levelIds),
    field: trainHead(fieldExamples, taxonomy.fieldIds),
  };
}

/** A head's verdict: the class, its posterior and the features that pushed towards it most. */
export interface HeadPrediction {
  label: string;
  probability: number;
  top: string[];
}

// A head's weights as a Map, built once per head: looking thousands of feature names up in
// a plain object is the slow part of a prediction.
const weightMaps = new WeakMap<LinearHead, Map<string, number[]>>();
function weightsOf(head: LinearHead): Map<string, number[]> {
  let map = weightMaps.get(head);
  if (!map) {
    map = new Map(Object.entries(head.weights));
    weightMaps.set(head, map);
  }
  return map;
}

const TOP_FEATURES = 4;

/** The first few features that read differently: "chính sách" and "chinh sach" are one word to a person. */
function distinctTop(ranked: string[]): string[] {
  const seen = new Set<string>();
  const top: string[] = [];
  for (const feature of ranked) {
    const key = feature.startsWith('d:') ? `f:${foldSyllable(feature.slice(2))}` : feature;
    if (seen.has(key)) continue;
    seen.add(key);
    top.push(feature);
    if (top.length === TOP_FEATURES) break;
  }
  return top;
}

const byMargin = (a: [string, number], b: [string, number]) => b[1] - a[1] || b[0].length - a[0].length;

/** Inserts `item` into `kept` (sorted by margin, largest first) when it is among the `size` largest. */
function keepLargest(kept: Array<[string, number]>, item: [string, number], size: number): void {
  if (kept.length === size && byMargin(kept[size - 1]!, item) <= 0) return;
  let at = kept.length;
  while (at > 0 && byMargin(kept[at - 1]!, item) > 0) at--;
  kept.splice(at, 0, item);
  if (kept.length > size) kept.pop();
}

/**
 * Scores the features with one head, choosing among `among` (default: every class); `top`
 * lists the features that favour the winner most.
 */
export function predictHead(head: LinearHead, features: string[], among?: string[]): HeadPrediction {
  const weights = weightsOf(head);
  const scores = [...head.bias];
  const known: string[] = [];
  const rows: number[][] = [];
  for (const feature of features) {
    const row = weights.get(feature);
    if (!row) continue;
    known.push(feature);
    rows.push(row);
    for (let k = 0; k < row.length; k++) scores[k]! += row[k]!;
  }
  const allowed = head.classes.map((c) => !among || among.includes(c));
  const candidates = scores.map((s, k) => (allowed[k] ? s : -Infinity));
  const best = candidates.indexOf(Math.max(...candidates));
  const probability = softmax(candidates)[best]!;
  // How much more a feature weighs for the winner than for its strongest rival. A word comes at
  // most twice (with and without diacritics), so the 2 × TOP_FEATURES largest hold the top ones.
  const margins: Array<[string, number]> = [];
  for (const [i, row] of rows.entries()) {
    let rival = -Infinity;
    for (let k = 0; k < row.length; k++) if (k !== best && allowed[k] && row[k]! > rival) rival = row[k]!;
    const margin = row[best]! - (Number.isFinite(rival) ? rival : 0);
    if (margin > 0) keepLargest(margins, [known[i]!, margin], 2 * TOP_FEATURES);
  }
  return { label: head.classes[best]!, probability, top: distinctTop(margins.map(([feature]) => feature)) };
}

const CUE_KIND: Record<string, string> = { addressee: 'nơi nhận', topic: 'nội dung', place: 'địa bàn' };

/** The feature as a person reads it: "f:duong_lang" -> "duong lang", rule features by what they say. */
export function describeFeature(feature: string): string {
  const [kind, ...rest] = feature.split(':');
  switch (kind) {
    case 'rule-level':
    case 'rule-field':
      return `quy tắc chọn ${rest[0]}`;
    case 'rule-sure':
      return `quy tắc chắc chắn ${rest[0]}`;
    case 'cue':
      return `dấu hiệu ${CUE_KIND[rest[1]!] ?? rest[1]} → ${rest[0]}`;
    case 'keyword':
      return `từ khóa lĩnh vực ${rest[0]}`;
    default:
      return feature.replace(/^[fd]:/, '').replace(/_/g, ' ');
  }
}

export const DEFAULT_MODEL_DIR = new URL('./model/', import.meta.url);

/** The committed model file of a taxonomy. */
export function modelFile(taxonomy: string, dir: URL = DEFAULT_MODEL_DIR): URL {
  return new URL(`${taxonomy}.json`, dir);
}

const loaded = new Map<string, TrainedModel | null>();

/** The trained model of a taxonomy, read once; null when none has been trained. */
export function loadModel(taxonomy: string, dir: URL = DEFAULT_MODEL_DIR): TrainedModel | null {
  const file = modelFile(taxonomy, dir);
  if (loaded.has(file.href)) return loaded.get(file.href)!;
  let model: TrainedModel | null = null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as TrainedModel;
    if (parsed.format !== MODEL_FORMAT) throw new Error(`${file.pathname}: unknown model format ${parsed.format}`);
    model = parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  loaded.set(file.href, model);
  return model;
}

/** Serialises a model the way it is committed: stable key order, one feature per line. */
export function serializeModel(model: TrainedModel): string {
  const head = (h: LinearHead) =>
    [
      `{"classes":${JSON.stringify(h.classes)},"bias":${JSON.stringify(h.bias)},`,
      `"weights":{`,
      Object.entries(h.weights)
        .map(([f, w]) => `${JSON.stringify(f)}:${JSON.stringify(w)}`)
        .join(',\n'),
      `}}`,
    ].join('\n');
  return [
    `{"format":${JSON.stringify(model.format)},"taxonomy":${JSON.stringify(model.taxonomy)},`,
    `"trainedOn":${JSON.stringify(model.trainedOn)},`,
    `"level":${head(model.level)},`,
    `"field":${head(model.field)}}`,
    '',
  ].join('\n');
}
