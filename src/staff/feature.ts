// The staff assistant's chat feature: roles and invites, schedule and meetings, review and
// follow-up. Written once for every channel: choices are data, never platform code.
import type { Outbox } from '../core/outbox.ts';
import type { Feature, Turn } from '../core/types.ts';
import { INVITE_PATTERN, inviteCommands, redeemInvite } from './invites.ts';
import { onReviewInput, reviewCommands } from './review.ts';
import { scheduleCommands } from './schedule.ts';

export interface StaffFeatureOptions {
  /** Delivers notifications queued for other chats (answers to voters) right after commit. */
  outbox?: Outbox;
  /** The Telegram bot's username once known: meeting QR codes then carry a deep link. */
  botUsername?: () => string | undefined;
}

/** An invite code typed on its own, by anyone, outside a conversation step, before staff questions. */
const INVITE_PRIORITY = 20;

export function staffFeature(options: StaffFeatureOptions = {}): Feature {
  const flush = (channel: Parameters<Outbox['flush']>[0], chatId: string) =>
    void options.outbox?.flush(channel, chatId);
  return {
    name: 'staff',
    commands: [
      ...inviteCommands(),
      ...scheduleCommands(options.botUsername ?? (() => undefined)),
      ...reviewCommands(flush),
    ],
    claims: {
      priority: INVITE_PRIORITY,
      when: (turn) =>
        turn.conversation.state === 'idle' && turn.event.kind === 'text' && INVITE_PATTERN.test(turn.event.text.trim()),
    },
    async onInput(turn: Turn) {
      if (turn.conversation.state.startsWith('staff.review')) return onReviewInput(turn);
      if (turn.event.kind === 'text') return redeemInvite(turn, turn.event.text);
      turn.conversation.state = 'idle';
    },
  };
}
