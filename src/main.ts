// Composition root: settings, database, core features, channels, HTTP server, workers.
import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ServerType } from '@hono/node-server';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import { createTelegramChannel, type TelegramChannel } from './channels/telegram/bot.ts';
import { createZaloChannel, type ZaloChannel } from './channels/zalo/channel.ts';
import { localSender, runLocalChat } from './channels/local/chat.ts';
import { registerClassificationJobs } from './classify/index.ts';
import type { Config } from './config/index.ts';
import { Core } from './core/engine.ts';
import { Outbox } from './core/outbox.ts';
import { connectDb, isSqlite, type Db } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { BadUpdate, createHttpApp, listen, type WebhookRoute } from './http/server.ts';
import { intakeFeature } from './intake/flow.ts';
import { JobQueue } from './jobs/queue.ts';
import { createDigests } from './digests/index.ts';
import { throttleSender } from './digests/throttle.ts';
import { createLogger, type Logger } from './log.ts';
import { seedDemoMeeting } from './meetings/service.ts';
import { startOps } from './ops/index.ts';
import { staffFeature } from './staff/feature.ts';
import { statsFeature } from './stats/feature.ts';

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
  zalo?: ZaloChannel;
  port: number;
  /** Resolves when the local chat's input ends (never, without a local chat). */
  localChatDone: Promise<void>;
  stop(): Promise<void>;
}

const telegramUpdate = z.looseObject({ update_id: z.number().int().nonnegative() });

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const secrets = [
    config.TELEGRAM_BOT_TOKEN,
    config.ZALO_BOT_TOKEN,
    config.OPENAI_API_KEY,
    config.TELEGRAM_WEBHOOK_SECRET,
    config.ZALO_WEBHOOK_SECRET,
    config.METRICS_TOKEN,
  ];
  const log = options.log ?? createLogger(config.LOG_LEVEL, { secrets });
  if (options.migrate !== false) await migrateDatabase(config.DATABASE_URL);
  const db = await connectDb(config.DATABASE_URL);
  const noChannels = config.telegramMode === 'off' && config.zaloMode === 'off';

  if (config.DEMO_SEED === 'on' || (config.DEMO_SEED === 'auto' && noChannels)) {
    if (await seedDemoMeeting(db, new Date())) log.info('demo meeting DEMO seeded');
  }

  const outbox = new Outbox(db, log);
  const queue = new JobQueue(db, log, options.jobPollMs, isSqlite(config.DATABASE_URL) ? 'sqlite' : 'postgresql');
  registerClassificationJobs(queue, db, config, log);
  const core = new Core({ db, config, log, outbox, queue })
    .use(intakeFeature(queue))
    .use(
      staffFeature({
        outbox,
        botUsername: () => (telegram?.bot.isInited() ? telegram.bot.botInfo.username : undefined),
      }),
    )
    .use(statsFeature({ db, config, log, outbox, queue }));
  const digests = createDigests({ db, config, log, outbox, queue });
  core.use(digests.feature);

  const webhooks: WebhookRoute[] = [];
  let telegram: TelegramChannel | undefined;
  if (config.telegramMode !== 'off') {
    telegram = createTelegramChannel(config, core, log);
    outbox.registerSender('telegram', telegram.sender);
    if (config.telegramMode === 'webhook') webhooks.push(telegramWebhook(config, telegram));
  }
  let zalo: ZaloChannel | undefined;
  if (config.zaloMode !== 'off') {
    zalo = createZaloChannel(config, core, log);
    if (config.zaloMode === 'webhook') webhooks.push(zalo.webhookRoute());
  }

  // Sends keep under the platforms' rate limits (many digests at once).
  telegram?.bot.api.config.use(digests.telegramThrottle);
  if (zalo) outbox.registerSender('zalo', throttleSender(zalo.sender, digests.zaloLimiter));

  const local = resolveLocalChat(config, options, noChannels);
  if (local) outbox.registerSender('local', localSender(local.output));

  // Webhook updates may arrive as soon as the port is open: the bot must know itself first.
  await telegram?.bot.init();
  const server = await listen(
    createHttpApp(db, log, webhooks, await startOps({ db, config, log, queue })),
    config.PORT,
  );
  const port = (server.address() as AddressInfo).port;
  log.info({ port, telegram: config.telegramMode, zalo: config.zaloMode }, 'kiennghi started');

  await telegram?.start();
  await zalo?.start();
  await digests.start();
  queue.start();
  outbox.start();
  void outbox.flushDue();
  const localChatDone = local ? runLocalChat(core, local.input, local.output) : new Promise<void>(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown({ server, telegram, zalo, core, queue, outbox, db, log }));
  return { config, db, core, queue, outbox, log, telegram, zalo, port, localChatDone, stop };
}

function telegramWebhook(config: Config, telegram: TelegramChannel): WebhookRoute {
  return {
    path: '/telegram/webhook',
    secretHeader: 'X-Telegram-Bot-Api-Secret-Token',
    secret: config.TELEGRAM_WEBHOOK_SECRET!,
    async handle(body) {
      const parsed = telegramUpdate.safeParse(body);
      if (!parsed.success) throw new BadUpdate('not a Telegram update');
      return telegram.handleUpdate(parsed.data as unknown as Update);
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
  zalo?: ZaloChannel;
  core: Core;
  queue: JobQueue;
  outbox: Outbox;
  db: Db;
  log: Logger;
}

/** Stops taking work, lets every update in progress commit, then closes the database. */
async function shutdown({ server, telegram, zalo, core, queue, outbox, db, log }: Running): Promise<void> {
  log.info('shutting down');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await telegram?.stop();
  await zalo?.stop();
  await core.idle();
  await closed;
  await queue.stop();
  await outbox.stop();
  await db.$disconnect();
  log.info('stopped');
}
