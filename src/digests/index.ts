// Issue 6 wiring: the chat feature, the digest scheduler (durable jobs) and the send-rate
// gate for platform limits. main.ts composes it with one call.
import type { Feature } from '../core/engine.ts';
import { digestFeature } from './feature.ts';
import { DigestScheduler, type SchedulerDeps } from './scheduler.ts';
import { SendRateLimiter, TELEGRAM_LIMITS, telegramThrottle, ZALO_LIMITS } from './throttle.ts';

export interface Digests {
  feature: Feature;
  scheduler: DigestScheduler;
  /** grammY transformer: `telegram.bot.api.config.use(digests.telegramThrottle)`. */
  telegramThrottle: ReturnType<typeof telegramThrottle>;
  /** For the Zalo channel's sends (see throttleSender). */
  zaloLimiter: SendRateLimiter;
  start(now?: Date): Promise<void>;
}

export function createDigests(deps: SchedulerDeps): Digests {
  const scheduler = new DigestScheduler(deps);
  scheduler.register();
  return {
    feature: digestFeature(),
    scheduler,
    telegramThrottle: telegramThrottle(new SendRateLimiter(TELEGRAM_LIMITS)),
    zaloLimiter: new SendRateLimiter(ZALO_LIMITS),
    start: (now) => scheduler.start(now),
  };
}

export { deadlineStatus } from './deadlines.ts';
export { DigestScheduler } from './scheduler.ts';
