import type { ClassificationResult } from './types.ts';

/**
 * The status of a text that is not a petition (emoji, a greeting, a mistyped meeting code),
 * as the classifier or staff found it: kept, but out of statistics, reports and digests.
 */
export const NOT_PETITION = 'not_petition';

/** Statuses the classifier may still move a petition between: staff have not acted on it yet. */
export const CLASSIFIER_STATUSES = ['received', 'classified', NOT_PETITION];

/** The status a classification gives a petition the classifier may still move. */
export function classifiedStatus(result: Pick<ClassificationResult, 'isPetition'>): string {
  return result.isPetition ? 'classified' : NOT_PETITION;
}

/**
 * Staff look at a petition when the classifier is unsure, when it is not a petition at
 * all, or when the LLM and the offline rules disagree on who must resolve it.
 */
export function needsReview(
  result: ClassificationResult,
  rules: ClassificationResult | undefined,
  threshold: number,
): boolean {
  if (!result.isPetition) return true;
  if (result.confidence < threshold) return true;
  return result.classifier === 'llm' && rules !== undefined && rules.authority !== result.authority;
}
