// Retention (Law 91/2025: personal data kept no longer than its purpose needs).
//
// RETENTION_PERSONAL_DAYS: a petition closed (resolved, rejected, duplicate) longer ago than
// that loses its link to the voter (whose record holds name, ward, phone and platform ids)
// and the speaker and area a meeting's minutes gave it, and its text is replaced by the
// redacted copy the models see (the voter's and speaker's names, other names, phone and ID
// numbers, e-mail addresses, house numbers removed); `personalDataRemovedAt` records when.
// The text is otherwise "exactly as sent": retention is the one deliberate exception. The
// petition keeps its status, level, field, meeting and ward (a commune, not a person, once the
// link is gone), so statistics and reports count exactly as before. A petition is closed when
// it last entered its current status (its PetitionEvent), else when it was resolved, else when
// it last changed. A voter record goes once no petition links to it and the voter has been idle
// longer than RETENTION_CONVERSATION_DAYS; a voter with open petitions keeps it.
//
// RETENTION_CONVERSATION_DAYS: conversations idle longer than that are reset (state, held
// text, bound meeting), those of users with no voter or staff record are removed, and
// replies delivered or given up that long ago are removed from the outbox.
import { redactPersonalData } from '../classify/pii.ts';
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { execute, transaction } from '../db/sql.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { removeIdleVoters } from '../intake/voters.ts';
import { searchKeyOf } from '../petitions/search-key.ts';
import { audit } from '../staff/access.ts';
import { removeExpiredFileLinks } from '../web/files.ts';

const DAY_MS = 86_400_000;
const CLOSED = ['resolved', 'rejected', 'duplicate'];
/** Petitions redacted per transaction: intake waits on SQLite's one writer meanwhile. */
const CHUNK = 200;

export interface RetentionCounts {
  petitionsRedacted: number;
  votersRemoved: number;
  conversationsCleared: number;
  conversationsRemoved: number;
  outboxMessagesRemoved: number;
}

export interface RetentionReport {
  dryRun: boolean;
  /** null: personal data is kept (RETENTION_PERSONAL_DAYS unset). */
  personalDays: number | null;
  conversationDays: number;
  counts: RetentionCounts;
}

export interface RetentionOptions {
  now?: Date;
  /** Count what would be removed, change nothing (the audit log still records the run). */
  dryRun?: boolean;
  /** Who ran it, for the audit log. */
  actor?: string;
}

type RetentionSettings = Pick<Config, 'RETENTION_PERSONAL_DAYS' | 'RETENTION_CONVERSATION_DAYS'>;

class DryRunDone extends Error {}

/** Applies the retention settings at `now`; every run is written to the audit log. */
export async function runRetention(
  db: Db,
  config: RetentionSettings,
  options: RetentionOptions = {},
): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const counts: RetentionCounts = {
    petitionsRedacted: 0,
    votersRemoved: 0,
    conversationsCleared: 0,
    conversationsRemoved: 0,
    outboxMessagesRemoved: 0,
  };
  const personalDays = config.RETENTION_PERSONAL_DAYS ?? null;
  const idleBefore = new Date(now.getTime() - config.RETENTION_CONVERSATION_DAYS * DAY_MS);
  const work = async (on: Db | Tx) => {
    if (personalDays !== null) {
      counts.petitionsRedacted = await redactClosedPetitions(on, new Date(now.getTime() - personalDays * DAY_MS), now);
      counts.votersRemoved = await removeIdleVoters(on, idleBefore);
    }
    Object.assign(counts, await clearIdleConversations(on, idleBefore));
    // Generated files served to Zalo by link (src/web/files.ts): gone once their link expires.
    await removeExpiredFileLinks(on, now);
  };
  if (dryRun) {
    // The same statements in one transaction that is rolled back: the counts are exact.
    await transaction(
      db,
      async (tx) => {
        await work(tx);
        throw new DryRunDone();
      },
      { timeout: 120_000, maxWait: 30_000 },
    ).catch((error: unknown) => {
      if (!(error instanceof DryRunDone)) throw error;
    });
  } else {
    await work(db);
  }
  const report = { dryRun, personalDays, conversationDays: config.RETENTION_CONVERSATION_DAYS, counts };
  await audit(db, {
    actor: options.actor ?? 'system',
    action: dryRun ? 'retention.dry_run' : 'retention.run',
    entity: 'Retention',
    after: { ...report, at: now.toISOString() },
  });
  return report;
}

