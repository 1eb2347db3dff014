// A fake Zalo Bot API server on 127.0.0.1: our axios client talks to it over HTTP.
// getUpdates hands out one queued update per call and answers 408 when none comes.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeLocal, listenLocal, LongPolls, readRaw, replyJson as reply } from './server.ts';
import { waitForCount } from './wait.ts';

export interface ZaloCall {
  method: string;
  body: Record<string, unknown>;
}

export interface ZaloUpdateBody {
  event_name: string;
  message: Record<string, unknown> & { message_id: string; chat: { id: string } };
}

interface Failure {
  method: string;
  /** An HTTP status answered with `{ok:false}`, or 'drop' to reset the connection. */
  status: number | 'drop';
  description: string;
  retryAfter?: number;
}

const SEND_METHODS = ['sendMessage', 'sendPhoto'];
const TEXT_LIMIT = 2000;

export class FakeZalo {
  /** Calls answered with success. */
  readonly calls: ZaloCall[] = [];
  /** Calls answered with an error (failNext, dropNext). */
  readonly failed: ZaloCall[] = [];
  /** Every request path seen, as sent (to check the URL form). */
  readonly paths: string[] = [];
  private readonly updates: ZaloUpdateBody[] = [];
  private readonly failures: Failure[] = [];
  private readonly polls = new LongPolls();
  private server: Server | undefined;
  private nextMessageId = 1;
  /** Files users sent (voice), served by GET at fileUrl(name), as Zalo's file servers do. */
  readonly files = new Map<string, Buffer>();
  token = '3141592653589793238:ZaloBotSecretPart_xyz987';
  apiRoot = '';
  webhook: { url: string; secret_token: string } | undefined;

  async start(): Promise<this> {
    ({ server: this.server, origin: this.apiRoot } = await listenLocal((req, res) => void this.route(req, res)));
    return this;
  }

  async stop(): Promise<void> {
    this.polls.wakeAll();
    await closeLocal(this.server);
  }

  /** Where a file put in `files` is served (the `voice_url` of an update). */
  fileUrl(name: string): string {
    return `${this.apiRoot}/files/${name}`;
  }

  /** Messages the bot sent (sendMessage, sendPhoto). */
  get sent(): ZaloCall[] {
    return this.calls.filter((call) => SEND_METHODS.includes(call.method));
  }

  textsTo(chatId: string): string[] {
    return this.sent
      .filter((call) => call.body.chat_id === chatId)
      .map((call) => String(call.body.text ?? call.body.caption ?? ''));
  }

  /** Photos the bot sent a chat (sendPhoto): the URL Zalo would fetch, and the caption. */
  photosTo(chatId: string): { url: string; caption?: string }[] {
    return this.callsOf('sendPhoto')
      .filter((call) => call.body.chat_id === chatId)
      .map((call) => ({
        url: String(call.body.photo),
        ...(call.body.caption === undefined ? {} : { caption: String(call.body.caption) }),
      }));
  }

  callsOf(method: string): ZaloCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Makes the next call of a method fail once (queue several for several failures). */
  failNext(method: string, status: number, description: string, retryAfter?: number): void {
    this.failures.push({ method, status, description, retryAfter });
  }

  /** Resets the connection of the next call of a method (a network failure). */
  dropNext(method: string): void {
    this.failures.push({ method, status: 'drop', description: 'connection reset' });
  }

  /** Queues an update for getUpdates. */
  push(update: ZaloUpdateBody): ZaloUpdateBody {
    this.updates.push(update);
    this.polls.wakeAll();
    return update;
  }

  get queued(): number {
    return this.updates.length;
  }

