// Composition root: settings, database, core features, channels, HTTP server, workers.
import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ServerType } from '@hono/node-server';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import { createTelegramChannel, type TelegramChannel } from './channels/telegram/bot.ts';
import { localSender, runLocalChat } from './channels/local/chat.ts';
import type { Config } from './config/index.ts';
import { Core } from './core/engine.ts';
import { Outbox } from './core/outbox.ts';
import { connectDb, type Db } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { BadUpdate, createHttpApp, listen, type WebhookRoute } from './http/server.ts';
import { intakeFeature } from './intake/flow.ts';
import { JobQueue } from './jobs/queue.ts';
import { createLogger, type Logger } from './log.ts';
import { seedDemoMeeting } from './meetings/service.ts';

export interface AppOptions {
  log?: Logger;
  /** Apply migrations first (default true; tests start from a migrated copy). */
  migrate?: boolean;
  /** Terminal chat streams; defaults to stdin/stdout when LOCAL_CHAT says so. */
  localChat?: { input: Readable; output: Writable } | false;
  jobPollMs?: number;
}

export interface App {
  config: Config;
  db: Db;
  core: Core;
  queue: JobQueue;
  outbox: Outbox;
  log: Logger;
  telegram?: TelegramChannel;
  port: number;
  /** Resolves when the local chat's input ends (never, without a local chat). */
  localChatDone: Promise<void>;
  stop(): Promise<void>;
}

const telegramUpdate = z.looseObject({ update_id: z.number().int().nonnegative() });

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  if (options.migrate !== false) await migrateDatabase(config.DATABASE_URL);
  const db = await connectDb(config.DATABASE_URL);
  const noChannels = config.telegramMode === 'off' && config.zaloMode === 'off';

  if (config.DEMO_SEED === 'on' || (config.DEMO_SEED === 'auto' && noChannels)) {
    if (await seedDemoMeeting(db, new Date())) log.info('demo meeting DEMO seeded');
  }

  const outbox = new Outbox(db, log);
  const queue = new JobQueue(db, log, options.jobPollMs);
  const core = new Core({ db, config, log, outbox, queue }).use(intakeFeature(queue));

  const webhooks: WebhookRoute[] = [];
  let telegram: TelegramChannel | undefined;
  if (config.telegramMode !== 'off') {
    telegram = createTelegramChannel(config, core, log);
    outbox.registerSender('telegram', telegram.sender);
    if (config.telegramMode === 'webhook') webhooks.push(telegramWebhook(config, telegram));
  }

  const local = resolveLocalChat(config, options, noChannels);
  if (local) outbox.registerSender('local', localSender(local.output));

  const server = await listen(createHttpApp(db, log, webhooks), config.PORT);
  const port = (server.address() as AddressInfo).port;
  log.info({ port, telegram: config.telegramMode, zalo: config.zaloMode }, 'kiennghi started');

  await telegram?.start();
  queue.start();
  outbox.start();
  void outbox.flushDue();
  const localChatDone = local ? runLocalChat(core, local.input, local.output) : new Promise<void>(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown({ server, telegram, core, queue, outbox, db, log }));
  return { config, db, core, queue, outbox, log, telegram, port, localChatDone, stop };
}

function telegramWebhook(config: Config, telegram: TelegramChannel): WebhookRoute {
  return {
    path: '/telegram/webhook',
    secretHeader: 'X-Telegram-Bot-Api-Secret-Token',
    secret: config.TELEGRAM_WEBHOOK_SECRET!,
    async handle(body) {
      const parsed = telegramUpdate.safeParse(body);
      if (!parsed.success) throw new BadUpdate('not a Telegram update');
      await telegram.handleUpdate(parsed.data as unknown as Update);
    },
  };
}

function resolveLocalChat(config: Config, options: AppOptions, noChannels: boolean) {
  if (options.localChat !== undefined) return options.localChat || undefined;
  const wanted = config.LOCAL_CHAT === 'on' || (config.LOCAL_CHAT === 'auto' && noChannels);
  return wanted ? { input: process.stdin, output: process.stdout } : undefined;
}

interface Running {
  server: ServerType;
  telegram?: TelegramChannel;
  core: Core;
  queue: JobQueue;
  outbox: Outbox;
  db: Db;
  log: Logger;
}

/** Stops taking work, lets every update in progress commit, then closes the database. */
async function shutdown({ server, telegram, core, queue, outbox, db, log }: Running): Promise<void> {
  log.info('shutting down');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await telegram?.stop();
  await core.idle();
  await closed;
  await queue.stop();
  await outbox.stop();
  await db.$disconnect();
  log.info('stopped');
}
