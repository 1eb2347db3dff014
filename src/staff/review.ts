// Review and follow-up: the /duyet queue (confirm or correct level, field, agency), status
// changes with their history, /kn, and the answer notification to the voter, written to
// the outbox in the same transaction as the status change so it is sent exactly once.
import { recordCorrection } from '../classify/index.ts';
import { NOT_PETITION } from '../classify/review.ts';
import type { Command, Turn } from '../core/types.ts';
import { reviewLabels, staffMsg } from '../core/messages-staff.ts';
import { addToOutbox } from '../core/outbox.ts';
import { normalizeText } from '../core/text.ts';
import type { Channel, Choice } from '../core/types.ts';
import type { Tx } from '../db/client.ts';
import type { Petition } from '../generated/prisma/client.ts';
import { answerDueDate } from '../followup/deadlines.ts';
import { normalizeTrackingCode } from '../intake/petitions.ts';
import { describeAttachments } from '../intake/media-state.ts';
import { taxonomyLabels, type Labels } from '../classify/labels.ts';
import { parseDateTime } from '../core/dates.ts';
import type { TaxonomyName } from '../classify/taxonomy.ts';
import { actorOf, audit, can, rolesWith } from './access.ts';

export const REVIEW_STATE = 'staff.review';
const AGENCY_STATE = 'staff.review.agency';
/** Statuses a petition can still be reviewed in (later ones have been acted upon). */
const REVIEWABLE = ['received', 'classified', NOT_PETITION];

/** What staff decide on a petition in review, in chat (/duyet) or in the workspace. */
export interface ReviewDecision {
  petitionId: number;
  authority: string | null;
  field: string | null;
  agency: string | null;
  changed: boolean;
  /** The classifier marked it not a petition: the card asks whether it is one. */
  notPetition: boolean;
}

interface Draft extends ReviewDecision {
  /** Petitions put aside with "Để sau" in this session. */
  skipped: number[];
}

const EDIT_CHOICES: Choice[] = [
  { id: 'rv:level', label: reviewLabels.level },
  { id: 'rv:field', label: reviewLabels.field },
  { id: 'rv:agency', label: reviewLabels.agency },
];
const LEAVE_CHOICES: Choice[] = [
  { id: 'rv:skip', label: reviewLabels.skip },
  { id: 'rv:stop', label: reviewLabels.stop },
];
const NOT_PETITION_CHOICE: Choice = { id: 'rv:notpetition', label: reviewLabels.notPetition };

/** A petition's card: confirm or correct; one the classifier marked not a petition is confirmed back in or left out. */
function cardChoices(draft: Draft): Choice[] {
  const decide = draft.notPetition
    ? [{ id: 'rv:petition', label: reviewLabels.isPetition }, NOT_PETITION_CHOICE]
    : [{ id: 'rv:confirm', label: reviewLabels.confirm }];
  return [...decide, ...EDIT_CHOICES, ...(draft.notPetition ? [] : [NOT_PETITION_CHOICE]), ...LEAVE_CHOICES];
}

function labelsOf(turn: Turn): Labels {
  return taxonomyLabels(turn.config.TAXONOMY);
}

function draftOf(turn: Turn): Draft | undefined {
  return turn.conversation.data.review as Draft | undefined;
}

/** The petitions waiting for review (oldest first), less those put aside: the same queue in chat and on the web. */
export function reviewQueueWhere(skipped: number[]) {
  return { needsReview: true, status: { in: REVIEWABLE }, id: { notIn: skipped } };
}

async function startReview(turn: Turn): Promise<void> {
  turn.conversation.data.review = undefined;
  await showNext(turn, []);
}

