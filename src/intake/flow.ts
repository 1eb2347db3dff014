// The voter conversation: meeting code -> privacy notice and consent -> optional name and
// ward -> petitions, each confirmed with a tracking code. Channel-agnostic: it reads core
// events and offers choices as data; Telegram shows buttons, Zalo numbered answers.
import type { Feature, Turn } from '../core/engine.ts';
import { choiceLabels, excerpt, msg, NOTICE_VERSION } from '../core/messages.ts';
import { normalizeText } from '../core/text.ts';
import type { Choice, VoterRecord } from '../core/types.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { findMeetingByCode } from '../meetings/service.ts';
import { MAX_PETITION_CHARS, normaliseTrackingCode, storePetition, type MediaRef } from './petitions.ts';

const CONSENT_CHOICES: Choice[] = [
  { id: 'consent:agree', label: choiceLabels.agree },
  { id: 'consent:anonymous', label: choiceLabels.anonymous },
  { id: 'consent:cancel', label: choiceLabels.cancel },
];
const SKIP: Choice[] = [{ id: 'skip', label: choiceLabels.skip }];
const DONE: Choice[] = [{ id: 'done', label: choiceLabels.done }];
const DELETE_CHOICES: Choice[] = [
  { id: 'delete:confirm', label: choiceLabels.confirmDelete },
  { id: 'delete:keep', label: choiceLabels.keep },
];
const MAX_NAME_CHARS = 100;

interface Pending {
  pendingText?: string;
  pendingMedia?: MediaRef[];
}

