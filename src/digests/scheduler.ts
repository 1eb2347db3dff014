// Scheduled digests, durable across restarts. A tick (every 15 minutes, croner times in the
// office's zone) works out, for each active subscription, the latest period whose sending
// time has passed, and enqueues one job per (deputy, period) with a unique key; the digest
// job records a Digest row, unique on (deputyId, periodKey), in the same transaction as the
// messages it puts in the outbox. So a tick repeated after a restart finds the job or the
// Digest already there (no double), and a tick after downtime still sees the missed
// period (no skip). The tick itself is a durable job too: no timer lives outside the queue.
import { Cron } from 'croner';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import { addToOutbox, type Outbox } from '../core/outbox.ts';
import type { Channel } from '../core/types.ts';
import type { Db } from '../db/client.ts';
import { enqueueJob, type ClaimedJob, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { isoWeekKey, localDate } from './calendar.ts';
import { deputyMeetingIds, loadDigestData } from './data.ts';
import { buildDigest } from './digest.ts';
import { taxonomyLabels } from '../classify/labels.ts';
import { transaction } from '../db/sql.ts';

export const FREQUENCIES = ['daily', 'weekly', 'after_meeting'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const DIGEST_JOB = 'digest';
export const TICK_JOB = 'digest.tick';
export const TICK_PATTERN = '*/15 * * * *';
export const DAILY_PATTERN = '0 7 * * *';
export const WEEKLY_PATTERN = '0 7 * * 1';
/** A meeting without an end time is taken to last this long. */
const MEETING_HOURS = 4;
const DAY_MS = 86_400_000;

export interface DuePeriod {
  deputyId: number;
  frequency: Frequency;
  periodKey: string;
  /** Start of the window when the deputy has had no digest of this kind yet. */
  since: Date;
}

/** The latest time at or before `now` that the pattern fires, in the zone. */
export function latestFire(pattern: string, timeZone: string, now: Date): Date | null {
  const cron = new Cron(pattern, { timezone: timeZone, paused: true });
  // previousRuns excludes the reference instant itself; a tick exactly on time must count.
  return cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

export function nextFire(pattern: string, timeZone: string, now: Date): Date {
  return new Cron(pattern, { timezone: timeZone, paused: true }).nextRun(now)!;
}

export function digestJobKey(deputyId: number, periodKey: string): string {
  return `digest:${deputyId}:${periodKey}`;
}

export function keyPrefix(frequency: Frequency): string {
  return frequency === 'after_meeting' ? 'meeting' : frequency;
}

const jobPayload = z.object({
  deputyId: z.number().int(),
  frequency: z.enum(FREQUENCIES),
  periodKey: z.string().min(1),
  since: z.coerce.date(),
  asOf: z.coerce.date(),
});

export interface SchedulerDeps {
  db: Db;
  config: Config;
  log: Logger;
  outbox: Outbox;
  queue: JobQueue;
}

export class DigestScheduler {
  constructor(private readonly deps: SchedulerDeps) {}

  /** Registers the tick and digest jobs with the queue. */
  register(): void {
    this.deps.queue.register(TICK_JOB, { handle: () => this.onTick() });
    this.deps.queue.register(DIGEST_JOB, { batchSize: 1, handle: (jobs) => this.sendDigests(jobs) });
  }

  /** Catches up at once (a restart after a missed sending time) and books the next tick. */
  async start(now = new Date()): Promise<void> {
    await enqueueJob(this.deps.db, TICK_JOB, {}, { runAt: now });
    await this.bookNextTick(now);
  }

  /** Enqueues the digests due at `now`; returns the periods it found due. */
  async tick(now: Date): Promise<DuePeriod[]> {
    const due = await this.duePeriods(now);
    for (const period of due) {
      await enqueueJob(
        this.deps.db,
        DIGEST_JOB,
        { ...period, since: period.since.toISOString(), asOf: now.toISOString() },
        { uniqueKey: digestJobKey(period.deputyId, period.periodKey) },
      );
    }
    if (due.length) this.deps.queue.kick(DIGEST_JOB);
    return due;
  }

  async duePeriods(now: Date): Promise<DuePeriod[]> {
    const { db, config } = this.deps;
    const subscriptions = await db.digestSubscription.findMany({
      where: { cancelledAt: null },
      include: { deputy: { select: { id: true, constituency: true } } },
      orderBy: { id: 'asc' },
    });
    const due = new Map<string, DuePeriod>();
    const add = (period: DuePeriod) => due.set(digestJobKey(period.deputyId, period.periodKey), period);
    for (const sub of subscriptions) {
      const frequency = sub.frequency as Frequency;
      if (frequency === 'daily' || frequency === 'weekly') {
        const daily = frequency === 'daily';
        const fire = latestFire(daily ? DAILY_PATTERN : WEEKLY_PATTERN, config.TZ, now);
        // A subscription gets the periods that end after it was made, not a backlog.
        if (!fire || fire <= sub.createdAt) continue;
        const day = localDate(fire, config.TZ);
        add({
          deputyId: sub.deputyId,
          frequency,
          periodKey: daily ? `daily:${day}` : `weekly:${isoWeekKey(day)}`,
          since: new Date(fire.getTime() - (daily ? 1 : 7) * DAY_MS),
        });
        continue;
      }
      for (const meeting of await this.endedMeetings(sub.deputy, sub.createdAt, now)) {
        add({
          deputyId: sub.deputyId,
          frequency,
          periodKey: `meeting:${meeting.code}`,
          since: new Date(meeting.startsAt.getTime() - DAY_MS),
        });
      }
    }
    return [...due.values()];
  }

  private async endedMeetings(deputy: { id: number; constituency: string | null }, subscribedAt: Date, now: Date) {
    const ids = await deputyMeetingIds(this.deps.db, deputy);
    const meetings = await this.deps.db.meeting.findMany({
      where: { id: { in: ids }, status: { not: 'cancelled' }, startsAt: { lte: now } },
      select: { code: true, startsAt: true, endsAt: true, status: true },
      orderBy: { startsAt: 'asc' },
    });
    return meetings.filter((m) => {
      const end = m.endsAt ?? new Date(m.startsAt.getTime() + MEETING_HOURS * 3_600_000);
      return end > subscribedAt && (m.status === 'closed' || end <= now);
    });
  }

  private async onTick(): Promise<void> {
    const now = new Date();
    await this.tick(now);
    await this.bookNextTick(now);
  }

  private async bookNextTick(now: Date): Promise<void> {
    const next = nextFire(TICK_PATTERN, this.deps.config.TZ, now);
    await enqueueJob(this.deps.db, TICK_JOB, {}, { runAt: next, uniqueKey: `digest-tick:${next.toISOString()}` });
  }

  private async sendDigests(jobs: ClaimedJob[]): Promise<void> {
    for (const job of jobs) {
      const chats = await this.sendDigest(jobPayload.parse(job.payload));
      for (const chat of chats) void this.deps.outbox.flush(chat.channel as Channel, chat.chatId);
    }
  }

  /** Records the digest and queues its messages in one transaction; returns the chats to flush. */
  async sendDigest(payload: z.infer<typeof jobPayload>): Promise<{ channel: string; chatId: string }[]> {
    const { db, config } = this.deps;
    return transaction(
      db,
      async (tx) => {
        const done = await tx.digest.findUnique({
          where: { deputyId_periodKey: { deputyId: payload.deputyId, periodKey: payload.periodKey } },
        });
        if (done) return [];
        const subscriptions = await tx.digestSubscription.findMany({
          where: { deputyId: payload.deputyId, frequency: payload.frequency, cancelledAt: null },
        });
        if (subscriptions.length === 0) return [];
        const previous = await tx.digest.findFirst({
          where: { deputyId: payload.deputyId, periodKey: { startsWith: `${keyPrefix(payload.frequency)}:` } },
          orderBy: { sentAt: 'desc' },
        });
        const data = await loadDigestData(tx, payload.deputyId, {
          key: payload.periodKey,
          since: previous && previous.sentAt < payload.asOf ? previous.sentAt : payload.since,
          until: payload.asOf,
        });
        const content = buildDigest(data, { labels: taxonomyLabels(config.TAXONOMY), deadlines: config });
        await tx.digest.create({
          data: {
            deputyId: payload.deputyId,
            periodKey: payload.periodKey,
            content: content.text,
            sentAt: payload.asOf,
          },
        });
        const chats = uniqueChats(subscriptions);
        for (const chat of chats) await addToOutbox(tx, chat.channel as Channel, chat.chatId, [{ text: content.text }]);
        return chats;
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
  }
}

function uniqueChats(subscriptions: { channel: string; chatId: string }[]) {
  const seen = new Map<string, { channel: string; chatId: string }>();
  for (const sub of subscriptions)
    seen.set(`${sub.channel}:${sub.chatId}`, { channel: sub.channel, chatId: sub.chatId });
  return [...seen.values()];
}