async function showNext(turn: Turn, skipped: number[]): Promise<void> {
  const next = await turn.tx.petition.findFirst({ where: reviewQueueWhere(skipped), orderBy: { receivedAt: 'asc' } });
  if (!next) {
    endReview(turn);
    return turn.reply(staffMsg.reviewEmpty());
  }
  const draft: Draft = {
    petitionId: next.id,
    authority: next.authority,
    field: next.field,
    agency: next.agency,
    changed: false,
    notPetition: next.status === NOT_PETITION,
    skipped,
  };
  turn.conversation.data.review = draft;
  turn.conversation.state = REVIEW_STATE;
  await showCard(turn, draft);
}

async function showCard(turn: Turn, draft: Draft): Promise<void> {
  const labels = labelsOf(turn);
  const petition = await turn.tx.petition.findUniqueOrThrow({
    where: { id: draft.petitionId },
    include: { meeting: true, classifications: { orderBy: { id: 'desc' }, take: 1 } },
  });
  const latest = petition.classifications[0];
  const remaining = await turn.tx.petition.count({ where: reviewQueueWhere(draft.skipped) });
  turn.reply({
    text: staffMsg.reviewCard({
      trackingCode: petition.trackingCode,
      text: petition.textNormalized,
      meeting: petition.meeting ? `${petition.meeting.code} ${petition.meeting.title}` : null,
      authority: labels.level(draft.authority),
      field: labels.field(draft.field),
      agency: draft.agency,
      confidence: latest?.confidence ?? null,
      reason: latest?.reason ?? null,
      remaining,
      changed: draft.changed,
      notPetition: draft.notPetition,
    }),
    choices: cardChoices(draft),
  });
}

function endReview(turn: Turn): void {
  delete turn.conversation.data.review;
  turn.conversation.state = 'idle';
}

/** Input while reviewing: the card's choices, a level or field picked, or the agency typed. */
export async function onReviewInput(turn: Turn): Promise<void> {
  const draft = draftOf(turn);
  // A revoked account mid-review loses the queue at once.
  if (!draft || !can(turn.role, 'review')) {
    endReview(turn);
    if (!can(turn.role, 'review')) turn.reply(staffMsg.notAllowed());
    return;
  }
  const { event } = turn;
  if (turn.conversation.state === AGENCY_STATE) {
    if (event.kind === 'text' && normalizeText(event.text)) {
      Object.assign(draft, { agency: normalizeText(event.text).slice(0, 200), changed: true });
      turn.conversation.state = REVIEW_STATE;
      return showCard(turn, draft);
    }
    if (event.kind !== 'choice') return turn.reply(staffMsg.askAgency());
  }
  if (event.kind !== 'choice') {
    return turn.reply({
      text: staffMsg.reviewChooseAgain(),
      choices: turn.conversation.data.choices ?? cardChoices(draft),
    });
  }
  const [kind, value] = event.choiceId.split(':') as [string, string];
  turn.conversation.state = REVIEW_STATE;
  if (kind === 'lvl') return applyDraft(turn, draft, { authority: value });
  if (kind === 'fld') return applyDraft(turn, draft, { field: value });
  switch (value) {
    case 'confirm':
    case 'petition':
      await saveReview(turn, draft);
      return showNext(turn, draft.skipped);
    case 'notpetition':
      await saveNotPetition(turn, draft);
      return showNext(turn, draft.skipped);
    case 'level':
      return turn.reply({ text: staffMsg.chooseLevel(), choices: levelChoices(turn) });
    case 'field':
      return turn.reply({ text: staffMsg.chooseField(), choices: fieldChoices(turn) });
    case 'agency':
      turn.conversation.state = AGENCY_STATE;
      return turn.reply({ text: staffMsg.askAgency(), choices: [{ id: 'rv:back', label: reviewLabels.back }] });
    case 'back':
      return showCard(turn, draft);
    case 'skip':
      return showNext(turn, [...draft.skipped, draft.petitionId]);
    default:
      endReview(turn);
      return turn.reply(staffMsg.reviewStopped());
  }
}

function applyDraft(turn: Turn, draft: Draft, change: Partial<Draft>): Promise<void> {
  Object.assign(draft, change, { changed: true });
  return showCard(turn, draft);
}

