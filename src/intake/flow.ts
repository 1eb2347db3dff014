// The voter conversation: meeting code -> privacy notice and consent -> optional name and
// ward -> petitions, each confirmed with a tracking code. Channel-agnostic: it reads core
// events and offers choices as data; Telegram shows buttons, Zalo numbered answers.
import { ROLES, type Feature, type Turn } from '../core/types.ts';
import { reopenByVoter, REOPEN_PREFIX, showMyData, withReopenChoice } from '../followup/voter.ts';
import { choiceLabels, excerpt, msg, noticeVersion } from '../core/messages.ts';
import { normalizeText } from '../core/text.ts';
import type { Choice } from '../core/types.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { findMeetingByCode } from '../meetings/service.ts';
import { knownWards, wardKey } from '../meetings/wards.ts';
import { INVITE_PATTERN, redeemInviteCode } from '../staff/invites.ts';
import { MAX_PETITION_CHARS, normalizeTrackingCode, storePetition, TRACKING_CODE, type MediaRef } from './petitions.ts';
import { answerMediaReview, leaveMediaReview, mediaMsg, mediaReads, queueMediaReading, REVIEW_STATE } from './media.ts';
import { notPetitionReason } from './screen.ts';
import { saveConsent, saveVoterDetails, withdrawVoter } from './voters.ts';

/** Every role: the voter's commands are open to staff too. */
const EVERYONE = ROLES;

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
const CONFIRM_CHOICES: Choice[] = [
  { id: 'petition:yes', label: choiceLabels.sendAsPetition },
  { id: 'petition:no', label: choiceLabels.notPetition },
];
const MAX_NAME_CHARS = 100;
/** Held text becomes one petition on agreeing, so it is capped at one petition's length. */
const MAX_HELD_CHARS = MAX_PETITION_CHARS;
/** A meeting code or a tracking code is never longer than this; longer "codes" are shown cut. */
const MAX_CODE_SHOWN = 64;
/** The office's wards change when staff add a meeting: a minute's staleness is harmless. */
const WARD_CACHE_MS = 60_000;

interface Pending {
  /** What the voter sent before consenting, stored on agreeing. */
  pendingText?: string;
  pendingMedia?: MediaRef[];
  /** A short or unclear text the voter is asked about before it is stored or held. */
  unconfirmed?: string;
}

/** What a text on its way to becoming a petition turned out to be. */
type Screened =
  | { kind: 'refused'; message: string }
  | { kind: 'meeting'; meeting: NonNullable<Awaited<ReturnType<typeof findMeetingByCode>>> }
  | { kind: 'tracking' }
  | { kind: 'notKept'; message: string }
  | { kind: 'ask'; question: boolean }
  | { kind: 'petition' };

