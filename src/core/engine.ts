// The core: one turn per platform delivery. A turn's delivery record (idempotency),
// conversation state, data and replies commit together, in one transaction shared by the
// deliveries that arrived meanwhile (group commit).
// Channels only translate updates in and replies out; features register commands here.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/index.ts';
import { isSqlite, type Db, type Tx } from '../db/client.ts';
import { transaction } from '../db/sql.ts';
import { backoffMs, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { countUpdate } from '../ops/metrics.ts';
import { FloodGate, type GateResult } from './flood.ts';
import { msg, turnMsg } from './messages.ts';
import { storeReplies, type Outbox } from './outbox.ts';
import { rolesOf, type Role } from './roles.ts';
import {
  channelKey,
  loadBatch,
  recordDeliveries,
  saveConversations,
  type Claimed,
  type Outgoing,
  type StoredConversation,
} from './store.ts';
import { answerKey } from './text.ts';
import type { Choice, IncomingEvent, OutgoingMessage, VoterRecord } from './types.ts';

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
}

export type CommandHandler = (turn: Turn, args: string) => Promise<void>;

export interface Feature {
  /** Conversation states owned by this feature start with `${name}.`. */
  name: string;
  commands?: Record<string, CommandHandler>;
  onInput?(turn: Turn): Promise<void>;
  /** Claims input outside any feature's states (e.g. staff text), before the default feature. */
  wantsInput?(turn: Turn): boolean;
}

const MAX_BATCH_ATTEMPTS = 3;
/** About two minutes of retries (1, 2, 4, 8, 16, 30, 30 s). */
const POLLED_ATTEMPTS = 8;
/** Deliveries committed together at most (one transaction, one disk flush). */
const MAX_BATCH = 100;
/** Batches committed at the same time on PostgreSQL. */
const MAX_PUMPS_POSTGRES = 3;
/** A transient error seen this often on one delivery is treated as the delivery's own failure. */
const MAX_TRANSIENT_REPEATS = 3;
/** Deliveries whose transient failures are counted at most (memory stays bounded). */
const MAX_TRACKED_FAILURES = 10_000;
const TRANSACTION_OPTIONS = { timeout: 30_000, maxWait: 15_000 };

/** `failed`: the turn threw; the delivery is recorded and the user got an apology. */
export type TurnOutcome = 'handled' | 'duplicate' | 'limited' | 'failed';

export interface HandleResult {
  outcome: TurnOutcome;
  /** Resolves when the replies have been handed to the platform (or queued for a retry). */
  delivered: Promise<void>;
}

export interface CoreDeps {
  db: Db;
  config: Config;
  log: Logger;
  outbox: Outbox;
  queue?: JobQueue;
}

interface Waiting {
  event: IncomingEvent;
  resolve(result: HandleResult): void;
  reject(error: unknown): void;
}

export class Core {
  private readonly features: Feature[] = [];
  private readonly commands = new Map<string, CommandHandler>();
  private readonly flood: FloodGate;
  private readonly waiting: Waiting[] = [];
  /** Batches being committed, and the users and chats in them (each user's deliveries stay in order). */
  private readonly pumps = new Set<Promise<void>>();
  private readonly busy = new Set<string>();
  private readonly maxPumps: number;
  /** Transient failures per delivery (channelKey of its update id), oldest first. */
  private readonly failures = new Map<string, number>();

  constructor(private readonly deps: CoreDeps) {
    this.flood = new FloodGate(deps.config.FLOOD_MAX_MESSAGES, deps.config.FLOOD_WINDOW_SECONDS * 1000);
    // SQLite has one writer: a second batch would only wait for the first. On PostgreSQL a
    // batch spends most of its time waiting on round trips, which another batch can use.
    this.maxPumps = isSqlite(deps.config.DATABASE_URL) ? 1 : MAX_PUMPS_POSTGRES;
  }

  use(feature: Feature): this {
    this.features.push(feature);
    for (const [name, handler] of Object.entries(feature.commands ?? {})) this.commands.set(name, handler);
    return this;
  }

  /**
   * Handles one delivery; resolves once its effects are committed. Deliveries that arrive
   * while a transaction runs wait and are committed together in the next one (group
   * commit): under load the database sees a few statements per batch, not per delivery.
   */
  handle(event: IncomingEvent): Promise<HandleResult> {
    const result = new Promise<HandleResult>((resolve, reject) =>
      this.waiting.push({ event: withoutNul(event), resolve, reject }),
    );
    if (this.pumps.size < this.maxPumps) {
      const pump: Promise<void> = this.pump().finally(() => this.pumps.delete(pump));
      this.pumps.add(pump);
    }
    result.then(
      (done) => countUpdate(event.channel, done.outcome),
      () => countUpdate(event.channel, 'error'),
    );
    return result;
  }

