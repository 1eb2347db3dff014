// The offline classifier as the app uses it: the rules, and the trained model where one
// is committed. The rules decide alone where they are sure (a strong cue) and say
// whether a text is a petition at all; otherwise the model, which also weighs the rules'
// verdicts as features, chooses the level. The field stays the rules' wherever a field word
// names it (cross-validated on the corpus, the keywords beat the model's field); the model
// chooses it only when no keyword does.
import { agencyFor, namedCentralBody } from './agencies.ts';
import { describeFeature, featuresOf, loadModel, predictHead, type TrainedModel } from './model.ts';
import { classifyWithRules } from './rules.ts';
import { fieldLabel, levelLabel, type Taxonomy } from './taxonomy.ts';
import type { ClassificationResult, ClassifyContext } from './types.ts';

/** Rule confidence at or above which the rules' level stands without the model. */
export const RULES_SURE = 0.6;
/**
 * A committed model trained on fewer petitions than this is measured (`eval --cv`) but not
 * used: on the regression sets it does worse than the rules alone until the corpus grows.
 */
export const MIN_TRAINED_PETITIONS = 300;

/** The committed model of the taxonomy, when it was trained on enough petitions to be used. */
export function usableModel(taxonomy: string): TrainedModel | null {
  const model = loadModel(taxonomy);
  return model && model.trainedOn.level >= MIN_TRAINED_PETITIONS ? model : null;
}

/** The rules' verdicts as model features (the same at training and at prediction). */
export function ruleHints(text: string, taxonomy: Taxonomy): string[] {
  const rules = classifyWithRules(text, taxonomy);
  return [`rule-level:${rules.authority}`, `rule-field:${rules.field}`];
}

function agencyOf(level: string, field: string, text: string, rulesAgency: string | null): string | null {
  if (level === 'central') return namedCentralBody(text) ?? agencyFor(level, field);
  // The rules quote a named commune or district ("UBND phường Láng Hạ"): more precise than the table.
  if (
    (level === 'commune' || level === 'district') &&
    rulesAgency?.match(/^UBND (xã|phường|thị trấn|đặc khu|quận|huyện|thị xã) \S/u)
  ) {
    return rulesAgency;
  }
  return agencyFor(level, field);
}

const quoteAll = (features: string[]) => features.map((f) => `"${describeFeature(f)}"`).join(', ');

/** Classifies one text offline; `model` defaults to the committed model of the taxonomy, if usable. */
export function classifyOffline(
  text: string,
  taxonomy: Taxonomy,
  context?: ClassifyContext,
  model: TrainedModel | null = usableModel(taxonomy.name),
): ClassificationResult {
  const { detail: _detail, ...rules } = classifyWithRules(text, taxonomy, context);
  if (!model || !rules.isPetition)
    return { ...rules, agency: rules.isPetition ? agencyOf(rules.authority, rules.field, text, rules.agency) : null };
  const features = featuresOf(text, [`rule-level:${rules.authority}`, `rule-field:${rules.field}`]);
  const level = predictHead(model.level, features);
  const field = rules.field === 'other' ? predictHead(model.field, features) : { label: rules.field, top: [] };
  const fieldWhy = rules.field === 'other' ? quoteAll(field.top) || 'không có từ nổi bật' : 'từ khóa của quy tắc';
  const rulesSure = rules.confidence >= RULES_SURE;
  const authority = rulesSure ? rules.authority : level.label;
  const confidence = rulesSure ? rules.confidence : Math.round(Math.min(0.95, level.probability) * 100) / 100;
  const levelWhy = rulesSure
    ? `quy tắc chắc chắn (${rules.confidence})`
    : `mô hình (${Math.round(level.probability * 100)}%) ← ${quoteAll(level.top) || 'không có từ nổi bật'}`;
  const reason =
    `Mô hình: ${levelLabel(taxonomy, authority)} ← ${levelWhy}. ` +
    `Lĩnh vực ${fieldLabel(taxonomy, field.label)} ← ${fieldWhy}. ${rules.reason}`;
  return {
    ...rules,
    authority,
    field: field.label,
    confidence,
    agency: agencyOf(authority, field.label, text, rules.agency),
    reason,
  };
}
