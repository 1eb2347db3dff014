// Authority and field labels come from the classifier's taxonomy data files. They are read
// here as data (only `id` and `label`), so a change in src/classify's code cannot break
// digests and reports; a missing or malformed file degrades to the raw ids.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const TAXONOMY_DIR = new URL('../classify/taxonomies/', import.meta.url);
const entry = z.object({ id: z.string(), label: z.string() });
const levelsFile = z.object({ levels: z.array(entry) });
const fieldsFile = z.object({ fields: z.array(entry) });

export interface Labels {
  /** Level ids in the taxonomy's order (central first). */
  levelIds: string[];
  fieldIds: string[];
  level(id: string | null | undefined): string;
  field(id: string | null | undefined): string;
}

export const UNCLASSIFIED = 'Chưa phân loại';

function readEntries<T extends z.ZodType>(file: string, schema: T): z.infer<T> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(new URL(file, TAXONOMY_DIR), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const cache = new Map<string, Labels>();

export function loadLabels(taxonomy: string): Labels {
  const cached = cache.get(taxonomy);
  if (cached) return cached;
  const levels = readEntries(`${taxonomy}.json`, levelsFile)?.levels ?? [];
  const fields = readEntries('fields.json', fieldsFile)?.fields ?? [];
  const levelMap = new Map(levels.map((l) => [l.id, l.label]));
  const fieldMap = new Map(fields.map((f) => [f.id, f.label]));
  const labels: Labels = {
    levelIds: levels.map((l) => l.id),
    fieldIds: fields.map((f) => f.id),
    level: (id) => (id ? (levelMap.get(id) ?? id) : UNCLASSIFIED),
    field: (id) => (id ? (fieldMap.get(id) ?? id) : UNCLASSIFIED),
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
