// Classification: petitions per second with the offline rules and through the LLM path
// (against the fake OpenAI server), and the cost per 100 petitions with batching on and
// off (the dev corpus, tokens ≈ characters / 4); scripts/bench-classify.ts prints the cost alone.
import { readFileSync } from 'node:fs';
import { createClassifier } from '../../src/classify/classifier.ts';
import type { ClassifyInput } from '../../src/classify/types.ts';
import { parseConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log.ts';
import { answerWith, startFakeOpenAI, type FakeOpenAI } from '../../test/fakes/openai.ts';
import { fixtureTexts } from './seed.ts';

export interface ClassifyRate {
  way: string;
  petitions: number;
  seconds: number;
  perSecond: number;
  requests?: number;
}

export interface ClassifyCost {
  way: string;
  requests: number;
  tokensIn: number;
  tokensOut: number;
  tokensTotal: number;
}

/** Distinct texts (the classifier caches by text, and a cache hit would measure nothing). */
function inputs(count: number): ClassifyInput[] {
  const texts = fixtureTexts();
  return Array.from({ length: count }, (_, i) => ({
    id: String(i),
    text: `${texts[i % texts.length]} (kiến nghị ${i})`,
  }));
}

async function rate(way: string, count: number, batchSize: number, fake?: FakeOpenAI): Promise<ClassifyRate> {
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    TAXONOMY: 'current',
    CLASSIFY_BATCH_SIZE: String(batchSize),
    ...(fake ? { OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: fake.baseURL } : {}),
  });
  const classifier = createClassifier(config, createLogger('silent'), { offline: !fake });
  const items = inputs(count);
  const before = fake?.requests.length ?? 0;
  const t0 = performance.now();
  const results = await classifier.classify(items);
  const seconds = (performance.now() - t0) / 1000;
  if (results.size !== count) throw new Error(`${way}: ${results.size} of ${count} petitions classified`);
  return {
    way,
    petitions: count,
    seconds,
    perSecond: count / seconds,
    requests: fake ? fake.requests.length - before : undefined,
  };
}

/** The offline classifier alone (rules and the committed model), petitions per second. */
export async function offlineRate(count = 1_000): Promise<ClassifyRate> {
  return rate('offline (rules + model)', count, 10);
}

export async function classificationRates(fake: FakeOpenAI, count: number): Promise<ClassifyRate[]> {
  return [
    await offlineRate(count),
    await rate('LLM (fake), batches of 10', count, 10, fake),
    await rate('LLM (fake), 1 per request', Math.min(count, 500), 1, fake),
  ];
}

const COST_PETITIONS = 100;

function devPetitions(): ClassifyInput[] {
  const file = new URL('../../test/fixtures/classify-dev-legacy.jsonl', import.meta.url);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return lines
    .slice(0, COST_PETITIONS)
    .map((line, i) => ({ id: String(i), text: (JSON.parse(line) as { text: string }).text }));
}

async function cost(way: string, batchSize: number, fake: FakeOpenAI): Promise<ClassifyCost> {
  const config = parseConfig({
    OPENAI_API_KEY: 'bench',
    OPENAI_BASE_URL: fake.baseURL,
    CLASSIFY_BATCH_SIZE: String(batchSize),
    TAXONOMY: 'legacy',
    LOG_LEVEL: 'silent',
  });
  const classifier = createClassifier(config, createLogger('silent'));
  const before = fake.requests.length;
  const results = await classifier.classify(devPetitions());
  let tokensIn = 0;
  let tokensOut = 0;
  for (const result of results.values()) {
    tokensIn += result.tokensIn ?? 0;
    tokensOut += result.tokensOut ?? 0;
  }
  return { way, requests: fake.requests.length - before, tokensIn, tokensOut, tokensTotal: tokensIn + tokensOut };
}

/** Requests and tokens per 100 petitions, one per request and batched, against a fake server of its own. */
export async function classificationCost(batchSize = 10): Promise<ClassifyCost[]> {
  const fake = await startFakeOpenAI(answerWith(() => ({ authority: 'city', field: 'other' })));
  try {
    return [
      await cost('naive (1 per request)', 1, fake),
      await cost(`batched (${batchSize} per request)`, batchSize, fake),
    ];
  } finally {
    await fake.close();
  }
}
