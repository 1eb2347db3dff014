// Telegram adapter: grammY updates in, core events out; core replies in, Bot API calls out.
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, BotError, GrammyError, HttpError, InlineKeyboard, InputFile, type Context } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { z } from 'zod';
import type { Config } from '../../config/index.ts';
import type { Core } from '../../core/batcher.ts';
import type { MenuEntry } from '../../core/commands.ts';
import { resolveRole } from '../../core/roles.ts';
import {
  DeliveryRateLimited,
  PermanentDeliveryError,
  type IncomingEvent,
  type OutgoingMessage,
  type Role,
  type Sender,
} from '../../core/types.ts';
import type { Db } from '../../db/types.ts';
import { BadUpdate } from '../../http/server.ts';
import { FileTooLarge, type FileFetcher } from '../../intake/media.ts';
import type { Logger } from '../../log.ts';
import type { ChannelAdapter } from '../adapter.ts';
import { splitMessage } from '../split.ts';
import { SendRateLimiter, TELEGRAM_LIMITS, telegramThrottle } from '../throttle.ts';

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

const telegramId = z.number().int();
const chatShape = z.looseObject({ id: telegramId, type: z.string() });
const fileShape = z.looseObject({
  file_id: z.string(),
  duration: z.number().optional(),
  mime_type: z.string().optional(),
});
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

/** Anything with an update id is taken (and acknowledged); its shape is checked by the bot. */
const postedUpdate = z.looseObject({ update_id: z.number().int().nonnegative() });

export interface TelegramChannel extends ChannelAdapter {
  bot: Bot;
  /** Downloads a file a user sent (voice, photo) by its file_id. */
  fetchFile: FileFetcher;
}

export interface TelegramDeps {
  config: Config;
  core: Core;
  db: Db;
  log: Logger;
}

