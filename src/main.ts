// Composition root: settings, database, core and features, channel adapters, HTTP server,
// workers. Every channel is a ChannelAdapter (channels/adapter.ts), started and stopped alike.
import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ServerType } from '@hono/node-server';
import type { ChannelAdapter } from './channels/adapter.ts';
import { createLocalChannel, type LocalChannel } from './channels/local/chat.ts';
import { createTelegramChannel } from './channels/telegram/bot.ts';
import { createZaloChannel } from './channels/zalo/channel.ts';
import { registerClassificationJobs } from './classify/index.ts';
import type { Config } from './config/index.ts';
import type { Channel } from './core/types.ts';
import { Core } from './core/batcher.ts';
import { Outbox } from './core/outbox.ts';
import { connectDb, type Db } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { createDigests } from './digests/index.ts';
import { followupFeature } from './followup/feature.ts';
import { createHttpApp, listen, type WebhookRoute } from './http/server.ts';
import { intakeFeature } from './intake/flow.ts';
import { registerMediaJobs } from './intake/media.ts';
import { JobQueue } from './jobs/queue.ts';
import { createLogger, type Logger } from './log.ts';
import { seedDemoData } from './meetings/demo.ts';
import { minutesFeature } from './minutes/feature.ts';
import { startOps } from './ops/index.ts';
import { staffFeature } from './staff/feature.ts';
import { statsFeature } from './stats/feature.ts';
import { mountApi } from './api/routes.ts';
import { mountFileLinks } from './web/files.ts';
import { ensureLocalAdmin, createLoginLink, workspaceBase } from './web/auth.ts';
import { mountWorkspace } from './web/app.ts';
import { webFeature } from './web/feature.ts';

export interface AppOptions {
  log?: Logger;
  /** A file the logs go to instead of standard error (when no `log` is given). */
  logFile?: string;
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
  port: number;
  /** Resolves when the local chat's input ends (never, without a local chat). */
  localChatDone: Promise<void>;
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const secrets = [
    config.TELEGRAM_BOT_TOKEN,
    config.ZALO_BOT_TOKEN,
    config.OPENAI_API_KEY,
    config.TELEGRAM_WEBHOOK_SECRET,
    config.ZALO_WEBHOOK_SECRET,
    config.METRICS_TOKEN,
  ];
  const log = options.log ?? createLogger(config.LOG_LEVEL, { secrets, file: options.logFile });
  if (options.migrate !== false) await migrateDatabase(config.DATABASE_URL);
  const db = await connectDb(config.DATABASE_URL);
  const noChannels = config.telegram.mode === 'off' && config.zalo.mode === 'off';
  const demo = config.DEMO_SEED === 'on' || (config.DEMO_SEED === 'auto' && noChannels);
  if (demo && (await seedDemoData(db, new Date(), config.TZ))) log.info('demo data seeded');
  // Known once the server listens (PORT=0 picks one).
  let port = config.PORT;

  const outbox = new Outbox(db, log);
  const queue = new JobQueue(db, log, options.jobPollMs);
  registerClassificationJobs(queue, db, config, log);
  const digests = createDigests({ db, config, log, outbox, queue });
  const telegramUsername = () => (telegram?.bot.isInited() ? telegram.bot.botInfo.username : undefined);
  const core = new Core({ db, config, log, outbox })
    .use(intakeFeature(queue))
    .use(staffFeature({ outbox, botUsername: telegramUsername }))
    .use(statsFeature({ db, config, log, outbox, queue }))
    .use(digests.feature)
    .use(minutesFeature(queue))
    .use(followupFeature({ db, config, log, outbox, queue }))
    .use(webFeature(() => workspaceBase(config, port)));

  // The staff feature's botUsername reads it only once turns run, after this line.
  const telegram = await createTelegramChannel({ config, core, db, log });
  // On the embedded default the terminal chat opens with a way into the workspace.
  const banner = demo ? () => adminLoginLine(db, workspaceBase(config, port)) : undefined;
  const local = localChannel(config, options, core, banner);
  const zalo = createZaloChannel(config, core, log, db);
  const adapters: ChannelAdapter[] = [telegram, zalo, local].filter((adapter) => adapter !== undefined);
  for (const adapter of adapters) outbox.registerSender(adapter.name, adapter.sender);
  const fetchers = { telegram: telegram?.fetchFile, zalo: zalo?.fetchFile };
  registerMediaJobs({ db, config, log, queue, fetchers, flush: outbox.flush.bind(outbox) });
  const roleChanged = (channel: Channel, userId: string) =>
    adapters.find((adapter) => adapter.name === channel)?.roleChanged?.(userId);
  core.onRoleChange(roleChanged);
  queue.yieldWhile(() => core.committing);

  const webhooks = adapters.flatMap((adapter): WebhookRoute[] => (adapter.webhook ? [adapter.webhook] : []));
  const ops = await startOps({ db, config, log, queue });
  const http = createHttpApp(db, log, webhooks, (app) => {
    ops(app);
    mountWorkspace(app, { db, config, log, outbox, queue, fetchers, botUsername: telegramUsername, roleChanged });
    mountApi(app, { db, config, log });
    mountFileLinks(app, db);
  });
  const server = await listen(http, config.PORT);
  port = (server.address() as AddressInfo).port;
  log.info({ port, telegram: config.telegram.mode, zalo: config.zalo.mode }, 'kiennghi started');

  for (const adapter of adapters) await adapter.start();
  await digests.start();
  queue.start();
  outbox.start();
  void outbox.flushDue();

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown({ server, adapters, core, queue, outbox, db, log }));
  const localChatDone = local?.done ?? new Promise<void>(() => undefined);
  return { config, db, core, queue, outbox, log, port, localChatDone, stop };
}

/** Whether the settings ask for the terminal chat: on, or automatic with neither Telegram nor Zalo configured. */
export function localChatWanted(config: Config): boolean {
  const noChannels = config.telegram.mode === 'off' && config.zalo.mode === 'off';
  return config.LOCAL_CHAT === 'on' || (config.LOCAL_CHAT === 'auto' && noChannels);
}

/** The line the terminal chat opens with: a sign-in link for the local administrator. */
async function adminLoginLine(db: Db, base: string): Promise<string> {
  const link = await createLoginLink(db, base, await ensureLocalAdmin(db), new Date());
  return `Bàn làm việc của cán bộ (mở trong trình duyệt, dùng một lần trong 10 phút):\n${link}\n`;
}

function localChannel(
  config: Config,
  options: AppOptions,
  core: Core,
  banner?: () => Promise<string>,
): LocalChannel | undefined {
  const wanted = localChatWanted(config);
  const streams =
    options.localChat !== undefined
      ? options.localChat || undefined
      : wanted
        ? { input: process.stdin, output: process.stdout }
        : undefined;
  return streams && createLocalChannel(core, streams.input, streams.output, { banner });
}

interface Running {
  server: ServerType;
  adapters: ChannelAdapter[];
  core: Core;
  queue: JobQueue;
  outbox: Outbox;
  db: Db;
  log: Logger;
}

/** Stops taking work, lets every update in progress commit, then closes the database. */
async function shutdown({ server, adapters, core, queue, outbox, db, log }: Running): Promise<void> {
  log.info('shutting down');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const adapter of adapters) await adapter.stop();
  await core.idle();
  await closed;
  await queue.stop();
  await outbox.stop();
  await db.$disconnect();
  log.info('stopped');
}