export function intakeFeature(queue?: JobQueue): Feature {
  const kickClassifier = (turn: Turn) => turn.afterCommit(() => queue?.kick('classify'));
  let wardCache: { at: number; byKey: Map<string, string> } | undefined;

  /** The office's known wards by matching key, read at most once a minute (no query on the hot path). */
  async function wardIndex(turn: Turn): Promise<Map<string, string>> {
    const now = turn.now.getTime();
    if (!wardCache || now - wardCache.at >= WARD_CACHE_MS) {
      const wards = await knownWards(turn.tx, turn.config);
      wardCache = { at: now, byKey: new Map(wards.map((ward) => [wardKey(ward), ward])) };
    }
    return wardCache.byKey;
  }

  /** The known ward a typed answer names (its canonical spelling), or null. */
  async function knownWard(turn: Turn, typed: string | null): Promise<string | null> {
    if (!typed) return null;
    const key = wardKey(typed);
    return key ? ((await wardIndex(turn)).get(key) ?? null) : null;
  }

  async function start(turn: Turn, args: string): Promise<void> {
    turn.conversation.state = 'idle';
    delete pendingOf(turn).unconfirmed;
    const meetingNote = args ? bindMeeting(turn, args, await findMeetingByCode(turn.tx, args)) : undefined;
    if (isStaffOutsideVoterMode(turn)) return turn.reply(joinNotes(meetingNote, msg.staffWelcome())!);
    const welcome = !args || turn.conversation.isNew ? msg.welcome(turn.config.OFFICE_NAME) : undefined;
    await continueAfterGreeting(turn, joinNotes(welcome, meetingNote));
  }

  /**
   * After a meeting greeting: held text is kept, and stored as soon as consent exists.
   * `lead` (greeting, meeting) opens the same reply, so a voter's step is one message.
   */
  async function continueAfterGreeting(turn: Turn, lead?: string): Promise<void> {
    const { voter } = turn;
    if (hasConsent(voter)) return finishOnboarding(turn, voter!.consent === 'anonymous', lead);
    askConsent(turn, lead);
  }

  async function onInput(turn: Turn): Promise<void> {
    const welcome = turn.conversation.isNew ? msg.welcome(turn.config.OFFICE_NAME) : undefined;
    return withLead(turn, welcome, () => answerInput(turn));
  }

  async function answerInput(turn: Turn): Promise<void> {
    const { event } = turn;
    if (event.kind === 'unsupported') return turn.reply(msg.unsupported(event.what));
    if (event.kind === 'text' && INVITE_PATTERN.test(event.text.trim())) return redeem(turn, event.text);
    if (isStaffOutsideVoterMode(turn) && inVoterStep(turn)) return leaveVoterFlow(turn);
    return route(turn);
  }

  async function route(turn: Turn): Promise<void> {
    switch (turn.conversation.state) {
      case 'intake.consent':
        return onConsentAnswer(turn);
      case 'intake.confirm':
        return onConfirmAnswer(turn);
      case 'intake.name':
        return onNameAnswer(turn);
      case 'intake.ward':
        return onWardAnswer(turn);
      case 'intake.delete':
        return onDeleteAnswer(turn);
      case REVIEW_STATE:
        return onMediaReview(turn);
      default:
        return onIdleInput(turn);
    }
  }

  /**
   * The answer to a text read from a voice message or photo; anything else ends the step (the
   * text read stands) and is handled as usual, except staff's, which is asked for again: it may
   * be a command's input (a photo for /ghi) that this step took.
   */
  async function onMediaReview(turn: Turn): Promise<void> {
    if (await answerMediaReview(turn, queue)) return;
    const note = await leaveMediaReview(turn, queue);
    if (isStaffOutsideVoterMode(turn)) return turn.reply(joinNotes(note, mediaMsg.resend())!);
    return withLead(turn, note, () => onIdleInput(turn));
  }

  /** An invite code is redeemed in any step; an account that joins leaves the voter's steps. */
  async function redeem(turn: Turn, code: string): Promise<void> {
    const joined = await redeemInviteCode(turn, code);
    if (joined && !holdsAnything(pendingOf(turn))) turn.conversation.state = 'idle';
  }

  /** Staff who left the voter mode (/troly) mid-step: their text is not a voter's answer. */
  function leaveVoterFlow(turn: Turn): void {
    const dropped = holdsAnything(pendingOf(turn));
    clearPending(turn);
    turn.conversation.state = 'idle';
    turn.reply(msg.staffLeftVoterFlow(dropped));
  }

  /**
   * Sorts a text on its way to becoming a petition: too long, a meeting or tracking code,
   * something that is no petition (told at once), a short or unclear text (asked about), or a petition.
   */
  async function screen(turn: Turn, text: string, beforeConsent: boolean): Promise<Screened> {
    if (overLimit(text, MAX_PETITION_CHARS)) {
      return { kind: 'refused', message: msg.tooLong(MAX_PETITION_CHARS, beforeConsent) };
    }
    const meeting = await findMeetingByCode(turn.tx, text);
    if (meeting) return { kind: 'meeting', meeting };
    if (TRACKING_CODE.test(normalizeTrackingCode(text))) return { kind: 'tracking' };
    const reason = notPetitionReason(text);
    if (reason === 'empty' || reason === 'symbols' || reason === 'greeting') {
      return { kind: 'notKept', message: msg.notKept(reason) };
    }
    if (reason === 'code') {
      return { kind: 'notKept', message: msg.codeNotFound(excerpt(normalizeText(text), MAX_CODE_SHOWN)) };
    }
    if (reason === 'question' || reason === 'too_short') return { kind: 'ask', question: reason === 'question' };
    return { kind: 'petition' };
  }

  async function onIdleInput(turn: Turn): Promise<void> {
    const { event } = turn;
    if (event.kind === 'choice') {
      if (event.choiceId === 'done') turn.reply(msg.finished());
      if (event.choiceId.startsWith(REOPEN_PREFIX)) await reopenByVoter(turn, event.choiceId);
      return;
    }
    const consented = hasConsent(turn.voter);
    const text = event.kind === 'text' ? event.text : event.kind === 'media' ? (event.caption ?? '') : '';
    // A photo or a voice message is a petition whatever its caption says.
    const screened: Screened = event.kind === 'text' ? await screen(turn, text, !consented) : { kind: 'petition' };
    switch (screened.kind) {
      case 'refused':
        // Before consent the refusal points to the "Đồng ý" choice, so the notice and its choices follow it.
        return consented ? turn.reply(screened.message) : askConsent(turn, screened.message);
      case 'notKept':
        return turn.reply(screened.message);
      case 'meeting':
        return continueAfterGreeting(turn, bindMeeting(turn, text, screened.meeting));
      case 'tracking':
        return lookup(turn, text);
      case 'ask':
        return askIfPetition(turn, text, screened.question);
    }
    if (event.kind === 'media' && overLimit(text, MAX_PETITION_CHARS)) {
      return turn.reply(msg.tooLong(MAX_PETITION_CHARS, !consented));
    }
    if (!consented) {
      const refusal = holdPending(turn, text, mediaOf(turn));
      return refusal ? promptConsent(turn, refusal) : askConsent(turn);
    }
    return storeText(turn, text, event.kind === 'media' ? [mediaOf(turn)!] : []);
  }

  async function onConsentAnswer(turn: Turn): Promise<void> {
    const { event } = turn;
    if (event.kind === 'choice') return onConsentChoice(turn, event.choiceId);
    const text = event.kind === 'text' ? event.text : event.kind === 'media' ? (event.caption ?? '') : '';
    const screened: Screened = event.kind === 'text' ? await screen(turn, text, true) : { kind: 'petition' };
    switch (screened.kind) {
      case 'refused':
      case 'notKept':
        return promptConsent(turn, screened.message);
      case 'meeting':
        // The meeting is bound and what was held stays held, to be stored with it.
        return promptConsent(turn, bindMeeting(turn, text, screened.meeting));
      case 'tracking':
        await lookup(turn, text);
        return promptConsent(turn);
      case 'ask':
        return askIfPetition(turn, text, screened.question);
    }
    const refusal = overLimit(text, MAX_PETITION_CHARS)
      ? msg.tooLong(MAX_PETITION_CHARS, true)
      : holdPending(turn, text, mediaOf(turn));
    return promptConsent(turn, refusal);
  }

  async function onConsentChoice(turn: Turn, choiceId: string): Promise<void> {
    if (choiceId === 'consent:cancel') {
      clearPending(turn);
      turn.conversation.state = 'idle';
      return turn.reply(msg.cancelled());
    }
    if (choiceId === 'consent:anonymous') {
      await recordConsent(turn, 'anonymous');
      return finishOnboarding(turn, true);
    }
    await recordConsent(turn, 'agreed');
    turn.conversation.state = 'intake.name';
    turn.reply({ text: msg.askName(), choices: SKIP });
  }

  function askIfPetition(turn: Turn, text: string, question: boolean): void {
    pendingOf(turn).unconfirmed = text;
    turn.conversation.state = 'intake.confirm';
    const ask = msg.askIfPetition();
    turn.reply({ text: question ? `${msg.howToSend()}\n${ask}` : ask, choices: CONFIRM_CHOICES });
  }

  /** Yes stores (or, before consent, holds) the text; anything else leaves it unstored, as the voter was told. */
  async function onConfirmAnswer(turn: Turn): Promise<void> {
    const { event } = turn;
    const pending = pendingOf(turn);
    const text = pending.unconfirmed ?? '';
    delete pending.unconfirmed;
    const consented = hasConsent(turn.voter);
    if (event.kind === 'choice' && event.choiceId === 'petition:yes') {
      turn.conversation.state = 'idle';
      if (consented) return storeText(turn, text, []);
      const heldBefore = holdsAnything(pending);
      const refusal = holdPending(turn, text, undefined);
      return heldBefore ? promptConsent(turn, refusal) : askConsent(turn);
    }
    const backToConsent = !consented && holdsAnything(pending);
    turn.conversation.state = backToConsent ? 'intake.consent' : 'idle';
    if (event.kind === 'choice' && event.choiceId === 'petition:no') {
      return backToConsent ? promptConsent(turn, msg.notStoredOnRequest()) : turn.reply(msg.notStoredOnRequest());
    }
    // The voter moved on: what they send now is handled as in the step they came from.
    return route(turn);
  }

  async function onNameAnswer(turn: Turn): Promise<void> {
    const answer = textAnswer(turn);
    if (answer === undefined) return turn.reply({ text: msg.askName(), choices: SKIP });
    if (answer) await updateVoter(turn, { name: excerpt(answer, MAX_NAME_CHARS) });
    turn.conversation.state = 'intake.ward';
    turn.reply({ text: msg.askWard(), choices: SKIP });
  }

  /** The known ward is kept in its canonical spelling; anything else as typed, as personal data only. */
  async function onWardAnswer(turn: Turn): Promise<void> {
    const answer = textAnswer(turn);
    if (answer === undefined) return turn.reply({ text: msg.askWard(), choices: SKIP });
    if (!answer) return finishOnboarding(turn, false);
    const typed = excerpt(answer, MAX_NAME_CHARS);
    const known = await knownWard(turn, typed);
    await updateVoter(turn, { ward: known ?? typed });
    return finishOnboarding(turn, false, known ? undefined : msg.wardNotListed());
  }

  /** Stores what the voter sent before consenting, or invites the first petition; `note` leads the reply. */
  async function finishOnboarding(turn: Turn, anonymous: boolean, note?: string): Promise<void> {
    turn.conversation.state = 'idle';
    const pending = pendingOf(turn);
    const text = pending.pendingText ?? '';
    const media = pending.pendingMedia ?? [];
    clearPending(turn);
    if (text || media.length) return storeText(turn, text, media, note);
    turn.reply(withNote(note, msg.askPetition(anonymous)));
  }

  /** Stores a petition; its length was checked when it arrived, so nothing is refused here. */
  async function storeText(turn: Turn, raw: string, media: MediaRef[], note?: string): Promise<void> {
    const voter = turn.voter!;
    const stored = await storePetition(turn.tx, {
      channel: turn.event.channel,
      voterId: voter.id,
      anonymous: voter.consent === 'anonymous',
      meetingId: turn.conversation.meetingId,
      // Only a ward the office knows reaches statistics and the models.
      ward: await knownWard(turn, voter.ward),
      text: raw,
      media,
      now: turn.now,
      timeZone: turn.config.TZ,
    });
    kickClassifier(turn);
    const reading = media.length ? await queueMediaReading(turn, stored.id, queue) : undefined;
    const storedText = [msg.petitionStored(stored.trackingCode), reading].filter(Boolean).join('\n');
    turn.reply({ text: withNote(note, storedText), choices: DONE });
  }

  async function lookup(turn: Turn, args: string): Promise<void> {
    const { voter } = turn;
    if (!args) {
      const items = voter
        ? await turn.tx.petition.findMany({ where: { voterId: voter.id }, orderBy: { id: 'desc' }, take: 5 })
        : [];
      return turn.reply(items.length ? msg.lookupList(items, turn.config.TZ) : msg.lookupNone());
    }
    const code = normalizeTrackingCode(args.split(/\s+/)[0]!);
    // Only the sender may see a petition: anybody else gets the same answer as for a wrong code.
    const petition = voter
      ? await turn.tx.petition.findFirst({
          where: { trackingCode: code, voterId: voter.id },
          include: { meeting: true },
        })
      : null;
    if (!petition) return turn.reply(msg.lookupNotFound(code));
    const detail = msg.lookupDetail({ ...petition, meetingTitle: petition.meeting?.title ?? null }, turn.config.TZ);
    turn.reply(withReopenChoice(detail, petition));
  }

  async function cancel(turn: Turn): Promise<void> {
    const pending = pendingOf(turn);
    const held = holdsAnything(pending);
    if (turn.conversation.state === 'idle' && !held) return turn.reply(msg.nothingToCancel());
    delete pending.unconfirmed;
    const { voter } = turn;
    // After consent (the name or ward step), what was held is the voter's and is stored.
    if (hasConsent(voter) && held) {
      turn.reply(msg.stepCancelled());
      return finishOnboarding(turn, voter!.consent === 'anonymous');
    }
    clearPending(turn);
    turn.conversation.state = 'idle';
    turn.reply(hasConsent(voter) ? msg.stepCancelled() : msg.cancelled());
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
    commands: [
      { name: 'start', roles: EVERYONE, usage: '/start', help: 'bắt đầu', hidden: true, run: start },
      {
        name: 'tracuu',
        roles: EVERYONE,
        usage: '/tracuu <mã>',
        help: 'xem tình trạng ý kiến đã gửi (ví dụ /tracuu KN-2026-000123)',
        run: lookup,
      },
      // Everything held about the voter (record, petitions, statuses), in the chat; the view is audited.
      {
        name: 'dulieucuatoi',
        roles: EVERYONE,
        usage: '/dulieucuatoi',
        help: 'xem dữ liệu Văn phòng đang lưu về Ông/Bà',
        run: showMyData,
      },
      { name: 'huy', roles: EVERYONE, usage: '/huy', help: 'hủy thao tác đang làm', run: cancel },
      {
        name: 'xoadulieu',
        roles: EVERYONE,
        usage: '/xoadulieu',
        help: 'xóa dữ liệu cá nhân của Ông/Bà',
        run: askDelete,
      },
    ],
    notes: [
      { roles: EVERYONE, text: 'Nhập mã hội nghị để gửi ý kiến cho hội nghị đó' },
      { roles: EVERYONE, text: 'Gửi ý kiến, kiến nghị bằng chữ, ảnh có chú thích hoặc tin nhắn thoại' },
    ],
    defaultInput: true,
    onInput,
  };
}

