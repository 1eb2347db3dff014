// Every reply and notification is written to the outbox in the same transaction as the
// change that caused it, then delivered: at once when the platform answers, later (in
// order, per chat) when it does not. A crash between the two loses nothing.
import type { Db, Tx } from '../db/types.ts';
import { backoffMs } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { channelKey } from './keys.ts';
import {
  chatsWithDueMessages,
  insertMessages,
  markFailed,
  markMessages,
  markRetry,
  takeMessages,
  undeliveredMessages,
  type Claimed,
  type Outgoing,
} from './outbox-store.ts';
import {
  DeliveryRateLimited,
  PermanentDeliveryError,
  type Channel,
  type OutgoingMessage,
  type Sender,
} from './types.ts';

// Claimed messages are due again this long after the claim: a crashed process's unsent replies go out
// at most this long (plus a poll) after the crash. Longer than a chat's run takes, so no live claim lapses.
const SENDING_LEASE_MS = 30_000;
// Messages accepted by the platform within this window, in every chat, are marked sent by one statement.
const MARK_WINDOW_MS = 100;
// A mark that fails this many times in a row is left: the message is sent again after its lease.
const MARK_ATTEMPTS = 5;
const MAX_ATTEMPTS = 200;
// A voter waits for the reply: retry at least every minute while the platform is down.
const MAX_RETRY_DELAY_MS = 60_000;
// Chats the retry poll delivers at most per round.
const DUE_CHATS_PER_POLL = 500;

export { addToOutbox } from './outbox-store.ts';

/**
 * A turn's replies. Where the chat has nothing older waiting, they are stored already claimed
 * by this process (status "sending" under a lease), so they go out after the commit without
 * being read back; after a crash the lease runs out and any instance sends them.
 * `backlog`: keys of the chats with older messages waiting (read with the batch).
 * Returns the claimed ones per chat (`channelKey`), oldest first.
 */
export async function storeReplies(tx: Tx, items: Outgoing[], backlog: Set<string>): Promise<Map<string, Claimed[]>> {
  const claimed = new Map<string, Claimed[]>();
  if (items.length === 0) return claimed;
  const now = new Date();
  const rows = await insertMessages(
    tx,
    items,
    (channel, chatId) => !backlog.has(channelKey(channel, chatId)),
    now,
    new Date(now.getTime() + SENDING_LEASE_MS),
  );
  for (const row of rows) {
    const key = channelKey(row.channel, row.chatId);
    claimed.set(key, [...(claimed.get(key) ?? []), row]);
  }
  return claimed;
}

interface ChatRequest {
  channel: Channel;
  chatId: string;
  /** Claimed when stored (storeReplies): sent without a read. */
  fresh: Claimed[];
  /** Read the chat's due messages from the database too. */
  read: boolean;
  done: (() => void)[];
}

/**
 * Delivers in rounds: the chats asked for while a round starts share one read and one claim;
 * within a chat, one message at a time, oldest first, each marked sent (SentMarks) before the
 * next goes. A chat being delivered joins the next round once it is done.
 */
export class Outbox {
  private readonly senders = new Map<Channel, Sender>();
  private readonly requested = new Map<string, ChatRequest>();
  private readonly busy = new Set<string>();
  private readonly chains = new Set<Promise<void>>();
  private rounds: Promise<void> | undefined;
  private readonly marks: SentMarks;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {
    this.marks = new SentMarks(db, log);
  }

  registerSender(channel: Channel, sender: Sender): void {
    this.senders.set(channel, sender);
  }

  /** Delivers what is due for one chat; resolves when this chat's queue is handled. Never throws. */
  flush(channel: Channel, chatId: string): Promise<void> {
    return this.request(channel, chatId, [], true);
  }

  /** Delivers messages claimed by storeReplies (or, with none, what is due for the chat). */
  deliver(channel: Channel, chatId: string, fresh: Claimed[]): Promise<void> {
    return this.request(channel, chatId, fresh, fresh.length === 0);
  }

  private request(channel: Channel, chatId: string, fresh: Claimed[], read: boolean): Promise<void> {
    return new Promise((resolve) => {
      const key = channelKey(channel, chatId);
      const request = this.requested.get(key) ?? { channel, chatId, fresh: [], read: false, done: [] };
      request.fresh.push(...fresh);
      request.read ||= read;
      request.done.push(resolve);
      this.requested.set(key, request);
      this.rounds ??= this.runRounds();
    });
  }

  /** Delivers every chat that has something due (retries after an outage); never throws. */
  async flushDue(): Promise<void> {
    try {
      const chats = await chatsWithDueMessages(this.db, new Date(), DUE_CHATS_PER_POLL);
      await Promise.all(chats.map((chat) => this.flush(chat.channel, chat.chatId)));
    } catch (error) {
      this.log.warn({ err: error }, 'outbox: database unavailable; will retry');
    }
  }

  start(pollMs = 2000): void {
    this.timer ??= setInterval(() => void this.flushDue(), pollMs);
  }

