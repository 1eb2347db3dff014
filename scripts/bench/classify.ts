// Classification: petitions per second with the offline rules and through the LLM path
// (against the fake OpenAI server), and the cost per 100 petitions with batching on and
// off, as measured by scripts/bench-classify.ts (run as it is, its table read back).
import { execFileSync } from 'node:child_process';
import { createClassifier } from '../../src/classify/classifier.ts';
import type { ClassifyInput } from '../../src/classify/types.ts';
import { parseConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log.ts';
import type { FakeOpenAI } from '../../test/fakes/openai.ts';
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

export async function classificationRates(fake: FakeOpenAI, count: number): Promise<ClassifyRate[]> {
  return [
    await rate('offline rules', count, 10),
    await rate('LLM (fake), batches of 10', count, 10, fake),
    await rate('LLM (fake), 1 per request', Math.min(count, 500), 1, fake),
  ];
}

const ROW = /│\s*\d+\s*│\s*'([^']+)'\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│/g;

/** Runs scripts/bench-classify.ts and reads its table back. */
export function classificationCost(): { rows: ClassifyCost[]; output: string } {
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench-classify.ts'], { encoding: 'utf8' });
  const rows = [...output.matchAll(ROW)].map((m) => ({
    way: m[1]!,
    requests: Number(m[2]),
    tokensIn: Number(m[3]),
    tokensOut: Number(m[4]),
    tokensTotal: Number(m[5]),
  }));
  if (rows.length !== 2) throw new Error(`unexpected output of scripts/bench-classify.ts:\n${output}`);
  return { rows, output };
}
