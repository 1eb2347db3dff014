// Durable background jobs in the database: they survive a crash (a running job whose
// lease ran out is taken again) and failures are retried with exponential backoff.
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/client.ts';
import { execute, kindOf, queryRows, transaction } from '../db/sql.ts';
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
  /** How many calls of this type may run at once (default 1). */
  concurrency?: number;
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
/** Longest pause of the workers after failed claims: jobs resume within seconds of the database. */
const MAX_CLAIM_PAUSE_MS = 5_000;
/** While people are being answered, a worker looks again this often before claiming … */
const YIELD_STEP_MS = 50;
/** … and claims anyway after this long, so background work slows under a burst but never stops. */
const MAX_YIELD_MS = 2_000;

const DEFAULT_MAX_ATTEMPTS = 20;

/**
 * The statement that enqueues a job, for callers that fold it into a larger one (the
 * petition's `WITH` statement on PostgreSQL): `payload` is its JSON text, or SQL that makes it.
 */
export function jobInsert(type: string, payload: string | Prisma.Sql, now: Date, options: EnqueueOptions = {}) {
  return Prisma.sql`
      INSERT INTO "Job" ("type", "payload", "status", "attempts", "maxAttempts", "runAt", "uniqueKey", "createdAt", "updatedAt")
      VALUES (${type}, ${payload}, 'pending', 0, ${options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}, ${options.runAt ?? now},
        ${options.uniqueKey ?? null}, ${now}, ${now})
      ON CONFLICT DO NOTHING`;
}

/** Enqueues a job in plain SQL: every petition enqueues its classification on the intake path. */
export async function enqueueJob(
  db: Db | Tx,
  type: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<void> {
  await execute(db, jobInsert(type, JSON.stringify(payload), new Date(), options));
}

export function backoffMs(attempts: number, maxMs = MAX_BACKOFF_MS): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), maxMs);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** What a type's worker needs of the queue: taking jobs and running them. */
interface JobRunner {
  /** Resolves once no live turn is waiting, or after MAX_YIELD_MS. */
  yieldToTurns(): Promise<void>;
  claim(type: string, limit: number): Promise<ClaimedJob[]>;
  execute(handler: JobHandler, jobs: ClaimedJob[]): Promise<void>;
}

/**
 * The worker of one job type: its own loop, its own slots and its own kicks, so a type
 * whose jobs wait on a slow service (a model that hangs) holds up only itself.
 */
class TypeWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Kicked since the worker last looked: its next sleep ends after the gather window. */
  private kicked = false;
  private wake: (() => void) | undefined;
  private nudge: (() => void) | undefined;

  constructor(
    private readonly type: string,
    private readonly handler: JobHandler,
    private readonly queue: JobRunner,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

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

  kick(): void {
    this.kicked = true;
    this.nudge?.();
  }

  private async run(): Promise<void> {
    const slots = Math.max(1, this.handler.concurrency ?? 1);
    while (this.running) {
      if (this.inFlight.size >= slots) {
        await Promise.race(this.inFlight);
        continue;
      }
      let claimed = 0;
      try {
        await this.queue.yieldToTurns();
        const jobs = await this.queue.claim(this.type, this.handler.batchSize ?? 1);
        claimed = jobs.length;
        if (claimed > 0) this.track(this.queue.execute(this.handler, jobs));
      } catch (error) {
        this.log.error({ err: error, type: this.type }, 'job worker failed; retrying after a pause');
      }
      if (claimed === 0 && this.running) await this.sleep(this.pollMs);
    }
    await Promise.all(this.inFlight);
  }

  private track(work: Promise<void>): void {
    const settled: Promise<void> = work
      .catch((error: unknown) => {
        this.log.error({ err: error, type: this.type }, 'job bookkeeping failed; its lease will expire');
      })
      .finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }

  /**
   * Ends when the poll interval runs out, or a moment after a kick, so that work arriving
   * in a burst (one petition per turn) is taken in batches (one LLM request for several).
   */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = this.nudge = undefined;
        this.kicked = false;
        resolve();
      };
      let timer = setTimeout(finish, ms);
      this.wake = finish;
      this.nudge = () => {
        this.nudge = undefined;
        clearTimeout(timer);
        timer = setTimeout(finish, KICK_GATHER_MS);
      };
      if (this.kicked) this.nudge();
    });
  }
}

