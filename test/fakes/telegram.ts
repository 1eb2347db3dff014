// A fake Telegram Bot API server on 127.0.0.1: the real grammY client talks to it over HTTP.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeLocal, listenLocal, LongPolls, readRaw, replyJson as reply } from './server.ts';
import { waitForCount } from './wait.ts';
import type { Update } from 'grammy/types';

export interface SentCall {
  method: string;
  body: Record<string, unknown>;
  /** When the fake received the call (ms since epoch). */
  at?: number;
}

interface Failure {
  method: string;
  status: number;
  description: string;
  retryAfter?: number;
}

const SENDS = ['sendMessage', 'sendPhoto', 'sendDocument'];

export const BOT_USERNAME = 'kiennghi_test_bot';

export class FakeTelegram {
  /** Calls answered with success. */
  readonly calls: SentCall[] = [];
  /** Calls answered with an error (failNext). */
  readonly failed: SentCall[] = [];
  private readonly updates: Update[] = [];
  private readonly failures: Failure[] = [];
  private readonly polls = new LongPolls();
  private server: Server | undefined;
  private nextUpdateId = 1000;
  private nextMessageId = 1;
  token = '123456:TEST-token_abc';
  /** How long a send call waits for its answer after the fake has taken the message (a slow platform). */
  sendDelayMs = 0;
  apiRoot = '';
  /** Files users sent, by file_id: served by getFile and /file/bot<token>/<path> as the Bot API does. */
  readonly files = new Map<string, Buffer>();
  /**
   * The platform's cap on sends for the whole bot, when set: a send arriving while `perSecond`
   * sends were accepted within the last second is refused with 429 and `retry_after`.
   */
  sendCap: { perSecond: number; retryAfter: number } | undefined;
  private readonly acceptedSends: number[] = [];

  async start(): Promise<this> {
    ({ server: this.server, origin: this.apiRoot } = await listenLocal((req, res) => void this.route(req, res)));
    return this;
  }

  async stop(): Promise<void> {
    this.polls.wakeAll();
    await closeLocal(this.server);
  }

  /** Messages the bot sent, as {chat_id, text, reply_markup}. */
  get sent(): SentCall[] {
    return this.calls.filter((call) => SENDS.includes(call.method));
  }

  textsTo(chatId: number | string): string[] {
    return this.sent
      .filter((call) => String(call.body.chat_id) === String(chatId))
      .map((call) => String(call.body.text ?? call.body.caption ?? ''));
  }

  /** Makes the next calls of a method fail once each, in order. */
  failNext(method: string, status: number, description: string, retryAfter?: number): void {
    this.failures.push({ method, status, description, retryAfter });
  }

  /** Queues an update for getUpdates and returns it (for webhook tests too). */
  push(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const full = { ...update, update_id: update.update_id ?? this.nextUpdateId++ } as Update;
    this.updates.push(full);
    this.polls.wakeAll();
    return full;
  }

  waitForSent(count: number, timeoutMs = 10_000): Promise<SentCall[]> {
    return waitForCount(() => this.sent, count, timeoutMs);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const download = /^\/file\/bot([^/]+)\/files\/(.+)$/.exec(req.url ?? '');
    if (download) {
      const file = download[1] === this.token ? this.files.get(decodeURIComponent(download[2]!)) : undefined;
      res.writeHead(file ? 200 : 404, { 'content-type': 'application/octet-stream' });
      res.end(file ?? '');
      return;
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const body = await readBody(req);
    if (!match || match[1] !== this.token)
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    const failure = this.failures.findIndex((f) => f.method === method);
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      this.failed.push({ method, body, at: Date.now() });
      return reply(res, f!.status, {
        ok: false,
        error_code: f!.status,
        description: f!.description,
        ...(f!.retryAfter !== undefined ? { parameters: { retry_after: f!.retryAfter } } : {}),
      });
    }
    if (SENDS.includes(method) && this.overCap(method, body, res)) return;
    this.calls.push({ method, body, at: Date.now() });
    if (this.sendDelayMs > 0 && SENDS.includes(method)) await new Promise((done) => setTimeout(done, this.sendDelayMs));
    reply(res, 200, { ok: true, result: await this.answer(method, body) });
  }

