// Cost bench for the LLM classifier: requests and tokens per 100 petitions, batched
// (CLASSIFY_BATCH_SIZE, default 10) against the naive one-request-per-petition way.
// Runs against the fake OpenAI-compatible server in-process (tokens ≈ characters / 4,
// the same for both ways), so it needs no network and no key.
import { readFileSync } from 'node:fs';
import { createClassifier } from '../src/classify/classifier.ts';
import { parseConfig } from '../src/config/index.ts';
import { createLogger } from '../src/log.ts';
import { answerWith, startFakeOpenAI } from '../test/fakes/openai.ts';

const PETITIONS = 100;
const batchSize = Number(process.env.CLASSIFY_BATCH_SIZE ?? 10);

function devPetitions(): Array<{ id: string; text: string }> {
  const file = new URL('../test/fixtures/classify-dev-legacy.jsonl', import.meta.url);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return lines
    .slice(0, PETITIONS)
    .map((line, i) => ({ id: String(i), text: (JSON.parse(line) as { text: string }).text }));
}

interface Measure {
  way: string;
  requests: number;
  tokensIn: number;
  tokensOut: number;
}

async function measure(way: string, size: number, baseURL: string, requests: () => number): Promise<Measure> {
  const config = parseConfig({
    OPENAI_API_KEY: 'bench',
    OPENAI_BASE_URL: baseURL,
    CLASSIFY_BATCH_SIZE: String(size),
    TAXONOMY: 'legacy',
    LOG_LEVEL: 'silent',
  });
  const classifier = createClassifier(config, createLogger('silent'));
  const before = requests();
  const results = await classifier.classify(devPetitions());
  let tokensIn = 0;
  let tokensOut = 0;
  for (const result of results.values()) {
    tokensIn += result.tokensIn ?? 0;
    tokensOut += result.tokensOut ?? 0;
  }
  return { way, requests: requests() - before, tokensIn, tokensOut };
}

const fake = await startFakeOpenAI(answerWith(() => ({ authority: 'city', field: 'other' })));
try {
  const naive = await measure('naive (1 per request)', 1, fake.baseURL, () => fake.requests.length);
  const batched = await measure(
    `batched (${batchSize} per request)`,
    batchSize,
    fake.baseURL,
    () => fake.requests.length,
  );
  const rows = [naive, batched].map((m) => ({
    way: m.way,
    'requests/100': m.requests,
    'tokens in/100': m.tokensIn,
    'tokens out/100': m.tokensOut,
    'tokens total/100': m.tokensIn + m.tokensOut,
  }));
  console.log(`Classifier cost per ${PETITIONS} petitions (fake LLM, tokens ≈ chars/4):`);
  console.table(rows);
  const saved = 1 - (batched.tokensIn + batched.tokensOut) / (naive.tokensIn + naive.tokensOut);
  console.log(
    `Batching saves ${(100 * (1 - batched.requests / naive.requests)).toFixed(0)}% of requests and ${(100 * saved).toFixed(0)}% of tokens.`,
  );
} finally {
  await fake.close();
}