/** The levels staff may choose: the configured taxonomy's (no district level since the 2025 reform). */
export function selectableLevels(labels: Labels, taxonomy: TaxonomyName): Labels['levels'] {
  return labels.levels.filter((level) => taxonomy === 'legacy' || level.id !== 'district');
}

function levelChoices(turn: Turn): Choice[] {
  const levels = selectableLevels(labelsOf(turn), turn.config.TAXONOMY);
  return [
    ...levels.map((level) => ({ id: `lvl:${level.id}`, label: level.label })),
    { id: 'rv:back', label: reviewLabels.back },
  ];
}

function fieldChoices(turn: Turn): Choice[] {
  return [
    ...labelsOf(turn).fields.map((field) => ({ id: `fld:${field.id}`, label: field.label })),
    { id: 'rv:back', label: reviewLabels.back },
  ];
}

async function saveReview(turn: Turn, draft: Draft): Promise<void> {
  const code = await recordReview(turn.tx, draft, actorOf(turn), { taxonomy: turn.config.TAXONOMY });
  turn.reply(draft.notPetition ? staffMsg.reviewIsPetition(code) : staffMsg.reviewSaved(code));
}

/**
 * A staff decision is a classification like any other, kept in the history with its author;
 * the petition leaves the queue. Returns its tracking code.
 */
export async function recordReview(
  tx: Tx,
  decision: ReviewDecision,
  actor: string,
  options: { taxonomy: TaxonomyName; reason?: string },
): Promise<string> {
  const before = await tx.petition.findUniqueOrThrow({ where: { id: decision.petitionId } });
  const latest = await tx.classification.findFirst({ where: { petitionId: before.id }, orderBy: { id: 'desc' } });
  const authority = decision.authority ?? latest?.authority ?? 'unknown';
  const field = decision.field ?? latest?.field ?? 'other';
  const { changed, notPetition, agency } = decision;
  const note = notPetition ? 'xác nhận là kiến nghị' : changed ? 'sửa phân loại' : 'xác nhận phân loại';
  await recordCorrection(tx, before.id, { authority, field, agency }, actor, {
    taxonomy: options.taxonomy,
    reason:
      options.reason ??
      (notPetition ? 'cán bộ xác nhận là kiến nghị' : `cán bộ ${changed ? 'sửa' : 'xác nhận'} khi rà soát`),
  });
  const status = REVIEWABLE.includes(before.status) ? 'reviewed' : before.status;
  await tx.petition.update({ where: { id: before.id }, data: { status } });
  await tx.petitionEvent.create({
    data: { petitionId: before.id, fromStatus: before.status, toStatus: status, note, actor },
  });
  await audit(tx, {
    actor,
    action: notPetition ? 'petition.is_petition' : changed ? 'petition.correct' : 'petition.confirm',
    entity: 'Petition',
    entityId: before.trackingCode,
    before: { authority: before.authority, field: before.field, agency: before.agency, status: before.status },
    after: { authority, field, agency, status },
  });
  return before.trackingCode;
}

const NOT_PETITION_NOTE = 'không phải kiến nghị';

async function saveNotPetition(turn: Turn, draft: Draft): Promise<void> {
  const code = await recordNotPetition(turn.tx, draft, actorOf(turn), { taxonomy: turn.config.TAXONOMY });
  turn.reply(staffMsg.reviewNotPetition(code));
}

/**
 * Staff find the text is not a petition: kept, with its history, but out of statistics,
 * reports and digests. A staff classification records it, so no later classifier run
 * (an LLM retry) counts it back in. Returns its tracking code.
 */