export function intakeFeature(queue?: JobQueue): Feature {
  const kickClassifier = (turn: Turn) => turn.afterCommit(() => queue?.kick('classify'));

  async function start(turn: Turn, args: string): Promise<void> {
    turn.conversation.state = 'idle';
    clearPending(turn);
    if (!args || turn.conversation.isNew) turn.reply(msg.welcome());
    if (args) bindMeeting(turn, args, await findMeetingByCode(turn.tx, args));
    await continueAfterGreeting(turn);
  }

  async function continueAfterGreeting(turn: Turn): Promise<void> {
    const { voter } = turn;
    if (hasConsent(voter)) turn.reply(msg.askPetition(voter!.consent === 'anonymous'));
    else askConsent(turn);
  }

  async function onInput(turn: Turn): Promise<void> {
    const { event } = turn;
    if (turn.conversation.isNew) turn.reply(msg.welcome());
    if (event.kind === 'unsupported') return turn.reply(msg.unsupported(event.what));
    switch (turn.conversation.state) {
      case 'intake.consent':
        return onConsentAnswer(turn);
      case 'intake.name':
        return onNameAnswer(turn);
      case 'intake.ward':
        return onWardAnswer(turn);
      case 'intake.delete':
        return onDeleteAnswer(turn);
      default:
        return onIdleInput(turn);
    }
  }

  async function onIdleInput(turn: Turn): Promise<void> {
    const { event } = turn;
    if (event.kind === 'choice') {
      if (event.choiceId === 'done') turn.reply(msg.finished());
      return;
    }
    // A text that is a meeting's code joins that meeting (findMeetingByCode reads only code-like texts).
    const typed = event.kind === 'text' ? event.text : '';
    const named = typed ? await findMeetingByCode(turn.tx, typed) : null;
    if (named) {
      bindMeeting(turn, typed, named);
      return continueAfterGreeting(turn);
    }
    const { voter } = turn;
    if (!hasConsent(voter)) {
      holdPending(turn);
      return askConsent(turn);
    }
    if (event.kind === 'text') return storeText(turn, event.text, []);
    if (event.kind === 'media') return storeText(turn, event.caption ?? '', [mediaOf(turn)!]);
  }

  async function onConsentAnswer(turn: Turn): Promise<void> {
    const { event } = turn;
    if (event.kind !== 'choice') {
      holdPending(turn);
      return turn.reply({ text: msg.consentPending(), choices: CONSENT_CHOICES });
    }
    if (event.choiceId === 'consent:cancel') {
      clearPending(turn);
      turn.conversation.state = 'idle';
      return turn.reply(msg.cancelled());
    }
    if (event.choiceId === 'consent:anonymous') {
      await recordConsent(turn, 'anonymous');
      return finishOnboarding(turn, true);
    }
    await recordConsent(turn, 'agreed');
    turn.conversation.state = 'intake.name';
    turn.reply({ text: msg.askName(), choices: SKIP });
  }

  async function onNameAnswer(turn: Turn): Promise<void> {
    const answer = textAnswer(turn);
    if (answer === undefined) return turn.reply({ text: msg.askName(), choices: SKIP });
    if (answer) await updateVoter(turn, { name: excerpt(answer, MAX_NAME_CHARS) });
    turn.conversation.state = 'intake.ward';
    turn.reply({ text: msg.askWard(), choices: SKIP });
  }

  async function onWardAnswer(turn: Turn): Promise<void> {
    const answer = textAnswer(turn);
    if (answer === undefined) return turn.reply({ text: msg.askWard(), choices: SKIP });
    if (answer) await updateVoter(turn, { ward: excerpt(answer, MAX_NAME_CHARS) });
    return finishOnboarding(turn, false);
  }

  /** Stores what the voter sent before consenting, or invites the first petition. */
  async function finishOnboarding(turn: Turn, anonymous: boolean): Promise<void> {
    turn.conversation.state = 'idle';
    const pending = turn.conversation.data as Pending;
    const text = pending.pendingText ?? '';
    const media = pending.pendingMedia ?? [];
    clearPending(turn);
    if (text || media.length) return storeText(turn, text, media);
    turn.reply(msg.askPetition(anonymous));
  }

  async function storeText(turn: Turn, raw: string, media: MediaRef[]): Promise<void> {
    if (Array.from(raw).length > MAX_PETITION_CHARS) return turn.reply(msg.tooLong(MAX_PETITION_CHARS));
    if (!normalizeText(raw) && media.length === 0) return turn.reply(msg.emptyPetition());
    const voter = turn.voter!;
    const stored = await storePetition(turn.tx, {
      channel: turn.event.channel,
      voterId: voter.id,
      anonymous: voter.consent === 'anonymous',
      meetingId: turn.conversation.meetingId,
      ward: voter.ward,
      text: raw,
      media,
      now: turn.now,
      timeZone: turn.config.TZ,
    });
    kickClassifier(turn);
    turn.reply({ text: msg.petitionStored(stored.trackingCode), choices: DONE });
  }

  async function lookup(turn: Turn, args: string): Promise<void> {
    const { voter } = turn;
    if (!args) {
      const items = voter
        ? await turn.tx.petition.findMany({ where: { voterId: voter.id }, orderBy: { id: 'desc' }, take: 5 })
        : [];
      return turn.reply(items.length ? msg.lookupList(items, turn.config.TZ) : msg.lookupNone());
    }
    const code = normaliseTrackingCode(args.split(/\s+/)[0]!);
    // Only the sender may see a petition: anybody else gets the same answer as for a wrong code.
    const petition = voter
      ? await turn.tx.petition.findFirst({ where: { trackingCode: code, voterId: voter.id }, include: { meeting: true } })
      : null;
    if (!petition) return turn.reply(msg.lookupNotFound(code));
    turn.reply(msg.lookupDetail({ ...petition, meetingTitle: petition.meeting?.title ?? null }, turn.config.TZ));
  }

  async function cancel(turn: Turn): Promise<void> {
    const pending = turn.conversation.data as Pending;
    if (turn.conversation.state === 'idle' && !pending.pendingText && !pending.pendingMedia) {
      return turn.reply(msg.nothingToCancel());
    }
    const beforeConsent = turn.conversation.state === 'intake.consent';
    clearPending(turn);
    turn.conversation.state = 'idle';
    turn.reply(beforeConsent ? msg.cancelled() : msg.stepCancelled());
  }

  function askDelete(turn: Turn): void {
    turn.conversation.state = 'intake.delete';
    turn.reply({ text: msg.deleteConfirm(), choices: DELETE_CHOICES });
  }

  async function onDeleteAnswer(turn: Turn): Promise<void> {
    const { event } = turn;
    if (event.kind !== 'choice') return turn.reply({ text: msg.deleteConfirm(), choices: DELETE_CHOICES });
    turn.conversation.state = 'idle';
    if (event.choiceId !== 'delete:confirm') return turn.reply(msg.deleteKept());
    await forgetVoter(turn);
    turn.reply(msg.deleted());
  }

  return {
    name: 'intake',
    commands: {
      start,
      help: (turn) => Promise.resolve(turn.reply(msg.help())),
      trogiup: (turn) => Promise.resolve(turn.reply(msg.help())),
      tracuu: lookup,
      huy: cancel,
      xoadulieu: (turn) => Promise.resolve(askDelete(turn)),
    },
    onInput,
  };
}