  /**
   * For long polling, where the poller moves past a delivery (Telegram) or is never offered
   * it again (Zalo): retry through a short outage (database down) before giving up on it.
   * Only a transient database error reaches here: any other failure is settled by the core.
   */
  async handlePolled(event: IncomingEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.handle(event);
        return;
      } catch (error) {
        const context = { err: error, channel: event.channel, updateId: event.updateId, attempt };
        if (attempt >= POLLED_ATTEMPTS) return this.deps.log.error(context, 'update could not be handled; dropped');
        this.deps.log.warn(context, 'update failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, 30_000)));
      }
    }
  }

  /** Waits for the turns in progress (graceful shutdown). */
  async idle(): Promise<void> {
    while (this.pumps.size > 0) await Promise.all(this.pumps);
  }

  private async pump(): Promise<void> {
    for (;;) {
      // A turn on SQLite runs without ever yielding to I/O: let the requests that have
      // arrived meanwhile reach `waiting` first, or every batch would hold one delivery.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      const keys = batch.flatMap(({ event }) => heldKeys(event));
      for (const key of keys) this.busy.add(key);
      try {
        await this.settle(batch);
      } finally {
        for (const key of keys) this.busy.delete(key);
      }
    }
  }

  /** The waiting deliveries of users and chats that no other batch holds, oldest first. */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    // A delivery left waiting holds back the later ones of its user and chat too.
    const passed = new Set<string>();
    for (let index = 0; index < this.waiting.length && batch.length < MAX_BATCH;) {
      const keys = heldKeys(this.waiting[index]!.event);
      if (keys.some((key) => this.busy.has(key) || passed.has(key))) {
        for (const key of keys) passed.add(key);
        index++;
      } else batch.push(...this.waiting.splice(index, 1));
    }
    return batch;
  }

  /** Commits a batch; when it fails, each delivery runs alone so one bad update fails only itself. */
  private async settle(batch: Waiting[]): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((item) => item.event));
      batch.forEach((item, index) => {
        this.failures.delete(deliveryKey(item.event));
        item.resolve(results[index]!);
      });
    } catch (error) {
      if (batch.length === 1) return this.contain(batch[0]!, error);
      for (const item of batch) await this.settle([item]);
    }
  }

  /**
   * The error boundary of one delivery. A transient database error is left for the platform
   * (or the poller) to retry; any other error, or one that keeps coming back, is recorded with
   * the delivery, so a redelivery is a duplicate, and the user gets an apology. Only when
   * even that cannot be written (the database is down) is the delivery left for a retry.
   */
  private async contain(item: Waiting, error: unknown): Promise<void> {
    const { event } = item;
    const key = deliveryKey(event);
    const ids = { channel: event.channel, updateId: event.updateId };
    const repeats = this.countFailure(key);
    if (isTransientDbError(error) && repeats < MAX_TRANSIENT_REPEATS) {
      this.deps.log.warn(
        { err: error, ...ids, attempt: repeats },
        'turn failed on a transient database error; left for a retry',
      );
      return item.reject(error);
    }
    const errorId = randomBytes(4).toString('hex');
    try {
      const result = await this.recordFailure(event, errorId);
      this.failures.delete(key);
      this.deps.log.error({ err: error, errorId, ...ids }, 'turn failed; delivery recorded and the user told');
      item.resolve(result);
    } catch (recordError) {
      this.deps.log.error(
        { err: error, recordErr: recordError, errorId, ...ids },
        'turn failed and could not be recorded',
      );
      item.reject(error);
    }
  }

  private countFailure(key: string): number {
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.delete(key);
    if (this.failures.size >= MAX_TRACKED_FAILURES) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(key, count);
    return count;
  }

  /** Records a failed delivery and queues the apology, in one transaction; the user's state is left as it was. */
  private async recordFailure(event: IncomingEvent, errorId: string): Promise<HandleResult> {
    const claimed = await transaction(
      this.deps.db,
      async (tx) => {
        const fresh = await recordDeliveries(tx, [event], new Date());
        if (fresh.size === 0) return undefined;
        const { backlog } = await loadBatch(tx, [event]);
        const apology = { channel: event.channel, chatId: event.chatId, message: { text: turnMsg.failed(errorId) } };
        return storeReplies(tx, [apology], backlog);
      },
      TRANSACTION_OPTIONS,
    );
    if (!claimed) return { outcome: 'duplicate', delivered: Promise.resolve() };
    const delivered = this.deps.outbox.deliver(
      event.channel,
      event.chatId,
      claimed.get(channelKey(event.channel, event.chatId)) ?? [],
    );
    return { outcome: 'failed', delivered };
  }

  /** A write conflict with a concurrent instance (two turns creating the same row) is retried. */
  private async runBatch(events: IncomingEvent[]): Promise<HandleResult[]> {
    for (let attempt = 1; ; attempt++) {
      const after: (() => void)[] = [];
      try {
        const { outcomes, claimed } = await this.runBatchOnce(events, after);
        this.runAfterCommit(after);
        const deliveries = new Map<string, Promise<void>>();
        const deliver = (event: IncomingEvent) => {
          const key = channelKey(event.channel, event.chatId);
          if (!deliveries.has(key))
            deliveries.set(key, this.deps.outbox.deliver(event.channel, event.chatId, claimed.get(key) ?? []));
          return deliveries.get(key)!;
        };
        return events.map((event, index) => ({
          outcome: outcomes[index]!,
          delivered: outcomes[index] === 'duplicate' ? Promise.resolve() : deliver(event),
        }));
      } catch (error) {
        if (!isWriteConflict(error) || attempt >= MAX_BATCH_ATTEMPTS) throw error;
      }
    }
  }

  /** The batch is committed: a task that fails now must not have it run again. */
  private runAfterCommit(tasks: (() => void)[]): void {
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        this.deps.log.error({ err: error }, 'task after commit failed');
      }
    }
  }

  private async runBatchOnce(
    events: IncomingEvent[],
    after: (() => void)[],
  ): Promise<{ outcomes: TurnOutcome[]; claimed: Map<string, Claimed[]> }> {
    const { db, config } = this.deps;
    return transaction(
      db,
      async (tx) => {
        // Recorded first: a copy of a delivery handled by a concurrent transaction waits
        // here for it, and is then not recorded again, i.e. a duplicate.
        const fresh = await recordDeliveries(tx, events, new Date());
        const gates = events.map((event) => {
          const key = channelKey(event.channel, event.updateId);
          if (!fresh.delete(key)) return 'duplicate' as const;
          return this.flood.check(`${event.channel}:${event.userId}`);
        });
        const outcomes = gates.map((gate): TurnOutcome =>
          gate === 'duplicate' ? gate : gate === 'ok' ? 'handled' : 'limited',
        );
        const handled = events.filter((_, index) => outcomes[index] === 'handled');
        const { conversations, voters, staff, backlog } = await loadBatch(tx, handled);
        const roles = rolesOf(config, handled, staff);
        const outgoing: Outgoing[] = [];
        for (const [index, event] of events.entries()) {
          const refusal = limitReply(event, gates[index]!, config.FLOOD_WINDOW_SECONDS);
          if (refusal) outgoing.push({ channel: event.channel, chatId: event.chatId, message: { text: refusal } });
          if (outcomes[index] !== 'handled') continue;
          const key = channelKey(event.channel, event.userId);
          const replies = await this.runTurn(tx, event, roles.get(key)!, conversations.get(key)!, voters, after);
          outgoing.push(...replies.map((message) => ({ channel: event.channel, chatId: event.chatId, message })));
        }
        await saveConversations(tx, conversations, new Date());
        return { outcomes, claimed: await storeReplies(tx, outgoing, backlog) };
      },
      TRANSACTION_OPTIONS,
    );
  }

  private async runTurn(
    tx: Tx,
    event: IncomingEvent,
    role: Role,
    loaded: StoredConversation,
    voters: Map<string, VoterRecord>,
    after: (() => void)[],
  ): Promise<OutgoingMessage[]> {
    const replies: OutgoingMessage[] = [];
    const before = loaded.state.state;
    const userKey = channelKey(event.channel, event.userId);
    const turn: Turn = {
      event,
      tx,
      now: new Date(),
      config: this.deps.config,
      role,
      conversation: loaded.state,
      voter: voters.get(userKey) ?? null,
      reply: (message) => replies.push(typeof message === 'string' ? { text: message } : message),
      afterCommit: (task) => after.push(task),
    };
    await this.dispatch(turn);
    // A later delivery of the same user in this batch sees what this turn changed.
    if (turn.voter) voters.set(userKey, turn.voter);
    rememberChoices(turn.conversation, replies, before);
    loaded.state = { ...turn.conversation, isNew: false };
    loaded.touched = true;
    return replies;
  }

  private async dispatch(turn: Turn): Promise<void> {
    const event = normaliseEvent(turn);
    if (event === 'expired') return turn.reply(msg.expiredChoice());
    (turn as { event: IncomingEvent }).event = event;
    if (event.kind === 'command') {
      const handler = this.commands.get(event.command);
      if (!handler) return turn.reply(msg.unknownCommand(event.command));
      return handler(turn, event.args);
    }
    const owner = turn.conversation.state.split('.')[0];
    const feature =
      this.features.find((f) => f.name === owner && f.onInput) ??
      this.features.find((f) => f.onInput && f.wantsInput?.(turn)) ??
      this.features.find((f) => f.onInput);
    await feature?.onInput?.(turn);
  }
}

