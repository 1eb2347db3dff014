// The offline classifier as the app uses it: the rules, and the trained model where one
// is committed. The rules decide the level alone where they are sure (a strong cue) and say
// whether a text is a petition at all; otherwise the model, which also weighs the rules'
// cues and verdicts as features, chooses the level. The field stays the rules' where one field
// word clearly leads; the model chooses between the fields named where two are close, and among
// all where none is (see chooseField). Without a model file the rules decide alone.
import { agencyFor, namedCentralBody } from './agencies.ts';
import {
  describeFeature,
  featuresOf,
  loadModel,
  predictHead,
  type HeadPrediction,
  type LinearHead,
  type TrainedModel,
} from './model.ts';
import { classifyWithRules, type RuleDetail } from './rules.ts';
import { fieldLabel, levelLabel, type Taxonomy } from './taxonomy.ts';
import type { ClassificationResult, ClassifyContext } from './types.ts';

/**
 * Rule confidence at or above which the rules' level stands without the model: chosen by
 * 5-fold cross-validation on the corpus (0.5 to 0.8 and "never" tried), then fixed.
 */
export const RULES_SURE = 0.6;

/** The committed model of the taxonomy; null when none has been trained (the rules then decide alone). */
export function usableModel(taxonomy: string): TrainedModel | null {
  return loadModel(taxonomy);
}

type RulesVerdict = Pick<ClassificationResult, 'authority' | 'field' | 'confidence'> & { detail: RuleDetail };

/**
 * The rules' cues and verdicts as model features (the same at training and at prediction):
 * the level and field they chose, whether they were sure, which level each kind of cue
 * pointed to, and every field a keyword names.
 */
function hintsOf(rules: RulesVerdict, taxonomy: Taxonomy): string[] {
  const hints = new Set([`rule-level:${rules.authority}`, `rule-field:${rules.field}`]);
  if (rules.confidence >= RULES_SURE) hints.add(`rule-sure:${rules.authority}`);
  for (const cue of rules.detail.evidence) hints.add(`cue:${taxonomy.ruleLevels[cue.level]}:${cue.kind}`);
  for (const field of Object.keys(rules.detail.fieldScores)) hints.add(`keyword:${field}`);
  return [...hints];
}

/** The rules' features of a text, as training computes them. */
export function ruleHints(text: string, taxonomy: Taxonomy): string[] {
  return hintsOf(classifyWithRules(text, taxonomy), taxonomy);
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

/**
 * Keyword scores of two fields closer than this make the keywords unsure: the model then
 * chooses between the fields they name (cross-validated against "keywords always" and
 * "the model always"; a few points better than either on both taxonomies).
 */
export const FIELD_MARGIN = 1;

/**
 * The field: the keywords' where one field clearly leads; the model's choice among the fields
 * the keywords name where two are close; the model's over all fields where no keyword is found.
 */
function chooseField(
  head: LinearHead,
  features: string[],
  keywordScores: Record<string, number>,
  rulesField: string,
): HeadPrediction & { byModel: boolean } {
  const named = Object.entries(keywordScores).sort((a, b) => b[1] - a[1]);
  const [first, second] = named;
  if (first && (!second || first[1] - second[1] >= FIELD_MARGIN))
    return { label: rulesField, probability: 1, top: [], byModel: false };
  const among = named.length > 0 ? named.map(([id]) => id) : undefined;
  return { ...predictHead(head, features, among), byModel: true };
}

const quoteAll = (features: string[]) => features.map((f) => `"${describeFeature(f)}"`).join(', ');

/** Classifies one text offline; `model` defaults to the committed model of the taxonomy. */
export function classifyOffline(
  text: string,
  taxonomy: Taxonomy,
  context?: ClassifyContext,
  model: TrainedModel | null = usableModel(taxonomy.name),
): ClassificationResult {
  const { detail, ...rules } = classifyWithRules(text, taxonomy, context);
  const agencyFrom = (level: string, field: string) =>
    rules.isPetition ? agencyOf(level, field, text, rules.agency) : null;
  if (!model) return { ...rules, agency: agencyFrom(rules.authority, rules.field) };
  // A text the rules take for no petition still gets the model's level and field: staff who
  // overturn that verdict should find the best guess already there.
  const features = featuresOf(text, hintsOf({ ...rules, detail }, taxonomy));
  const field = chooseField(model.field, features, detail.fieldScores, rules.field);
  const fieldWhy = field.byModel ? quoteAll(field.top) || 'không có từ nổi bật' : 'từ khóa của quy tắc';
  // Where the rules are sure of the level the model is not asked.
  const level = rules.confidence >= RULES_SURE ? null : predictHead(model.level, features);
  const authority = level ? level.label : rules.authority;
  const confidence =
    level && rules.isPetition ? Math.round(Math.min(0.95, level.probability) * 100) / 100 : rules.confidence;
  const levelWhy = level
    ? `mô hình (${Math.round(level.probability * 100)}%) ← ${quoteAll(level.top) || 'không có từ nổi bật'}`
    : `quy tắc chắc chắn (${rules.confidence})`;
  const reason =
    `Mô hình: ${levelLabel(taxonomy, authority)} ← ${levelWhy}. ` +
    `Lĩnh vực ${fieldLabel(taxonomy, field.label)} ← ${fieldWhy}. ${rules.reason}`;
  return { ...rules, authority, field: field.label, confidence, agency: agencyFrom(authority, field.label), reason };
}
