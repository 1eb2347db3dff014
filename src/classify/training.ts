// Training the offline model on the labelled corpus (and staff corrections), and measuring
// it honestly: k-fold cross-validation, each fold predicted by a model that never saw it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { evaluate, wilsonInterval, type EvalReport, type Prediction } from './evaluate.ts';
import { classifyOffline, ruleHints } from './learned.ts';
import { trainModel, type TrainedModel, type TrainingLine } from './model.ts';
import type { Taxonomy } from './taxonomy.ts';

export const CORPUS_FILE = new URL('../../corpus/petitions.jsonl', import.meta.url);
export const NON_PETITIONS_FILE = new URL('../../corpus/non-petitions.jsonl', import.meta.url);

const corpusLineSchema = z.object({
  text: z.string().min(1),
  taxonomy: z.enum(['current', 'legacy']),
  authority: z.string().min(1),
  authority_current: z.string().min(1).optional(),
  field: z.string().min(1).optional(),
});

function jsonLines(file: URL | string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as unknown);
}

/**
 * The corpus as training lines of one taxonomy: the legacy taxonomy learns from legacy
 * labels only; the current one from current labels and from legacy items whose current
 * level the written rules derive.
 */
export function corpusLines(taxonomy: Taxonomy, file: URL | string = CORPUS_FILE): TrainingLine[] {
  const lines: TrainingLine[] = [];
  for (const raw of jsonLines(file)) {
    const item = corpusLineSchema.parse(raw);
    const authority =
      taxonomy.name === 'legacy'
        ? item.taxonomy === 'legacy'
          ? item.authority
          : undefined
        : (item.authority_current ?? (item.taxonomy === 'current' ? item.authority : undefined));
    if (authority && taxonomy.levelIds.includes(authority))
      lines.push({ text: item.text, authority, field: item.field });
  }
  return lines;
}

/** Texts labelled as not petitions (greetings, questions to the bot, codes, spam). */
export function nonPetitionTexts(file: URL | string = NON_PETITIONS_FILE): string[] {
  return jsonLines(file).map((raw) => z.object({ text: z.string() }).parse(raw).text);
}

/** Trains the model of one taxonomy on the given lines. */
export function trainOn(lines: TrainingLine[], taxonomy: Taxonomy): TrainedModel {
  return trainModel(lines, taxonomy, (text) => ruleHints(text, taxonomy));
}

/** A seeded shuffle (mulberry32), so every run of the cross-validation splits alike. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Folds stratified by level: each level is dealt round-robin over the k folds. */
export function stratifiedFolds(lines: TrainingLine[], k: number, seed = 17): number[] {
  const fold = new Array<number>(lines.length).fill(0);
  const order = shuffled(
    lines.map((_, i) => i),
    seed,
  ).sort((a, b) =>
    lines[a]!.authority < lines[b]!.authority ? -1 : lines[a]!.authority > lines[b]!.authority ? 1 : 0,
  );
  order.forEach((index, position) => (fold[index] = position % k));
  return fold;
}

export interface PetitionScreenStats {
  precision: number | null;
  recall: number | null;
  /** Petitions and non-petitions the screen was measured on. */
  n_petitions: number;
  n_non_petitions: number;
}

/** How well the offline screen tells petitions from the rest; the positive class is "a petition". */
export function petitionScreen(petitions: string[], others: string[], taxonomy: Taxonomy): PetitionScreenStats {
  const said = (text: string) => classifyOffline(text, taxonomy, undefined, null).isPetition;
  const truePositive = petitions.filter(said).length;
  const falsePositive = others.filter(said).length;
  const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
  return {
    precision: ratio(truePositive, truePositive + falsePositive),
    recall: ratio(truePositive, petitions.length),
    n_petitions: petitions.length,
    n_non_petitions: others.length,
  };
}

export interface CrossValidationReport extends EvalReport {
  folds: number;
  accuracy_ci: [number, number];
  is_petition: PetitionScreenStats;
}

/** k-fold cross-validation of the offline classifier (model + rules) on labelled lines. */
export function crossValidate(
  lines: TrainingLine[],
  taxonomy: Taxonomy,
  k: number,
  nonPetitions: string[] = [],
): CrossValidationReport {
  if (k < 2 || k > lines.length) throw new Error(`--cv needs 2 ≤ k ≤ ${lines.length}`);
  const folds = stratifiedFolds(lines, k);
  const predictions: Prediction[] = new Array(lines.length);
  for (let f = 0; f < k; f++) {
    const model = trainOn(
      lines.filter((_, i) => folds[i] !== f),
      taxonomy,
    );
    lines.forEach((line, i) => {
      if (folds[i] !== f) return;
      const result = classifyOffline(line.text, taxonomy, undefined, model);
      predictions[i] = { authority: result.authority, field: result.field };
    });
  }
  const report = evaluate(lines, predictions, taxonomy.levelIds);
  const correct = Math.round(report.accuracy * report.n);
  return {
    ...report,
    folds: k,
    accuracy_ci: wilsonInterval(correct, report.n),
    is_petition: petitionScreen(
      lines.map((line) => line.text),
      nonPetitions,
      taxonomy,
    ),
  };
}
