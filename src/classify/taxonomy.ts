// Taxonomies are data (src/classify/taxonomies/*.json), not code: the labels and
// definitions feed the LLM prompt, the cue lists feed the offline rules, and an office
// can adjust either without touching TypeScript.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export type TaxonomyName = 'current' | 'legacy';
/** The four levels the offline cues are written in (the legacy taxonomy's own levels). */
export const RULE_LEVELS = ['central', 'city', 'district', 'commune'] as const;
export type RuleLevel = (typeof RULE_LEVELS)[number];

const levelSchema = z.object({
  id: z.string().regex(/^[a-z_]+$/),
  label: z.string().min(1),
  definition: z.string().min(1),
  defaultAgency: z.string().min(1),
});

const keywordSchema = z.object({ pattern: z.string().min(1), weight: z.number().positive().default(1) });

const fieldSchema = z.object({
  id: z.string().regex(/^[a-z_]+$/),
  label: z.string().min(1),
  definition: z.string().min(1),
  centralAgency: z.string().min(1),
  cityAgency: z.string().min(1),
  keywords: z.array(keywordSchema),
});

const taxonomyFileSchema = z.object({
  name: z.enum(['current', 'legacy']),
  label: z.string(),
  levels: z.array(levelSchema).min(2),
  ruleLevels: z.record(z.enum(RULE_LEVELS), z.string()),
});

const cueSchema = z.object({
  p: z.string().min(1),
  vi: z.string().min(1).optional(),
  w: z.number(),
  kind: z.enum(['addressee', 'topic', 'place']),
});

const cuesFileSchema = z.object({
  priors: z.record(z.enum(RULE_LEVELS), z.number()),
  levels: z.record(z.enum(RULE_LEVELS), z.array(cueSchema)),
  context: z.object({ cues: z.array(z.object({ p: z.string(), level: z.enum(RULE_LEVELS), w: z.number() })) }),
  nonPetition: z.object({ p: z.string() }),
});

export type TaxonomyLevel = z.infer<typeof levelSchema>;
export type TaxonomyField = z.infer<typeof fieldSchema>;
export type AuthorityCue = z.infer<typeof cueSchema>;
export type CueSet = z.infer<typeof cuesFileSchema>;

export interface Taxonomy {
  name: TaxonomyName;
  label: string;
  levels: TaxonomyLevel[];
  fields: TaxonomyField[];
  /** Where each of the four rule levels lands in this taxonomy (current: district -> commune). */
  ruleLevels: Record<RuleLevel, string>;
  cues: CueSet;
  levelIds: string[];
  fieldIds: string[];
}

const DATA_DIR = new URL('./taxonomies/', import.meta.url);
const cache = new Map<string, Taxonomy>();

function readJson(dir: URL, file: string): unknown {
  return JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
}

/** Loads and checks a taxonomy (levels, fields, offline cues); `dir` overrides the data folder. */
export function loadTaxonomy(name: TaxonomyName, dir: URL = DATA_DIR): Taxonomy {
  const key = `${dir.href}|${name}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const file = taxonomyFileSchema.parse(readJson(dir, `${name}.json`));
  const { fields } = z.object({ fields: z.array(fieldSchema).min(1) }).parse(readJson(dir, 'fields.json'));
  const cues = cuesFileSchema.parse(readJson(dir, 'cues.json'));
  const levelIds = file.levels.map((level) => level.id);
  for (const target of Object.values(file.ruleLevels)) {
    if (!levelIds.includes(target)) throw new Error(`taxonomy ${name}: ruleLevels names unknown level ${target}`);
  }
  if (!fields.some((field) => field.id === 'other')) throw new Error('fields.json must define the field "other"');
  const taxonomy: Taxonomy = {
    name,
    label: file.label,
    levels: file.levels,
    fields,
    ruleLevels: file.ruleLevels as Record<RuleLevel, string>,
    cues,
    levelIds,
    fieldIds: fields.map((field) => field.id),
  };
  cache.set(key, taxonomy);
  return taxonomy;
}

export function levelLabel(taxonomy: Taxonomy, id: string): string {
  return taxonomy.levels.find((level) => level.id === id)?.label ?? id;
}

export function fieldLabel(taxonomy: Taxonomy, id: string): string {
  return taxonomy.fields.find((field) => field.id === id)?.label ?? id;
}
