// What Zalo delivers (through getUpdates or the webhook) and how it becomes a core event.
import { z } from 'zod';
import type { IncomingEvent } from '../../core/types.ts';

const zaloId = z.union([z.string().min(1), z.number()]).transform(String);

const zaloMessage = z.looseObject({
  message_id: zaloId,
  date: z.number().optional(),
  from: z
    .looseObject({ id: zaloId, display_name: z.string().optional(), is_bot: z.boolean().optional() })
    .optional(),
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

const wrapped = z.looseObject({ ok: z.literal(true), result: zaloUpdate });

/** The webhook body: documented as `{ok, result: update}`, seen unwrapped too. */
export function parseWebhookBody(body: unknown): ZaloUpdate | undefined {
  const outer = wrapped.safeParse(body);
  if (outer.success) return outer.data.result;
  const bare = zaloUpdate.safeParse(body);
  return bare.success ? bare.data : undefined;
}

/** The core event for an update, or undefined for one the bot does not answer (groups, bots). */
export function toEvent(update: ZaloUpdate): IncomingEvent | undefined {
  const { message } = update;
  if (message.from?.is_bot) return undefined;
  // Zalo groups are limited and a petition is personal: the bot serves private chats only.
  if (message.chat.chat_type && message.chat.chat_type.toUpperCase() !== 'PRIVATE') return undefined;
  const base = {
    channel: 'zalo' as const,
    updateId: message.message_id,
    userId: message.from?.id ?? message.chat.id,
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
      // Events newer than this code: a text is still read, anything else answered politely.
      if (message.text) return { ...base, kind: 'text', text: message.text };
      return { ...base, kind: 'unsupported', what: 'other' };
  }
}