function deliveryKey(event: IncomingEvent): string {
  return channelKey(event.channel, event.updateId);
}

/** A user and a chat are in one running batch at most. */
function heldKeys(event: IncomingEvent): string[] {
  return [channelKey(event.channel, `user:${event.userId}`), channelKey(event.channel, `chat:${event.chatId}`)];
}

/** PostgreSQL text cannot hold U+0000: kept, it would fail the turn on every retry. It becomes U+FFFD. */
function withoutNul(event: IncomingEvent): IncomingEvent {
  const clean = (text: string) => text.replaceAll('\u0000', '\uFFFD');
  if (event.kind === 'text') return { ...event, text: clean(event.text) };
  if (event.kind === 'media' && event.caption) return { ...event, caption: clean(event.caption) };
  return event;
}

/**
 * What a delivery over the flood limit gets: a command or a button press is always refused
 * in words (never silently dropped); other input gets one warning per window.
 */
function limitReply(event: IncomingEvent, gate: GateResult | 'duplicate', windowSeconds: number): string | undefined {
  if (gate === 'ok' || gate === 'duplicate') return undefined;
  const isCommand =
    event.kind === 'command' || event.kind === 'choice' || (event.kind === 'text' && parseCommand(event.text) !== null);
  if (isCommand) return turnMsg.limited(windowSeconds);
  return gate === 'warn' ? msg.flood(windowSeconds) : undefined;
}

