// Petitions for other tools, as JSON lines or CSV: each with its latest classification and
// status. Voters' names, wards and phones only with withPersonalData, and never for a
// petition sent anonymously or by a voter who did not agree. Every export is logged (an
// AuditLog row and a log line), because it takes political opinions out of the system.
import type { Writable } from 'node:stream';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const PAGE = 500;

export interface ExportOptions {
  format: ExportFormat;
  withPersonalData: boolean;
  from?: Date;
  to?: Date;
  /** Only these petitions (a selection in the workspace). */
  trackingCodes?: string[];
  actor: string;
  /** Where the file went, for the log (a path or "stdout"). */
  destination: string;
}

const BASE_COLUMNS = [
  'trackingCode',
  'receivedAt',
  'meetingCode',
  'channel',
  'anonymous',
  'text',
  'summary',
  'authority',
  'field',
  'agency',
  'taxonomy',
  'classifier',
  'confidence',
  'classifiedAt',
  'needsReview',
  'status',
  'statusChangedAt',
  'groupId',
  'groupTitle',
  'forwardedTo',
  'forwardedAt',
  'answerRef',
  'answerText',
  'answeredAt',
  'resolvedAt',
] as const;
const PERSONAL_COLUMNS = ['voterName', 'voterWard', 'voterPhone'] as const;

type Row = Record<string, string | number | boolean | null>;

/**
 * A voter's text that starts like a formula ("=HYPERLINK(...)", "+84...", "-", "@") is kept
 * as text for spreadsheets by a leading apostrophe, so opening an export never runs it.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function* rows(db: Db, options: ExportOptions, viewed: Set<number>): AsyncGenerator<Row> {
  let after = 0;
  const received = options.from || options.to ? { gte: options.from, lt: options.to } : undefined;
  for (;;) {
    const page = await db.petition.findMany({
      where: {
        id: { gt: after },
        receivedAt: received,
        trackingCode: options.trackingCodes && { in: options.trackingCodes },
      },
      orderBy: { id: 'asc' },
      take: PAGE,
      include: {
        meeting: { select: { code: true } },
        group: { select: { title: true } },
        voter: { select: { name: true, ward: true, phone: true, consent: true } },
        classifications: { orderBy: { id: 'desc' }, take: 1 },
        events: { orderBy: { id: 'desc' }, take: 1, select: { createdAt: true } },
      },
    });
    if (page.length === 0) return;
    for (const p of page) {
      const latest = p.classifications[0];
      const row: Row = {
        trackingCode: p.trackingCode,
        receivedAt: p.receivedAt.toISOString(),
        meetingCode: p.meeting?.code ?? null,
        channel: p.channel,
        anonymous: p.anonymous,
        text: p.text,
        summary: p.summary,
        authority: p.authority,
        field: p.field,
        agency: p.agency,
        taxonomy: latest?.taxonomy ?? null,
        classifier: latest?.classifier ?? null,
        confidence: latest?.confidence ?? null,
        classifiedAt: latest?.createdAt.toISOString() ?? null,
        needsReview: p.needsReview,
        status: p.status,
        statusChangedAt: p.events[0]?.createdAt.toISOString() ?? null,
        groupId: p.groupId,
        groupTitle: p.group?.title ?? null,
        forwardedTo: p.forwardedTo,
        forwardedAt: p.forwardedAt?.toISOString() ?? null,
        answerRef: p.answerRef,
        answerText: p.answerText,
        answeredAt: p.answeredAt?.toISOString() ?? null,
        resolvedAt: p.resolvedAt?.toISOString() ?? null,
      };
      if (options.withPersonalData) {
        const shareable = !p.anonymous && p.voter?.consent === 'agreed';
        row.voterName = shareable ? (p.voter?.name ?? null) : null;
        row.voterWard = shareable ? (p.voter?.ward ?? null) : null;
        row.voterPhone = shareable ? (p.voter?.phone ?? null) : null;
        if (shareable && p.voterId !== null) viewed.add(p.voterId);
      }
      yield row;
    }
    after = page.at(-1)!.id;
  }
}

function write(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(chunk, (error) => (error ? reject(error) : undefined))) resolve();
    else out.once('drain', resolve);
  });
}

/** Writes the export and logs it; returns how many petitions it holds. */
export async function exportPetitions(db: Db, out: Writable, options: ExportOptions, log: Logger): Promise<number> {
  const columns: string[] = [...BASE_COLUMNS, ...(options.withPersonalData ? PERSONAL_COLUMNS : [])];
  // A BOM lets Excel open the CSV as UTF-8 (Vietnamese letters intact).
  if (options.format === 'csv') await write(out, `\uFEFF${columns.join(',')}\r\n`);
  let count = 0;
  const viewed = new Set<number>();
  for await (const row of rows(db, options, viewed)) {
    const line =
      options.format === 'csv'
        ? `${columns.map((c) => csvCell(row[c] ?? null)).join(',')}\r\n`
        : `${JSON.stringify(row)}\n`;
    await write(out, line);
    count++;
  }
  const record = {
    format: options.format,
    withPersonalData: options.withPersonalData,
    count,
    destination: options.destination,
    from: options.from?.toISOString() ?? null,
    to: options.to?.toISOString() ?? null,
  };
  await db.auditLog.create({
    data: { actor: options.actor, action: 'export', entity: 'Petition', after: JSON.stringify(record) },
  });
  // Law 91/2025: each voter record whose personal data left in the export is named in the audit log.
  await db.auditLog.createMany({
    data: [...viewed].map((id) => ({
      actor: options.actor,
      action: 'voter.data_view',
      entity: 'Voter',
      entityId: String(id),
    })),
  });
  log.info({ ...record, actor: options.actor }, 'petitions exported');
  return count;
}
