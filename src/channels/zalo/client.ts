// A typed client for the Zalo Bot API over axios. Every method is a JSON POST to
// `${root}/bot${token}/${method}` answering `{ok, result | error_code, description}`.
// The token is part of every URL, so nothing that carries a URL (axios errors, request
// configs) ever leaves this file: errors are rebuilt from the method name and the answer.
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { backoffMs } from '../../jobs/queue.ts';
import type { Logger } from '../../log.ts';
import { readUpdate, type ZaloUpdate } from './updates.ts';

export const DEFAULT_ZALO_API_ROOT = 'https://bot-api.zaloplatforms.com';
/** The server holds a getUpdates call this long (seconds) when nothing arrives. */
export const LONG_POLL_SECONDS = 30;
const CALL_TIMEOUT_MS = 15_000;
const MAX_RETRY_DELAY_MS = 30_000;

/** Zalo answered `{ok:false}` (or an HTTP error, or something that is not an answer). */
export class ZaloApiError extends Error {
  override name = 'ZaloApiError';
  constructor(
    readonly method: string,
    readonly error_code: number,
    readonly description: string,
    /** From a 429's `parameters.retry_after`, when Zalo gives one. */
    readonly retryAfterMs?: number,
  ) {
    super(`zalo ${method} failed: ${error_code} ${description}`);
  }
}

/** The request did not reach Zalo or got no answer (refused, reset, timed out). */
export class ZaloNetworkError extends Error {
  override name = 'ZaloNetworkError';
  constructor(
    readonly method: string,
    reason: string,
  ) {
    super(`zalo ${method} failed: ${reason}`);
  }
}

/** The caller aborted the request (shutdown). */
export class ZaloAborted extends Error {
  override name = 'ZaloAborted';
}

const zaloId = z.union([z.string().min(1), z.number()]).transform(String);

const envelope = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.looseObject({ retry_after: z.number().optional() }).optional(),
});

const botInfo = z.looseObject({
  id: zaloId,
  account_name: z.string().optional(),
  account_type: z.string().optional(),
  can_join_groups: z.boolean().optional(),
});
export type ZaloBotInfo = z.infer<typeof botInfo>;

const sentMessage = z.looseObject({ message_id: zaloId, date: z.number().optional() });
export type ZaloSentMessage = z.infer<typeof sentMessage>;

const webhookInfo = z.looseObject({ url: z.string().optional(), updated_at: z.number().optional() });
export type ZaloWebhookInfo = z.infer<typeof webhookInfo>;

/**
 * getUpdates documents one update per call; an array is accepted too, to be safe. Updates the
 * bot does not handle (or cannot read) are left out: getUpdates has no offset to hold them.
 */
const updatesResult = z.unknown().transform((value) =>
  (Array.isArray(value) ? value : [value]).flatMap((item) => {
    const read = readUpdate(item);
    return read && 'update' in read ? [read.update] : [];
  }),
);

export interface ZaloClientOptions {
  token: string;
  apiRoot?: string;
  log?: Logger;
  /** Retries of a 429, a 5xx or a network failure before giving up (default 3). */
  retries?: number;
}

interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  retries?: number;
}

export class ZaloClient {
  private readonly http: AxiosInstance;
  private readonly token: string;
  private readonly retries: number;
  private readonly log: Logger | undefined;

  constructor(options: ZaloClientOptions) {
    this.token = options.token;
    this.retries = options.retries ?? 3;
    this.log = options.log;
    this.http = axios.create({
      baseURL: (options.apiRoot ?? DEFAULT_ZALO_API_ROOT).replace(/\/+$/, ''),
      headers: { 'content-type': 'application/json' },
      // Every status is read as an answer: Zalo puts the reason in the body.
      validateStatus: () => true,
    });
  }

  getMe(): Promise<ZaloBotInfo> {
    return this.call('getMe', {}, botInfo);
  }