/** Turns typed commands into command events and typed answers into the offered choice. */
function normaliseEvent(turn: Turn): IncomingEvent | 'expired' {
  const { event } = turn;
  const offered = turn.conversation.data.choices ?? [];
  if (event.kind === 'text') {
    const command = parseCommand(event.text);
    if (command) return { ...event, kind: 'command', ...command };
    const choice = matchChoice(event.text, offered);
    if (choice) return { ...event, kind: 'choice', choiceId: choice.id };
  }
  if (event.kind === 'choice' && !offered.some((choice) => choice.id === event.choiceId)) return 'expired';
  return event;
}

export function parseCommand(text: string): { command: string; args: string } | null {
  const match = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { command: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}

/** "1", "1.", "số 1", "Đồng ý", "dong y" all pick the same choice. */
export function matchChoice(text: string, choices: Choice[]): Choice | undefined {
  const key = answerKey(text).replace(/^so /, '');
  if (!key) return undefined;
  return choices.find((choice, index) => key === String(index + 1) || key === answerKey(choice.label));
}

function rememberChoices(conversation: ConversationState, replies: OutgoingMessage[], stateBefore: string): void {
  const withChoices = replies.filter((reply) => reply.choices?.length);
  if (withChoices.length > 0) conversation.data.choices = withChoices.at(-1)!.choices;
  else if (conversation.state !== stateBefore) delete conversation.data.choices;
}

/** Two batches raced on the same row (a delivery, a new counter, a conversation): running again is safe. */
function isWriteConflict(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'P2002' || code === 'P2034';
}

const TRANSIENT_KINDS = new Set([
  'ConnectionClosed',
  'DatabaseNotReachable',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
  'TransactionAlreadyClosed',
  'TlsConnectionError',
]);
/** Prisma: unreachable, timed out, closed, pool timeout, transaction expired, write conflict or deadlock. */
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
/** PostgreSQL SQLSTATEs and Node socket codes of an unavailable or contended database. */
const TRANSIENT_CODES = new Set([
  '40001',
  '40P01',
  '55P03',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);
/** SQLite's BUSY and LOCKED result codes, extended ones included (their low byte). */
const SQLITE_BUSY_CODES = new Set([5, 6]);
const TRANSIENT_MESSAGE =
  /database is locked|database table is locked|SQLITE_BUSY|connection (refused|terminated|closed|reset)|terminating connection|does not allow connections|could not serialize|deadlock detected|too many clients|database system is (starting|shutting)|can't reach database/i;

/**
 * The database was unavailable or contended (connection refused, locked or busy, a
 * serialization conflict, a timeout): the same delivery is likely to succeed later.
 */
export function isTransientDbError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, kind, extendedCode, message, cause } = error as Record<string, unknown>;
  if (typeof kind === 'string' && TRANSIENT_KINDS.has(kind)) return true;
  if (typeof code === 'string' && (TRANSIENT_PRISMA_CODES.has(code) || TRANSIENT_CODES.has(code))) return true;
  if (kind === 'sqlite' && typeof extendedCode === 'number' && SQLITE_BUSY_CODES.has(extendedCode & 0xff)) return true;
  if (typeof message === 'string' && TRANSIENT_MESSAGE.test(message)) return true;
  const inner = (error as { error?: unknown }).error;
  return isTransientDbError(cause, depth + 1) || (inner !== undefined && isTransientDbError(inner, depth + 1));
}
