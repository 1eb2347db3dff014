// What Zalo delivers (through getUpdates or the webhook) and how it becomes a core event.
import { z } from 'zod';
import type { IncomingEvent } from '../../core/types.ts';

const zaloId = z.union([z.string().min(1), z.number()]).transform(String);

const zaloMessage = z.looseObject({
  message_id: zaloId,
  date: z.number().optional(),
  from: z.looseObject({ id: zaloId, display_name: z.string().optional(), is_bot: z.boolean().optional() }).optional(),
  chat: z.looseObject({ id: zaloId, chat_type: z.string().optional() }),
  text: z.string().optional(),
  // The image's URL; some deployments name it photo_url.
  photo: z.string().optional(),
  photo_url: z.string().optional(),
  caption: z.string().optional(),
  sticker: z.unknown().optional(),
  voice_url: z.string().optional(),
  url: z.string().optional(),
});

export const zaloUpdate = z.looseObject({ event_name: z.string().min(1), message: zaloMessage });
export type ZaloUpdate = z.infer<typeof zaloUpdate>;

/** The events the bot answers; others (reactions, newer kinds) are acknowledged and ignored. */
export const ZALO_EVENTS = new Set([
  'message.text.received',
  'message.image.received',
  'message.sticker.received',
  'message.voice.received',
  'message.unsupported.received',
]);

const envelope = z.looseObject({ event_name: z.string().min(1), message: z.unknown().optional() });
const wrapped = z.looseObject({ ok: z.literal(true), result: z.unknown() });

/** An update to handle, or one to acknowledge and ignore (with the reason, for a debug line). */
export type ReadUpdate = { update: ZaloUpdate } | { ignored: string };

/** Reads one update; undefined when the value is not a Zalo update at all. */
export function readUpdate(value: unknown): ReadUpdate | undefined {
  const outer = envelope.safeParse(value);
  if (!outer.success) return undefined;
  if (!ZALO_EVENTS.has(outer.data.event_name)) return { ignored: 'event not handled' };
  if (outer.data.message === undefined) return { ignored: 'no message' };
  const parsed = zaloUpdate.safeParse(value);
  return parsed.success ? { update: parsed.data } : undefined;
}

/** The webhook body: documented as `{ok, result: update}`, seen unwrapped too. */
export function parseWebhookBody(body: unknown): ReadUpdate | undefined {
  const outer = wrapped.safeParse(body);
  return readUpdate(outer.success ? outer.data.result : body);
}

/** The core event for an update, or undefined for one the bot does not answer (groups, bots). */
export function toEvent(update: ZaloUpdate): IncomingEvent | undefined {
  const { message } = update;
  if (message.from?.is_bot) return undefined;
  // Zalo groups are limited and a petition is personal: the bot serves private chats only.
  if (message.chat.chat_type && message.chat.chat_type.toUpperCase() !== 'PRIVATE') return undefined;
  const userId = message.from?.id ?? message.chat.id;
  // Zalo does not promise message ids unique across senders: the delivery key holds both.
  const base = {
    channel: 'zalo' as const,
    updateId: `${userId}/${message.message_id}`,
    userId,
    chatId: message.chat.id,
  };
  const caption = message.caption || undefined;
  switch (update.event_name) {
    case 'message.text.received':
      return { ...base, kind: 'text', text: message.text ?? '' };
    case 'message.image.received': {
      const url = message.photo ?? message.photo_url ?? message.url;
      if (!url) return { ...base, kind: 'unsupported', what: 'other' };
      return { ...base, kind: 'media', media: 'photo', fileId: url, caption };
    }
    case 'message.sticker.received':
      return { ...base, kind: 'unsupported', what: 'sticker' };
    case 'message.voice.received': {
      const url = message.voice_url ?? message.url;
      if (!url) return { ...base, kind: 'unsupported', what: 'other' };
      return { ...base, kind: 'media', media: 'voice', fileId: url, caption };
    }
    case 'message.unsupported.received':
      // Sent for protected users, without content: a polite answer, not an error.
      return { ...base, kind: 'unsupported', what: 'other' };
    default:
      return undefined;
  }
}
