// A digest outside the schedule: `kiennghi digest --deputy <id>` shows it (--dry-run) or
// queues it for the deputy's chats now; the running bot's outbox delivers it.
import type { Config } from '../config/index.ts';
import { addToOutbox } from '../core/outbox.ts';
import type { Channel } from '../core/types.ts';
import type { Db } from '../db/client.ts';
import { loadDigestData } from './data.ts';
import { buildDigest, type DigestContent } from './digest.ts';
import { taxonomyLabels } from '../classify/labels.ts';
import { transaction } from '../db/sql.ts';

const DAY_MS = 86_400_000;

export interface DigestPreview {
  deputy: { id: number; name: string };
  periodKey: string;
  since: Date;
  content: DigestContent;
  destinations: { channel: string; chatId: string; frequency: string }[];
}

export class DigestError extends Error {}

export async function previewDigest(db: Db, config: Config, deputyId: number, now: Date): Promise<DigestPreview> {
  const deputy = await db.deputy.findUnique({ where: { id: deputyId } });
  if (!deputy) throw new DigestError(`Không có đại biểu số ${deputyId}.`);
  const subscriptions = await db.digestSubscription.findMany({
    where: { deputyId, cancelledAt: null },
    orderBy: { id: 'asc' },
  });
  const last = await db.digest.findFirst({ where: { deputyId }, orderBy: { sentAt: 'desc' } });
  const window = subscriptions.some((s) => s.frequency === 'weekly') ? 7 : 1;
  const since = last && last.sentAt < now ? last.sentAt : new Date(now.getTime() - window * DAY_MS);
  const periodKey = `manual:${now.toISOString()}`;
  const data = await loadDigestData(db, deputyId, { key: periodKey, since, until: now });
  return {
    deputy: { id: deputy.id, name: deputy.name },
    periodKey,
    since,
    content: buildDigest(data, { labels: taxonomyLabels(config.TAXONOMY), deadlines: config }),
    destinations: subscriptions.map((s) => ({ channel: s.channel, chatId: s.chatId, frequency: s.frequency })),
  };
}

/** Records the digest and puts it in the outbox of every subscribed chat; returns how many. */
export async function queueDigestNow(db: Db, preview: DigestPreview, now: Date): Promise<number> {
  if (preview.destinations.length === 0) return 0;
  await transaction(db, async (tx) => {
    await tx.digest.create({
      data: { deputyId: preview.deputy.id, periodKey: preview.periodKey, content: preview.content.text, sentAt: now },
    });
    for (const d of preview.destinations)
      await addToOutbox(tx, d.channel as Channel, d.chatId, [{ text: preview.content.text }]);
  });
  return preview.destinations.length;
}
