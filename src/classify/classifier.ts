// The classifier the rest of kiennghi uses: the LLM when one is configured (batched,
// cached, through the model gateway that removes personal data), the offline rules
// otherwise and whenever the LLM fails.
import type { Config } from '../config/index.ts';
import { normalizeText } from '../core/text.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../db/client.ts';
import { createModelGateway, LlmFailure } from '../llm/gateway.ts';
import { estimateTokens, packByTokens } from '../llm/tokens.ts';
import { corpusExamples, createExampleIndex, MAX_EXAMPLES_PER_REQUEST, type LabelledExample } from './examples.ts';
import { classifyBatch, type LlmItem, type Usage } from './llm.ts';
import { loadPromptTemplate, renderSystemPrompt, type PromptItem, type PromptTemplate } from './prompt.ts';
import { classifyOffline } from './learned.ts';
import { loadTaxonomy, type Taxonomy, type TaxonomyName } from './taxonomy.ts';
import type { ClassificationResult, ClassifyInput } from './types.ts';

export interface ClassifierOptions {
  /** Force the offline rules even when OPENAI_API_KEY is set. */
  offline?: boolean;
  taxonomy?: TaxonomyName;
  /** Bound of one model call (default OPENAI_TIMEOUT_SECONDS): a slow LLM must not hold the job worker. */
  timeoutMs?: number;
  promptFile?: URL | string;
  /** Most entries kept in the in-memory cache. */
  cacheSize?: number;
  /** Where model usage is counted (LlmUsage). */
  db?: Db;
  /** Labelled petitions the LLM requests draw their examples from (default: the corpus). */
  examples?: LabelledExample[];
}

export interface DetailedOutcome {
  results: Map<string, ClassificationResult>;
  /** The offline rules' answer for every input (used to spot disagreement). */
  rules: Map<string, ClassificationResult>;
  /** Inputs that should have gone to the LLM but got the rules' answer, and why. */
  llmFailures: Map<string, LlmFailure>;
  /** The longest retry-after a rate-limited server asked for, if any. */
  retryAfterMs?: number;
  requests: number;
}

export interface Classifier {
  readonly taxonomy: Taxonomy;
  readonly llmEnabled: boolean;
  readonly model?: string;
  readonly promptVersion?: string;
  classify(inputs: ClassifyInput[]): Promise<Map<string, ClassificationResult>>;
  classifyDetailed(inputs: ClassifyInput[]): Promise<DetailedOutcome>;
}

const DEFAULT_CACHE_SIZE = 5_000;
/** A petition's share of the answer (its JSON result) and of the tags around it, in tokens. */
const ITEM_OVERHEAD_TOKENS = 170;
/** The answer's wrapper and a fallback's format hint, in tokens. */
const REQUEST_OVERHEAD_TOKENS = 600;
/** The labelled examples of one request at most (each clipped to a few hundred characters), in tokens. */
const EXAMPLES_TOKENS = MAX_EXAMPLES_PER_REQUEST * 160;

/** Splits a total over items in proportion to weights; the parts add up exactly. */
export function splitTokens(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((value, i) => [value - Math.floor(value), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left--;
  }
  return parts;
}

/** Cache key: the petition's text (normalized), plus what else shapes the answer. */
export function cacheKey(taxonomy: string, text: string, ward?: string): string {
  return `${taxonomy}\u0000${normalizeText(text).toLowerCase()}\u0000${ward ?? ''}`;
}

class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!);
  }
}

interface Pending {
  key: string;
  cacheKey: string;
  text: string;
  ward?: string;
  /** The voters' names, for the gateway to remove. */
  names: string[];
  ids: string[];
}