function bindMeeting(turn: Turn, code: string, meeting: Awaited<ReturnType<typeof findMeetingByCode>>): void {
  if (!meeting) {
    turn.reply(msg.meetingNotFound(code.trim().slice(0, 64)));
    return;
  }
  if (meeting.status === 'cancelled') {
    turn.conversation.meetingId = null;
    turn.reply(msg.meetingCancelled(meeting));
    return;
  }
  turn.conversation.meetingId = meeting.id;
  turn.reply(meeting.status === 'closed' ? msg.meetingClosed(meeting) : msg.meetingGreeting(meeting, turn.config.TZ));
}

function askConsent(turn: Turn): void {
  turn.conversation.state = 'intake.consent';
  turn.reply({ text: msg.consentNotice(), choices: CONSENT_CHOICES });
}

function hasConsent(voter: { consent: string } | null): boolean {
  return voter?.consent === 'agreed' || voter?.consent === 'anonymous';
}

async function recordConsent(turn: Turn, consent: 'agreed' | 'anonymous'): Promise<void> {
  const { channel, userId, chatId } = turn.event;
  const { now } = turn;
  // Choosing anonymity withdraws a name given earlier.
  const withdrawName = consent === 'anonymous' ? Prisma.sql`, "name" = NULL, "ward" = NULL, "phone" = NULL` : Prisma.empty;
  const [voter] = await queryRows<VoterRecord>(
    turn.tx,
    Prisma.sql`
      INSERT INTO "Voter" ("channel", "channelUserId", "chatId", "consent", "consentAt", "consentNotice", "createdAt", "updatedAt")
      VALUES (${channel}, ${userId}, ${chatId}, ${consent}, ${now}, ${NOTICE_VERSION}, ${now}, ${now})
      ON CONFLICT ("channel", "channelUserId") DO UPDATE SET "chatId" = excluded."chatId", "consent" = excluded."consent",
        "consentAt" = excluded."consentAt", "consentNotice" = excluded."consentNotice", "updatedAt" = excluded."updatedAt"${withdrawName}
      RETURNING "id", "consent", "ward"`,
  );
  turn.voter = { ...voter!, id: Number(voter!.id) };
}

async function updateVoter(turn: Turn, data: { name?: string; ward?: string }): Promise<void> {
  const voter = await turn.tx.voter.update({
    where: { channel_channelUserId: { channel: turn.event.channel, channelUserId: turn.event.userId } },
    data,
  });
  turn.voter = { id: voter.id, consent: voter.consent, ward: voter.ward };
}

/** Personal data goes; the petitions stay as anonymous civic records. */
async function forgetVoter(turn: Turn): Promise<void> {
  const { voter } = turn;
  if (!voter) return;
  await turn.tx.petition.updateMany({ where: { voterId: voter.id }, data: { voterId: null, ward: null, anonymous: true } });
  await turn.tx.voter.update({
    where: { id: voter.id },
    data: { name: null, ward: null, phone: null, consent: 'withdrawn', consentAt: turn.now },
  });
  turn.voter = { ...voter, consent: 'withdrawn', ward: null };
  clearPending(turn);
}

/** The text of an answer, '' for "skip", undefined for anything unusable. */
function textAnswer(turn: Turn): string | undefined {
  const { event } = turn;
  if (event.kind === 'choice') return event.choiceId === 'skip' ? '' : undefined;
  if (event.kind !== 'text') return undefined;
  return normalizeText(event.text) || undefined;
}

function mediaOf(turn: Turn): MediaRef | undefined {
  const { event } = turn;
  return event.kind === 'media' ? { media: event.media, fileId: event.fileId } : undefined;
}

/** Keeps what a voter sent before consenting, so nothing they wrote is lost. */
function holdPending(turn: Turn): void {
  const { event } = turn;
  const pending = turn.conversation.data as Pending;
  const text = event.kind === 'text' ? event.text : event.kind === 'media' ? (event.caption ?? '') : '';
  if (text) pending.pendingText = pending.pendingText ? `${pending.pendingText}\n${text}` : text;
  const media = mediaOf(turn);
  if (media) pending.pendingMedia = [...(pending.pendingMedia ?? []), media];
}

function clearPending(turn: Turn): void {
  const pending = turn.conversation.data as Pending;
  delete pending.pendingText;
  delete pending.pendingMedia;
}
