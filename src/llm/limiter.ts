// Model calls at once, shared by every feature that talks to one endpoint. A feature's
// waiting calls never take every slot, and classification (the voters' own petitions)
// always keeps one for itself.
import type { ModelFeature } from './features.ts';

interface Waiter {
  feature: ModelFeature;
  grant: () => void;
}

/** A counting semaphore with per-feature shares. */
export class CallLimiter {
  private readonly held = new Map<ModelFeature, number>();
  private total = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly slots: number) {}

  /** Runs `work` once a slot is free for this feature. */
  async run<T>(feature: ModelFeature, work: () => Promise<T>): Promise<T> {
    await this.acquire(feature);
    try {
      return await work();
    } finally {
      this.release(feature);
    }
  }

  /** Calls running now for a feature (for tests and `llm check`). */
  running(feature?: ModelFeature): number {
    return feature ? (this.held.get(feature) ?? 0) : this.total;
  }

  private mayTake(feature: ModelFeature): boolean {
    if (this.total >= this.slots) return false;
    if (this.slots === 1) return true;
    // No feature fills every slot; everything but classification leaves it one.
    if ((this.held.get(feature) ?? 0) >= this.slots - 1) return false;
    const others = this.total - (this.held.get('classify') ?? 0);
    return feature === 'classify' || others < this.slots - 1;
  }

  private take(feature: ModelFeature): void {
    this.held.set(feature, (this.held.get(feature) ?? 0) + 1);
    this.total++;
  }

  private acquire(feature: ModelFeature): Promise<void> {
    // Waiters are only ever held back by their own feature's share, so one that may take a slot takes it.
    if (this.mayTake(feature)) {
      this.take(feature);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ feature, grant: resolve }));
  }

  private release(feature: ModelFeature): void {
    this.held.set(feature, (this.held.get(feature) ?? 1) - 1);
    this.total--;
    // The first waiter that may take a slot gets it: a blocked feature does not hold up another.
    for (let i = 0; i < this.waiting.length;) {
      const waiter = this.waiting[i]!;
      if (!this.mayTake(waiter.feature)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.take(waiter.feature);
      waiter.grant();
    }
  }
}

const limiters = new Map<string, CallLimiter>();

/** The process's limiter for one endpoint. */
export function limiterFor(endpoint: string, slots: number): CallLimiter {
  let limiter = limiters.get(endpoint);
  if (!limiter || limiter.slots !== slots) {
    limiter = new CallLimiter(slots);
    limiters.set(endpoint, limiter);
  }
  return limiter;
}
