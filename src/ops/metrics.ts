// Prometheus metrics. Counters and the LLM histogram count what this process did, in one
// registry per process (several apps in one test process share it). Gauges that are
// database state (jobs, outbox, last backup) are read at scrape time from the app's own
// database, so every instance reports the same, correct values.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** The AuditLog action of a backup that was written completely. */
export const BACKUP_CREATED = 'backup.created';

const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry });

const updates = new Counter({
  name: 'kiennghi_updates_total',
  help: 'Platform deliveries handled, by channel and outcome (handled, duplicate, limited, error).',
  labelNames: ['channel', 'outcome'] as const,
  registers: [processRegistry],
});

const petitions = new Counter({
  name: 'kiennghi_petitions_total',
  help: 'Petitions stored, by channel.',
  labelNames: ['channel'] as const,
  registers: [processRegistry],
});

const llmRequests = new Counter({
  name: 'kiennghi_llm_requests_total',
  help: 'Model requests (each try), by feature and outcome (ok, error).',
  labelNames: ['feature', 'outcome'] as const,
  registers: [processRegistry],
});

const llmLatency = new Histogram({
  name: 'kiennghi_llm_latency_seconds',
  help: 'Duration of model requests.',
  labelNames: ['feature'] as const,
  buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
  registers: [processRegistry],
});

const backups = new Counter({
  name: 'kiennghi_backups_total',
  help: 'Backups attempted by this process, by outcome (success, failure).',
  labelNames: ['outcome'] as const,
  registers: [processRegistry],
});

/** Counts one platform delivery once its outcome is known. */
export function countUpdate(channel: string, outcome: string): void {
  updates.inc({ channel, outcome });
}

/** Counts one stored petition. */
export function countPetition(channel: string): void {
  petitions.inc({ channel });
}

/** Counts one model request and its duration. */
export function observeLlm(feature: string, outcome: string, seconds: number): void {
  llmRequests.inc({ feature, outcome });
  llmLatency.observe({ feature }, seconds);
}

/** Awaits one model request, counting it (ok or error) and its duration. */
export async function observeLlmCall<T>(feature: string, call: Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await call;
    observeLlm(feature, 'ok', (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    observeLlm(feature, 'error', (performance.now() - started) / 1000);
    throw error;
  }
}

/** Counts one backup attempt. */
export function countBackup(outcome: 'success' | 'failure'): void {
  backups.inc({ outcome });
}

/** Registry of the gauges read from one app's database at scrape time. */
export function databaseGauges(db: Db): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'kiennghi_jobs_pending',
    help: 'Durable jobs due and waiting for a worker, by type.',
    labelNames: ['type'] as const,
    registers: [registry],
    async collect() {
      const rows = await dueJobs(db);
      this.reset();
      for (const row of rows) this.set({ type: row.type }, row.pending);
    },
  });
  new Gauge({
    name: 'kiennghi_job_lag_seconds',
    help: 'Age of the oldest due job that no worker has taken yet, by type.',
    labelNames: ['type'] as const,
    registers: [registry],
    async collect() {
      const rows = await dueJobs(db);
      const now = Date.now();
      this.reset();
      for (const row of rows) this.set({ type: row.type }, Math.max(0, (now - row.oldest.getTime()) / 1000));
    },
  });
  new Gauge({
    name: 'kiennghi_outbox_pending',
    help: 'Replies and notifications waiting for delivery, by channel.',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      const rows = await queryRows<{ channel: string; n: number | string }>(
        db,
        Prisma.sql`SELECT "channel", COUNT(*) AS "n" FROM "OutboxMessage" WHERE "status" = 'pending' GROUP BY "channel"`,
      );
      this.reset();
      for (const row of rows) this.set({ channel: row.channel }, Number(row.n));
    },
  });
  new Gauge({
    name: 'kiennghi_backup_last_success_timestamp_seconds',
    help: 'When the newest complete backup was written (Unix time; 0 = never).',
    registers: [registry],
    async collect() {
      const last = await db.auditLog.findFirst({
        where: { action: BACKUP_CREATED },
        orderBy: { createdAt: 'desc' },
        select: { createdAt: true },
      });
      this.set(last ? last.createdAt.getTime() / 1000 : 0);
    },
  });
  return registry;
}

interface JobRow {
  type: string;
  pending: number;
  oldest: Date;
}

async function dueJobs(db: Db): Promise<JobRow[]> {
  const rows = await db.job.groupBy({
    by: ['type'],
    where: { status: 'pending', runAt: { lte: new Date() } },
    _count: { _all: true },
    _min: { runAt: true },
  });
  return rows.map((row) => ({ type: row.type, pending: row._count._all, oldest: row._min.runAt ?? new Date() }));
}

/** The Prometheus text of this process's counters and of the app's database gauges. */
export async function renderMetrics(gauges: Registry): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([processRegistry, gauges]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