  /** Waits up to `timeoutSeconds` for an update; an empty list when none came (Zalo's 408). */
  async getUpdates(timeoutSeconds = LONG_POLL_SECONDS, signal?: AbortSignal): Promise<ZaloUpdate[]> {
    try {
      return await this.call('getUpdates', { timeout: String(timeoutSeconds) }, updatesResult, {
        signal,
        timeoutMs: (timeoutSeconds + 15) * 1000,
        // The polling loop has its own backoff; retrying here would only hide outages.
        retries: 0,
      });
    } catch (error) {
      if (error instanceof ZaloApiError && error.error_code === 408) return [];
      throw error;
    }
  }

  async setWebhook(url: string, secretToken: string): Promise<void> {
    await this.call('setWebhook', { url, secret_token: secretToken }, z.unknown());
  }

  async deleteWebhook(): Promise<void> {
    await this.call('deleteWebhook', {}, z.unknown());
  }

  getWebhookInfo(): Promise<ZaloWebhookInfo> {
    return this.call('getWebhookInfo', {}, webhookInfo);
  }

  sendMessage(chatId: string, text: string): Promise<ZaloSentMessage> {
    return this.call('sendMessage', { chat_id: chatId, text }, sentMessage);
  }

  sendPhoto(chatId: string, photoUrl: string, caption?: string): Promise<ZaloSentMessage> {
    return this.call('sendPhoto', { chat_id: chatId, photo: photoUrl, ...(caption ? { caption } : {}) }, sentMessage);
  }

  async sendChatAction(chatId: string, action = 'typing'): Promise<void> {
    await this.call('sendChatAction', { chat_id: chatId, action }, z.unknown());
  }

  private async call<T>(method: string, body: object, schema: z.ZodType<T>, options: CallOptions = {}): Promise<T> {
    const retries = options.retries ?? this.retries;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, body, schema, options);
      } catch (error) {
        if (attempt > retries || !retryable(error)) throw error;
        const delay = retryDelay(error, attempt);
        this.log?.warn(
          { method, attempt, retryInMs: delay, reason: (error as Error).message },
          'zalo call failed; retrying',
        );
        await sleep(delay, options.signal);
      }
    }
  }

  private async once<T>(method: string, body: object, schema: z.ZodType<T>, options: CallOptions): Promise<T> {
    let response;
    try {
      response = await this.http.post(`/bot${this.token}/${method}`, body, {
        signal: options.signal,
        timeout: options.timeoutMs ?? CALL_TIMEOUT_MS,
      });
    } catch (error) {
      if (options.signal?.aborted || axios.isCancel(error)) throw new ZaloAborted(`zalo ${method} aborted`);
      throw new ZaloNetworkError(method, this.scrub(networkReason(error)));
    }
    const answer = envelope.safeParse(response.data);
    if (!answer.success) throw new ZaloApiError(method, response.status, `unexpected answer (HTTP ${response.status})`);
    const { ok, result, error_code, description, parameters } = answer.data;
    if (!ok || response.status >= 400) {
      const retryAfter = parameters?.retry_after;
      throw new ZaloApiError(
        method,
        error_code ?? response.status,
        this.scrub(description ?? `HTTP ${response.status}`),
        retryAfter !== undefined ? retryAfter * 1000 : undefined,
      );
    }
    const parsed = schema.safeParse(result);
    if (!parsed.success)
      throw new ZaloApiError(method, 0, `unexpected result: ${z.prettifyError(parsed.error).slice(0, 200)}`);
    return parsed.data;
  }

  /** A description echoing the request URL must not carry the token into a log. */
  private scrub(text: string): string {
    return text.split(this.token).join('<token>');
  }
}

function retryable(error: unknown): boolean {
  if (error instanceof ZaloNetworkError) return true;
  return error instanceof ZaloApiError && (error.error_code === 429 || error.error_code >= 500);
}

function retryDelay(error: unknown, attempt: number): number {
  const asked = error instanceof ZaloApiError ? error.retryAfterMs : undefined;
  return Math.min(asked ?? backoffMs(attempt), MAX_RETRY_DELAY_MS);
}

function networkReason(error: unknown): string {
  // Only the error code and axios' own wording; never the request it carries.
  if (axios.isAxiosError(error)) return error.code ? `${error.code} ${error.message}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Resolves after `ms`, or rejects with ZaloAborted as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ZaloAborted('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ZaloAborted('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