/** Binds the conversation to a meeting and returns what to tell the voter about it, to lead the next reply. */
function bindMeeting(turn: Turn, code: string, meeting: Awaited<ReturnType<typeof findMeetingByCode>>): string {
  if (!meeting) return msg.meetingNotFound(code.trim().slice(0, MAX_CODE_SHOWN));
  if (meeting.status === 'cancelled') {
    turn.conversation.meetingId = null;
    return msg.meetingCancelled(meeting);
  }
  turn.conversation.meetingId = meeting.id;
  return meeting.status === 'closed' ? msg.meetingClosed(meeting) : msg.meetingGreeting(meeting, turn.config.TZ);
}

function askConsent(turn: Turn, lead?: string): void {
  turn.conversation.state = 'intake.consent';
  const notice = msg.consentNotice(holdsAnything(pendingOf(turn)), mediaReads(turn.config));
  turn.reply({ text: joinNotes(lead, notice)!, choices: CONSENT_CHOICES });
}

/** Asks again for the consent choice, after `lead` (what became of the last message). */
function promptConsent(turn: Turn, lead?: string): void {
  turn.conversation.state = 'intake.consent';
  const held = pendingOf(turn).pendingText;
  const prompt = msg.consentPending(held ? Array.from(held).length : 0, MAX_HELD_CHARS);
  turn.reply({ text: withNote(lead, prompt), choices: CONSENT_CHOICES });
}

