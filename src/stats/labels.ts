// Vietnamese labels of authority levels, fields and statuses, and matching of what staff
// type ("moi truong", "Trung ương", "environment") to their ids. The taxonomy data of
// src/classify is read as data; a missing or changed file degrades to the raw ids.
import { readFileSync } from 'node:fs';
import { STATUS_LABELS } from '../core/messages.ts';
import { foldDiacritics } from '../core/text.ts';

export interface Label {
  id: string;
  label: string;
}

export interface Labels {
  /** Levels of the configured taxonomy first, then legacy-only ones (old data may use them). */
  levels: Label[];
  fields: Label[];
  statuses: Label[];
  level(id: string | null): string;
  field(id: string | null): string;
  status(id: string): string;
}

const TAXONOMY_DIR = new URL('../classify/taxonomies/', import.meta.url);
const cache = new Map<string, Labels>();

function readLabels(file: string, key: 'levels' | 'fields'): Label[] {
  try {
    const data = JSON.parse(readFileSync(new URL(file, TAXONOMY_DIR), 'utf8')) as Record<string, unknown>;
    const items = Array.isArray(data[key]) ? (data[key] as Record<string, unknown>[]) : [];
    return items
      .filter((item) => typeof item.id === 'string')
      .map((item) => ({ id: String(item.id), label: typeof item.label === 'string' ? item.label : String(item.id) }));
  } catch {
    return [];
  }
}

export function taxonomyLabels(taxonomy: string): Labels {
  const cached = cache.get(taxonomy);
  if (cached) return cached;
  const other = taxonomy === 'legacy' ? 'current' : 'legacy';
  const levels = readLabels(`${taxonomy}.json`, 'levels');
  for (const extra of readLabels(`${other}.json`, 'levels')) {
    if (!levels.some((level) => level.id === extra.id)) levels.push(extra);
  }
  const fields = readLabels('fields.json', 'fields');
  const statuses = Object.entries(STATUS_LABELS).map(([id, label]) => ({ id, label }));
  const find = (list: Label[], id: string | null) =>
    id === null ? 'Chưa phân loại' : (list.find((item) => item.id === id)?.label ?? id);
  const labels: Labels = {
    levels,
    fields,
    statuses,
    level: (id) => find(levels, id),
    field: (id) => find(fields, id),
    status: (id) => find(statuses, id),
  };
  cache.set(taxonomy, labels);
  return labels;
}

/** The id whose id or label matches what was typed: exact first, then a unique partial match. */
export function matchLabel(list: Label[], typed: string): string | undefined {
  const key = foldDiacritics(typed).replace(/[^a-z0-9]+/g, ' ').trim();
  if (!key) return undefined;
  const norm = (text: string) => foldDiacritics(text).replace(/[^a-z0-9]+/g, ' ').trim();
  const exact = list.find((item) => norm(item.id) === key || norm(item.label) === key);
  if (exact) return exact.id;
  const partial = list.filter((item) => norm(item.label).includes(key) || norm(item.id).includes(key));
  return partial.length === 1 ? partial[0]!.id : undefined;
}
