// The learned part of the offline classifier: multinomial naive Bayes over syllable
// unigrams and bigrams (with and without diacritics) plus the rules' own verdicts as
// features. Plain counts turned into log-probabilities, stored as reviewable JSON, so a
// reason can name the words that weighed most.
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

/** One trained naive Bayes head (levels or fields). */
export interface NbHead {
  classes: string[];
  /** log P(class) */
  prior: Record<string, number>;
  /** log P(feature | class) for every kept feature, in the order of `classes`. */
  weights: Record<string, number[]>;
  /** log P(unseen feature | class) */
  unseen: number[];
}

export interface TrainedModel {
  format: 'kiennghi-nb-1';
  taxonomy: string;
  /** How many lines each head learned from. */
  trainedOn: { level: number; field: number };
  level: NbHead;
  field: NbHead;
}

const SMOOTHING = 0.5;
/** Features seen fewer times than this in the whole training set are dropped (keeps the file small). */
const MIN_COUNT = 1;

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

function trainHead(examples: Array<{ features: string[]; label: string }>, classes: string[]): NbHead {
  const docCount = new Map(classes.map((c) => [c, 0]));
  const counts = new Map<string, number[]>();
  const totals = classes.map(() => 0);
  for (const { features, label } of examples) {
    const k = classes.indexOf(label);
    if (k < 0) continue;
    docCount.set(label, docCount.get(label)! + 1);
    for (const feature of features) {
      let row = counts.get(feature);
      if (!row) counts.set(feature, (row = classes.map(() => 0)));
      row[k]! += 1;
      totals[k]! += 1;
    }
  }
  const kept = [...counts].filter(([, row]) => row.reduce((a, b) => a + b, 0) >= MIN_COUNT);
  const vocab = kept.length + 1;
  const n = examples.length;
  const round = (value: number) => Math.round(value * 1e3) / 1e3;
  const denominators = totals.map((total) => Math.log(total + SMOOTHING * vocab));
  const weights: Record<string, number[]> = {};
  for (const [feature, row] of kept.sort(([a], [b]) => (a < b ? -1 : 1))) {
    weights[feature] = row.map((count, k) => round(Math.log(count + SMOOTHING) - denominators[k]!));
  }
  const prior = Object.fromEntries(
    classes.map((c) => [c, round(Math.log((docCount.get(c)! + 1) / (n + classes.length)))]),
  );
  return { classes, prior, weights, unseen: denominators.map((d) => round(Math.log(SMOOTHING) - d)) };
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
    format: 'kiennghi-nb-1',
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
const weightMaps = new WeakMap<NbHead, Map<string, number[]>>();
function weightsOf(head: NbHead): Map<string, number[]> {
  let map = weightMaps.get(head);
  if (!map) {
    map = new Map(Object.entries(head.weights));
    weightMaps.set(head, map);
  }
  return map;
}

/** Scores the features with one head; `top` lists the features that favour the winner most. */
export function predictHead(head: NbHead, features: string[]): HeadPrediction {
  const weights = weightsOf(head);
  const scores = head.classes.map((c) => head.prior[c] ?? 0);
  const known = features.filter((f) => weights.has(f));
  for (const feature of known) weights.get(feature)!.forEach((w, k) => (scores[k]! += w));
  const best = scores.indexOf(Math.max(...scores));
  const max = scores[best]!;
  const sum = scores.reduce((a, s) => a + Math.exp(s - max), 0);
  // How much more a feature weighs for the winner than for its strongest rival (once per feature).
  const margins: Array<[string, number]> = [];
  for (const feature of known) {
    const row = weights.get(feature)!;
    let rival = -Infinity;
    for (let k = 0; k < row.length; k++) if (k !== best && row[k]! > rival) rival = row[k]!;
    const margin = row[best]! - rival;
    if (margin > 0) margins.push([feature, margin]);
  }
  const top = margins
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    .slice(0, 4)
    .map(([feature]) => feature);
  return { label: head.classes[best]!, probability: 1 / sum, top };
}

/** The feature as a person reads it: "f:duong_lang" -> "duong lang", rule hints by name. */
export function describeFeature(feature: string): string {
  if (feature.startsWith('rule-level:')) return `quy tắc chọn ${feature.slice('rule-level:'.length)}`;
  if (feature.startsWith('rule-field:')) return `quy tắc chọn ${feature.slice('rule-field:'.length)}`;
  return feature.replace(/^[fd]:/, '').replace(/_/g, ' ');
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
    if (parsed.format !== 'kiennghi-nb-1') throw new Error(`${file.pathname}: unknown model format`);
    model = parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  loaded.set(file.href, model);
  return model;
}

/** Serialises a model the way it is committed: stable key order, one feature per line. */
export function serializeModel(model: TrainedModel): string {
  const head = (h: NbHead) =>
    [
      `{"classes":${JSON.stringify(h.classes)},"prior":${JSON.stringify(h.prior)},"unseen":${JSON.stringify(h.unseen)},`,
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