/** The Telegram adapter, its bot already known to itself (webhook updates may arrive once the port opens). */
export async function createTelegramChannel(deps: TelegramDeps): Promise<TelegramChannel | undefined> {
  const { config, core, log } = deps;
  const settings = config.telegram;
  if (settings.mode === 'off') return undefined;
  // Answering a button press needs no round trip of its own in webhook mode: it rides on
  // the webhook's HTTP answer (Telegram's "webhook reply"); everything else is an API call.
  const bot = new Bot(settings.token, {
    client: { apiRoot: config.TELEGRAM_API_ROOT, canUseWebhookReply: (method) => method === 'answerCallbackQuery' },
  });
  // Sends keep under Telegram's rate limits (a hall of voters, many digests at once); a 429
  // pauses them all. Then, around it: a 429 delays a call rather than failing it (the retry
  // waits its turn again); 5xx and network errors fail fast and go back to the outbox, whose
  // retries are durable and keep each chat's order.
  bot.api.config.use(
    telegramThrottle(new SendRateLimiter(TELEGRAM_LIMITS)),
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowInternalServerErrors: true, rethrowHttpErrors: true }),
  );

  // In webhook mode a failure must reach the HTTP answer (5xx: Telegram retries); when
  // polling, grammY would move past the update, so the core retries it first.
  const handle = (event: IncomingEvent) =>
    settings.mode === 'webhook' ? core.handle(event) : core.handlePolled(event);

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

  /** Webhook mode: handles one posted update; returns the webhook reply, if any. */
  async function handleUpdate(update: Update): Promise<object | undefined> {
    let reply: object | undefined;
    try {
      await bot.handleUpdate(update, { send: (payload) => void (reply = JSON.parse(payload) as object) });
    } catch (error) {
      // The failure itself, without grammY's context (the update, the API and its token).
      throw error instanceof BotError ? error.error : error;
    }
    return reply;
  }

  const menus = new CommandMenus(bot, deps);
  await bot.init();
  return {
    name: 'telegram',
    bot,
    fetchFile: (fileId, maxBytes) => downloadTelegramFile(bot, config.TELEGRAM_API_ROOT, fileId, maxBytes),
    sender: telegramSender(bot),
    webhook:
      settings.mode === 'webhook'
        ? {
            path: TELEGRAM_WEBHOOK_PATH,
            secretHeader: SECRET_HEADER,
            secret: settings.secret,
            async handle(body) {
              const parsed = postedUpdate.safeParse(body);
              if (!parsed.success) throw new BadUpdate('not a Telegram update');
              return handleUpdate(parsed.data as unknown as Update);
            },
          }
        : undefined,
    async start() {
      log.info({ username: bot.botInfo.username, mode: settings.mode }, 'telegram channel ready');
      menus.setAll();
      if (settings.mode === 'webhook') {
        await bot.api.setWebhook(`${settings.publicUrl}${TELEGRAM_WEBHOOK_PATH}`, {
          secret_token: settings.secret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        return;
      }
      // Only the delivery's id is logged: grammY's error carries the whole context (token, text).
      bot.catch((error) => {
        const updateId = error.ctx.update.update_id;
        log.error({ err: error.error, updateId }, 'telegram delivery failed');
      });
      bot
        .start({ allowed_updates: [...ALLOWED_UPDATES] })
        .catch((error: unknown) =>
          log.error({ err: error }, 'telegram polling stopped; check TELEGRAM_BOT_TOKEN and restart'),
        );
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
      await menus.idle();
    },
    roleChanged: (userId) => menus.setFor(userId),
  };
}

/**
 * Telegram's command menus, from the core's command list: the default scope shows the
 * voters' commands, each staff member's, deputy's and admin's private chat the commands of
 * their role. Set at start-up and again for a user whose role changed; a failure is logged
 * (the menu is a convenience: every command works typed).
 */
class CommandMenus {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly bot: Bot,
    private readonly deps: TelegramDeps,
  ) {}

  setAll(): void {
    this.track(async () => {
      await this.set(this.deps.core.commands.menuFor('voter'));
      for (const [userId, role] of await this.staffRoles())
        await this.set(this.deps.core.commands.menuFor(role), userId);
    });
  }

  setFor(userId: string): void {
    this.track(async () => {
      const role = await resolveRole(this.deps.db, this.deps.config, 'telegram', userId);
      await this.set(this.deps.core.commands.menuFor(role), userId);
    });
  }

  async idle(): Promise<void> {
    await Promise.all(this.pending);
  }

  /** Telegram user id -> role, for the admins of the settings and the staff not revoked. */
  private async staffRoles(): Promise<Map<string, Role>> {
    const members = await this.deps.db.staffMember.findMany({
      where: { channel: 'telegram', revokedAt: null },
      select: { channelUserId: true, role: true },
    });
    const roles = new Map(members.map((member) => [member.channelUserId, member.role as Role]));
    for (const id of this.deps.config.ADMIN_TELEGRAM_IDS) roles.set(id, 'admin');
    return roles;
  }

  /** A private chat's id is its user's id. */
  private async set(commands: MenuEntry[], userId?: string): Promise<void> {
    const scope = userId === undefined ? { type: 'default' as const } : { type: 'chat' as const, chat_id: userId };
    await this.bot.api.setMyCommands(commands, { scope });
  }

  private track(task: () => Promise<void>): void {
    const run: Promise<void> = task()
      .catch((error: unknown) => this.deps.log.warn({ err: error, channel: 'telegram' }, 'command menus not set'))
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }
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
  if (voice)
    return { ...base, kind: 'media', media: 'voice', fileId: voice.file_id, caption, durationSeconds: voice.duration };
  const document = message.document;
  // A photo sent as a file (uncompressed, as a scanned page often is) is read like a photo.
  if (document) {
    const media = document.mime_type?.startsWith('image/') ? 'photo' : 'document';
    return { ...base, kind: 'media', media, fileId: document.file_id, caption };
  }
  return { ...base, kind: 'unsupported', what: message.sticker ? 'sticker' : 'other' };
}

/** getFile, then the file from the Bot API root's /file/bot<token>/<path>; the size is checked before downloading. */
async function downloadTelegramFile(bot: Bot, apiRoot: string, fileId: string, maxBytes: number) {
  const file = await bot.api.getFile(fileId);
  if (!file.file_path) throw new Error('telegram getFile returned no file_path');
  if ((file.file_size ?? 0) > maxBytes) throw new FileTooLarge(`telegram file over ${maxBytes} bytes`);
  const response = await fetch(`${apiRoot.replace(/\/$/, '')}/file/bot${bot.token}/${file.file_path}`);
  if (!response.ok) throw new Error(`telegram file download: HTTP ${response.status}`);
  const data = Buffer.from(await response.arrayBuffer());
  if (data.length > maxBytes) throw new FileTooLarge(`telegram file over ${maxBytes} bytes`);
  return { data, fileName: file.file_path.split('/').at(-1) ?? 'file' };
}

function telegramSender(bot: Bot<Context>): Sender {
  return {
    async send(chatId, message) {
      try {
        await deliver(bot, chatId, message);
      } catch (error) {
        throw deliveryError(error);
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

/** A Bot API failure as the outbox reads it: wait (429), give up (blocked, chat gone) or retry. */
function deliveryError(error: unknown): Error {
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
