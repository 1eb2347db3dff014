// Replies as the fake Telegram saw them: voters reached per second while a burst waits, the
// busiest one-second window of send calls, the first reply's latency at a steady arrival rate,
// and whether a 429's retry_after was honoured. Times are the fake's arrival times (ms since
// epoch, the same clock as the load generator's, both in the bench process).
import { busiestSecond as busiestOf, type FakeTelegram, type SentCall } from '../../test/fakes/telegram.ts';
import type { StartLoad } from './intake.ts';
import { percentile } from './timing.ts';

const SENDS = new Set(['sendMessage', 'sendPhoto', 'sendDocument']);

/** Where the fake's records stood at a moment: what came after is a phase's. */
export interface Mark {
  calls: number;
  failed: number;
}

export function mark(telegram: FakeTelegram): Mark {
  return { calls: telegram.calls.length, failed: telegram.failed.length };
}

function sendsSince(telegram: FakeTelegram, since: Mark): SentCall[] {
  return telegram.calls.slice(since.calls).filter((call) => SENDS.has(call.method));
}

function refusedSince(telegram: FakeTelegram, since: Mark): SentCall[] {
  return telegram.failed.slice(since.failed).filter((call) => SENDS.has(call.method));
}

/** The most send calls (accepted or refused) that arrived within any one second since `since`. */
export function busiestSecond(telegram: FakeTelegram, since: Mark): number {
  return busiestOf([...sendsSince(telegram, since), ...refusedSince(telegram, since)]);
}

/** Send calls refused since `since` (429 from the fake's cap or an injected failure). */
export function refusedCount(telegram: FakeTelegram, since: Mark): number {
  return refusedSince(telegram, since).length;
}

/** Per chat of `load`, the sends it received since `since`, in arrival order. */
function sendsByChat(telegram: FakeTelegram, since: Mark, load: StartLoad): Map<string, number[]> {
  const byChat = new Map<string, number[]>();
  for (const call of sendsSince(telegram, since)) {
    const chat = String(call.body.chat_id);
    if (!load.postedAt.has(chat)) continue;
    byChat.set(chat, [...(byChat.get(chat) ?? []), call.at!]);
  }
  return byChat;
}

/** Whether every voter of `load` has received a reply since `since`. */
export function allReached(telegram: FakeTelegram, since: Mark, load: StartLoad): boolean {
  return sendsByChat(telegram, since, load).size >= load.postedAt.size;
}

export interface BurstDelivery {
  voters: number;
  reached: number;
  /** From the burst's first update to the last voter's first reply. */
  lastVoterWaitSeconds: number;
  /** Voters reached over that time, per second. */
  votersPerSecond: number;
  /** Messages sent to the burst's voters over the same time, per second. */
  messagesPerSecond: number;
  messagesPerVoter: number;
}

/** How the replies to a burst of new voters (`load`, posted after `since`) went out. */
export function burstDelivery(telegram: FakeTelegram, since: Mark, load: StartLoad): BurstDelivery {
  const byChat = sendsByChat(telegram, since, load);
  const all = [...byChat.values()].flat();
  // The cap counts any one second, so a burst may open with a full second's worth at once:
  // the rate is taken over the whole wait, from the first update on.
  const from = Math.min(...load.postedAt.values());
  const to = Math.max(...[...byChat.values()].map((times) => times[0]!));
  const seconds = (to - from) / 1000;
  return {
    voters: load.postedAt.size,
    reached: byChat.size,
    lastVoterWaitSeconds: seconds,
    votersPerSecond: byChat.size / seconds,
    messagesPerSecond: all.filter((at) => at <= to).length / seconds,
    messagesPerVoter: byChat.size ? all.length / byChat.size : Number.NaN,
  };
}

export interface FirstReply {
  perSecond: number;
  voters: number;
  reached: number;
  p50: number;
  p95: number;
  max: number;
}

/** From each voter's update to the first reply the platform accepted, ms (a voter never reached counts as endless). */
export function firstReplies(telegram: FakeTelegram, since: Mark, load: StartLoad, perSecond: number): FirstReply {
  const byChat = sendsByChat(telegram, since, load);
  const waits = [...load.postedAt].map(([chat, posted]) => {
    const first = byChat.get(chat)?.[0];
    return first === undefined ? Number.POSITIVE_INFINITY : first - posted;
  });
  waits.sort((a, b) => a - b);
  return {
    perSecond,
    voters: load.postedAt.size,
    reached: byChat.size,
    p50: percentile(waits, 50),
    p95: percentile(waits, 95),
    max: waits.at(-1) ?? Number.NaN,
  };
}

export interface FloodCheck {
  retryAfterSeconds: number;
  /** Send calls that arrived while the bot had been told to wait (the ones already on their way excepted). */
  sentDuringWait: number;
  /** Whether the refused message's chat got its reply afterwards. */
  refusedDelivered: boolean;
}

/** Calls already on their way when the 429 was answered may still arrive this long after it. */
const IN_FLIGHT_MS = 50;

/** After a 429 injected at the first send since `since`: did the bot wait `retryAfterSeconds` before sending again? */
export function floodCheck(telegram: FakeTelegram, since: Mark, retryAfterSeconds: number): FloodCheck {
  const refused = refusedSince(telegram, since)[0];
  if (!refused) return { retryAfterSeconds, sentDuringWait: Number.NaN, refusedDelivered: false };
  const from = refused.at! + IN_FLIGHT_MS;
  const until = refused.at! + retryAfterSeconds * 1000;
  const sends = sendsSince(telegram, since);
  return {
    retryAfterSeconds,
    sentDuringWait: sends.filter((call) => call.at! > from && call.at! < until).length,
    refusedDelivered: sends.some((call) => String(call.body.chat_id) === String(refused.body.chat_id)),
  };
}