  /** Counts a send and, over the cap, refuses it as Telegram's flood control does. */
  private overCap(method: string, body: Record<string, unknown>, res: ServerResponse): boolean {
    if (!this.sendCap) return false;
    const now = Date.now();
    while (this.acceptedSends.length && this.acceptedSends[0]! <= now - 1000) this.acceptedSends.shift();
    if (this.acceptedSends.length < this.sendCap.perSecond) {
      this.acceptedSends.push(now);
      return false;
    }
    this.failed.push({ method, body, at: now });
    const retryAfter = this.sendCap.retryAfter;
    reply(res, 429, {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    });
    return true;
  }

  private async answer(method: string, body: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return {
          id: 123456,
          is_bot: true,
          first_name: 'Kiến nghị',
          username: BOT_USERNAME,
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case 'getFile': {
        const fileId = String(body.file_id);
        const file = this.files.get(fileId);
        if (!file) return { file_id: fileId, file_unique_id: fileId };
        return { file_id: fileId, file_unique_id: fileId, file_size: file.length, file_path: `files/${fileId}` };
      }
      case 'getUpdates':
        return this.getUpdates(Number(body.offset ?? 0), Number(body.timeout ?? 0));
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument':
        return {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(body.chat_id), type: 'private' },
          text: body.text,
        };
      default:
        return true;
    }
  }

  private async getUpdates(offset: number, timeoutSeconds: number): Promise<Update[]> {
    const deadline = Date.now() + Math.min(timeoutSeconds, 1) * 1000;
    for (;;) {
      // Confirmed updates (below the offset) are forgotten, as Telegram does.
      while (this.updates.length && this.updates[0]!.update_id < offset) this.updates.shift();
      if (this.updates.length || Date.now() >= deadline) return this.updates.slice(0, 100);
      await this.polls.wait(deadline);
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readRaw(req)).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json') && raw) return JSON.parse(raw);
  return parseMultipart(raw);
}

/** Enough of multipart/form-data to read the text fields of sendPhoto/sendDocument. */
function parseMultipart(raw: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const match of raw.matchAll(/name="([^"]+)"(?:; filename="[^"]*")?\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/g)) {
    fields[match[1]!] = match[2]!.length > 2000 ? `<${match[2]!.length} bytes>` : match[2];
  }
  return fields;
}

/** The most calls received within any one second (by their `at`): what a cap per second limits. */
export function busiestSecond(calls: SentCall[]): number {
  const times = calls.map((c) => c.at!).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

let nextUser = 5000;
export function newUserId(): number {
  return nextUser++;
}

export function textMessage(userId: number, text: string) {
  return {
    message: {
      message_id: Math.floor(Math.random() * 1e6),
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private' as const, first_name: 'Cử tri' },
      from: { id: userId, is_bot: false, first_name: 'Cử tri' },
      text,
    },
  };
}

export function callback(userId: number, data: string) {
  return {
    callback_query: {
      id: String(Math.random()),
      chat_instance: '1',
      data,
      from: { id: userId, is_bot: false, first_name: 'Cử tri' },
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: userId, type: 'private' as const, first_name: 'Cử tri' },
        text: '…',
      },
    },
  };
}

export function stickerMessage(userId: number) {
  const base = textMessage(userId, '');
  const { text: _text, ...message } = base.message;
  return {
    message: {
      ...message,
      sticker: {
        file_id: 'STK1',
        file_unique_id: 'u1',
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
      },
    },
  };
}

export function photoMessage(userId: number, caption: string) {
  const base = textMessage(userId, '');
  const { text: _text, ...message } = base.message;
  return {
    message: {
      ...message,
      caption,
      photo: [
        { file_id: 'PHOTO-small', file_unique_id: 'p1', width: 90, height: 90 },
        { file_id: 'PHOTO-large', file_unique_id: 'p2', width: 1280, height: 960 },
      ],
    },
  };
}

/** A voice message whose audio is `fileId` in FakeTelegram.files. */
export function voiceMessage(userId: number, fileId: string) {
  const base = textMessage(userId, '');
  const { text: _text, ...message } = base.message;
  return { message: { ...message, voice: { file_id: fileId, file_unique_id: fileId, duration: 4 } } };
}