/**
 * Runs the registered job types, each in its own worker (see TypeWorker) with its own
 * concurrency; all of them claim from the one Job table.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly workers = new Map<string, TypeWorker>();
  private readonly workerId = randomUUID();
  private running = false;
  /** After a failed claim no worker claims before this time (see claimForWorker). */
  private pausedUntil = 0;
  private failedClaims = 0;
  /** SQLite: the workers' claims, one after another. */
  private claims: Promise<unknown> = Promise.resolve();
  private turnsBusy: () => boolean = () => false;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly pollMs = 1000,
  ) {}

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
    const runner: JobRunner = {
      yieldToTurns: () => this.yieldToTurns(),
      claim: (t, limit) => this.claimForWorker(t, limit),
      execute: (h, jobs) => this.execute(h, jobs),
    };
    const worker = new TypeWorker(type, handler, runner, this.log, this.pollMs);
    this.workers.set(type, worker);
    if (this.running) worker.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const worker of this.workers.values()) worker.start();
  }

  /**
   * Live turns first: while `busy` says people are waiting for an answer, workers hold their
   * next claim (up to MAX_YIELD_MS), so a hall of voters arriving at once is acknowledged
   * before the petitions it sends are classified.
   */
  yieldWhile(busy: () => boolean): void {
    this.turnsBusy = busy;
  }

  private async yieldToTurns(): Promise<void> {
    const until = Date.now() + MAX_YIELD_MS;
    while (this.running && this.turnsBusy() && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, YIELD_STEP_MS));
    }
  }

  /** Stops taking jobs and waits for the ones in hand to finish. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
  }

  /** Asks the worker of this type (or of every type) to look for work now instead of at its next poll. */
  kick(type?: string): void {
    if (type) this.workers.get(type)?.kick();
    else for (const worker of this.workers.values()) worker.kick();
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

  /**
   * A worker's claim. The database failing for one type fails for all: every worker then
   * pauses with a shared backoff. On SQLite, where a claim that waits for another process's
   * write lock blocks this process for the busy timeout, the workers claim one at a time, so
   * they never starve the turns that wait for the same lock.
   */
  private async claimForWorker(type: string, limit: number): Promise<ClaimedJob[]> {
    if (Date.now() < this.pausedUntil) return [];
    const attempt =
      kindOf(this.db) === 'sqlite' ? this.claims.then(() => this.claim(type, limit)) : this.claim(type, limit);
    this.claims = attempt.catch(() => undefined);
    try {
      const jobs = await attempt;
      this.failedClaims = 0;
      return jobs;
    } catch (error) {
      this.failedClaims++;
      this.pausedUntil = Date.now() + backoffMs(this.failedClaims, MAX_CLAIM_PAUSE_MS);
      throw error;
    }
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
    const postgres = kindOf(this.db) === 'postgresql';
    const claim = Prisma.sql`
      UPDATE "Job" SET "status" = 'running', "lockedBy" = ${this.workerId}, "lockedUntil" = ${lockedUntil}, "updatedAt" = ${now}
      WHERE "id" IN (
        SELECT "id" FROM "Job"
        WHERE "type" = ${type} AND (("status" = 'pending' AND "runAt" <= ${now}) OR ("status" = 'running' AND "lockedUntil" < ${now}))
        ORDER BY "id" LIMIT ${limit}
        ${postgres ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty})
      RETURNING "id", "type", "payload", "attempts"`;
    type Row = { id: number | string; type: string; payload: string; attempts: number | string };
    const rows = postgres
      ? await queryRows<Row>(this.db, claim)
      : await transaction(this.db, (tx) => queryRows<Row>(tx, claim));
    return rows
      .map((job) => ({
        id: Number(job.id),
        type: job.type,
        payload: JSON.parse(job.payload) as unknown,
        attempts: Number(job.attempts),
      }))
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
      const delay = error instanceof RetryLater ? error.delayMs : backoffMs(attempts);
      const [row] = await queryRows<{ status: string }>(
        this.db,
        Prisma.sql`
          UPDATE "Job" SET "attempts" = ${attempts},
            "status" = CASE WHEN ${attempts} >= "maxAttempts" THEN 'failed' ELSE 'pending' END,
            "runAt" = ${new Date(Date.now() + delay)}, "lockedUntil" = NULL, "lastError" = ${message.slice(0, 1000)},
            "updatedAt" = ${new Date()}
          WHERE "id" = ${job.id}
          RETURNING "status"`,
      );
      const exhausted = row?.status !== 'pending';
      this.log.warn({ jobId: job.id, type: job.type, attempts, exhausted, error: message }, 'job failed');
    }
  }
}
