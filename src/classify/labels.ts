// Vietnamese labels of authority levels, fields and statuses for everything people read
// (statistics, digests, reports), from the same taxonomy data the classifiers use, and
// matching of what staff type ("moi truong", "Trung ương", "environment") to their ids.
import { STATUS_LABELS } from '../core/messages.ts';
import { foldDiacritics } from '../core/text.ts';
import { loadTaxonomy, type TaxonomyName } from './taxonomy.ts';

export interface Label {
  id: string;
  label: string;
}

export interface Labels {
  /** Levels of the configured taxonomy first (central first), then legacy-only ones: old data may use them. */
  levels: Label[];
  fields: Label[];
  statuses: Label[];
  levelIds: string[];
  fieldIds: string[];
  level(id: string | null | undefined): string;
  field(id: string | null | undefined): string;
  status(id: string): string;
}

export const UNCLASSIFIED = 'Chưa phân loại';

const cache = new Map<string, Labels>();

export function taxonomyLabels(taxonomy: string): Labels {
  const cached = cache.get(taxonomy);
  if (cached) return cached;
  const name: TaxonomyName = taxonomy === 'legacy' ? 'legacy' : 'current';
  const other: TaxonomyName = name === 'legacy' ? 'current' : 'legacy';
  const pick = ({ id, label }: Label) => ({ id, label });
  const levels = loadTaxonomy(name).levels.map(pick);
  for (const extra of loadTaxonomy(other).levels) {
    if (!levels.some((level) => level.id === extra.id)) levels.push(pick(extra));
  }
  const fields = loadTaxonomy(name).fields.map(pick);
  const statuses = Object.entries(STATUS_LABELS).map(([id, label]) => ({ id, label }));
  const find = (list: Label[], id: string | null | undefined) =>
    id ? (list.find((item) => item.id === id)?.label ?? id) : UNCLASSIFIED;
  const labels: Labels = {
    levels,
    fields,
    statuses,
    levelIds: levels.map((level) => level.id),
    fieldIds: fields.map((field) => field.id),
    level: (id) => find(levels, id),
    field: (id) => find(fields, id),
    status: (id) => find(statuses, id),
  };
  cache.set(taxonomy, labels);
  return labels;
}

/** Sort key that keeps the taxonomy's order and puts unknown and unclassified ids last. */
export function orderIn(ids: string[], id: string | null): number {
  if (id === null) return ids.length + 1;
  const index = ids.indexOf(id);
  return index < 0 ? ids.length : index;
}

/** Lowercase words without diacritics or punctuation: how typed text and labels are compared. */
function labelKey(text: string): string {
  return foldDiacritics(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The id whose id or label matches what was typed ("xa", "xã", "xã/phường", "tinh", "quan"): the whole
 * id or label first, then one of the label's "/"-separated names, then a unique partial match. Names
 * come before partial matches because a short one is part of another level's: "xã" of "thị xã".
 */
export function matchLabel(list: Label[], typed: string): string | undefined {
  const key = labelKey(typed);
  if (!key) return undefined;
  const exact = list.find((item) => labelKey(item.id) === key || labelKey(item.label) === key);
  if (exact) return exact.id;
  const named = list.filter((item) => item.label.split('/').some((name) => labelKey(name) === key));
  if (named.length === 1) return named[0]!.id;
  const partial = list.filter((item) => labelKey(item.label).includes(key) || labelKey(item.id).includes(key));
  return partial.length === 1 ? partial[0]!.id : undefined;
}