export async function recordNotPetition(
  tx: Tx,
  decision: ReviewDecision,
  actor: string,
  options: { taxonomy: TaxonomyName },
): Promise<string> {
  const before = await tx.petition.findUniqueOrThrow({ where: { id: decision.petitionId } });
  const latest = await tx.classification.findFirst({ where: { petitionId: before.id }, orderBy: { id: 'desc' } });
  const authority = decision.authority ?? latest?.authority ?? 'unknown';
  const field = decision.field ?? latest?.field ?? 'other';
  const agency = decision.agency;
  await recordCorrection(tx, before.id, { authority, field, agency, isPetition: false }, actor, {
    taxonomy: options.taxonomy,
    reason: `cán bộ xác định ${NOT_PETITION_NOTE}`,
  });
  const status = REVIEWABLE.includes(before.status) ? NOT_PETITION : before.status;
  await tx.petition.update({ where: { id: before.id }, data: { status, needsReview: false } });
  await tx.petitionEvent.create({
    data: { petitionId: before.id, fromStatus: before.status, toStatus: status, note: NOT_PETITION_NOTE, actor },
  });
  await audit(tx, {
    actor,
    action: 'petition.not_petition',
    entity: 'Petition',
    entityId: before.trackingCode,
    before: { authority: before.authority, field: before.field, agency: before.agency, status: before.status },
    after: { authority, field, agency, status },
  });
  return before.trackingCode;
}

async function history(turn: Turn, args: string): Promise<void> {
  const code = normalizeTrackingCode(args.split(/\s+/)[0] ?? '');
  if (!code) return turn.reply(staffMsg.knUsage());
  const labels = labelsOf(turn);
  const p = await turn.tx.petition.findUnique({
    where: { trackingCode: code },
    include: {
      meeting: true,
      voter: true,
      events: { orderBy: { id: 'asc' } },
      classifications: { orderBy: { id: 'asc' } },
    },
  });
  if (!p) return turn.reply(staffMsg.petitionUnknown(code));
  const duplicate = p.duplicateOfId ? await turn.tx.petition.findUnique({ where: { id: p.duplicateOfId } }) : null;
  // Anonymous petitions never show their sender; named ones only while consent stands.
  const sender = p.anonymous
    ? staffMsg.senderAnonymous()
    : p.voter && p.voter.consent === 'agreed'
      ? staffMsg.senderNamed(p.voter.name, p.voter.ward)
      : staffMsg.senderUnknown();
  // Law 91/2025: a view of a voter's personal data is in the audit log (who, when, which record).
  if (!p.anonymous && p.voter?.consent === 'agreed') {
    await audit(turn.tx, { actor: actorOf(turn), action: 'voter.data_view', entity: 'Voter', entityId: p.voter.id });
  }
  // Its voice messages and photos follow, with whether their text was read.
  const files = await describeAttachments(turn.tx, p.id);
  const reply = (text: string) => turn.reply(files ? `${text}\n${files}` : text);
  reply(
    staffMsg.history(
      {
        trackingCode: p.trackingCode,
        status: p.status,
        receivedAt: p.receivedAt,
        text: p.textNormalized,
        meeting: p.meeting ? `${p.meeting.code} ${p.meeting.title}` : null,
        sender,
        authority: labels.level(p.authority),
        field: labels.field(p.field),
        agency: p.agency,
        forwardedTo: p.forwardedTo,
        forwardedAt: p.forwardedAt,
        answerText: p.answerText,
        answerRef: p.answerRef,
        answeredAt: p.answeredAt,
        answerNotifiedAt: p.answerNotifiedAt,
        rejectReason: p.rejectReason,
        duplicateOf: duplicate?.trackingCode ?? null,
        events: p.events.map((e) => ({
          at: e.createdAt,
          from: e.fromStatus,
          to: e.toStatus,
          note: e.note,
          actor: e.actor,
        })),
        classifications: p.classifications.map((c) => ({
          at: c.createdAt,
          classifier: c.classifier,
          authority: labels.level(c.authority),
          field: labels.field(c.field),
          confidence: c.confidence,
        })),
      },
      turn.config.TZ,
    ),
  );
}

export type StatusKind = 'forwarded' | 'answered' | 'resolved' | 'duplicate' | 'rejected';

