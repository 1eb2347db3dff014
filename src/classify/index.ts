// Public surface of the petition classifier.
export {
  createClassifier,
  splitTokens,
  type Classifier,
  type ClassifierOptions,
  type DetailedOutcome,
} from './classifier.ts';
export { registerClassificationJobs, enqueueClassification, CLASSIFY_JOB, CLASSIFY_MAX_ATTEMPTS } from './jobs.ts';
export { recordCorrection, exportLabelled, CorrectionError, type Correction } from './corrections.ts';
export { registerClassifyCommands, runClassifyCommand, runEvalCommand } from './cli.ts';
export {
  loadTaxonomy,
  levelLabel,
  fieldLabel,
  type Taxonomy,
  type TaxonomyName,
  type TaxonomyLevel,
  type TaxonomyField,
} from './taxonomy.ts';
export { classifyWithRules } from './rules.ts';
export { redactPersonalData } from './pii.ts';
export { needsReview } from './review.ts';
export { evaluate, formatReport, type EvalReport } from './evaluate.ts';
export type { ClassificationResult, ClassifyInput, ClassifyContext } from './types.ts';
