// Zalo adapter: Zalo updates in (webhook or long polling), core events out; core replies
// in, Bot API calls out. Zalo has no buttons the bot can rely on, so choices are shown as
// numbered answers in the text (the core matches a typed "1" or "dong y" to them).
import type { Config } from '../../config/index.ts';
import type { Core } from '../../core/batcher.ts';
import type { Db } from '../../db/client.ts';
import { zaloMsg } from '../../core/messages-zalo.ts';
import { DeliveryRateLimited, PermanentDeliveryError, type OutgoingMessage, type Sender } from '../../core/types.ts';
import { BadUpdate } from '../../http/server.ts';
import { backoffMs } from '../../jobs/queue.ts';
import type { Logger } from '../../log.ts';
import type { ChannelAdapter } from '../adapter.ts';
import { renderAsText } from '../render.ts';
import { splitMessage } from '../split.ts';
import { SendRateLimiter, throttleSender, ZALO_LIMITS } from '../throttle.ts';
import type { FileFetcher } from '../../intake/media.ts';
import { FILE_LINK_TTL_MS, publishFile } from '../../web/files.ts';
import { LONG_POLL_SECONDS, sleep, ZaloAborted, ZaloApiError, ZaloClient } from './client.ts';
import { downloadZaloFile } from './files.ts';
import { parseWebhookBody, toEvent, type ZaloUpdate } from './updates.ts';

const ZALO_TEXT_LIMIT = 2000;
const ZALO_WEBHOOK_PATH = '/zalo/webhook';
const ZALO_SECRET_HEADER = 'X-Bot-Api-Secret-Token';
const MAX_POLL_DELAY_MS = 60_000;
const DEFAULT_RATE_LIMIT_MS = 5_000;

export interface ZaloChannel extends ChannelAdapter {
  client: ZaloClient;
  /** Downloads a file a user sent (voice) by the URL Zalo gave for it. */
  fetchFile: FileFetcher;
}

/** Makes a generated file reachable by URL (Zalo takes files only so); returns the URL. */
export type FilePublisher = (file: { name: string; content: Buffer }) => Promise<string>;

/**
 * The Zalo adapter, or none when ZALO_BOT_TOKEN is unset. With PUBLIC_URL set (and the
 * database given), files go out as short-lived links under it; without, as a caption.
 */
export function createZaloChannel(config: Config, core: Core, log: Logger, db?: Db): ZaloChannel | undefined {
  const settings = config.zalo;
  if (settings.mode === 'off') return undefined;
  const client = new ZaloClient({ token: settings.token, apiRoot: config.ZALO_API_ROOT, log });
  const base = config.PUBLIC_URL;
  const publish: FilePublisher | undefined =
    base && db ? async (file) => (await publishFile(db, base, file)).url : undefined;
  const controller = new AbortController();
  let refused = false;
  let background: Promise<void> | undefined;

  /** A refused token will not heal by retrying: stop and say so once. */
  function refuseToken(): void {
    if (refused) return;
    refused = true;
    controller.abort();
    log.error('Zalo refused the bot token (401): the Zalo channel is stopped; check ZALO_BOT_TOKEN and restart');
  }

  function unauthorized(error: unknown): boolean {
    const is401 = error instanceof ZaloApiError && error.error_code === 401;
    if (is401) refuseToken();
    return is401;
  }

  /** Webhook: a failure reaches the HTTP answer (5xx, Zalo retries). Polling: getUpdates has
   * no offset, so an update not handled now is never offered again: the core retries it. */
  async function handleUpdate(update: ZaloUpdate, polled = false): Promise<void> {
    const event = toEvent(update);
    const eventName = update.event_name.slice(0, 64);
    if (!event) return log.debug({ channel: 'zalo', eventName }, 'zalo event ignored');
    await (polled ? core.handlePolled(event) : core.handle(event));
  }

  async function poll(): Promise<void> {
    let failures = 0;
    while (!controller.signal.aborted) {
      let updates: ZaloUpdate[];
      try {
        updates = await client.getUpdates(LONG_POLL_SECONDS, controller.signal);
        failures = 0;
      } catch (error) {
        if (error instanceof ZaloAborted || controller.signal.aborted || unauthorized(error)) return;
        failures += 1;
        const delay = Math.min(backoffMs(failures), MAX_POLL_DELAY_MS);
        log.warn({ reason: (error as Error).message, retryInMs: delay }, 'zalo getUpdates failed; polling again later');
        if (!(await pause(delay))) return;
        continue;
      }
      for (const update of updates) await handleUpdate(update, true);
    }
  }

  /** Waits, unless the channel stops first; returns whether to carry on. */
  async function pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, controller.signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Returns whether registering is settled (done, or pointless with a refused token). */
  async function registerWebhook(publicUrl: string, secret: string): Promise<boolean> {
    const url = `${publicUrl}${ZALO_WEBHOOK_PATH}`;
    try {
      await client.setWebhook(url, secret);
      log.info({ url }, 'zalo webhook registered');
      return true;
    } catch (error) {
      if (error instanceof ZaloAborted || unauthorized(error)) return true;
      log.error({ reason: (error as Error).message }, 'zalo setWebhook failed; trying again later');
      return false;
    }
  }

  async function keepRegistering(publicUrl: string, secret: string): Promise<void> {
    for (let attempt = 1; await pause(Math.min(backoffMs(attempt), MAX_POLL_DELAY_MS)); attempt++) {
      if (await registerWebhook(publicUrl, secret)) return;
    }
  }

  async function start(): Promise<void> {
    try {
      const me = await client.getMe();
      log.info({ bot: me.account_name, id: me.id, mode: settings.mode }, 'zalo channel ready');
    } catch (error) {
      if (unauthorized(error)) return;
      // Not fatal: polling (or the webhook registration) retries with backoff below.
      log.warn({ reason: (error as Error).message }, 'zalo getMe failed');
    }
    if (settings.mode === 'webhook') {
      const { publicUrl, secret } = settings;
      if (!(await registerWebhook(publicUrl, secret))) background = keepRegistering(publicUrl, secret);
      return;
    }
    // getUpdates answers nothing while a webhook is set (e.g. left by an earlier deployment).
    await client.deleteWebhook().catch((error: unknown) => {
      if (!unauthorized(error)) log.warn({ reason: (error as Error).message }, 'zalo deleteWebhook failed');
    });
    if (!refused) background = poll();
  }

  return {
    name: 'zalo',
    client,
    fetchFile: downloadZaloFile,
    // Sends keep under the platform's rate limits (many digests at once).
    sender: throttleSender(
      zaloSender(client, () => refused, refuseToken, publish),
      new SendRateLimiter(ZALO_LIMITS),
    ),
    webhook:
      settings.mode === 'webhook'
        ? {
            path: ZALO_WEBHOOK_PATH,
            secretHeader: ZALO_SECRET_HEADER,
            secret: settings.secret,
            async handle(body) {
              const read = parseWebhookBody(body);
              if (!read) throw new BadUpdate('not a Zalo update');
              if ('ignored' in read) return log.debug({ channel: 'zalo', reason: read.ignored }, 'zalo event ignored');
              await handleUpdate(read.update);
            },
          }
        : undefined,
    start,
    async stop() {
      controller.abort();
      await background;
    },
  };
}

