// Platform send limits (Telegram: about 30 messages/s in all, about 1 message/s per chat).
// A burst of voters or a digest run sends to many chats at once, each through its own outbox
// chain; without a shared gate those chains would all call the platform in the same instant.
// Every send waits here until fewer than the global rate of sends are in flight or answered
// within the last second, and the chat's own minimum gap has passed. A 429 (flood control)
// stops every send until its `retry_after` has passed.
import type { Transformer } from 'grammy';
import type { Sender } from '../core/types.ts';

export interface RateLimits {
  /** Sends per second for the whole bot; kept under the platform's cap for jitter. */
  perSecond: number;
  /** Minimum milliseconds between two sends to one chat. */
  perChatGapMs: number;
}

/**
 * Telegram allows about 30 messages/s. A send counts from when it leaves until one second after
 * its answer, so every send the platform receives within any one second is counted at that
 * second's end: no window holds more than 30, whatever the latency. Only send* calls count (a
 * button's answer rides on the webhook's reply).
 */
export const TELEGRAM_LIMITS: RateLimits = { perSecond: 30, perChatGapMs: 1050 };
/** Zalo publishes no figure; the same conservative pace. */
export const ZALO_LIMITS: RateLimits = { perSecond: 25, perChatGapMs: 1050 };

const IDLE_CHAT_MS = 60_000;
const WINDOW_MS = 1000;
/** How often a full window is looked at again while its sends are still in flight. */
const IN_FLIGHT_POLL_MS = 20;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Call when the platform has answered (or failed): the send then counts from that moment. */
export type Release = () => void;

export class SendRateLimiter {
  /**
   * Sends of the last second: a send counts from when it was let through until one second
   * after the platform answered. Counting until the answer, not from the moment it was let
   * through, keeps the limit as the platform sees it even when this process stalls and
   * requests leave late and bunched.
   */
  private readonly recent: { until: number }[] = [];
  private readonly lastForChat = new Map<string, number>();
  /** Sends wait their turn for the global budget in arrival order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** No send leaves before this time (the platform's flood control asked to wait). */
  private pausedUntil = -Infinity;

  constructor(
    private readonly limits: RateLimits,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {}

  /** Waits until this chat may be sent to; call the returned function once the send is done. */
  async acquire(chatId: string): Promise<Release> {
    // A chat's own messages come one at a time (the outbox orders them), so its gap is
    // waited out here, away from the shared queue, where it would hold up other chats.
    await this.waitForChat(chatId);
    const turn = this.queue.then(() => this.takeGlobalSlot(chatId));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForChat(chatId: string): Promise<void> {
    for (;;) {
      const delay = (this.lastForChat.get(chatId) ?? -Infinity) + this.limits.perChatGapMs - this.clock();
      if (delay <= 0) return;
      await this.sleep(delay);
    }
  }

  /** The platform refused a send for flooding: no send leaves for `ms`, the refused one's retry included. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms);
  }

  private async takeGlobalSlot(chatId: string): Promise<Release> {
    for (;;) {
      const now = this.clock();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      for (let i = this.recent.length - 1; i >= 0; i--) if (this.recent[i]!.until <= now) this.recent.splice(i, 1);
      if (this.recent.length < this.limits.perSecond) {
        const entry = { until: Infinity };
        this.recent.push(entry);
        this.lastForChat.set(chatId, Infinity);
        this.forgetIdle(now);
        return () => {
          const done = this.clock();
          entry.until = done + WINDOW_MS;
          this.lastForChat.set(chatId, done);
        };
      }
      const soonest = Math.min(...this.recent.map((e) => e.until));
      await this.sleep(Number.isFinite(soonest) ? soonest - now : IN_FLIGHT_POLL_MS);
    }
  }

  private forgetIdle(now: number): void {
    if (this.lastForChat.size < 10_000) return;
    for (const [chat, last] of this.lastForChat) if (last + IDLE_CHAT_MS < now) this.lastForChat.delete(chat);
  }
}

const SEND_METHOD = /^send[A-Z]/;

/**
 * A grammY API transformer: every send* call (each part of a split message included) waits
 * for its turn, and a 429's `retry_after` pauses them all. Install it before autoRetry
 * (`bot.api.config.use(telegramThrottle(limiter), autoRetry(…))`), so that a retried call
 * waits its turn again.
 */
export function telegramThrottle(limiter: SendRateLimiter): Transformer {
  return async (previous, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!SEND_METHOD.test(method) || chatId === undefined) return previous(method, payload, signal);
    const release = await limiter.acquire(String(chatId));
    try {
      const result = await previous(method, payload, signal);
      const retryAfter = result.ok ? undefined : result.parameters?.retry_after;
      if (retryAfter !== undefined) limiter.pause(retryAfter * 1000);
      return result;
    } finally {
      release();
    }
  };
}

/**
 * The same gate around a channel's Sender (Zalo). It gates whole outbox messages: the parts
 * of one long message, sent inside the Sender, follow each other directly.
 */
export function throttleSender(sender: Sender, limiter: SendRateLimiter): Sender {
  return {
    async send(chatId, message) {
      const release = await limiter.acquire(chatId);
      try {
        await sender.send(chatId, message);
      } finally {
        release();
      }
    },
  };
}