const USAGE: Record<StatusKind, string> = {
  forwarded: '/chuyen KN-2026-000123 | tên cơ quan | ngày chuyển (không bắt buộc)',
  answered: '/traloi KN-2026-000123 | nội dung trả lời | số văn bản (không bắt buộc) | ngày (không bắt buộc)',
  resolved: '/giaiquyet KN-2026-000123 | ghi chú (không bắt buộc)',
  duplicate: '/trung KN-2026-000123 KN-2026-000100 (kiến nghị thứ nhất trùng với kiến nghị thứ hai)',
  rejected: '/tuchoi KN-2026-000123 | lý do',
};

interface StatusArgs {
  code: string;
  parts: string[];
}

function splitArgs(args: string): StatusArgs {
  const text = normalizeText(args);
  const code = text.split(/[\s|]+/)[0] ?? '';
  const parts = text
    .slice(code.length)
    .split('|')
    .map((part) => part.trim());
  if (parts[0] === '') parts.shift();
  return { code: normalizeTrackingCode(code), parts };
}

function petitionStatusCommand(
  kind: StatusKind,
  afterNotify: (channel: Channel, chatId: string) => void,
): Command['run'] {
  return async (turn, args) => {
    const { code, parts } = splitArgs(args);
    const usage = () => turn.reply(staffMsg.statusUsage(USAGE[kind]));
    if (!code) return usage();
    const petition = await turn.tx.petition.findUnique({ where: { trackingCode: code } });
    if (!petition) return turn.reply(staffMsg.petitionUnknown(code));
    const date = (text: string | undefined) => (text ? parseDateTime(text, turn.config.TZ) : turn.now);
    let data: Record<string, unknown>;
    let note: string | null = null;
    switch (kind) {
      case 'forwarded': {
        const at = date(parts[1]);
        if (!parts[0]) return usage();
        if (!at) return turn.reply(staffMsg.badDate(parts[1]!));
        data = forwardedData(parts[0], at, turn.config);
        note = parts[0];
        break;
      }
      case 'answered': {
        const at = date(parts[2]);
        if (!parts[0] && !parts[1]) return usage();
        if (!at) return turn.reply(staffMsg.badDate(parts[2]!));
        data = { answerText: parts[0] || null, answerRef: parts[1] || null, answeredAt: at };
        note = parts[1] || null;
        break;
      }
      case 'resolved':
        data = { resolvedAt: turn.now };
        note = parts[0] || null;
        break;
      case 'duplicate': {
        const otherCode = normalizeTrackingCode(parts.join(' ').split(/\s+/)[0] ?? '');
        if (!otherCode) return usage();
        const other = await turn.tx.petition.findUnique({ where: { trackingCode: otherCode } });
        if (!other) return turn.reply(staffMsg.petitionUnknown(otherCode));
        if (other.id === petition.id) return turn.reply(staffMsg.duplicateSelf());
        ({ data, note } = duplicateData(petition, other));
        break;
      }
      case 'rejected':
        if (!parts[0]) return usage();
        data = { rejectReason: parts[0] };
        note = parts[0];
        break;
    }
    const change = { kind, data, note, actor: actorOf(turn), now: turn.now, timeZone: turn.config.TZ };
    const notified = await changeStatus(turn.tx, petition, change);
    if (notified) turn.afterCommit(() => afterNotify(notified.channel, notified.chatId));
    turn.reply(staffMsg.statusChanged(code, kind, notified !== null));
  };
}

/** What forwarding sets: the agency, the date, and when the answer is due (ANSWER_DUE_DAYS later). */
export function forwardedData(agency: string, at: Date, config: { ANSWER_DUE_DAYS: number }): Record<string, unknown> {
  return { forwardedTo: agency, forwardedAt: at, answerDueAt: answerDueDate(at, config) };
}

/** What marking a duplicate sets: the petition it repeats, and that one's theme (or its own). */
export function duplicateData(
  petition: Pick<Petition, 'groupId'>,
  other: Pick<Petition, 'id' | 'groupId' | 'trackingCode'>,
): { data: Record<string, unknown>; note: string } {
  return {
    data: { duplicateOfId: other.id, groupId: other.groupId ?? petition.groupId },
    note: `trùng với ${other.trackingCode}`,
  };
}