  waitForSent(count: number, timeoutMs = 10_000): Promise<ZaloCall[]> {
    return waitForCount(() => this.sent, count, timeoutMs);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.paths.push(req.url ?? '');
    if (req.method === 'GET' && req.url?.startsWith('/files/')) return this.serveFile(req.url.slice(7), res);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const body = await readJson(req);
    if (req.method !== 'POST')
      return reply(res, 405, { ok: false, error_code: 405, description: 'Method Not Allowed' });
    if (!match || match[1] !== this.token)
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    const index = this.failures.findIndex((f) => f.method === method);
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      this.failed.push({ method, body });
      if (failure!.status === 'drop') return void req.socket.destroy();
      return reply(res, failure!.status, {
        ok: false,
        error_code: failure!.status,
        description: failure!.description,
        ...(failure!.retryAfter !== undefined ? { parameters: { retry_after: failure!.retryAfter } } : {}),
      });
    }
    const invalid = this.validate(method, body);
    if (invalid) {
      this.failed.push({ method, body });
      return reply(res, 400, { ok: false, error_code: 400, description: invalid });
    }
    if (method === 'getUpdates') return this.getUpdates(res, body);
    this.calls.push({ method, body });
    reply(res, 200, { ok: true, result: this.answer(method, body) });
  }

  private serveFile(name: string, res: ServerResponse): void {
    const file = this.files.get(name);
    if (!file) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': 'audio/aac', 'content-length': file.length });
    res.end(file);
  }

  /** The documented constraints the real API enforces, so a client that breaks them fails here. */
  private validate(method: string, body: Record<string, unknown>): string | undefined {
    if (SEND_METHODS.includes(method) || method === 'sendChatAction') {
      if (typeof body.chat_id !== 'string' || !body.chat_id) return 'chat_id is required';
    }
    if (method === 'sendMessage') {
      const text = body.text;
      if (typeof text !== 'string' || text.length < 1 || text.length > TEXT_LIMIT)
        return 'text must be 1-2000 characters';
    }
    if (method === 'sendPhoto' && typeof body.photo !== 'string') return 'photo must be a URL';
    if (method === 'setWebhook') {
      const secret = body.secret_token;
      if (typeof body.url !== 'string' || typeof secret !== 'string' || secret.length < 8 || secret.length > 256) {
        return 'url and secret_token (8-256 characters) are required';
      }
    }
    if (method === 'getUpdates') {
      if (typeof body.timeout !== 'string') return 'timeout must be a string';
      if (this.webhook) return 'webhook is set: delete it before calling getUpdates';
    }
    return undefined;
  }

  private answer(method: string, body: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return {
          id: '3141592653589793238',
          account_name: 'bot.kiennghi',
          account_type: 'BASIC',
          can_join_groups: false,
        };
      case 'setWebhook':
        this.webhook = { url: String(body.url), secret_token: String(body.secret_token) };
        return { url: this.webhook.url, updated_at: Date.now() };
      case 'deleteWebhook':
        this.webhook = undefined;
        return { url: '', updated_at: Date.now() };
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', updated_at: Date.now() };
      case 'sendMessage':
      case 'sendPhoto':
        return { message_id: `sent${(this.nextMessageId++).toString(16)}`, date: Date.now() };
      default:
        return {};
    }
  }

  /** Holds the call up to the asked timeout (at most 1 s here), then answers 408. */
  private async getUpdates(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const deadline = Date.now() + Math.min(Number(body.timeout), 1) * 1000;
    let gone = false;
    res.on('close', () => (gone = true));
    for (;;) {
      if (gone) return;
      if (this.updates.length) {
        this.calls.push({ method: 'getUpdates', body });
        return reply(res, 200, { ok: true, result: this.updates.shift() });
      }
      if (Date.now() >= deadline) {
        this.calls.push({ method: 'getUpdates', body });
        return reply(res, 408, { ok: false, error_code: 408, description: 'Request timeout' });
      }
      await this.polls.wait(deadline);
    }
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readRaw(req)).toString('utf8');
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
}

let nextUser = 0x5a10;
/** Zalo ids are hex strings. */
export function newZaloUserId(): string {
  return `a1b2c3${(nextUser++).toString(16)}`;
}

let nextMessage = 0x1000;
export function newMessageId(): string {
  return `msg${(nextMessage++).toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
}

function message(userId: string, fields: Record<string, unknown>, messageId = newMessageId()) {
  return {
    from: { id: userId, display_name: 'Cử tri', is_bot: false },
    chat: { id: userId, chat_type: 'PRIVATE' },
    message_id: messageId,
    date: Date.now(),
    ...fields,
  };
}

export function zaloText(userId: string, text: string, messageId?: string): ZaloUpdateBody {
  return { event_name: 'message.text.received', message: message(userId, { text }, messageId) };
}

export function zaloImage(userId: string, photo: string, caption: string): ZaloUpdateBody {
  return { event_name: 'message.image.received', message: message(userId, { photo, caption }) };
}

export function zaloSticker(userId: string): ZaloUpdateBody {
  return {
    event_name: 'message.sticker.received',
    message: message(userId, { sticker: 'stk-1', url: 'https://zalo.example/stk-1.png' }),
  };
}

export function zaloVoice(userId: string, voiceUrl: string): ZaloUpdateBody {
  return { event_name: 'message.voice.received', message: message(userId, { voice_url: voiceUrl }) };
}

export function zaloUnsupported(userId: string): ZaloUpdateBody {
  return { event_name: 'message.unsupported.received', message: message(userId, {}) };
}
