// The core: one turn per platform delivery, inside one database transaction that records
// the delivery (idempotency), the conversation state, the data and the replies together.
// Channels only translate updates in and replies out; features register commands here.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { backoffMs, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../log.ts';
import { FloodGate } from './flood.ts';
import { msg } from './messages.ts';
import { addToOutbox, type Outbox } from './outbox.ts';
import { resolveRole, type Role } from './roles.ts';
import { answerKey } from './text.ts';
import type { Choice, IncomingEvent, OutgoingMessage } from './types.ts';

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

const MAX_TURN_ATTEMPTS = 3;
/** About two minutes of retries (1, 2, 4, 8, 16, 30, 30 s). */
const POLLED_ATTEMPTS = 8;

export type TurnOutcome = 'handled' | 'duplicate' | 'limited';

export interface CoreDeps {
  db: Db;
  config: Config;
  log: Logger;
  outbox: Outbox;
  queue?: JobQueue;
}

export class Core {
  private readonly features: Feature[] = [];
  private readonly commands = new Map<string, CommandHandler>();
  private readonly flood: FloodGate;
  private inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: CoreDeps) {
    this.flood = new FloodGate(deps.config.FLOOD_MAX_MESSAGES, deps.config.FLOOD_WINDOW_SECONDS * 1000);
  }

  use(feature: Feature): this {
    this.features.push(feature);
    for (const [name, handler] of Object.entries(feature.commands ?? {})) this.commands.set(name, handler);
    return this;
  }

  /**
   * Handles one delivery. Resolves once its effects are committed; `delivered` resolves
   * when the replies have been handed to the platform (or queued for a retry).
   */
  async handle(event: IncomingEvent): Promise<{ outcome: TurnOutcome; delivered: Promise<void> }> {
    const work = this.process(event);
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
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
    await Promise.allSettled([...this.inFlight]);
  }

  private async process(event: IncomingEvent): Promise<{ outcome: TurnOutcome; delivered: Promise<void> }> {
    const { db, outbox } = this.deps;
    if (await this.alreadyProcessed(event)) return { outcome: 'duplicate', delivered: Promise.resolve() };
    const gate = this.flood.check(`${event.channel}:${event.userId}`);
    if (gate !== 'ok') {
      if (gate === 'warn') {
        await addToOutbox(db, event.channel, event.chatId, [{ text: msg.flood(this.deps.config.FLOOD_WINDOW_SECONDS) }]);
      }
      return { outcome: 'limited', delivered: outbox.flush(event.channel, event.chatId) };
    }
    const after: (() => void)[] = [];
    const committed = await this.runTurn(event, after);
    if (!committed) return { outcome: 'duplicate', delivered: Promise.resolve() };
    for (const task of after) task();
    return { outcome: 'handled', delivered: outbox.flush(event.channel, event.chatId) };
  }

  private async alreadyProcessed(event: IncomingEvent): Promise<boolean> {
    const seen = await this.deps.db.processedUpdate.findUnique({
      where: { channel_updateId: { channel: event.channel, updateId: event.updateId } },
    });
    return seen !== null;
  }

  /** Runs the turn; a write conflict with a concurrent turn (PostgreSQL) is retried. */
  private async runTurn(event: IncomingEvent, after: (() => void)[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.runTurnOnce(event, after);
        return true;
      } catch (error) {
        // A concurrent copy of this delivery won the race: not an error, just a duplicate.
        if (isUniqueViolation(error) && (await this.alreadyProcessed(event))) return false;
        if (!isWriteConflict(error) || attempt >= MAX_TURN_ATTEMPTS) throw error;
        after.length = 0;
      }
    }
  }

  private async runTurnOnce(event: IncomingEvent, after: (() => void)[]): Promise<void> {
    const { db, config } = this.deps;
    await db.$transaction(
      async (tx) => {
        // Inserted first: a concurrent duplicate of this delivery fails here and rolls back.
        await tx.processedUpdate.create({ data: { channel: event.channel, updateId: event.updateId } });
        const replies: OutgoingMessage[] = [];
        const conversation = await loadConversation(tx, event);
        const before = conversation.state;
        const turn: Turn = {
          event,
          tx,
          now: new Date(),
          config,
          role: await resolveRole(tx, config, event.channel, event.userId),
          conversation,
          reply: (message) => replies.push(typeof message === 'string' ? { text: message } : message),
          afterCommit: (task) => after.push(task),
        };
        await this.dispatch(turn);
        rememberChoices(turn.conversation, replies, before);
        await saveConversation(tx, event, turn.conversation);
        await addToOutbox(tx, event.channel, event.chatId, replies);
      },
      { timeout: 15_000, maxWait: 15_000 },
    );
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

async function loadConversation(tx: Tx, event: IncomingEvent): Promise<ConversationState> {
  const row = await tx.conversation.findUnique({
    where: { channel_channelUserId: { channel: event.channel, channelUserId: event.userId } },
  });
  if (!row) return { isNew: true, state: 'idle', meetingId: null, data: {} };
  return { isNew: false, state: row.state, meetingId: row.meetingId, data: JSON.parse(row.data) as ConversationData };
}

async function saveConversation(tx: Tx, event: IncomingEvent, conversation: ConversationState): Promise<void> {
  const data = { state: conversation.state, meetingId: conversation.meetingId, data: JSON.stringify(conversation.data) };
  await tx.conversation.upsert({
    where: { channel_channelUserId: { channel: event.channel, channelUserId: event.userId } },
    create: { channel: event.channel, channelUserId: event.userId, ...data },
    update: data,
  });
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === 'P2002';
}

/** Two turns raced on the same row (a new counter, a conversation): running again is safe. */
function isWriteConflict(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'P2002' || code === 'P2034';
}
