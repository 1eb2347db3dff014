// Telegram adapter: grammY updates in, core events out; core replies in, Bot API calls out.
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, BotError, GrammyError, HttpError, InlineKeyboard, InputFile, type Context } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { z } from 'zod';
import type { Config } from '../../config/index.ts';
import type { Core } from '../../core/engine.ts';
import {
  DeliveryRateLimited,
  PermanentDeliveryError,
  type IncomingEvent,
  type OutgoingMessage,
  type Sender,
} from '../../core/types.ts';
import type { Logger } from '../../log.ts';
import { splitMessage } from '../split.ts';

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

const telegramId = z.number().int();
const chatShape = z.looseObject({ id: telegramId, type: z.string() });
const fileShape = z.looseObject({ file_id: z.string() });
const messageShape = z.looseObject({
  message_id: telegramId,
  chat: chatShape,
  from: z.looseObject({ id: telegramId }).optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(fileShape).optional(),
  voice: fileShape.optional(),
  audio: fileShape.optional(),
  document: fileShape.optional(),
});
const callbackShape = z.looseObject({
  id: z.string(),
  from: z.looseObject({ id: telegramId }),
  data: z.string().optional(),
  message: z.looseObject({ chat: chatShape }).optional(),
});
/** The updates the bot answers, in the shape its handlers read; anything else is acknowledged and ignored. */
const handledUpdate = z.union([
  z.looseObject({ update_id: telegramId, message: messageShape }),
  z.looseObject({ update_id: telegramId, callback_query: callbackShape }),
]);

export interface TelegramChannel {
  bot: Bot;
  sender: Sender;
  /** Webhook mode: handles one update posted to /telegram/webhook; returns the webhook reply, if any. */
  handleUpdate(update: Update): Promise<object | undefined>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createTelegramChannel(config: Config, core: Core, log: Logger): TelegramChannel {
  // Answering a button press needs no round trip of its own in webhook mode: it rides on
  // the webhook's HTTP answer (Telegram's "webhook reply"); everything else is an API call.
  const bot = new Bot(config.TELEGRAM_BOT_TOKEN!, {
    client: { apiRoot: config.TELEGRAM_API_ROOT, canUseWebhookReply: (method) => method === 'answerCallbackQuery' },
  });
  // A 429 delays a call rather than failing it. 5xx and network errors fail fast and go
  // back to the outbox, whose retries are durable and keep each chat's order.
  bot.api.config.use(
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowInternalServerErrors: true, rethrowHttpErrors: true }),
  );

  // In webhook mode a failure must reach the HTTP answer (5xx: Telegram retries); when
  // polling, grammY would move past the update, so the core retries it first.
  const handle = (event: IncomingEvent) =>
    config.telegramMode === 'webhook' ? core.handle(event) : core.handlePolled(event);

  // Checked before any handler reads it: an odd update would fail on every retry.
  bot.use(async (ctx, next) => {
    if (handledUpdate.safeParse(ctx.update).success) return next();
    log.warn(
      { channel: 'telegram', updateId: ctx.update.update_id },
      'telegram update of a shape the bot does not handle; ignored',
    );
  });

  bot.on('message', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    await handle(messageEvent(ctx.update.update_id, ctx.message));
  });
  bot.on('callback_query:data', async (ctx) => {
    const chatId = ctx.callbackQuery.message?.chat.id ?? ctx.from.id;
    await handle({
      channel: 'telegram',
      updateId: String(ctx.update.update_id),
      userId: String(ctx.from.id),
      chatId: String(chatId),
      kind: 'choice',
      choiceId: ctx.callbackQuery.data,
    });
    await ctx.answerCallbackQuery().catch(() => undefined);
  });

  const sender = telegramSender(bot);
  return {
    bot,
    sender,
    async handleUpdate(update) {
      let reply: object | undefined;
      try {
        await bot.handleUpdate(update, { send: (payload) => void (reply = JSON.parse(payload) as object) });
      } catch (error) {
        // The failure itself, without grammY's context (the update, the API and its token).
        throw error instanceof BotError ? error.error : error;
      }
      return reply;
    },
    async start() {
      await bot.init();
      log.info({ username: bot.botInfo.username, mode: config.telegramMode }, 'telegram channel ready');
      if (config.telegramMode === 'webhook') {
        await bot.api.setWebhook(`${config.PUBLIC_URL!.replace(/\/$/, '')}/telegram/webhook`, {
          secret_token: config.TELEGRAM_WEBHOOK_SECRET!,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        return;
      }
      bot.catch((error) =>
        log.error({ err: error.error, updateId: error.ctx.update.update_id }, 'telegram update failed'),
      );
      bot
        .start({ allowed_updates: [...ALLOWED_UPDATES] })
        .catch((error: unknown) =>
          log.error({ err: error }, 'telegram polling stopped; check TELEGRAM_BOT_TOKEN and restart'),
        );
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
    },
  };
}

function messageEvent(updateId: number, message: Message): IncomingEvent {
  const base = {
    channel: 'telegram' as const,
    updateId: String(updateId),
    userId: String(message.from?.id ?? message.chat.id),
    chatId: String(message.chat.id),
  };
  if (message.text !== undefined) return { ...base, kind: 'text', text: message.text };
  const caption = message.caption;
  if (message.photo?.length)
    return { ...base, kind: 'media', media: 'photo', fileId: message.photo.at(-1)!.file_id, caption };
  const voice = message.voice ?? message.audio;
  if (voice) return { ...base, kind: 'media', media: 'voice', fileId: voice.file_id, caption };
  if (message.document) return { ...base, kind: 'media', media: 'document', fileId: message.document.file_id, caption };
  return { ...base, kind: 'unsupported', what: message.sticker ? 'sticker' : 'other' };
}

function telegramSender(bot: Bot<Context>): Sender {
  return {
    async send(chatId, message) {
      try {
        await deliver(bot, chatId, message);
      } catch (error) {
        throw classifyError(error);
      }
    },
  };
}

async function deliver(bot: Bot, chatId: string, message: OutgoingMessage): Promise<void> {
  const keyboard = message.choices?.length ? choicesKeyboard(message) : undefined;
  if (message.file) {
    const file = new InputFile(Buffer.from(message.file.base64, 'base64'), message.file.name);
    const caption = message.text.length <= CAPTION_LIMIT ? message.text : undefined;
    const options = { caption, reply_markup: caption ? keyboard : undefined };
    if (message.file.kind === 'photo') await bot.api.sendPhoto(chatId, file, options);
    else await bot.api.sendDocument(chatId, file, options);
    if (caption) return;
  }
  const parts = splitMessage(message.text, TEXT_LIMIT);
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    await bot.api.sendMessage(chatId, part, last && keyboard ? { reply_markup: keyboard } : {});
  }
}

function choicesKeyboard(message: OutgoingMessage): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const choice of message.choices ?? []) keyboard.text(choice.label, choice.id).row();
  return keyboard;
}

function classifyError(error: unknown): Error {
  if (error instanceof GrammyError) {
    if (error.error_code === 429) return new DeliveryRateLimited((error.parameters.retry_after ?? 5) * 1000);
    if (error.error_code === 403 || /chat not found/i.test(error.description)) {
      return new PermanentDeliveryError(`telegram ${error.error_code}: ${error.description}`);
    }
    return new Error(`telegram ${error.error_code}: ${error.description}`);
  }
  if (error instanceof HttpError) return new Error(`telegram network error: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}
