// The core: one turn per platform delivery. A turn's delivery record (idempotency),
// conversation state, data and replies commit together, in one transaction shared by the
// deliveries that arrived meanwhile (group commit).
// Channels only translate updates in and replies out; features register commands here.
import type { Config } from '../config/index.ts';
import { isSqlite, type Db, type Tx } from '../db/client.ts';
import { transaction } from '../db/sql.ts';
import { backoffMs, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { FloodGate } from './flood.ts';
import { msg } from './messages.ts';
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

export type TurnOutcome = 'handled' | 'duplicate' | 'limited';

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
    const result = new Promise<HandleResult>((resolve, reject) => this.waiting.push({ event: withoutNul(event), resolve, reject }));
    if (this.pumps.size < this.maxPumps) {
      const pump: Promise<void> = this.pump().finally(() => this.pumps.delete(pump));
      this.pumps.add(pump);
    }
    return result;
  }

  /**
   * For long polling, where the poller moves past a delivery (Telegram) or is never offered
   * it again (Zalo): retry through a short outage (database down) before giving up on it.
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
    for (let index = 0; index < this.waiting.length && batch.length < MAX_BATCH; ) {
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
      batch.forEach((item, index) => item.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const item of batch) await this.settle([item]);
    }
  }

  /** A write conflict with a concurrent instance (two turns creating the same row) is retried. */
  private async runBatch(events: IncomingEvent[]): Promise<HandleResult[]> {
    for (let attempt = 1; ; attempt++) {
      const after: (() => void)[] = [];
      try {
        const { outcomes, claimed } = await this.runBatchOnce(events, after);
        for (const task of after) task();
        const deliveries = new Map<string, Promise<void>>();
        const deliver = (event: IncomingEvent) => {
          const key = channelKey(event.channel, event.chatId);
          if (!deliveries.has(key)) deliveries.set(key, this.deps.outbox.deliver(event.channel, event.chatId, claimed.get(key) ?? []));
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
        const outcomes = gates.map((gate): TurnOutcome => (gate === 'duplicate' ? gate : gate === 'ok' ? 'handled' : 'limited'));
        const handled = events.filter((_, index) => outcomes[index] === 'handled');
        const { conversations, voters, staff, backlog } = await loadBatch(tx, handled);
        const roles = rolesOf(config, handled, staff);
        const outgoing: Outgoing[] = [];
        for (const [index, event] of events.entries()) {
          if (gates[index] === 'warn') {
            outgoing.push({ channel: event.channel, chatId: event.chatId, message: { text: msg.flood(config.FLOOD_WINDOW_SECONDS) } });
          }
          if (outcomes[index] !== 'handled') continue;
          const key = channelKey(event.channel, event.userId);
          const replies = await this.runTurn(tx, event, roles.get(key)!, conversations.get(key)!, voters, after);
          outgoing.push(...replies.map((message) => ({ channel: event.channel, chatId: event.chatId, message })));
        }
        await saveConversations(tx, conversations, new Date());
        return { outcomes, claimed: await storeReplies(tx, outgoing, backlog) };
      },
      { timeout: 30_000, maxWait: 15_000 },
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
