// The competent body for a level and field, from a data table of bodies as they stand
// after the 2025 reorganisation (src/classify/taxonomies/agencies.json).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { foldDiacritics } from '../core/text.ts';

const tableSchema = z.object({
  ministries: z.array(z.string().min(1)),
  renamed: z.record(z.string(), z.string()),
  byField: z.record(z.string(), z.record(z.enum(['central', 'city', 'district', 'commune']), z.string())),
});
export type AgencyTable = z.infer<typeof tableSchema>;

let table: AgencyTable | undefined;

/** The agency table, read and checked once. */
export function agencyTable(): AgencyTable {
  table ??= tableSchema.parse(JSON.parse(readFileSync(new URL('./taxonomies/agencies.json', import.meta.url), 'utf8')));
  return table;
}

/** The body a petition's level and field point to; unknown fields fall back to "other". */
export function agencyFor(level: string, field: string): string | null {
  const { byField } = agencyTable();
  const row = byField[field] ?? byField.other;
  return row?.[level as keyof typeof row] ?? null;
}

const foldName = (text: string) => foldDiacritics(text).replace(/[–-]/g, ' ').replace(/\s+/g, ' ');

let centralNames: (readonly [folded: string, current: string])[] | undefined;

/** Central bodies' current and former names, folded once, longest first: [folded name, the body as it now stands]. */
function centralBodyNames(): (readonly [string, string])[] {
  const { ministries, renamed } = agencyTable();
  centralNames ??= [...ministries.map((m) => [m, m] as const), ...Object.entries(renamed)]
    .filter(([name]) => name.startsWith('Bộ') || name.startsWith('Ngân') || name.startsWith('Ủy'))
    .sort((a, b) => b[0].length - a[0].length)
    .map(([name, current]) => [foldName(name), current] as const);
  return centralNames;
}

/** A body named in the text by its current or former name, given as it now stands. */
export function namedCentralBody(text: string): string | null {
  const folded = foldName(text);
  const hit = centralBodyNames().find(([name]) => folded.includes(name));
  return hit ? hit[1] : null;
}
