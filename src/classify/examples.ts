// Labelled examples for the LLM: for each petition of a request, the corpus petitions whose
// words resemble it most (TF-IDF over syllables and syllable pairs, folded, as the themes
// use), with the level that resolved them. The index is built once per classifier; a lookup
// only scores the corpus entries that share a term with the petition.
import { answerKey } from '../core/text.ts';
import { terms } from '../digests/similarity.ts';
import { corpusLines } from './training.ts';
import type { TrainingLine } from './model.ts';
import type { Taxonomy } from './taxonomy.ts';

/** A labelled corpus petition as the prompt shows it. */
export interface LabelledExample {
  text: string;
  authority: string;
  field?: string;
}

/** Examples one petition brings to a request. */
export const EXAMPLES_PER_PETITION = 2;
/** Examples one request carries at most, whatever the batch size. */
export const MAX_EXAMPLES_PER_REQUEST = 8;
/** Similarity below which a corpus petition is no example of the one at hand. */
const MIN_SIMILARITY = 0.08;
/** Longest example text shown, in characters: examples inform, they must not crowd the petitions. */
const MAX_EXAMPLE_CHARS = 400;

export interface ExampleIndex {
  readonly size: number;
  /** The corpus petitions most like `text` (best first), never `text` itself. */
  nearest(text: string, count: number): LabelledExample[];
  /** Examples for a request: the nearest of each petition in turn, without repeats, capped. */
  forRequest(texts: string[]): LabelledExample[];
}

interface Entry {
  example: LabelledExample;
  key: string;
  vector: Map<string, number>;
}

function weigh(list: string[], idf: Map<string, number>, unseen: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of list) counts.set(term, (counts.get(term) ?? 0) + 1);
  const vector = new Map<string, number>();
  let norm = 0;
  for (const [term, count] of counts) {
    const value = (1 + Math.log(count)) * (idf.get(term) ?? unseen);
    vector.set(term, value);
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [term, value] of vector) vector.set(term, value / norm);
  return vector;
}

/** Builds the index over labelled lines (default: the corpus, labelled in the taxonomy). */
export function createExampleIndex(lines: LabelledExample[]): ExampleIndex {
  const termLists = lines.map((line) => terms(line.text));
  const documentFrequency = new Map<string, number>();
  for (const list of termLists)
    for (const term of new Set(list)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [term, df] of documentFrequency) idf.set(term, Math.log((1 + lines.length) / (1 + df)) + 1);
  const unseen = Math.log(1 + lines.length) + 1;
  const entries: Entry[] = lines.map((line, i) => ({
    example: { ...line, text: clip(line.text) },
    key: answerKey(line.text),
    vector: weigh(termLists[i]!, idf, unseen),
  }));
  const postings = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    for (const term of entry.vector.keys()) {
      const list = postings.get(term);
      if (list) list.push(i);
      else postings.set(term, [i]);
    }
  });

  function nearest(text: string, count: number): LabelledExample[] {
    if (entries.length === 0 || count <= 0) return [];
    const query = weigh(terms(text), idf, unseen);
    const key = answerKey(text);
    const scores = new Map<number, number>();
    for (const [term, value] of query)
      for (const i of postings.get(term) ?? [])
        scores.set(i, (scores.get(i) ?? 0) + value * entries[i]!.vector.get(term)!);
    return [...scores]
      .filter(([i, score]) => score >= MIN_SIMILARITY && entries[i]!.key !== key)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, count)
      .map(([i]) => entries[i]!.example);
  }

  function forRequest(texts: string[]): LabelledExample[] {
    const lists = texts.map((text) => nearest(text, EXAMPLES_PER_PETITION));
    const chosen: LabelledExample[] = [];
    const seen = new Set<LabelledExample>();
    for (let rank = 0; rank < EXAMPLES_PER_PETITION; rank++) {
      for (const list of lists) {
        const example = list[rank];
        if (!example || seen.has(example)) continue;
        if (chosen.length >= MAX_EXAMPLES_PER_REQUEST) return chosen;
        seen.add(example);
        chosen.push(example);
      }
    }
    return chosen;
  }

  return { size: entries.length, nearest, forRequest };
}

function clip(text: string): string {
  return text.length <= MAX_EXAMPLE_CHARS ? text : `${text.slice(0, MAX_EXAMPLE_CHARS - 1)}…`;
}

/** The corpus as examples of one taxonomy (its labels, or those the rules derive). */
export function corpusExamples(taxonomy: Taxonomy, file?: URL | string): LabelledExample[] {
  return corpusLines(taxonomy, file).map(({ text, authority, field }: TrainingLine) => ({ text, authority, field }));
}
