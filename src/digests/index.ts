// The digests: the chat feature and the digest scheduler (durable jobs). main.ts composes
// them with one call.
import type { Feature } from '../core/types.ts';
import { digestFeature } from './feature.ts';
import { DigestScheduler, type SchedulerDeps } from './scheduler.ts';

export interface Digests {
  feature: Feature;
  scheduler: DigestScheduler;
  start(now?: Date): Promise<void>;
}

/** Registers the digest jobs; `start` books the schedule. */
export function createDigests(deps: SchedulerDeps): Digests {
  const scheduler = new DigestScheduler(deps);
  scheduler.register();
  return {
    feature: digestFeature(),
    scheduler,
    start: (now) => scheduler.start(now),
  };
}

export { deadlineStatus } from './deadlines.ts';
export { DigestScheduler } from './scheduler.ts';
