// Cost bench for the LLM classifier: requests and tokens per 100 petitions, batched
// (CLASSIFY_BATCH_SIZE, default 10) against the naive one-request-per-petition way.
// Runs against the fake OpenAI-compatible server in-process (tokens ≈ characters / 4,
// the same for both ways), so it needs no network and no key.
import { classificationCost } from './bench/classify.ts';

const [naive, batched] = await classificationCost(Number(process.env.CLASSIFY_BATCH_SIZE ?? 10));
const rows = [naive!, batched!].map((m) => ({
  way: m.way,
  'requests/100': m.requests,
  'tokens in/100': m.tokensIn,
  'tokens out/100': m.tokensOut,
  'tokens total/100': m.tokensTotal,
}));
console.log('Classifier cost per 100 petitions (fake LLM, tokens ≈ chars/4):');
console.table(rows);
const saved = 1 - batched!.tokensTotal / naive!.tokensTotal;
console.log(
  `Batching saves ${(100 * (1 - batched!.requests / naive!.requests)).toFixed(0)}% of requests and ${(100 * saved).toFixed(0)}% of tokens.`,
);
