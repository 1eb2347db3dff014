// `npm run bench`: the targets of a voter, a staff member and a deputy waiting, measured side by
// side in one run, on SQLite and PostgreSQL, against fake Telegram, Zalo and LLM servers on
// 127.0.0.1: intake cost against a bare grammY bot, replies at the platform's pace, the first
// reply's latency, the command line's start-up, statistics at 10,000 and 1,000,000 petitions,
// peak memory, and classification speed and cost. Writes docs/benchmarks.md (not in
// BENCH_QUICK=1 mode) and ends with one JSON line of the headline figures.
//
// Settings (environment): BENCH_QUICK=1 (200 voters, 10,000 petitions), BENCH_ROUNDS (default
// 3), BENCH_VOTERS, BENCH_CONCURRENCY (voters in flight in the three-step flow, default 100),
// BENCH_DATABASES (sqlite,postgres), BENCH_PARTS (intake,cli,stats,classify), BENCH_DATABASE_URL
// (an existing PostgreSQL admin URL; otherwise a server is started on BENCH_PG_PORT, default
// 55440), BENCH_DOC (where to write the report; default docs/benchmarks.md, or nowhere in
// quick mode), BENCH_NODE_OPTIONS (node options for the bot, e.g. --cpu-prof).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectDb, type Db } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../test/fakes/openai.ts';
import { FakeTelegram } from '../test/fakes/telegram.ts';
import { FakeZalo } from '../test/fakes/zalo.ts';
import { classificationCost, classificationRates, type ClassifyCost, type ClassifyRate } from './bench/classify.ts';
import { buildDist, demoDatabase, timeCli, type CliTiming } from './bench/cli.ts';
import {
  allReached,
  burstDelivery,
  busiestSecond,
  firstReplies,
  floodCheck,
  mark,
  refusedCount,
  type FloodCheck,
} from './bench/delivery.ts';
import {
  assertRunning,
  cpuMs,
  peakRssMiB,
  rssMiB,
  runLoad,
  runStartArrivals,
  runStartBurst,
  seedMeetings,
  startKiennghi,
  startMinimalBot,
  stopChild,
  waitFor,
  WEBHOOK_SECRET,
  type BotChild,
  type LoadOptions,
  type LoadResult,
} from './bench/intake.ts';
import { benchPetitionsTable } from './bench/petitions-table.ts';
import { startPostgres, type PostgresServer } from './bench/postgres.ts';
import {
  headline,
  machineInfo,
  renderConsole,
  renderMarkdown,
  type BotRound,
  type DeliveryRound,
  type Kind,
  type Report,
  type StatsRun,
} from './bench/report.ts';
import { seedDataset } from './bench/seed.ts';
import { EXTRA_INDEXES, createExtraIndexes, runStatsCases, statsCases } from './bench/stats.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VOTERS = Number(process.env.BENCH_VOTERS ?? (QUICK ? 200 : 1000));
/** The burst of new voters: `/start <code>`, 32 in flight (a meeting hall scanning the QR code). */
const START_CONCURRENCY = 32;
const FLOW_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
/** New voters a second for the first-reply latency, under the platform's cap of 30 messages a second. */
const ARRIVALS_PER_SECOND = 20;
const ARRIVAL_SECONDS = QUICK ? 10 : 30;
const FLOOD_VOTERS = 60;
const FLOOD_RETRY_AFTER_S = 1;
/** Telegram's cap for one bot, enforced by the fake: a send over it is refused with 429. */
const PLATFORM_CAP = { perSecond: 30, retryAfter: 1 };
const CLI_ROUNDS = QUICK ? 3 : 7;
const SIZES = QUICK ? [10_000] : [10_000, 1_000_000];
const KINDS: Kind[] = (process.env.BENCH_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .map((name) => (name.trim().startsWith('p') ? 'PostgreSQL' : 'SQLite'));
const PARTS = new Set((process.env.BENCH_PARTS ?? 'intake,cli,stats,classify').split(',').map((part) => part.trim()));
const DOC = process.env.BENCH_DOC ?? (QUICK ? '' : 'docs/benchmarks.md');
const WARMUP_VOTERS = Math.max(10, Math.round(VOTERS / 20));
/** Replies to a burst leave at the platform's pace: about VOTERS / 30 seconds, with room. */
const DRAIN_LIMIT_MS = 60_000 + (VOTERS / 20) * 1000;

interface Fakes {
  telegram: FakeTelegram;
  zalo: FakeZalo;
  openai: FakeOpenAI;
}

const tempDirs: string[] = [];

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kiennghi-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** A fresh, migrated database of the kind. */
async function freshDatabase(kind: Kind, pg: PostgresServer | undefined, prefix: string): Promise<string> {
  const url =
    kind === 'PostgreSQL' ? pg!.createDatabase(prefix) : pathToFileURL(join(tempDir(prefix), 'bench.db')).href;
  await migrateDatabase(url);
  return url;
}

function botEnv(url: string, fakes: Fakes): Record<string, string> {
  return {
    DATABASE_URL: url,
    PUBLIC_URL: 'https://bot.example.test',
    TELEGRAM_BOT_TOKEN: fakes.telegram.token,
    TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ZALO_BOT_TOKEN: fakes.zalo.token,
    ZALO_API_ROOT: fakes.zalo.apiRoot,
    ZALO_WEBHOOK_SECRET: 'bench_zalo_secret',
    OPENAI_API_KEY: 'bench',
    OPENAI_BASE_URL: fakes.openai.baseURL,
  };
}

/** Users of a round: ids never reused on one database (each round has its own anyway). */
function users(round: number, phase: number): Pick<LoadOptions, 'firstUser' | 'firstUpdate'> {
  const base = 10_000_000 * (round + 1) + 1_000_000 * phase;
  return { firstUser: base, firstUpdate: base };
}

/**
 * A load measured on a bot process: the bot's CPU during the load, and the bench process's own
 * (load generator and fake servers: near a whole core, it would be the bottleneck, not the bot).
 */
async function measured<T extends LoadResult>(
  bot: BotChild,
  load: () => Promise<T>,
): Promise<T & { cpuMs: number; benchCpuMs: number }> {
  const before = cpuMs(bot.child.pid!);
  const bench = process.cpuUsage();
  const result = await load();
  const used = process.cpuUsage(bench);
  return { ...result, cpuMs: cpuMs(bot.child.pid!) - before, benchCpuMs: (used.user + used.system) / 1000 };
}

async function pendingReplies(db: Db): Promise<number> {
  return db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
}

/** The warm-up (not counted): voters through the whole flow, then their replies delivered. */
async function warmUp(bot: BotChild, db: Db | undefined, round: number): Promise<void> {
  await runLoad(bot.port, { voters: WARMUP_VOTERS, concurrency: FLOW_CONCURRENCY, ...users(round, 0) });
  if (db) await waitFor(async () => (await pendingReplies(db)) === 0, DRAIN_LIMIT_MS);
}

interface Running {
  bot: BotChild;
  db: Db;
  url: string;
}

async function openKiennghi(
  kind: Kind,
  pg: PostgresServer | undefined,
  fakes: Fakes,
  entry?: string,
): Promise<Running> {
  const url = await freshDatabase(kind, pg, 'bench_intake');
  const db = await connectDb(url);
  await seedMeetings(db);
  return { bot: await startKiennghi(botEnv(url, fakes), entry), db, url };
}

async function openBare(kind: Kind, pg: PostgresServer | undefined, fakes: Fakes): Promise<Running> {
  const url = await freshDatabase(kind, pg, 'bench_bare');
  const db = await connectDb(url);
  const bot = await startMinimalBot({
    DATABASE_URL: url,
    TELEGRAM_BOT_TOKEN: fakes.telegram.token,
    TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  return { bot, db, url };
}

async function close(running: Running | undefined, kind: Kind, pg: PostgresServer | undefined): Promise<void> {
  if (!running) return;
  await stopChild(running.bot);
  await running.db.$disconnect();
  if (pg && kind === 'PostgreSQL') pg.dropDatabase(running.url);
}

/**
 * One round: both bots on fresh databases of the kind, each burst sent to one bot right after
 * the other (a change in the machine's other load falls on both alike). The burst goes to the
 * bare bot first in even rounds and second in odd ones (after kiennghi's replies have drained);
 * the flow always goes to the bare bot first, since kiennghi's leaves minutes of replies behind.
 * Between them, kiennghi's delivery phases.
 */
async function intakeRound(
  kind: Kind,
  round: number,
  pg: PostgresServer | undefined,
  fakes: Fakes,
  entry: string | undefined,
): Promise<{ ours: BotRound; bare: BotRound; delivery: DeliveryRound }> {
  const telegram = fakes.telegram;
  let ours: Running | undefined;
  let bare: Running | undefined;
  try {
    ours = await openKiennghi(kind, pg, fakes, entry);
    bare = await openBare(kind, pg, fakes);
    const k = ours.bot;
    const b = bare.bot;
    const roundStart = mark(telegram);
    await warmUp(k, ours.db, round);
    await warmUp(b, undefined, round);
    const rssBefore = { ours: rssMiB(k.child.pid!), bare: rssMiB(b.child.pid!) };
    const tag = `${kind} round ${round + 1}`;

    log(`${tag}: burst of ${VOTERS} new voters, ${START_CONCURRENCY} in flight`);
    const burst = (bot: BotChild) =>
      runStartBurst(bot.port, { voters: VOTERS, concurrency: START_CONCURRENCY, ...users(round, 1) });
    const bareFirst = round % 2 === 0;
    const bareStart = bareFirst ? await measured(b, () => burst(b)) : undefined;
    const burstMark = mark(telegram);
    const start = await measured(k, () => burst(k));
    const drained = await waitFor(async () => {
      assertRunning(k, 'kiennghi');
      return allReached(telegram, burstMark, start);
    }, DRAIN_LIMIT_MS);
    if (!drained) log(`${tag}: not every voter of the burst got a reply`);
    const burstReplies = burstDelivery(telegram, burstMark, start);
    const bareStartAfter = bareStart ?? (await measured(b, () => burst(b)));

    log(`${tag}: ${ARRIVALS_PER_SECOND} new voters/s for ${ARRIVAL_SECONDS} s`);
    const arrivalMark = mark(telegram);
    const arrivals = await runStartArrivals(k.port, {
      perSecond: ARRIVALS_PER_SECOND,
      seconds: ARRIVAL_SECONDS,
      ...users(round, 2),
    });
    await waitFor(async () => allReached(telegram, arrivalMark, arrivals), 30_000);
    const firstReply = firstReplies(telegram, arrivalMark, arrivals, ARRIVALS_PER_SECOND);

    let flood: FloodCheck | undefined;
    if (round === 0) {
      const floodMark = mark(telegram);
      telegram.failNext(
        'sendMessage',
        429,
        `Too Many Requests: retry after ${FLOOD_RETRY_AFTER_S}`,
        FLOOD_RETRY_AFTER_S,
      );
      const voters = await runStartBurst(k.port, {
        voters: FLOOD_VOTERS,
        concurrency: START_CONCURRENCY,
        ...users(round, 3),
      });
      await waitFor(async () => allReached(telegram, floodMark, voters), 30_000);
      flood = floodCheck(telegram, floodMark, FLOOD_RETRY_AFTER_S);
    }
    await waitFor(async () => (await pendingReplies(ours!.db)) === 0, DRAIN_LIMIT_MS);

    log(`${tag}: ${VOTERS} voters × 3 updates, ${FLOW_CONCURRENCY} in flight`);
    const flow = (bot: BotChild) =>
      runLoad(bot.port, { voters: VOTERS, concurrency: FLOW_CONCURRENCY, ...users(round, 4) });
    const bareFlow = await measured(b, () => flow(b));
    const flowOurs = await measured(k, () => flow(k));
    assertRunning(k, 'kiennghi');
    assertRunning(b, 'bare grammY bot');
    const roundOf = (name: BotRound['bot'], running: Running, s: BotRound['start'], f: BotRound['flow']) =>
      running.db.petition.count().then((petitions): BotRound => ({
        bot: name,
        database: kind,
        round,
        start: s,
        flow: f,
        rssBeforeMiB: name === 'kiennghi' ? rssBefore.ours : rssBefore.bare,
        peakRssMiB: peakRssMiB(running.bot.child.pid!),
        petitions,
      }));
    return {
      ours: await roundOf('kiennghi', ours, start, flowOurs),
      bare: await roundOf('bare grammY', bare, bareStartAfter, bareFlow),
      delivery: {
        database: kind,
        round,
        burst: burstReplies,
        firstReply,
        flood,
        busiestSecond: busiestSecond(telegram, roundStart),
        refused: refusedCount(telegram, roundStart) - (flood ? 1 : 0),
      },
    };
  } finally {
    await close(ours, kind, pg);
    await close(bare, kind, pg);
  }
}

async function intake(
  kind: Kind,
  pg: PostgresServer | undefined,
  fakes: Fakes,
  entry: string | undefined,
  report: Report,
): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const { ours, bare, delivery } = await intakeRound(kind, round, pg, fakes, entry);
    report.bots.push(ours, bare);
    report.delivery.push(delivery);
  }
}

async function statsRuns(kind: Kind, pg: PostgresServer | undefined, report: Report): Promise<void> {
  for (const size of SIZES) {
    const url = await freshDatabase(kind, pg, 'bench_stats');
    const db = await connectDb(url);
    try {
      const now = new Date();
      const t0 = performance.now();
      await seedDataset(db, size, now, kind === 'SQLite');
      await analyze(db, kind);
      const loadSeconds = (performance.now() - t0) / 1000;
      log(`stats ${kind} ${size.toLocaleString('en')}: loaded in ${loadSeconds.toFixed(0)} s`);
      const deputy = (await db.deputy.findFirst({ orderBy: { id: 'asc' } }))!.name;
      const cases = statsCases(db, now, deputy);
      const big = size >= 100_000;
      const options = big
        ? { minRuns: 3, maxRuns: 20, budgetMs: 1_500 }
        : { minRuns: 10, maxRuns: 50, budgetMs: 1_000 };
      const run = (indexes: StatsRun['indexes'], results: StatsRun['results']): StatsRun => ({
        database: kind,
        petitions: size,
        indexes,
        loadSeconds,
        results,
      });
      report.stats.push(run('schema', await runStatsCases(cases, options)));
      if (size === SIZES.at(-1)) {
        log(`stats ${kind} ${size.toLocaleString('en')}: the petitions table`);
        const table = await benchPetitionsTable(db, now, { minRuns: 3, maxRuns: 20, budgetMs: 1_000 });
        report.table.push({ database: kind, petitions: size, results: table });
      }
      // The proposed indexes are measured where the target is strictest: PostgreSQL, the largest size.
      if (big && kind === 'PostgreSQL') {
        await createExtraIndexes(db);
        await analyze(db, kind);
        report.stats.push(run('schema + proposed', await runStatsCases(cases, options)));
      }
    } finally {
      await db.$disconnect();
      if (pg && kind === 'PostgreSQL') pg.dropDatabase(url);
    }
  }
}

async function analyze(db: Db, kind: Kind): Promise<void> {
  await db.$executeRawUnsafe(kind === 'PostgreSQL' ? 'VACUUM ANALYZE' : 'ANALYZE');
}

async function cliTimings(): Promise<CliTiming[]> {
  const url = pathToFileURL(join(tempDir('bench-cli'), 'demo.db')).href;
  await demoDatabase(url);
  if (!buildDist()) log('cli: the build failed; the command runs the sources through tsx');
  log(`cli: ${CLI_ROUNDS} runs of each command`);
  return timeCli(url, CLI_ROUNDS);
}

async function main(): Promise<void> {
  const started = new Date();
  const report: Report = {
    date: started,
    machine: machineInfo(),
    quick: QUICK,
    rounds: ROUNDS,
    voters: VOTERS,
    startConcurrency: START_CONCURRENCY,
    flowConcurrency: FLOW_CONCURRENCY,
    arrivals: { perSecond: ARRIVALS_PER_SECOND, seconds: ARRIVAL_SECONDS },
    platformCap: PLATFORM_CAP.perSecond,
    bots: [],
    delivery: [],
    cli: [],
    stats: [],
    table: [],
    rates: [] as ClassifyRate[],
    cost: [] as ClassifyCost[],
    extraIndexes: EXTRA_INDEXES,
    seconds: 0,
  };
  // The bot runs the build made now: sources others edit during the run do not change it.
  let entry: string | undefined;
  if (PARTS.has('intake')) {
    if (buildDist()) entry = pathToFileURL(resolve('dist/cli/main.js')).href;
    else log('the build failed: the bot runs the sources through tsx');
  }
  const fakes: Fakes = {
    telegram: await new FakeTelegram().start(),
    zalo: await new FakeZalo().start(),
    openai: await startFakeOpenAI(),
  };
  fakes.telegram.sendCap = PLATFORM_CAP;
  let pg: PostgresServer | undefined;
  try {
    if (KINDS.includes('PostgreSQL') && (PARTS.has('intake') || PARTS.has('stats'))) {
      pg = startPostgres();
      report.postgres = pg.version;
      log(`PostgreSQL ${pg.version} at ${pg.adminUrl}`);
    }
    if (PARTS.has('intake')) for (const kind of KINDS) await intake(kind, pg, fakes, entry, report);
    if (PARTS.has('cli')) report.cli = await cliTimings();
    if (PARTS.has('stats')) for (const kind of KINDS) await statsRuns(kind, pg, report);
    if (PARTS.has('classify')) {
      log('classification');
      report.rates = await classificationRates(fakes.openai, QUICK ? 500 : 2_000);
      report.cost = await classificationCost();
    }
  } finally {
    pg?.stop();
    await fakes.telegram.stop();
    await fakes.zalo.stop();
    await fakes.openai.close();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  }
  report.seconds = (Date.now() - started.getTime()) / 1000;
  process.stdout.write(renderConsole(report));
  if (DOC) {
    writeFileSync(DOC, renderMarkdown(report));
    log(`wrote ${DOC}`);
  }
  process.stdout.write(`${JSON.stringify(headline(report))}\n`);
}

await main();