interface ClosedPetition {
  id: number;
  status: string;
  text: string;
  resolvedAt: Date | null;
  updatedAt: Date;
  /** the speaker(s) the minutes name, several joined by "; " */
  speaker: string | null;
  voter: { name: string | null } | null;
  events: { toStatus: string; createdAt: Date }[];
}

/** When the petition entered the closed status it is in. */
export function closedAt(petition: Pick<ClosedPetition, 'status' | 'resolvedAt' | 'updatedAt' | 'events'>): Date {
  const entered = petition.events
    .filter((event) => event.toStatus === petition.status)
    .map((event) => event.createdAt.getTime());
  if (entered.length) return new Date(Math.max(...entered));
  return petition.resolvedAt ?? petition.updatedAt;
}

async function redactClosedPetitions(on: Db | Tx, closedBefore: Date, now: Date): Promise<number> {
  let cursor = 0;
  let total = 0;
  for (;;) {
    const batch: ClosedPetition[] = await on.petition.findMany({
      where: { id: { gt: cursor }, status: { in: CLOSED }, personalDataRemovedAt: null },
      orderBy: { id: 'asc' },
      take: CHUNK,
      select: {
        id: true,
        status: true,
        text: true,
        resolvedAt: true,
        updatedAt: true,
        speaker: true,
        voter: { select: { name: true } },
        events: { where: { toStatus: { in: CLOSED } }, select: { toStatus: true, createdAt: true } },
      },
    });
    if (batch.length === 0) return total;
    cursor = batch.at(-1)!.id;
    const due = batch.filter((petition) => closedAt(petition) <= closedBefore);
    if (due.length) await inTransaction(on, (tx) => redactPetitions(tx, due, now));
    total += due.length;
  }
}

async function redactPetitions(tx: Tx, petitions: ClosedPetition[], now: Date): Promise<void> {
  for (const petition of petitions) {
    const redacted = redactPersonalData(petition.text, { names: knownNames(petition) });
    await tx.petition.update({
      where: { id: petition.id },
      data: {
        text: redacted,
        textNormalized: redacted,
        searchKey: searchKeyOf(redacted),
        voterId: null,
        speaker: null,
        speakerArea: null,
        personalDataRemovedAt: now,
      },
    });
  }
}

/** The names the petition's records hold: its voter's and the speakers its minutes name. */
function knownNames(petition: Pick<ClosedPetition, 'voter' | 'speaker'>): string[] {
  const speakers = petition.speaker?.split(';').map((name) => name.trim()) ?? [];
  return [petition.voter?.name ?? '', ...speakers].filter((name) => name.length > 0);
}

async function clearIdleConversations(on: Db | Tx, idleBefore: Date): Promise<Partial<RetentionCounts>> {
  const conversationsRemoved = await execute(
    on,
    Prisma.sql`
      DELETE FROM "Conversation" WHERE "updatedAt" < ${idleBefore}
        AND NOT EXISTS (SELECT 1 FROM "Voter" v WHERE v."channel" = "Conversation"."channel"
          AND v."channelUserId" = "Conversation"."channelUserId")
        AND NOT EXISTS (SELECT 1 FROM "StaffMember" s WHERE s."channel" = "Conversation"."channel"
          AND s."channelUserId" = "Conversation"."channelUserId")`,
  );
  const cleared = await on.conversation.updateMany({
    where: {
      updatedAt: { lt: idleBefore },
      OR: [{ state: { not: 'idle' } }, { data: { not: '{}' } }, { meetingId: { not: null } }],
    },
    data: { state: 'idle', data: '{}', meetingId: null },
  });
  const outbox = await on.outboxMessage.deleteMany({
    where: { status: { in: ['sent', 'failed'] }, createdAt: { lt: idleBefore } },
  });
  return { conversationsRemoved, conversationsCleared: cleared.count, outboxMessagesRemoved: outbox.count };
}

function inTransaction(on: Db | Tx, work: (tx: Tx) => Promise<void>): Promise<void> {
  if (!('$transaction' in on)) return work(on);
  return transaction(on, work, { timeout: 60_000, maxWait: 30_000 });
}
