import type { ClassificationResult } from './types.ts';

/**
 * Staff look at a petition when the classifier is unsure, when it is not a petition at
 * all, or when the LLM and the offline rules disagree on who must resolve it.
 */
export function needsReview(result: ClassificationResult, rules: ClassificationResult | undefined, threshold: number): boolean {
  if (!result.isPetition) return true;
  if (result.confidence < threshold) return true;
  return result.classifier === 'llm' && rules !== undefined && rules.authority !== result.authority;
}
