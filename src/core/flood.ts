// Per-user sliding window: a voter who floods the bot is slowed down politely. Messages
// inside the limit are processed as usual; the ones over it get one warning per window.

export type GateResult = 'ok' | 'warn' | 'drop';

export class FloodGate {
  private readonly hits = new Map<string, number[]>();
  private readonly warned = new Map<string, number>();

  constructor(
    private readonly maxMessages: number,
    private readonly windowMs: number,
  ) {}

  check(key: string, now = Date.now()): GateResult {
    const since = now - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((time) => time > since);
    if (recent.length < this.maxMessages) {
      recent.push(now);
      this.hits.set(key, recent);
      this.forgetIdle(since);
      return 'ok';
    }
    this.hits.set(key, recent);
    if ((this.warned.get(key) ?? 0) > since) return 'drop';
    this.warned.set(key, now);
    return 'warn';
  }

  /** Keeps memory bounded when many voters come and go. */
  private forgetIdle(since: number): void {
    if (this.hits.size < 10_000) return;
    for (const [key, times] of this.hits) {
      if ((times.at(-1) ?? 0) <= since) this.hits.delete(key);
    }
    for (const [key, time] of this.warned) if (time <= since) this.warned.delete(key);
  }
}
