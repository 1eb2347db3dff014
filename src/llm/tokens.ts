// Token estimates for sizing what is sent to a model's context window. Servers count with
// their own tokenizers; Vietnamese runs at roughly one token per three characters or fewer,
// so the estimate errs on the large side and what it sizes fits.

const CHARS_PER_TOKEN = 3;
/** Role markers and separators a chat template adds to every message. */
const TOKENS_PER_MESSAGE = 8;
/** A prompt counted below this share of the estimate was cut by the server. */
const CUT_SHARE = 0.4;
/** Below this estimate no server's context is too small, and tokenizers differ most on short texts. */
const CUT_MIN_ESTIMATE = 1024;

/** Tokens a text is expected to take, at most. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Tokens a conversation is expected to take, at most. */
export function estimateMessagesTokens(contents: string[]): number {
  return contents.reduce((sum, content) => sum + estimateTokens(content) + TOKENS_PER_MESSAGE, 0);
}

/** The server counted far fewer prompt tokens than were sent: it dropped part of the prompt. */
export function promptWasCut(promptTokens: number, estimate: number): boolean {
  return promptTokens > 0 && estimate >= CUT_MIN_ESTIMATE && promptTokens < estimate * CUT_SHARE;
}

/**
 * Splits items, in order, into chunks of at most `maxCount` whose costs add up to at most
 * `budget`; an item that alone exceeds the budget goes in a chunk of its own.
 */
export function packByTokens<T>(items: T[], cost: (item: T) => number, budget: number, maxCount: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const itemCost = cost(item);
    if (current.length > 0 && (used + itemCost > budget || current.length >= maxCount)) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += itemCost;
  }
  if (current.length) chunks.push(current);
  return chunks;
}
