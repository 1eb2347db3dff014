// Operations in a running app: scheduled backups and the daily retention run as durable
// jobs, and the /metrics and /readyz routes. main.ts composes it with one call.
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/client.ts';
import { mountOpsRoutes } from '../http/ops-routes.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { backupFileName, backupKind, pruneBackups, recordBackup, writeBackup } from './backup.ts';
import { countBackup, databaseGauges } from './metrics.ts';
import { runRetention } from './retention.ts';
import { bookNextSlot, registerScheduledTask, type ScheduledTask } from './schedule.ts';

export const BACKUP_JOB = 'ops.backup';
export const RETENTION_JOB = 'ops.retention';
/** Daily, after the nightly backup (02:00 by default), so a backup precedes every deletion. */
export const RETENTION_PATTERN = '30 3 * * *';

export interface OpsDeps {
  db: Db;
  config: Config;
  log: Logger;
  queue: JobQueue;
}

/** Registers the jobs, books their next slots, and returns the routes for createHttpApp's `extra`. */
export async function startOps(deps: OpsDeps): Promise<(app: Hono) => void> {
  const backup = backupTask(deps);
  const retention = retentionTask(deps);
  registerScheduledTask(deps.queue, deps.db, backup);
  registerScheduledTask(deps.queue, deps.db, retention);
  if (deps.config.BACKUP_DIR) await bookNextSlot(deps.db, backup);
  await bookNextSlot(deps.db, retention);
  const gauges = databaseGauges(deps.db);
  return (app) => mountOpsRoutes(app, { db: deps.db, config: deps.config, gauges });
}

export function backupTask({ db, config, log }: OpsDeps): ScheduledTask {
  return {
    type: BACKUP_JOB,
    pattern: config.BACKUP_SCHEDULE,
    timeZone: config.TZ,
    maxAttempts: 3,
    run: async (slot) => {
      // BACKUP_DIR unset since the slot was booked: backups are off, the chain ends here.
      if (!config.BACKUP_DIR) return;
      await scheduledBackup({ db, config, log }, config.BACKUP_DIR, slot);
    },
  };
}

/** Writes the slot's backup into `dir`, records it, and removes those beyond BACKUP_KEEP. */
export async function scheduledBackup(deps: Omit<OpsDeps, 'queue'>, dir: string, slot: Date): Promise<string> {
  const { db, config, log } = deps;
  const name = backupFileName(slot, config.TZ, backupKind(config.DATABASE_URL));
  const started = Date.now();
  try {
    const result = await writeBackup(config.DATABASE_URL, join(dir, name));
    await recordBackup(db, 'system', result);
    countBackup('success');
    const removed = await pruneBackups(dir, config.BACKUP_KEEP);
    log.info({ file: name, bytes: result.bytes, ms: Date.now() - started, removed: removed.length }, 'backup written');
    return result.file;
  } catch (error) {
    countBackup('failure');
    log.error({ err: error, file: name }, 'backup failed');
    throw error;
  }
}

export function retentionTask({ db, config, log }: OpsDeps): ScheduledTask {
  return {
    type: RETENTION_JOB,
    pattern: RETENTION_PATTERN,
    timeZone: config.TZ,
    maxAttempts: 5,
    run: async () => {
      const report = await runRetention(db, config, { actor: 'system' });
      log.info({ ...report.counts, personalDays: report.personalDays }, 'retention applied');
    },
  };
}