function withNote(note: string | undefined, text: string): string {
  return note ? `${note}\n${text}` : text;
}

/**
 * Opens the turn's first reply with `lead`, so a greeting and the answer to the voter's first message
 * arrive as one message; the returned function restores the turn (sending `lead` alone if nothing was said).
 */
function leadNextReply(turn: Turn, lead: string): () => void {
  const reply = turn.reply;
  let pending: string | undefined = lead;
  turn.reply = (message) => {
    const out = typeof message === 'string' ? { text: message } : message;
    reply(pending ? { ...out, text: joinNotes(pending, out.text)! } : out);
    pending = undefined;
  };
  return () => {
    turn.reply = reply;
    if (pending) reply(pending);
  };
}

/** Runs `handle` with `lead` (if any) opening the turn's first reply. */
async function withLead(turn: Turn, lead: string | undefined, handle: () => Promise<void>): Promise<void> {
  if (!lead) return handle();
  const finish = leadNextReply(turn, lead);
  try {
    await handle();
  } finally {
    finish();
  }
}

/** Paragraphs of one reply, a blank line apart; undefined when there is none. */
function joinNotes(...notes: (string | undefined)[]): string | undefined {
  return notes.filter(Boolean).join('\n\n') || undefined;
}

/** More than `max` characters (code points); the cheap UTF-16 length settles most texts. */
function overLimit(text: string, max: number): boolean {
  return text.length > max && Array.from(text).length > max;
}

