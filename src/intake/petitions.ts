// Storing a petition: original text untouched, a normalised copy beside it, a tracking
// code, and the classification job enqueued in the same transaction (store first).
import type { Tx } from '../db/client.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { normalizeText } from '../core/text.ts';
import { yearIn } from '../core/time.ts';
import type { Channel } from '../core/types.ts';

export const MAX_PETITION_CHARS = 20_000;
export const TRACKING_CODE = /^KN-\d{4}-\d{6,}$/;

export interface MediaRef {
  media: 'photo' | 'voice' | 'document';
  fileId: string;
}

export interface NewPetition {
  channel: Channel;
  voterId: number;
  anonymous: boolean;
  meetingId: number | null;
  /** the voter's ward at submission, kept on the petition for ward statistics */
  ward: string | null;
  text: string;
  media: MediaRef[];
  now: Date;
  timeZone: string;
}

export async function nextTrackingCode(tx: Tx, now: Date, timeZone: string): Promise<string> {
  const year = yearIn(now, timeZone);
  const counter = await tx.counter.upsert({
    where: { name: `petition:${year}` },
    create: { name: `petition:${year}`, value: 1 },
    update: { value: { increment: 1 } },
  });
  return `KN-${year}-${String(counter.value).padStart(6, '0')}`;
}

export async function storePetition(tx: Tx, input: NewPetition): Promise<{ id: number; trackingCode: string }> {
  const trackingCode = await nextTrackingCode(tx, input.now, input.timeZone);
  const petition = await tx.petition.create({
    data: {
      trackingCode,
      channel: input.channel,
      voterId: input.voterId,
      anonymous: input.anonymous,
      meetingId: input.meetingId,
      ward: input.ward,
      text: input.text,
      textNormalized: normalizeText(input.text),
      receivedAt: input.now,
      attachments: { create: input.media.map((m) => ({ kind: m.media, fileId: m.fileId })) },
      events: { create: { toStatus: 'received', actor: `${input.channel}:voter` } },
    },
  });
  await enqueueJob(tx, 'classify', { petitionId: petition.id });
  return { id: petition.id, trackingCode };
}

export function normaliseTrackingCode(code: string): string {
  return code.trim().toUpperCase();
}
