// Staff corrections are kept as classification history (classifier `staff`) and become
// labelled data for measuring the classifiers.
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { transaction } from '../db/sql.ts';
import { redactPersonalData } from './pii.ts';
import { loadTaxonomy, type TaxonomyName } from './taxonomy.ts';

export interface Correction {
  authority: string;
  field: string;
  agency?: string | null;
  /** False when staff find the text is not a petition (default true). */
  isPetition?: boolean;
}

export class CorrectionError extends Error {
  override name = 'CorrectionError';
}

/**
 * Records a staff member's classification of a petition and copies it onto the petition.
 * The taxonomy defaults to the one of the petition's latest classification.
 */
export async function recordCorrection(
  db: Db | Tx,
  petitionId: number,
  correction: Correction,
  actor: string,
  options: { taxonomy?: TaxonomyName; reason?: string } = {},
): Promise<void> {
  const petition = await db.petition.findUnique({
    where: { id: petitionId },
    include: { classifications: { orderBy: { id: 'desc' }, take: 1, select: { taxonomy: true } } },
  });
  if (!petition) throw new CorrectionError(`Không tìm thấy kiến nghị #${petitionId}`);
  const name = z
    .enum(['current', 'legacy'])
    .catch('current')
    .parse(options.taxonomy ?? petition.classifications[0]?.taxonomy);
  const taxonomy = loadTaxonomy(name);
  if (!taxonomy.levelIds.includes(correction.authority)) {
    throw new CorrectionError(`Cấp không hợp lệ: ${correction.authority} (chọn: ${taxonomy.levelIds.join(', ')})`);
  }
  if (!taxonomy.fieldIds.includes(correction.field)) {
    throw new CorrectionError(`Lĩnh vực không hợp lệ: ${correction.field}`);
  }
  const agency = correction.agency?.trim() || null;
  const write = async (tx: Tx) => {
    await tx.classification.create({
      data: {
        petitionId,
        taxonomy: name,
        authority: correction.authority,
        field: correction.field,
        agency,
        summary: petition.summary,
        confidence: 1,
        isPetition: correction.isPetition ?? true,
        reason: options.reason ?? `Cán bộ ${actor} điều chỉnh`,
        classifier: 'staff',
        createdBy: actor,
      },
    });
    await tx.petition.update({
      where: { id: petitionId },
      data: { authority: correction.authority, field: correction.field, agency, needsReview: false },
    });
  };
  // Inside a chat turn the caller's transaction is used; otherwise one is opened here.
  if ('$transaction' in db) await transaction(db, write);
  else await write(db);
}

/**
 * Labelled data from staff corrections: one JSON line {text, authority, field} per
 * petition, from its latest staff classification. Names and numbers are removed, so the
 * file can be shared as an evaluation set.
 */
export async function exportLabelled(db: Db): Promise<string[]> {
  const rows = await db.classification.findMany({
    where: { classifier: 'staff' },
    orderBy: { id: 'desc' },
    include: { petition: { select: { textNormalized: true, voter: { select: { name: true } } } } },
  });
  const seen = new Set<number>();
  const lines: string[] = [];
  for (const row of rows) {
    if (seen.has(row.petitionId)) continue;
    seen.add(row.petitionId);
    const names = row.petition.voter?.name ? [row.petition.voter.name] : [];
    const text = redactPersonalData(row.petition.textNormalized, { names });
    lines.push(JSON.stringify({ text, authority: row.authority, field: row.field }));
  }
  return lines.reverse();
}
