// Durable follow-up jobs, in the digest scheduler's pattern: an hourly tick (itself a job)
// enqueues, under unique keys, the weekly reminder of overdue answers to staff (Monday
// 08:00) and the results report each deputy receives RESULTS_REPORT_DAYS_BEFORE days before
// a meeting they attend. Each job records what it sent in the transaction that queues the
// messages (an audit entry, a Digest row), so a retried job never sends twice.
import type { Config } from '../config/index.ts';
import { reminderText, resultsText } from '../core/messages-staff.ts';
import { addToOutbox, type Outbox } from '../core/outbox.ts';
import type { Channel } from '../core/types.ts';
import type { Db, Tx } from '../db/client.ts';
import { isoWeekKey, localDate } from '../digests/calendar.ts';
import { latestFire, nextFire } from '../digests/scheduler.ts';
import { enqueueJob, type ClaimedJob, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { overdueByAgency } from './deadlines.ts';
import { transaction } from '../db/sql.ts';

export const FOLLOWUP_TICK_JOB = 'followup.tick';
export const OVERDUE_JOB = 'followup.overdue';
export const RESULTS_JOB = 'followup.results';
const TICK_PATTERN = '0 * * * *';
export const REMINDER_PATTERN = '0 8 * * 1';
const DAY_MS = 86_400_000;
const REMINDER_ACTOR = 'system (followup)';

export interface FollowupDeps {
  db: Db;
  config: Config;
  log: Logger;
  outbox: Outbox;
  queue: JobQueue;
}

export class FollowupJobs {
  constructor(private readonly deps: FollowupDeps) {}

  register(): void {
    const { queue } = this.deps;
    queue.register(FOLLOWUP_TICK_JOB, { handle: () => this.onTick() });
    queue.register(OVERDUE_JOB, { batchSize: 1, handle: (jobs) => this.run(jobs, (p) => this.sendReminder(p)) });
    queue.register(RESULTS_JOB, { batchSize: 1, handle: (jobs) => this.run(jobs, (p) => this.sendResults(p)) });
  }

  /** Catches up at once and books the next tick. */
  async start(now = new Date()): Promise<void> {
    await enqueueJob(this.deps.db, FOLLOWUP_TICK_JOB, {}, { runAt: now });
    await this.bookNextTick(now);
  }

  /** Enqueues what is due at `now`. */
  async tick(now: Date): Promise<void> {
    const { db, config } = this.deps;
    const fire = latestFire(REMINDER_PATTERN, config.TZ, now);
    if (fire) {
      const week = isoWeekKey(localDate(fire, config.TZ));
      await enqueueJob(db, OVERDUE_JOB, { week, asOf: now.toISOString() }, { uniqueKey: `${OVERDUE_JOB}:${week}` });
    }
    const horizon = new Date(now.getTime() + config.RESULTS_REPORT_DAYS_BEFORE * DAY_MS);
    const meetings = await db.meeting.findMany({
      where: { status: { not: 'cancelled' }, startsAt: { gt: now, lte: horizon } },
      include: { deputies: true },
    });
    for (const meeting of meetings) {
      for (const { deputyId } of meeting.deputies) {
        await enqueueJob(
          db,
          RESULTS_JOB,
          { meetingId: meeting.id, deputyId, asOf: now.toISOString() },
          { uniqueKey: `${RESULTS_JOB}:${meeting.code}:${deputyId}` },
        );
      }
    }
    this.deps.queue.kick(OVERDUE_JOB);
    this.deps.queue.kick(RESULTS_JOB);
  }

  private async onTick(): Promise<void> {
    const now = new Date();
    await this.tick(now);
    await this.bookNextTick(now);
  }

  private async bookNextTick(now: Date): Promise<void> {
    const next = nextFire(TICK_PATTERN, this.deps.config.TZ, now);
    await enqueueJob(
      this.deps.db,
      FOLLOWUP_TICK_JOB,
      {},
      { runAt: next, uniqueKey: `followup-tick:${next.toISOString()}` },
    );
  }

  private async run(jobs: ClaimedJob[], send: (payload: Record<string, unknown>) => Promise<Chat[]>): Promise<void> {
    for (const job of jobs) {
      const chats = await send(job.payload as Record<string, unknown>);
      for (const chat of chats) void this.deps.outbox.flush(chat.channel, chat.chatId);
    }
  }

  /** The week's overdue answers, by agency, to every staff and admin account; nothing when none is overdue. */
  async sendReminder(payload: Record<string, unknown>): Promise<Chat[]> {
    const { db, config } = this.deps;
    const week = String(payload.week);
    const asOf = new Date(String(payload.asOf));
    return transaction(db, async (tx) => {
      const sent = await tx.auditLog.findFirst({ where: { action: 'followup.overdue_reminder', entityId: week } });
      if (sent) return [];
      const overdue = await overdueByAgency(tx, asOf);
      await tx.auditLog.create({
        data: { actor: REMINDER_ACTOR, action: 'followup.overdue_reminder', entity: 'Week', entityId: week },
      });
      if (overdue.length === 0) return [];
      const chats = await staffChats(tx, config);
      const text = reminderText.overdue(overdue, config.TZ);
      for (const chat of chats) await addToOutbox(tx, chat.channel, chat.chatId, [{ text }]);
      return chats;
    });
  }

  /** The results report of the meeting's constituency (or the meeting) as a Word file to the deputy's chats. */
  async sendResults(payload: Record<string, unknown>): Promise<Chat[]> {
    const { db, config } = this.deps;
    const deputyId = Number(payload.deputyId);
    const meeting = await db.meeting.findUnique({ where: { id: Number(payload.meetingId) } });
    if (!meeting || meeting.status === 'cancelled') return [];
    const periodKey = `results:${meeting.code}`;
    const scope = meeting.constituency ? { constituency: meeting.constituency } : { meetingCode: meeting.code };
    // The Word library loads with the first results report, not with the bot.
    const { buildResults } = await import('./results.ts');
    const report = await buildResults(db, config, scope, 'docx').catch(() => null);
    if (!report || report.rows === 0) return [];
    return transaction(
      db,
      async (tx) => {
        const done = await tx.digest.findUnique({ where: { deputyId_periodKey: { deputyId, periodKey } } });
        if (done) return [];
        const subscriptions = await tx.digestSubscription.findMany({ where: { deputyId, cancelledAt: null } });
        const chats = unique(subscriptions.map((s) => ({ channel: s.channel as Channel, chatId: s.chatId })));
        if (chats.length === 0) return [];
        const caption = resultsText.toDeputy(meeting, report.rows, config.TZ);
        await tx.digest.create({ data: { deputyId, periodKey, content: caption } });
        const file = { name: report.fileName, base64: report.buffer.toString('base64'), kind: 'document' as const };
        for (const chat of chats) await addToOutbox(tx, chat.channel, chat.chatId, [{ text: caption, file }]);
        return chats;
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
  }
}

interface Chat {
  channel: Channel;
  chatId: string;
}

function unique(chats: Chat[]): Chat[] {
  return [...new Map(chats.map((c) => [`${c.channel}:${c.chatId}`, c])).values()];
}

/** Private chats of the office's staff and admins (the account id is the private chat id). */
async function staffChats(tx: Tx, config: Config): Promise<Chat[]> {
  const members = await tx.staffMember.findMany({ where: { revokedAt: null, role: { in: ['staff', 'admin'] } } });
  return unique([
    ...members.map((m) => ({ channel: m.channel as Channel, chatId: m.channelUserId })),
    ...config.ADMIN_TELEGRAM_IDS.map((id) => ({ channel: 'telegram' as Channel, chatId: String(id) })),
    ...config.ADMIN_ZALO_IDS.map((id) => ({ channel: 'zalo' as Channel, chatId: String(id) })),
  ]);
}
