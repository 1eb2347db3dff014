// What the page of one petition shows, read once per request: the petition with its
// meeting, voter, files and histories, and the audit entries about it. Who is looking
// decides what is in it: deputies get the petitions of their scope only, texts redacted
// of personal data and no one's identity; an anonymous sender is never in it for anyone.
import { redactPersonalData } from '../classify/pii.ts';
import type { Db, Tx } from '../db/client.ts';
import type {
  AuditLog,
  Attachment,
  Classification,
  Meeting,
  Petition,
  PetitionEvent,
} from '../generated/prisma/client.ts';
import { normalizeTrackingCode } from '../intake/petitions.ts';
import { audit } from '../staff/access.ts';
import { deputyScope } from '../staff/scope.ts';
import type { WebUser } from './types.ts';

/** The route of a petition's page: tracking codes only, so other /petitions/… pages are not taken. */
export const PETITION_ROUTE = '/petitions/:code{[Kk][Nn]-[0-9]+-[0-9]+}';

/** How a petition page is rendered after an action that failed (the page stays, with the error). */
export interface ShowOptions {
  error?: string;
  status?: 200 | 404 | 422;
}

/** Who sent the petition, as far as the viewer may know. */
export type Sender =
  | { kind: 'anonymous' }
  | { kind: 'hidden' }
  | { kind: 'unknown' }
  | { kind: 'voter'; name: string | null; ward: string | null; phone: string | null }
  | { kind: 'speaker'; name: string | null; area: string | null };

export interface PetitionView {
  petition: Petition;
  meeting: Meeting | null;
  /** The text to show: exactly as sent for staff, the redacted copy for deputies. */
  text: string;
  /** The normalised copy, only where it differs from the text shown. */
  normalized: string | null;
  /** Redacted for deputies, as sent for staff. */
  redact: (text: string | null) => string | null;
  sender: Sender;
  duplicateOf: string | null;
  attachments: Attachment[];
  classifications: Classification[];
  events: PetitionEvent[];
  /** Empty for deputies: the audit log is the office's. */
  audit: AuditLog[];
  /** Deputies read only. */
  canAct: boolean;
}

/** A petition as `user` may see it, or null when it is unknown or outside a deputy's scope. */
export async function loadPetitionView(db: Db | Tx, user: WebUser, rawCode: string): Promise<PetitionView | null> {
  const code = normalizeTrackingCode(rawCode);
  const petition = await db.petition.findUnique({
    where: { trackingCode: code },
    include: {
      meeting: true,
      voter: true,
      attachments: { orderBy: { id: 'asc' } },
      classifications: { orderBy: { id: 'asc' } },
      events: { orderBy: { id: 'asc' } },
    },
  });
  if (!petition) return null;
  const deputy = user.role === 'deputy';
  if (deputy && !(await inDeputyScope(db, user, petition.meetingId))) return null;
  const { meeting, voter, attachments, classifications, events, ...row } = petition;
  const names = [voter?.name ?? '', ...(row.speaker?.split(';') ?? [])].map((n) => n.trim()).filter(Boolean);
  const redact = (text: string | null) => (text && deputy ? redactPersonalData(text, { names }) : text);
  const text = deputy ? redact(row.textNormalized)! : row.text;
  const duplicate = row.duplicateOfId
    ? await db.petition.findUnique({ where: { id: row.duplicateOfId }, select: { trackingCode: true } })
    : null;
  const sender = senderOf(row, voter, deputy);
  // Law 91/2025: a view of a voter's personal data is in the audit log (who, when, which record).
  if (sender.kind === 'voter' && voter) {
    await audit(db, { actor: user.actor, action: 'voter.data_view', entity: 'Voter', entityId: voter.id });
  }
  return {
    petition: row,
    meeting,
    text,
    normalized: !deputy && row.textNormalized !== row.text ? row.textNormalized : null,
    redact,
    sender,
    duplicateOf: duplicate?.trackingCode ?? null,
    attachments,
    classifications: deputy ? classifications.map((c) => ({ ...c, createdBy: null })) : classifications,
    events: deputy ? events.map((e) => ({ ...e, note: redact(e.note), actor: null })) : events,
    audit: deputy
      ? []
      : await db.auditLog.findMany({ where: { entity: 'Petition', entityId: code }, orderBy: { id: 'asc' } }),
    canAct: !deputy,
  };
}

/** Whether the petition's meeting is one of the deputy's (a petition without a meeting is not). */
export async function inDeputyScope(db: Db | Tx, user: WebUser, meetingId: number | null): Promise<boolean> {
  if (meetingId === null) return false;
  return (await deputyScope(db, user.deputyId)).meetingIds.includes(meetingId);
}

function senderOf(
  petition: Pick<Petition, 'anonymous' | 'speaker' | 'speakerArea' | 'legalBasis'>,
  voter: { name: string | null; ward: string | null; phone: string | null; consent: string } | null,
  deputy: boolean,
): Sender {
  if (petition.anonymous) return { kind: 'anonymous' };
  if (deputy) return { kind: 'hidden' };
  if (voter) {
    return voter.consent === 'agreed'
      ? { kind: 'voter', name: voter.name, ward: voter.ward, phone: voter.phone }
      : { kind: 'unknown' };
  }
  if (petition.speaker || petition.speakerArea) {
    return { kind: 'speaker', name: petition.speaker, area: petition.speakerArea };
  }
  return { kind: 'unknown' };
}