export function createClassifier(config: Config, log: Logger, options: ClassifierOptions = {}): Classifier {
  const taxonomy = loadTaxonomy(options.taxonomy ?? config.TAXONOMY);
  const llmEnabled = config.llmEnabled && !options.offline;
  const template: PromptTemplate | undefined = llmEnabled ? loadPromptTemplate(options.promptFile) : undefined;
  const systemPrompt = template ? renderSystemPrompt(template, taxonomy) : '';
  const examples = llmEnabled ? createExampleIndex(options.examples ?? corpusExamples(taxonomy)) : undefined;
  const gateway = llmEnabled
    ? createModelGateway(config, { timeoutMs: options.timeoutMs, db: options.db, log })
    : undefined;
  const cache = new LruCache<LlmItem>(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  const model = config.OPENAI_MODEL;
  const promptVersion = template?.version;
  const batchSize = config.CLASSIFY_BATCH_SIZE;
  // Batches fit the context window: at most CLASSIFY_BATCH_SIZE petitions, fewer when long.
  const batchBudget =
    config.OPENAI_CONTEXT_TOKENS - estimateTokens(systemPrompt) - REQUEST_OVERHEAD_TOKENS - EXAMPLES_TOKENS;
  const batchesOf = (pending: Pending[]) =>
    packByTokens(pending, (p) => estimateTokens(p.text) + ITEM_OVERHEAD_TOKENS, batchBudget, batchSize);
  // After a 429 we stop calling until the server's retry-after has passed.
  let blockedUntil = 0;

  function rulesFor(inputs: ClassifyInput[]): Map<string, ClassificationResult> {
    const rules = new Map<string, ClassificationResult>();
    for (const input of inputs) {
      rules.set(input.id, classifyOffline(input.text, taxonomy, input.context));
    }
    return rules;
  }

  function fromLlm(item: LlmItem, usage: Usage, reused = false): ClassificationResult {
    return {
      ...item,
      reason: reused ? `${item.reason} (dùng lại kết quả đã có cho nội dung giống hệt)` : item.reason,
      classifier: 'llm',
      model,
      promptVersion,
      tokensIn: usage.tokensIn,
      tokensOut: usage.tokensOut,
    };
  }

  /** Groups inputs by what the LLM would see, so identical petitions cost one slot. */
  function pendingFor(inputs: ClassifyInput[], results: Map<string, ClassificationResult>): Pending[] {
    const byKey = new Map<string, Pending>();
    for (const input of inputs) {
      const key = cacheKey(taxonomy.name, input.text, input.context?.ward);
      const names = input.context?.personalNames ?? [];
      const cached = cache.get(key);
      if (cached) {
        results.set(input.id, fromLlm(cached, { tokensIn: 0, tokensOut: 0 }, true));
        continue;
      }
      const pending = byKey.get(key);
      if (pending) {
        pending.ids.push(input.id);
        pending.names.push(...names);
      } else {
        const ward = input.context?.ward;
        const slot = String(byKey.size + 1);
        byKey.set(key, { key: slot, cacheKey: key, text: input.text, ward, names: [...names], ids: [input.id] });
      }
    }
    return [...byKey.values()];
  }

  async function classifyDetailed(inputs: ClassifyInput[]): Promise<DetailedOutcome> {
    const rules = rulesFor(inputs);
    const outcome: DetailedOutcome = { results: new Map(), rules, llmFailures: new Map(), requests: 0 };
    if (!gateway) {
      outcome.results = new Map(rules);
      return outcome;
    }
    const pending = pendingFor(inputs, outcome.results);
    let stop: LlmFailure | undefined;
    for (const batch of batchesOf(pending)) {
      if (!stop && Date.now() < blockedUntil) {
        stop = new LlmFailure('rate_limit', 'LLM rate limited; waiting for retry-after', blockedUntil - Date.now());
      }
      if (stop) {
        markFailed(batch, stop, outcome);
        continue;
      }
      stop = await runBatch(batch, outcome);
    }
    for (const input of inputs) if (!outcome.results.has(input.id)) outcome.results.set(input.id, rules.get(input.id)!);
    return outcome;
  }

  function markFailed(batch: Pending[], failure: LlmFailure, outcome: DetailedOutcome): void {
    for (const item of batch) for (const id of item.ids) outcome.llmFailures.set(id, failure);
    if (failure.retryAfterMs !== undefined) {
      outcome.retryAfterMs = Math.max(outcome.retryAfterMs ?? 0, failure.retryAfterMs);
    }
  }

  /** Runs one request (plus its retry); returns a failure that should stop further calls. */
  async function runBatch(batch: Pending[], outcome: DetailedOutcome): Promise<LlmFailure | undefined> {
    const items: PromptItem[] = batch.map((p) => ({ key: p.key, text: p.text, ward: p.ward, names: p.names }));
    const answer = await classifyBatch({ gateway: gateway!, systemPrompt, taxonomy, examples }, items);
    outcome.requests += answer.requests.length;
    const usage = usagePerItem(batch, answer.requests);
    for (const item of batch) {
      const llmItem = answer.items.get(item.key);
      if (!llmItem) continue;
      cache.set(item.cacheKey, llmItem);
      // Identical petitions in one batch share the slot's tokens: the first carries them.
      item.ids.forEach((id, i) =>
        outcome.results.set(
          id,
          fromLlm(llmItem, i === 0 ? usage.get(item.key)! : { tokensIn: 0, tokensOut: 0 }, i > 0),
        ),
      );
    }
    const failed = batch.filter((item) => answer.invalid.includes(item.key));
    if (answer.failure && failed.length > 0) {
      log.warn(
        { kind: answer.failure.kind, petitions: failed.length, error: answer.failure.message },
        'LLM classification failed; using offline rules',
      );
      markFailed(failed, answer.failure, outcome);
    }
    if (answer.failure?.kind === 'rate_limit') {
      blockedUntil = Date.now() + (answer.failure.retryAfterMs ?? 0);
    }
    // An outage (not a bad answer) makes the next batches pointless for this call.
    return answer.failure && answer.failure.kind !== 'invalid' ? answer.failure : undefined;
  }

  return {
    taxonomy,
    llmEnabled,
    model: llmEnabled ? model : undefined,
    promptVersion,
    classifyDetailed,
    async classify(inputs) {
      return (await classifyDetailed(inputs)).results;
    },
  };
}

/** Each request's tokens split over the petitions it carried: input by length, output evenly. */
function usagePerItem(batch: Pending[], requests: Array<{ keys: string[]; usage: Usage }>): Map<string, Usage> {
  const totals = new Map<string, Usage>(batch.map((item) => [item.key, { tokensIn: 0, tokensOut: 0 }]));
  const lengths = new Map(batch.map((item) => [item.key, item.text.length]));
  for (const { keys, usage } of requests) {
    const inParts = splitTokens(
      usage.tokensIn,
      keys.map((key) => lengths.get(key) ?? 1),
    );
    const outParts = splitTokens(
      usage.tokensOut,
      keys.map(() => 1),
    );
    keys.forEach((key, i) => {
      const total = totals.get(key)!;
      total.tokensIn += inParts[i]!;
      total.tokensOut += outParts[i]!;
    });
  }
  return totals;
}
