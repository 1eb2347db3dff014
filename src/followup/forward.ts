// Forwarding: the petitions to send one agency (a period, a meeting, a level), the letter
// that lists them ("công văn chuyển kiến nghị của cử tri") and, on request, recording them
// as forwarded in one transaction with their history events and audit entries.
import { AlignmentType } from 'docx';
import { taxonomyLabels } from '../classify/labels.ts';
import { redactPersonalData } from '../classify/pii.ts';
import type { Config } from '../config/index.ts';
import { zonedTime, type Ymd } from '../core/dates.ts';
import { forwardText } from '../core/messages-staff.ts';
import { answerKey } from '../core/text.ts';
import { formatDate } from '../core/time.ts';
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { normalizeCode } from '../meetings/service.ts';
import { changeStatus } from '../staff/review.ts';
import { answerDueDate } from './deadlines.ts';
import { officialDocx, para, table } from './document.ts';
import { transaction } from '../db/sql.ts';

/** Statuses a petition can be forwarded from: classified, reviewed by staff. */
export const FORWARDABLE = ['classified', 'reviewed'];

export interface ForwardCriteria {
  agency: string;
  from?: Ymd;
  /** Inclusive. */
  to?: Ymd;
  meetingCode?: string;
  level?: string;
  /** Every petition of the period, meeting or level, whatever agency it was classified to. */
  anyAgency?: boolean;
}

/** A petition as the letter lists it: no voter identity, personal data redacted from the text. */
export interface ForwardItem {
  id: number;
  trackingCode: string;
  text: string;
  meeting: string | null;
  authority: string | null;
  field: string | null;
}

/** The forwardable petitions that match, oldest first. */
export async function selectForForwarding(db: Db, criteria: ForwardCriteria, timeZone: string): Promise<ForwardItem[]> {
  const where: Prisma.PetitionWhereInput = { status: { in: FORWARDABLE } };
  if (criteria.from || criteria.to) {
    where.receivedAt = {
      ...(criteria.from ? { gte: zonedTime(criteria.from, timeZone) } : {}),
      ...(criteria.to ? { lt: zonedTime({ ...criteria.to, day: criteria.to.day + 1 }, timeZone) } : {}),
    };
  }
  if (criteria.meetingCode) where.meeting = { code: normalizeCode(criteria.meetingCode) };
  if (criteria.level) where.authority = criteria.level;
  const rows = await db.petition.findMany({ where, include: { meeting: true }, orderBy: { id: 'asc' } });
  const agency = answerKey(criteria.agency);
  return rows
    .filter((p) => criteria.anyAgency || (p.agency !== null && answerKey(p.agency) === agency))
    .map((p) => ({
      id: p.id,
      trackingCode: p.trackingCode,
      text: redactPersonalData(p.textNormalized),
      meeting: p.meeting
        ? `${p.meeting.code} — ${p.meeting.title} (${formatDate(p.meeting.startsAt, timeZone)})`
        : null,
      authority: p.authority,
      field: p.field,
    }));
}

export interface LetterOptions {
  agency: string;
  number?: string;
  date: Date;
  due: Date;
}

/** The forwarding letter as a Word document. */
export async function buildForwardingLetter(config: Config, items: ForwardItem[], options: LetterOptions) {
  const labels = taxonomyLabels(config.TAXONOMY);
  const due = formatDate(options.due, config.TZ);
  const rows = items.map((item, i) => [
    String(i + 1),
    item.trackingCode,
    item.meeting ?? forwardText.noMeeting(),
    `${item.text}\n(${labels.level(item.authority)}; ${labels.field(item.field)})`,
  ]);
  return officialDocx(config, {
    number: options.number ?? '',
    subject: forwardText.subject(),
    date: options.date,
    recipients: [options.agency],
    body: [
      para(forwardText.to(options.agency), { align: AlignmentType.CENTER }),
      para(forwardText.intro(config.OFFICE_NAME, options.agency, items.length)),
      para(forwardText.askAnswer(due)),
      table(forwardText.columns(), rows, [7, 18, 25, 50]),
      para(forwardText.closing()),
    ],
  });
}

export interface RecordOptions extends LetterOptions {
  actor: string;
}

/**
 * Marks the petitions forwarded (agency, date, letter number, due date) in one transaction,
 * each with its history event and audit entry; a petition another hand moved on meanwhile
 * is left as it is. Returns the tracking codes recorded.
 */
export async function recordForwarding(
  db: Db,
  config: Config,
  items: ForwardItem[],
  options: RecordOptions,
): Promise<string[]> {
  return transaction(
    db,
    async (tx) => {
      const recorded: string[] = [];
      for (const item of items) {
        const petition = await tx.petition.findUnique({ where: { id: item.id } });
        if (!petition || !FORWARDABLE.includes(petition.status)) continue;
        const data = {
          forwardedTo: options.agency,
          forwardedAt: options.date,
          forwardRef: options.number ?? null,
          answerDueAt: answerDueDate(options.date, config, options.due),
          reopenedAt: null,
        };
        const note = options.number ? forwardText.eventNote(options.agency, options.number) : options.agency;
        const change = { kind: 'forwarded' as const, data, note, actor: options.actor, now: options.date };
        await changeStatus(tx, petition, { ...change, timeZone: config.TZ });
        recorded.push(petition.trackingCode);
      }
      return recorded;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}