/** Staff, deputies and admins are greeted as staff unless they chose to write as a voter (/cutri). */
function isStaffOutsideVoterMode(turn: Turn): boolean {
  return turn.role !== 'voter' && !turn.conversation.data.voterMode;
}

function inVoterStep(turn: Turn): boolean {
  return ['intake.consent', 'intake.confirm', 'intake.name', 'intake.ward'].includes(turn.conversation.state);
}

function hasConsent(voter: { consent: string } | null): boolean {
  return voter?.consent === 'agreed' || voter?.consent === 'anonymous';
}

async function recordConsent(turn: Turn, consent: 'agreed' | 'anonymous'): Promise<void> {
  turn.voter = await saveConsent(turn.tx, turn.event, consent, turn.now, noticeVersion(mediaReads(turn.config)));
}

async function updateVoter(turn: Turn, data: { name?: string; ward?: string }): Promise<void> {
  turn.voter = await saveVoterDetails(turn.tx, turn.event, data);
}

/** Personal data goes; the petitions stay as anonymous civic records. */
async function forgetVoter(turn: Turn): Promise<void> {
  const { voter } = turn;
  if (!voter) return;
  await turn.tx.petition.updateMany({
    where: { voterId: voter.id },
    data: { voterId: null, ward: null, anonymous: true },
  });
  await withdrawVoter(turn.tx, voter.id, turn.now);
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
  if (event.kind !== 'media') return undefined;
  return { media: event.media, fileId: event.fileId, durationSeconds: event.durationSeconds };
}

function pendingOf(turn: Turn): Pending {
  return turn.conversation.data as Pending;
}

function holdsAnything(pending: Pending): boolean {
  return Boolean(pending.pendingText || pending.pendingMedia?.length || pending.unconfirmed);
}

/**
 * Keeps what a voter sent before consenting, to be stored as one petition on agreeing; returns
 * the refusal when it would make the held text longer than one petition (then nothing is kept).
 */
function holdPending(turn: Turn, text: string, media: MediaRef | undefined): string | undefined {
  const pending = pendingOf(turn);
  if (text) {
    const joined = pending.pendingText ? `${pending.pendingText}\n${text}` : text;
    if (overLimit(joined, MAX_HELD_CHARS)) return msg.heldFull(MAX_HELD_CHARS);
    pending.pendingText = joined;
  }
  if (media) pending.pendingMedia = [...(pending.pendingMedia ?? []), media];
  return undefined;
}

function clearPending(turn: Turn): void {
  const pending = pendingOf(turn);
  delete pending.pendingText;
  delete pending.pendingMedia;
  delete pending.unconfirmed;
}
