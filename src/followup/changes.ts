// A meeting moved or cancelled: the voters bound to it who have not sent their petition yet
// (their conversation still points at it) and the deputies attending (their subscribed
// chats) are told once, through the outbox, in the transaction that changes the meeting.
import { changeText } from '../core/messages-staff.ts';
import { addToOutbox } from '../core/outbox.ts';
import type { Channel } from '../core/types.ts';
import type { Tx } from '../db/client.ts';

export type MeetingChange = 'moved' | 'cancelled';

interface MeetingFacts {
  id: number;
  code: string;
  title: string;
  startsAt: Date;
  place: string;
}

/**
 * Queues the notice of a change. Each chat gets one message per change: chats are collected
 * in a set, and the audit entry that names the change is the record that it was sent.
 */
export async function notifyMeetingChange(
  tx: Tx,
  meeting: MeetingFacts,
  change: MeetingChange,
  timeZone: string,
): Promise<{ channel: Channel; chatId: string }[]> {
  const chats = new Map<string, { channel: Channel; chatId: string; voter: boolean }>();
  const waiting = await tx.conversation.findMany({ where: { meetingId: meeting.id } });
  const voters = await tx.voter.findMany({
    where: { OR: waiting.map((c) => ({ channel: c.channel, channelUserId: c.channelUserId })) },
    include: { petitions: { where: { meetingId: meeting.id }, select: { id: true } } },
  });
  for (const voter of waiting.length ? voters : []) {
    if (voter.petitions.length === 0 && voter.consent !== 'withdrawn') {
      chats.set(`${voter.channel}:${voter.chatId}`, {
        channel: voter.channel as Channel,
        chatId: voter.chatId,
        voter: true,
      });
    }
  }
  // A voter bound to the meeting who has not consented yet has no record: the conversation is the chat.
  for (const c of waiting) {
    const known = voters.some((v) => v.channel === c.channel && v.channelUserId === c.channelUserId);
    if (!known)
      chats.set(`${c.channel}:${c.channelUserId}`, {
        channel: c.channel as Channel,
        chatId: c.channelUserId,
        voter: true,
      });
  }
  const subscriptions = await tx.digestSubscription.findMany({
    where: { cancelledAt: null, deputy: { meetings: { some: { meetingId: meeting.id } } } },
  });
  for (const sub of subscriptions) {
    chats.set(`${sub.channel}:${sub.chatId}`, { channel: sub.channel as Channel, chatId: sub.chatId, voter: false });
  }
  for (const chat of chats.values()) {
    const text =
      change === 'cancelled'
        ? changeText.cancelled(meeting, chat.voter)
        : changeText.moved(meeting, chat.voter, timeZone);
    await addToOutbox(tx, chat.channel, chat.chatId, [{ text }]);
  }
  return [...chats.values()].map(({ channel, chatId }) => ({ channel, chatId }));
}
