// Cost bench for the LLM classifier: requests and tokens per 100 petitions, batched
// (CLASSIFY_BATCH_SIZE, default 10) against the naive one-request-per-petition way.
// Runs against the fake OpenAI-compatible server in-process (tokens ≈ characters / 4,
// the same for both ways), so it needs no network and no key. `--offline` times the
// offline classifier alone instead: 1,000 distinct petitions (or the count given after it).
import { classificationCost, offlineRate } from './bench/classify.ts';

const offlineAt = process.argv.indexOf('--offline');
if (offlineAt >= 0) {
  const { petitions, seconds, perSecond } = await offlineRate(Number(process.argv[offlineAt + 1] ?? 1_000));
  console.log(
    `Offline classifier: ${petitions} petitions in ${(seconds * 1000).toFixed(0)} ms (${perSecond.toFixed(0)}/s).`,
  );
  process.exit(0);
}

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