/** A status change as staff make it: new status, fields, history event, audit entry. */
export interface StatusChange {
  kind: StatusKind;
  data: Record<string, unknown>;
  note: string | null;
  actor: string;
  now: Date;
  timeZone: string;
}

/**
 * Applies a status change with its history event and audit entry; an answer is queued for
 * the voter once (`notifyVoter`). Returns the chat to flush when a voter was told.
 */
export async function changeStatus(
  tx: Tx,
  petition: Petition,
  change: StatusChange,
): Promise<{ channel: Channel; chatId: string } | null> {
  const { kind, data, note, actor } = change;
  const updated = await tx.petition.update({
    where: { id: petition.id },
    data: { ...data, status: kind, needsReview: false },
  });
  await tx.petitionEvent.create({
    data: { petitionId: petition.id, fromStatus: petition.status, toStatus: kind, note, actor },
  });
  await audit(tx, {
    actor,
    action: `petition.${kind}`,
    entity: 'Petition',
    entityId: petition.trackingCode,
    before: Object.fromEntries(
      Object.keys(data)
        .map((key) => [key, (petition as Record<string, unknown>)[key]])
        .concat([['status', petition.status]]),
    ),
    after: { ...data, status: kind },
  });
  return kind === 'answered' ? notifyVoter(tx, updated.id, change.now, change.timeZone) : null;
}

/**
 * Queues the answer for the voter who sent the petition, once: `answerNotifiedAt` is set in
 * the same transaction as the outbox message, so a second answer or a retried command never
 * sends it again. Anonymous senders who consented get it too (only staff must not see them);
 * a voter who withdrew consent, or a petition without a voter, gets nothing.
 */
export async function notifyVoter(
  tx: Tx,
  petitionId: number,
  now: Date,
  timeZone: string,
): Promise<{ channel: Channel; chatId: string } | null> {
  const petition = await tx.petition.findUniqueOrThrow({ where: { id: petitionId }, include: { voter: true } });
  const voter = petition.voter;
  if (petition.answerNotifiedAt || !voter) return null;
  if (voter.consent !== 'agreed' && voter.consent !== 'anonymous') return null;
  const claimed = await tx.petition.updateMany({
    where: { id: petition.id, answerNotifiedAt: null },
    data: { answerNotifiedAt: now },
  });
  if (claimed.count === 0) return null;
  const channel = voter.channel as Channel;
  await addToOutbox(tx, channel, voter.chatId, [
    {
      text: staffMsg.answerToVoter(
        petition.trackingCode,
        petition.answerText,
        petition.answerRef,
        petition.answeredAt ?? now,
        timeZone,
      ),
    },
  ]);
  return { channel, chatId: voter.chatId };
}

/** Reviewing classifications, petition histories and status changes (office staff). */
export function reviewCommands(afterNotify: (channel: Channel, chatId: string) => void): Command[] {
  const reviewers = rolesWith('review');
  const status = (name: string, kind: StatusKind, help: string): Command => ({
    name,
    roles: reviewers,
    usage: USAGE[kind],
    help,
    run: petitionStatusCommand(kind, afterNotify),
  });
  return [
    { name: 'duyet', roles: reviewers, usage: '/duyet', help: 'rà soát phân loại', run: startReview },
    { name: 'kn', roles: rolesWith('petitions'), usage: '/kn MÃ-KN', help: 'lịch sử một kiến nghị', run: history },
    status('chuyen', 'forwarded', 'đã chuyển cơ quan có thẩm quyền'),
    status('traloi', 'answered', 'ghi trả lời của cơ quan'),
    status('giaiquyet', 'resolved', 'đã giải quyết'),
    status('trung', 'duplicate', 'trùng với kiến nghị khác'),
    status('tuchoi', 'rejected', 'không thụ lý'),
  ];
}