function zaloSender(
  client: ZaloClient,
  isRefused: () => boolean,
  refuseToken: () => void,
  publish: FilePublisher | undefined,
): Sender {
  return {
    async send(chatId, message) {
      // Kept for later, not dropped: after the token is fixed and the bot restarted they go out.
      if (isRefused()) throw new Error('zalo channel stopped: the bot token was refused');
      try {
        await deliver(client, chatId, message, publish);
      } catch (error) {
        if (error instanceof ZaloApiError && error.error_code === 401) refuseToken();
        throw deliveryError(error);
      }
    },
  };
}

/** A reply as one or more texts of at most 2,000 characters, in order; `note` goes after the text. */
function zaloTexts(message: OutgoingMessage, note = ''): string[] {
  const text = [message.text, note].filter(Boolean).join('\n');
  const rendered = renderAsText({ text, choices: message.choices });
  return splitMessage(rendered, ZALO_TEXT_LIMIT).filter((part) => part.trim() !== '');
}

/**
 * Text as text. A file, when it can be published: a photo by its URL (with the text as its
 * caption when that fits one message), a document as a link after the text. Otherwise the
 * text with a note that the file could not be sent. A retried delivery publishes anew: a
 * link made by a failed attempt simply expires.
 */
async function deliver(
  client: ZaloClient,
  chatId: string,
  message: OutgoingMessage,
  publish: FilePublisher | undefined,
): Promise<void> {
  const { file } = message;
  if (!file) return sendTexts(client, chatId, zaloTexts(message));
  if (!publish) return sendTexts(client, chatId, zaloTexts(message, zaloMsg.fileNotSent(file.name)));
  const url = await publish({ name: file.name, content: Buffer.from(file.base64, 'base64') });
  const hours = FILE_LINK_TTL_MS / 3_600_000;
  if (file.kind !== 'photo')
    return sendTexts(client, chatId, zaloTexts(message, zaloMsg.fileLink(file.name, url, hours)));
  const texts = zaloTexts(message);
  if (texts.length === 1) return void (await client.sendPhoto(chatId, url, texts[0]));
  await sendTexts(client, chatId, texts);
  await client.sendPhoto(chatId, url);
}

async function sendTexts(client: ZaloClient, chatId: string, texts: string[]): Promise<void> {
  for (const part of texts) await client.sendMessage(chatId, part);
}

/** A Zalo API failure as the outbox reads it: wait (429), give up (403) or retry. */
function deliveryError(error: unknown): Error {
  if (error instanceof ZaloApiError) {
    if (error.error_code === 429) return new DeliveryRateLimited(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS);
    if (error.error_code === 403) return new PermanentDeliveryError(error.message);
  }
  return error instanceof Error ? error : new Error(String(error));
}
