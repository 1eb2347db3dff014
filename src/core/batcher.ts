// The batcher: the core's entry for every platform delivery. A delivery's record
// (idempotency), conversation state, data and replies commit in one transaction shared by
// the deliveries that arrived meanwhile (group commit); each turn in it goes to the
// dispatcher. Channels only translate updates in and replies out.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/index.ts';
import { isTransientDbError, isWriteConflict } from '../db/errors.ts';
import { kindOf, transaction } from '../db/sql.ts';
import type { Db, Tx } from '../db/types.ts';
import { backoffMs } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { countUpdate } from '../ops/metrics.ts';
import type { CommandList } from './commands.ts';
import { Dispatcher, parseCommand } from './dispatcher.ts';
import { FloodGate, type GateResult } from './flood.ts';
import { channelKey } from './keys.ts';
import { msg, turnMsg } from './messages.ts';
import { storeReplies, type Outbox } from './outbox.ts';
import type { Claimed, Outgoing } from './outbox-store.ts';
import { rolesOf } from './roles.ts';
import { loadBatch, recordDeliveries, saveConversations, type StoredConversation } from './turn-store.ts';
import type {
  Channel,
  ConversationState,
  Feature,
  IncomingEvent,
  OutgoingMessage,
  Role,
  Turn,
  VoterRecord,
} from './types.ts';

/** Told after a commit that a user's role changed (a channel refreshes its menus). */
export type RoleChangeListener = (channel: Channel, userId: string) => void;

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
}

interface Waiting {
  event: IncomingEvent;
  resolve(result: HandleResult): void;
  reject(error: unknown): void;
}

export class Core {
  private readonly dispatcher = new Dispatcher();
  private readonly roleListeners: RoleChangeListener[] = [];
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
    this.maxPumps = kindOf(deps.db) === 'sqlite' ? 1 : MAX_PUMPS_POSTGRES;
  }

  /** Adds a feature; throws (at start-up) on a command name or alias already taken. */
  use(feature: Feature): this {
    this.dispatcher.use(feature);
    return this;
  }

  /** Every command, for help lists and platform menus. */
  get commands(): CommandList {
    return this.dispatcher.commands;
  }

  /** Whether deliveries are waiting or being committed: background work holds back meanwhile (JobQueue.yieldWhile). */
  get committing(): boolean {
    return this.waiting.length > 0 || this.pumps.size > 0;
  }

  /** Calls `listener` after each commit in which a user's role changed. */
  onRoleChange(listener: RoleChangeListener): void {
    this.roleListeners.push(listener);
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
      roleChanged: (channel, userId) =>
        after.push(() => {
          for (const listener of this.roleListeners) listener(channel, userId);
        }),
    };
    await this.dispatcher.dispatch(turn);
    // A later delivery of the same user in this batch sees what this turn changed.
    if (turn.voter) voters.set(userKey, turn.voter);
    rememberChoices(turn.conversation, replies, before);
    loaded.state = { ...turn.conversation, isNew: false };
    loaded.touched = true;
    return replies;
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

function rememberChoices(conversation: ConversationState, replies: OutgoingMessage[], stateBefore: string): void {
  const withChoices = replies.filter((reply) => reply.choices?.length);
  if (withChoices.length > 0) conversation.data.choices = withChoices.at(-1)!.choices;
  else if (conversation.state !== stateBefore) delete conversation.data.choices;
}