  /** Stops retrying and waits for deliveries in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.rounds || this.chains.size) await Promise.all([this.rounds, ...this.chains]);
  }

  private async runRounds(): Promise<void> {
    // Let the flushes asked for in this tick join the first round.
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      const ready = [...this.requested].filter(([key]) => !this.busy.has(key));
      if (ready.length === 0) break;
      for (const [key] of ready) this.requested.delete(key);
      await this.round(ready.map(([, request]) => request));
    }
    this.rounds = undefined;
  }

  private async round(requests: ChatRequest[]): Promise<void> {
    let claimed: Map<string, Claimed[]>;
    try {
      claimed = await this.claim(requests.filter((request) => request.read && this.senders.has(request.channel)));
    } catch (error) {
      this.log.warn({ err: error }, 'outbox: database unavailable; will retry');
      claimed = new Map();
    }
    for (const request of requests) {
      const key = channelKey(request.channel, request.chatId);
      const messages = this.senders.has(request.channel)
        ? [...(claimed.get(key) ?? []), ...request.fresh].sort((a, b) => a.id - b.id)
        : [];
      if (messages.length === 0) {
        for (const done of request.done) done();
        continue;
      }
      this.busy.add(key);
      const chain = this.deliverChat(request.channel, messages)
        .catch((error: unknown) => this.log.error({ err: error, channel: request.channel }, 'outbox delivery failed'))
        .finally(() => {
          this.busy.delete(key);
          this.chains.delete(chain);
          for (const done of request.done) done();
          if (this.requested.has(key)) this.rounds ??= this.runRounds();
        });
      this.chains.add(chain);
    }
  }

  /** Takes, per chat, the undelivered messages that are due, oldest first, up to the first one that is not. */
  private async claim(requests: ChatRequest[]): Promise<Map<string, Claimed[]>> {
    const result = new Map<string, Claimed[]>();
    if (requests.length === 0) return result;
    const now = new Date();
    const waiting = await undeliveredMessages(this.db, requests);
    const blocked = new Set<string>();
    const due = waiting.filter((message) => {
      const key = channelKey(message.channel, message.chatId);
      // The oldest undelivered message blocks the ones after it: order matters in a chat.
      if (message.nextAttemptAt > now) blocked.add(key);
      return !blocked.has(key);
    });
    if (due.length === 0) return result;
    const taken = await takeMessages(
      this.db,
      due.map((message) => message.id),
      now,
      new Date(now.getTime() + SENDING_LEASE_MS),
    );
    const mine = new Map(taken.map((message) => [message.id, message]));
    const released: number[] = [];
    const gap = new Set<string>();
    for (const message of due) {
      const key = channelKey(message.channel, message.chatId);
      const row = mine.get(message.id);
      // Another instance took an earlier message of this chat: what follows it is left to it.
      if (!row) gap.add(key);
      else if (gap.has(key)) released.push(row.id);
      else result.set(key, [...(result.get(key) ?? []), row]);
    }
    if (released.length) await this.release(released);
    return result;
  }

  private async deliverChat(channel: Channel, messages: Claimed[]): Promise<void> {
    const sender = this.senders.get(channel)!;
    for (const [index, message] of messages.entries()) {
      const delivered = await this.deliverOne(sender, message);
      // Marked before the chat's next message goes: a crash repeats at most one message per chat.
      if (delivered === 'sent') await this.marks.add(message.id);
      if (delivered === 'retry') {
        await this.release(messages.slice(index + 1).map((m) => m.id));
        break;
      }
    }
  }

  /** Claimed but not tried: back in line (behind the chat's older message), due at once. */
  private async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await markMessages(this.db, ids, 'pending', new Date());
  }

  /** Whether the message went out, was dropped (the chat's next one may follow) or waits for a retry. */
  private async deliverOne(sender: Sender, message: Claimed): Promise<'sent' | 'dropped' | 'retry'> {
    const { id, chatId, attempts } = message;
    try {
      await sender.send(chatId, JSON.parse(message.payload) as OutgoingMessage);
      return 'sent';
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentDeliveryError || attempts + 1 >= MAX_ATTEMPTS) {
        this.log.warn({ outboxId: id, reason }, 'message dropped: platform refuses delivery');
        await markFailed(this.db, id, attempts + 1, reason.slice(0, 500));
        return 'dropped';
      }
      const delay =
        error instanceof DeliveryRateLimited ? error.retryAfterMs : backoffMs(attempts + 1, MAX_RETRY_DELAY_MS);
      this.log.warn({ outboxId: id, reason, retryInMs: delay }, 'delivery failed; will retry');
      await markRetry(this.db, id, attempts + 1, new Date(Date.now() + delay), reason.slice(0, 500));
      return 'retry';
    }
  }
}

interface Mark {
  id: number;
  attempts: number;
  written: () => void;
}

/**
 * "Sent" marks, written as soon as the platform accepts a message and grouped across chats:
 * at most one UPDATE per MARK_WINDOW_MS (at once when the last one is older), so under load
 * the single SQLite writer stays free for intake while no chat waits long for its next message.
 */
class SentMarks {
  private queue: Mark[] = [];
  private writing: Promise<void> | undefined;
  private lastWriteAt = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Resolves once the message is marked sent (or, the database failing, given up). Never throws. */
  add(id: number): Promise<void> {
    return new Promise((written) => {
      this.queue.push({ id, attempts: 0, written });
      this.writing ??= this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length > 0) {
      const wait = this.lastWriteAt + MARK_WINDOW_MS - Date.now();
      // Even with no wait, the messages accepted in this tick share the statement.
      await new Promise((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve)));
      const batch = this.queue;
      this.queue = [];
      this.lastWriteAt = Date.now();
      await this.write(batch);
    }
    this.writing = undefined;
  }

  private async write(batch: Mark[]): Promise<void> {
    try {
      await markMessages(
        this.db,
        batch.map((mark) => mark.id),
        'sent',
        new Date(),
      );
      for (const mark of batch) mark.written();
    } catch (error) {
      const retried = batch.filter((mark) => ++mark.attempts < MARK_ATTEMPTS);
      const abandoned = batch.filter((mark) => mark.attempts >= MARK_ATTEMPTS);
      // Those abandoned stay "sending": after the lease they are sent again (at least once, never lost).
      const counts = { retrying: retried.length, abandoned: abandoned.length };
      this.log.warn({ err: error, ...counts }, 'outbox: could not mark messages sent');
      for (const mark of abandoned) mark.written();
      this.queue.unshift(...retried);
    }
  }
}
