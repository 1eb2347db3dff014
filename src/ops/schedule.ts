// Cron-timed work as durable jobs: each slot (a time the pattern fires, in the office's zone)
// is one job with a unique key, booked ahead. Several instances booking the same slot make
// one job, a slot booked before a restart still runs after it, and no timer lives outside
// the queue (the pattern of the digest scheduler).
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { nextFire } from '../digests/scheduler.ts';
import { enqueueJob, type JobQueue } from '../jobs/queue.ts';

export interface ScheduledTask {
  /** Job type; also the prefix of each slot's unique key. */
  type: string;
  /** croner pattern, in `timeZone`. */
  pattern: string;
  timeZone: string;
  maxAttempts: number;
  /** Does the slot's work; a throw retries it with the queue's backoff. */
  run(slot: Date): Promise<void>;
}

const slotPayload = z.object({ slot: z.coerce.date() });

/** The unique key of one slot of a task. */
export function slotKey(type: string, slot: Date): string {
  return `${type}:${slot.toISOString()}`;
}

/** Books the first slot after `now` (a no-op when it is already booked). */
export async function bookNextSlot(db: Db, task: ScheduledTask, now = new Date()): Promise<Date> {
  const slot = nextFire(task.pattern, task.timeZone, now);
  await enqueueJob(
    db,
    task.type,
    { slot: slot.toISOString() },
    {
      runAt: slot,
      uniqueKey: slotKey(task.type, slot),
      maxAttempts: task.maxAttempts,
    },
  );
  return slot;
}

/** Registers the task's job: each run books the following slot first, then works. */
export function registerScheduledTask(queue: JobQueue, db: Db, task: ScheduledTask): void {
  queue.register(task.type, {
    batchSize: 1,
    async handle(jobs) {
      for (const job of jobs) {
        const { slot } = slotPayload.parse(job.payload);
        // From the slot itself when it is still ahead (a clock behind another instance's).
        await bookNextSlot(db, task, new Date(Math.max(Date.now(), slot.getTime())));
        await task.run(slot);
      }
    },
  });
}
