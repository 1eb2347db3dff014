// Deterministic grouping of petitions that say the same thing: folded text (no diacritics,
// so "đường" and "duong" match), syllable unigrams and bigrams without filler words,
// TF-IDF weights over the set at hand, and average cosine similarity to a group's members
// (average linkage: a petition that shares only a place name with a tight group stays out,
// where a centroid would have pulled it in).
import { answerKey } from '../core/text.ts';

/** Folded filler words of petitions: they say nothing about the subject. */
const STOP_WORDS = new Set(
  (
    'de nghi kien nghi cu tri xin cho va cua la thi co khong duoc da dang se nay do voi tai o cac nhung mot rat ' +
    'nhieu hon lai ma nen vi neu khi con ra vao len xuong nua cung tu den theo ve nhu the nao gi ai bao gio ' +
    'ong ba anh chi em toi chung chau can phai muon mong dong chi sao tinh trang hien nay van de yeu cau ' +
    'hay truong hop viec su nguoi dan bi qua lam'
  ).split(' '),
);

export interface SimilarityItem {
  id: number;
  text: string;
}

export type Vector = Map<string, number>;

export function terms(text: string): string[] {
  const words = answerKey(text)
    .split(' ')
    .filter((word) => word.length > 0 && !STOP_WORDS.has(word));
  const bigrams = words.slice(1).map((word, index) => `${words[index]}_${word}`);
  return [...words, ...bigrams];
}

/** TF-IDF vectors (unit length) for a set of texts; the IDF is taken over that set. */
export function vectorize(texts: string[]): Vector[] {
  const termLists = texts.map(terms);
  const documentFrequency = new Map<string, number>();
  for (const list of termLists)
    for (const term of new Set(list)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const total = texts.length;
  return termLists.map((list) => {
    const vector: Vector = new Map();
    for (const term of list) vector.set(term, (vector.get(term) ?? 0) + 1);
    for (const [term, count] of vector) {
      const idf = Math.log((1 + total) / (1 + (documentFrequency.get(term) ?? 0))) + 1;
      vector.set(term, (1 + Math.log(count)) * idf);
    }
    return normalize(vector);
  });
}

function normalize(vector: Vector): Vector {
  let norm = 0;
  for (const value of vector.values()) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm === 0) return vector;
  for (const [term, value] of vector) vector.set(term, value / norm);
  return vector;
}

export function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, value] of small) sum += value * (large.get(term) ?? 0);
  return sum;
}

/** Default similarity above which two petitions are taken to say the same thing. */
export const DEFAULT_THRESHOLD = 0.3;

export interface ClusterOptions {
  threshold?: number;
  /** Existing groups (petition ids), which new items may join but which are never broken up. */
  seeds?: number[][];
}

/**
 * Clusters items: each item joins the group whose members it resembles most on average,
 * at or above the threshold, else starts a group. Items are taken in the order given, so the result is
 * deterministic. Returns groups of item ids (seed groups first, singletons included).
 */
export function clusterBySimilarity(items: SimilarityItem[], options: ClusterOptions = {}): number[][] {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const vectors = vectorize(items.map((item) => item.text));
  const byId = new Map(items.map((item, index) => [item.id, vectors[index]!]));
  const clusters: { ids: number[]; sum: Vector }[] = [];
  for (const seed of options.seeds ?? []) {
    const members = seed.filter((id) => byId.has(id));
    if (members.length) clusters.push({ ids: members, sum: sumOf(members.map((id) => byId.get(id)!)) });
  }
  const seeded = new Set(clusters.flatMap((cluster) => cluster.ids));
  for (const [index, item] of items.entries()) {
    if (seeded.has(item.id)) continue;
    const vector = vectors[index]!;
    let best: (typeof clusters)[number] | undefined;
    let bestScore = threshold;
    for (const cluster of clusters) {
      // The mean of the cosines with each member: the sum of unit vectors, divided by the count.
      const score = cosine(vector, cluster.sum) / cluster.ids.length;
      if (score >= bestScore) {
        best = cluster;
        bestScore = score;
      }
    }
    if (!best || vector.size === 0) {
      clusters.push({ ids: [item.id], sum: new Map(vector) });
      continue;
    }
    best.ids.push(item.id);
    for (const [term, value] of vector) best.sum.set(term, (best.sum.get(term) ?? 0) + value);
  }
  return clusters.map((cluster) => cluster.ids);
}

function sumOf(vectors: Vector[]): Vector {
  const sum: Vector = new Map();
  for (const vector of vectors) for (const [term, value] of vector) sum.set(term, (sum.get(term) ?? 0) + value);
  return sum;
}
