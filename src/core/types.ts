// The channel-agnostic vocabulary between the core and the channel adapters.

export const CHANNELS = ['telegram', 'zalo', 'local'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A choice the core offers; Telegram shows a button, Zalo and the local chat a numbered answer. */
export interface Choice {
  id: string;
  label: string;
}

export interface OutgoingMessage {
  text: string;
  choices?: Choice[];
  /** A file to send (PNG chart, QR code, report); the caption is `text`. */
  file?: { name: string; base64: string; kind: 'photo' | 'document' };
}

interface EventBase {
  channel: Channel;
  /** Platform delivery id (Telegram update_id, Zalo message_id): the idempotency key. */
  updateId: string;
  userId: string;
  chatId: string;
}

export type IncomingEvent = EventBase &
  (
    | { kind: 'text'; text: string }
    | { kind: 'command'; command: string; args: string }
    | { kind: 'choice'; choiceId: string }
    | { kind: 'media'; media: 'photo' | 'voice' | 'document'; fileId: string; caption?: string }
    | { kind: 'unsupported'; what: 'sticker' | 'other' }
  );

/** What a turn knows of its sender as a voter (consent, ward for statistics). */
export interface VoterRecord {
  id: number;
  /** none | agreed | anonymous | withdrawn */
  consent: string;
  ward: string | null;
}

/** Delivers one message to one chat; throws to have it retried later. */
export interface Sender {
  send(chatId: string, message: OutgoingMessage): Promise<void>;
}

/** Thrown by a Sender when retrying is pointless (the user blocked the bot, the chat is gone). */
export class PermanentDeliveryError extends Error {}

/** Thrown by a Sender when the platform asked to wait (429 retry-after). */
export class DeliveryRateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited for ${retryAfterMs} ms`);
  }
}
