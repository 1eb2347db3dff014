// Bulk actions on a selection of petitions (the workspace table): set the level or the field,
// forward to an agency, mark as duplicates of one petition. Each petition goes through the
// services a chat command uses (recordCorrection, changeStatus), so each gets its history
// and audit entry; the whole selection commits in one transaction or not at all.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { transaction } from '../db/sql.ts';
import type { Petition } from '../generated/prisma/client.ts';
import { recordCorrection } from '../classify/corrections.ts';
import { loadTaxonomy } from '../classify/taxonomy.ts';
import { answerDueDate } from '../followup/deadlines.ts';
import { normalizeTrackingCode, TRACKING_CODE } from '../intake/petitions.ts';
import { audit } from '../staff/access.ts';
import { changeStatus } from '../staff/review.ts';

/** The most petitions one bulk action takes (a page of the table at its largest). */
export const MAX_SELECTION = 200;

export type BulkAction =
  | { kind: 'level'; level: string }
  | { kind: 'field'; field: string }
  | { kind: 'forward'; agency: string; forwardedAt: Date }
  | { kind: 'duplicate'; of: string };

export interface BulkResult {
  changed: string[];
  /** Petitions left as they were, with why (in Vietnamese). */
  skipped: { code: string; reason: string }[];
}

/** A selection or an action that cannot be carried out; nothing was changed. */
export class BulkError extends Error {
  override name = 'BulkError';
}

/** The tracking codes of a selection, each once, well-formed only. */
export function selectionOf(values: string[]): string[] {
  const codes = values.map(normalizeTrackingCode).filter((code) => TRACKING_CODE.test(code));
  return [...new Set(codes)];
}

/** Carries out one action on the selected petitions, as `actor`. */
export async function runBulkAction(
  db: Db,
  config: Pick<Config, 'TAXONOMY' | 'TZ' | 'ANSWER_DUE_DAYS'>,
  codes: string[],
  action: BulkAction,
  actor: string,
  now: Date,
): Promise<BulkResult> {
  if (codes.length === 0) throw new BulkError('Chưa chọn kiến nghị nào.');
  if (codes.length > MAX_SELECTION) throw new BulkError(`Mỗi lần chọn tối đa ${MAX_SELECTION} kiến nghị.`);
  const taxonomy = loadTaxonomy(config.TAXONOMY);
  if (action.kind === 'level' && !taxonomy.levelIds.includes(action.level)) throw new BulkError('Chưa chọn cấp.');
  if (action.kind === 'field' && !taxonomy.fieldIds.includes(action.field)) {
    throw new BulkError('Chưa chọn lĩnh vực.');
  }
  if (action.kind === 'forward' && !action.agency.trim()) throw new BulkError('Chưa nhập cơ quan nhận.');
  return transaction(
    db,
    async (tx) => {
      const petitions = await tx.petition.findMany({ where: { trackingCode: { in: codes } }, orderBy: { id: 'asc' } });
      const result: BulkResult = { changed: [], skipped: [] };
      for (const code of codes) {
        if (!petitions.some((p) => p.trackingCode === code)) result.skipped.push({ code, reason: 'không tìm thấy' });
      }
      const original = action.kind === 'duplicate' ? await duplicateTarget(tx, action.of) : null;
      const context = { tx, config, actor, now, levelIds: taxonomy.levelIds, original };
      for (const petition of petitions) {
        const skipped = await applyOne(context, petition, action);
        if (skipped) result.skipped.push({ code: petition.trackingCode, reason: skipped });
        else result.changed.push(petition.trackingCode);
      }
      return result;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

async function duplicateTarget(tx: Tx, typed: string): Promise<Petition> {
  const code = normalizeTrackingCode(typed);
  const original = TRACKING_CODE.test(code) ? await tx.petition.findUnique({ where: { trackingCode: code } }) : null;
  if (!original) throw new BulkError(`Không tìm thấy kiến nghị gốc "${typed}".`);
  return original;
}

interface Context {
  tx: Tx;
  config: Pick<Config, 'TAXONOMY' | 'TZ' | 'ANSWER_DUE_DAYS'>;
  actor: string;
  now: Date;
  levelIds: string[];
  original: Petition | null;
}

/** Applies the action to one petition; returns why it was left alone, if it was. */
async function applyOne(ctx: Context, petition: Petition, action: BulkAction): Promise<string | null> {
  const { tx, actor, now } = ctx;
  const timeZone = ctx.config.TZ;
  switch (action.kind) {
    case 'level':
      if (petition.authority === action.level) return 'đã ở cấp này';
      return correct(ctx, petition, action.level, petition.field ?? 'other');
    case 'field':
      if (petition.field === action.field) return 'đã thuộc lĩnh vực này';
      if (!petition.authority || !ctx.levelIds.includes(petition.authority)) return 'chưa có cấp';
      return correct(ctx, petition, petition.authority, action.field);
    case 'forward': {
      const agency = action.agency.trim().slice(0, 200);
      const data = {
        forwardedTo: agency,
        forwardedAt: action.forwardedAt,
        answerDueAt: answerDueDate(action.forwardedAt, ctx.config),
      };
      await changeStatus(tx, petition, { kind: 'forwarded', data, note: agency, actor, now, timeZone });
      return null;
    }
    case 'duplicate': {
      const original = ctx.original!;
      if (original.id === petition.id) return 'là kiến nghị gốc';
      const data = { duplicateOfId: original.id, groupId: original.groupId ?? petition.groupId };
      const note = `trùng với ${original.trackingCode}`;
      await changeStatus(tx, petition, { kind: 'duplicate', data, note, actor, now, timeZone });
      return null;
    }
  }
}

/** A staff classification, kept in the history with its author, and its audit entry. */
async function correct(ctx: Context, petition: Petition, authority: string, field: string): Promise<null> {
  await recordCorrection(ctx.tx, petition.id, { authority, field, agency: petition.agency }, ctx.actor, {
    taxonomy: ctx.config.TAXONOMY,
    reason: 'cán bộ sửa phân loại nhiều kiến nghị cùng lúc',
  });
  await audit(ctx.tx, {
    actor: ctx.actor,
    action: 'petition.correct',
    entity: 'Petition',
    entityId: petition.trackingCode,
    before: { authority: petition.authority, field: petition.field },
    after: { authority, field },
  });
  return null;
}
