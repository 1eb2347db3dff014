// Live turns first: while the core is committing deliveries, job workers hold their next
// claim, and claim anyway after a bounded wait so a long burst never starves them.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { createLogger } from '../../src/log.ts';
import { enqueueJob, JobQueue } from '../../src/jobs/queue.ts';
import { freshDatabaseUrl, openDb, waitUntil } from '../helpers/app.ts';

let db: Db;
let queue: JobQueue;

beforeEach(async () => {
  db = await openDb(freshDatabaseUrl());
  queue = new JobQueue(db, createLogger('silent'), 10);
});
afterEach(async () => {
  await queue.stop();
  await db.$disconnect();
});

/** Registers a job type whose runs record whether turns were being committed at the time. */
function recordRuns(busy: () => boolean): boolean[] {
  const seen: boolean[] = [];
  queue.register('probe', { handle: async () => void seen.push(busy()) });
  return seen;
}

it('holds a claim while turns are being committed and takes the job once they are done', async () => {
  let busy = true;
  let polls = 0;
  const seen = recordRuns(() => busy);
  queue.yieldWhile(() => {
    polls++;
    return busy;
  });
  await enqueueJob(db, 'probe', {});
  queue.start();
  await waitUntil(async () => polls >= 5);
  expect(seen).toEqual([]);
  busy = false;
  await waitUntil(async () => seen.length === 1);
  expect(seen).toEqual([false]);
});

it('claims anyway when turns keep coming', async () => {
  const seen = recordRuns(() => true);
  queue.yieldWhile(() => true);
  await enqueueJob(db, 'probe', {});
  queue.start();
  await waitUntil(async () => seen.length === 1, 5_000);
  expect(seen).toEqual([true]);
});
