// Durable background jobs in the database: they survive a crash (a running job whose
// lease ran out is taken again) and failures are retried with exponential backoff.
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/client.ts';
import { execute, queryRows, transaction } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { Logger } from '../log.ts';

export interface ClaimedJob {
  id: number;
  type: string;
  payload: unknown;
  attempts: number;
}

export interface JobHandler {
  /** How many due jobs of this type one call may take (batching, e.g. LLM requests). */
  batchSize?: number;
  handle(jobs: ClaimedJob[]): Promise<void>;
}

export interface EnqueueOptions {
  runAt?: Date;
  /** A job with the same key is never enqueued twice. */
  uniqueKey?: string;
  maxAttempts?: number;
}

/** Throw from a handler to retry after a known delay (e.g. an API's retry-after). */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    message = 'retry later',
  ) {
    super(message);
  }
}

const LEASE_MS = 5 * 60_000;
/** How long a kicked worker waits for more of the same work before taking it. */
const KICK_GATHER_MS = 100;
const MAX_BACKOFF_MS = 30 * 60_000;

export async function enqueueJob(
  db: Db | Tx,
  type: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<void> {
  const now = new Date();
  // Plain SQL: every petition enqueues its classification on the intake path.
  await execute(
    db,
    Prisma.sql`
      INSERT INTO "Job" ("type", "payload", "status", "attempts", "maxAttempts", "runAt", "uniqueKey", "createdAt", "updatedAt")
      VALUES (${type}, ${JSON.stringify(payload)}, 'pending', 0, ${options.maxAttempts ?? 20}, ${options.runAt ?? now},
        ${options.uniqueKey ?? null}, ${now}, ${now})
      ON CONFLICT DO NOTHING`,
  );
}

export function backoffMs(attempts: number, maxMs = MAX_BACKOFF_MS): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), maxMs);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly workerId = randomUUID();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudge: (() => void) | undefined;
  /** Job types kicked since the worker last looked; null: look at every type. */
  private kicked: Set<string> | null = new Set();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly pollMs = 1000,
    private readonly dialect: 'sqlite' | 'postgresql' = 'sqlite',
  ) {}

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops taking jobs and waits for the ones in hand to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Asks the worker to look for work (of this type, or of every type) now instead of at its next poll. */
  kick(type?: string): void {
    if (!type) this.kicked = null;
    else this.kicked?.add(type);
    this.nudge?.();
  }

  /** Runs every job (of these types) that is due now, once; returns how many ran. */
  async runDue(types?: Iterable<string>): Promise<number> {
    let total = 0;
    for (const type of types ?? this.handlers.keys()) {
      const handler = this.handlers.get(type);
      if (!handler) continue;
      const jobs = await this.claim(type, handler.batchSize ?? 1);
      if (jobs.length === 0) continue;
      total += jobs.length;
      await this.execute(handler, jobs);
    }
    return total;
  }

  /** Runs jobs until none is due (tests and the CLI use it). */
  async drain(maxRounds = 1000): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      if ((await this.runDue()) === 0) return;
    }
  }

  private async run(): Promise<void> {
    // After a kick only the kicked types are looked at (one query each), not every type.
    let types: Set<string> | null = null;
    while (this.running) {
      let ran = 0;
      try {
        ran = await this.runDue(types ?? undefined);
      } catch (error) {
        this.log.error({ err: error }, 'job worker failed; retrying after a pause');
      }
      if (ran === 0 && this.running) types = await this.sleep(this.pollMs);
    }
  }

  /**
   * Resolves with the kicked types, or null when the poll interval ran out (look at every
   * type). A kick ends the sleep a moment later, so that work arriving in a burst (one
   * petition per turn) is taken in batches (one LLM request for several petitions).
   */
  private sleep(ms: number): Promise<Set<string> | null> {
    return new Promise((resolve) => {
      const finish = (kicked: Set<string> | null) => {
        clearTimeout(timer);
        this.wake = this.nudge = undefined;
        this.kicked = new Set();
        resolve(kicked);
      };
      let timer = setTimeout(() => finish(null), ms);
      this.wake = () => finish(this.kicked);
      this.nudge = () => {
        this.nudge = undefined;
        clearTimeout(timer);
        timer = setTimeout(() => finish(this.kicked), KICK_GATHER_MS);
      };
      if (this.kicked === null || this.kicked.size > 0) this.nudge();
    });
  }

  /**
   * Takes due jobs (and running ones whose lease ran out) in one statement. On PostgreSQL
   * SKIP LOCKED lets several instances take disjoint jobs without waiting on each other.
   * SQLite has one writer anyway; there the statement runs in a transaction, because a
   * write that fails outside one would leave the kept connection on a stale snapshot (see
   * the libsql patch).
   */
  private async claim(type: string, limit: number): Promise<ClaimedJob[]> {
    const now = new Date();
    const lockedUntil = new Date(now.getTime() + LEASE_MS);
    const postgres = this.dialect === 'postgresql';
    const claim = Prisma.sql`
      UPDATE "Job" SET "status" = 'running', "lockedBy" = ${this.workerId}, "lockedUntil" = ${lockedUntil}, "updatedAt" = ${now}
      WHERE "id" IN (
        SELECT "id" FROM "Job"
        WHERE "type" = ${type} AND (("status" = 'pending' AND "runAt" <= ${now}) OR ("status" = 'running' AND "lockedUntil" < ${now}))
        ORDER BY "id" LIMIT ${limit}
        ${postgres ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty})
      RETURNING "id", "type", "payload", "attempts"`;
    type Row = { id: number | string; type: string; payload: string; attempts: number | string };
    const rows = postgres ? await queryRows<Row>(this.db, claim) : await transaction(this.db, (tx) => queryRows<Row>(tx, claim));
    return rows
      .map((job) => ({ id: Number(job.id), type: job.type, payload: JSON.parse(job.payload) as unknown, attempts: Number(job.attempts) }))
      .sort((a, b) => a.id - b.id);
  }

  private async execute(handler: JobHandler, jobs: ClaimedJob[]): Promise<void> {
    const ids = jobs.map((job) => job.id);
    try {
      await handler.handle(jobs);
      await execute(
        this.db,
        Prisma.sql`UPDATE "Job" SET "status" = 'done', "lockedUntil" = NULL, "lastError" = NULL, "updatedAt" = ${new Date()}
          WHERE "id" IN (${Prisma.join(ids)}) AND "lockedBy" = ${this.workerId}`,
      );
    } catch (error) {
      await this.fail(jobs, error);
    }
  }

  private async fail(jobs: ClaimedJob[], error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    for (const job of jobs) {
      const attempts = job.attempts + 1;
      const record = await this.db.job.findUnique({ where: { id: job.id } });
      const exhausted = record ? attempts >= record.maxAttempts : true;
      const delay = error instanceof RetryLater ? error.delayMs : backoffMs(attempts);
      await this.db.job.update({
        where: { id: job.id },
        data: {
          attempts,
          status: exhausted ? 'failed' : 'pending',
          runAt: new Date(Date.now() + delay),
          lockedUntil: null,
          lastError: message.slice(0, 1000),
        },
      });
      this.log.warn({ jobId: job.id, type: job.type, attempts, exhausted, error: message }, 'job failed');
    }
  }
}
