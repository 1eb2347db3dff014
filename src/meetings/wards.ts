// The wards and communes the office knows: the `WARDS` setting and the wards of its
// meetings. A voter's ward is matched against them; what matches nothing is kept as the
// voter typed it (personal data) but never copied onto a petition, never sent to a model
// and never matched by a statistics filter.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { foldDiacritics, normalizeText } from '../core/text.ts';

/** "Phường Cầu Giấy", "P. Cau Giay" and "cau giay" compare equal. */
export function wardKey(text: string): string {
  return foldDiacritics(normalizeText(text))
    .replace(/^(phuong|xa|thi tran|dac khu|p\.|x\.|tt\.)\s*/, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The office's wards, each once, as first written (settings first, then meetings). One query. */
export async function knownWards(db: Db | Tx, config: Pick<Config, 'WARDS'>): Promise<string[]> {
  const rows = await db.meeting.findMany({
    where: { ward: { not: null } },
    select: { ward: true },
    distinct: ['ward'],
  });
  return mergeWards(config.WARDS, rows.map((row) => row.ward!).filter(Boolean));
}

/** The known ward a typed answer names exactly (up to diacritics, case and the "phường/xã" prefix), or null. */
export function matchWard(typed: string, wards: string[]): string | null {
  const key = wardKey(typed);
  if (!key) return null;
  return wards.find((ward) => wardKey(ward) === key) ?? null;
}

function mergeWards(...lists: string[][]): string[] {
  const seen = new Map<string, string>();
  for (const ward of lists.flat()) {
    const key = wardKey(ward);
    if (key && !seen.has(key)) seen.set(key, ward);
  }
  return [...seen.values()];
}
