// The channel-agnostic vocabulary of the core, its features and the channel adapters.
import type { Config } from '../config/index.ts';
import type { Tx } from '../db/types.ts';

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
    | {
        kind: 'media';
        media: 'photo' | 'voice' | 'document';
        fileId: string;
        caption?: string;
        /** A voice message's length as the platform reports it (Telegram), seconds. */
        durationSeconds?: number;
      }
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

/** Who a user is to the office, resolved afresh on every turn (core/roles.ts). */
export const ROLES = ['admin', 'staff', 'deputy', 'voter'] as const;
export type Role = (typeof ROLES)[number];

export interface ConversationData {
  /** The choices last offered, so a typed "1" or "dong y" can be matched to one. */
  choices?: Choice[];
  [key: string]: unknown;
}

export interface ConversationState {
  /** First contact with this user: the bot introduces itself as an automated assistant. */
  isNew: boolean;
  state: string;
  meetingId: number | null;
  data: ConversationData;
}

/** One delivery being handled: what came in, the open transaction, and where replies go. */
export interface Turn {
  readonly event: IncomingEvent;
  readonly tx: Tx;
  readonly now: Date;
  readonly config: Config;
  readonly role: Role;
  conversation: ConversationState;
  /** The sender's voter record, read with the batch; a feature that changes the row updates this too. */
  voter: VoterRecord | null;
  reply(message: OutgoingMessage | string): void;
  /** Runs after the transaction commits (e.g. waking the job worker). */
  afterCommit(task: () => void): void;
  /** A user's role changed in this turn (invite redeemed, access revoked): channels refresh what they show. */
  roleChanged(channel: Channel, userId: string): void;
}

/**
 * A chat command, declared as data: the core refuses a role not in `roles` before `run`,
 * refuses a second command of the same name (or alias) at start-up, and builds the help
 * lists (/trogiup for what voters may run, /canbo for the rest) and Telegram's menus from
 * `usage` and `help`.
 *
 * @example
 * { name: 'ghi', roles: ['admin', 'staff'], usage: '/ghi MÃ', help: 'ghi biên bản hội nghị', run: record }
 */
export interface Command {
  /** Typed as `/name`: lowercase latin letters, digits or `_` (what Telegram's menu accepts). */
  name: string;
  /** Other names typed for the same command (not shown in lists or menus). */
  aliases?: readonly string[];
  /** The roles that may run it. */
  roles: readonly Role[];
  /** How it is typed, shown in help lists: `/tracuu <mã>`. */
  usage: string;
  /** What it does, in a few words (help lists and Telegram's menu). */
  help: string;
  /** Kept out of help lists and menus (e.g. /start, which the platform sends itself). */
  hidden?: boolean;
  /** The refusal a role not in `roles` gets (default: the core's "for office staff only"). */
  refusal?: () => string;
  run(turn: Turn, args: string): Promise<void> | void;
}

/**
 * A feature: its commands, and the free input (text, choices, media that are no command) it
 * handles. Free input goes, in this order, to the feature that owns the conversation state
 * (states start with `${name}.`), else to the claiming feature of highest `priority` whose
 * `claims.when` holds, else to the one feature marked `defaultInput`.
 */
export interface Feature {
  name: string;
  commands?: readonly Command[];
  /** Lines about what a role can do without a command, shown first in the help lists. */
  notes?: readonly { roles: readonly Role[]; text: string }[];
  onInput?(turn: Turn): Promise<void>;
  /** Input outside any feature's states this feature takes (e.g. staff text as a question). */
  claims?: { priority: number; when(turn: Turn): boolean };
  /** Takes the input nobody else owns or claims (the voter conversation). */
  defaultInput?: boolean;
}
