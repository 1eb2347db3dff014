// Every reply and notification is written to the outbox in the same transaction as the
// change that caused it, then delivered: at once when the platform answers, later (in
// order, per chat) when it does not. A crash between the two loses nothing.
import type { Db, Tx } from '../db/client.ts';
import { backoffMs } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import {
  DeliveryRateLimited,
  PermanentDeliveryError,
  type Channel,
  type OutgoingMessage,
  type Sender,
} from './types.ts';

const SENDING_LEASE_MS = 60_000;
const MAX_ATTEMPTS = 200;
// A voter waits for the reply: retry at least every minute while the platform is down.
const MAX_RETRY_DELAY_MS = 60_000;

export async function addToOutbox(
  tx: Db | Tx,
  channel: Channel,
  chatId: string,
  messages: OutgoingMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  // One statement for a turn's replies; ids still follow the order of `messages`.
  await tx.outboxMessage.createMany({
    data: messages.map((message) => ({ channel, chatId, payload: JSON.stringify(message) })),
  });
}

export class Outbox {
  private readonly senders = new Map<Channel, Sender>();
  /** One delivery chain per chat keeps messages in order inside this process. */
  private readonly chains = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  registerSender(channel: Channel, sender: Sender): void {
    this.senders.set(channel, sender);
  }

  /** Delivers what is due for one chat; resolves when this chat's queue is handled. */
  flush(channel: Channel, chatId: string): Promise<void> {
    const key = `${channel}:${chatId}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.deliverChat(channel, chatId)).catch((error: unknown) => {
      this.log.error({ err: error, channel }, 'outbox delivery failed');
    });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /** Delivers every chat that has something due (retries after an outage); never throws. */
  async flushDue(): Promise<void> {
    try {
      const chats = await this.db.outboxMessage.findMany({
        where: { status: { in: ['pending', 'sending'] }, nextAttemptAt: { lte: new Date() } },
        distinct: ['channel', 'chatId'],
        select: { channel: true, chatId: true },
        take: 500,
      });
      await Promise.all(chats.map((chat) => this.flush(chat.channel as Channel, chat.chatId)));
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
    await Promise.all(this.chains.values());
  }

  private async deliverChat(channel: Channel, chatId: string): Promise<void> {
    const sender = this.senders.get(channel);
    if (!sender) return;
    for (;;) {
      const now = new Date();
      const message = await this.db.outboxMessage.findFirst({
        where: { channel, chatId, status: { in: ['pending', 'sending'] } },
        orderBy: { id: 'asc' },
      });
      // The oldest undelivered message blocks the ones after it: order matters in a chat.
      if (!message || message.nextAttemptAt > now) return;
      const claimed = await this.db.outboxMessage.updateMany({
        where: { id: message.id, status: message.status, nextAttemptAt: message.nextAttemptAt },
        data: { status: 'sending', nextAttemptAt: new Date(now.getTime() + SENDING_LEASE_MS) },
      });
      if (claimed.count === 0) return;
      if (!(await this.deliverOne(sender, message.id, chatId, JSON.parse(message.payload), message.attempts))) return;
    }
  }

  /** Returns whether the chat's next message may be tried now. */
  private async deliverOne(
    sender: Sender,
    id: number,
    chatId: string,
    payload: OutgoingMessage,
    attempts: number,
  ): Promise<boolean> {
    try {
      await sender.send(chatId, payload);
      await this.db.outboxMessage.update({ where: { id }, data: { status: 'sent', sentAt: new Date() } });
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentDeliveryError || attempts + 1 >= MAX_ATTEMPTS) {
        this.log.warn({ outboxId: id, reason }, 'message dropped: platform refuses delivery');
        await this.db.outboxMessage.update({
          where: { id },
          data: { status: 'failed', attempts: attempts + 1, lastError: reason.slice(0, 500) },
        });
        return true;
      }
      const delay = error instanceof DeliveryRateLimited ? error.retryAfterMs : backoffMs(attempts + 1, MAX_RETRY_DELAY_MS);
      this.log.warn({ outboxId: id, reason, retryInMs: delay }, 'delivery failed; will retry');
      await this.db.outboxMessage.update({
        where: { id },
        data: {
          status: 'pending',
          attempts: attempts + 1,
          nextAttemptAt: new Date(Date.now() + delay),
          lastError: reason.slice(0, 500),
        },
      });
      return false;
    }
  }
}
