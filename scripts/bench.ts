// `npm run bench`: intake throughput and latency (kiennghi against a minimal grammY bot),
// peak memory, statistics query times at 10,000 and 1,000,000 petitions, and
// classification speed and cost, on SQLite and PostgreSQL, against fake Telegram, Zalo
// and LLM servers on 127.0.0.1. Writes docs/benchmarks.md (not in BENCH_QUICK=1 mode).
//
// Settings (environment): BENCH_QUICK=1 (200 voters, 10,000 petitions), BENCH_VOTERS,
// BENCH_CONCURRENCY (voters in flight, default 100), BENCH_DATABASES (sqlite,postgres),
// BENCH_PARTS (intake,stats,classify), BENCH_DATABASE_URL (an existing PostgreSQL admin
// URL; otherwise a server is started on BENCH_PG_PORT, default 55440), BENCH_DOC (where
// to write the report; default docs/benchmarks.md, or nowhere in quick mode), BENCH_DRAIN_MS
// (how long to wait for replies and classification after the burst; 1000 for quick ratio checks).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectDb, type Db } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../test/fakes/openai.ts';
import { FakeTelegram } from '../test/fakes/telegram.ts';
import { FakeZalo } from '../test/fakes/zalo.ts';
import { classificationCost, classificationRates, type ClassifyCost, type ClassifyRate } from './bench/classify.ts';
import {
  assertRunning,
  cpuMs,
  peakRssMiB,
  rssMiB,
  runLoad,
  seedMeetings,
  startKiennghi,
  startMinimalBot,
  stopChild,
  waitFor,
  WEBHOOK_SECRET,
  type BotChild,
  type IntakeResult,
} from './bench/intake.ts';
import { startPostgres, type PostgresServer } from './bench/postgres.ts';
import { machineInfo, renderConsole, renderMarkdown, type Report, type StatsRun } from './bench/report.ts';
import { seedDataset } from './bench/seed.ts';
import { EXTRA_INDEXES, createExtraIndexes, runStatsCases, statsCases } from './bench/stats.ts';

type Kind = 'SQLite' | 'PostgreSQL';

const QUICK = process.env.BENCH_QUICK === '1';
const VOTERS = Number(process.env.BENCH_VOTERS ?? (QUICK ? 200 : 1000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const SIZES = QUICK ? [10_000] : [10_000, 1_000_000];
const KINDS: Kind[] = (process.env.BENCH_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .map((name) => (name.trim().startsWith('p') ? 'PostgreSQL' : 'SQLite'));
const PARTS = new Set((process.env.BENCH_PARTS ?? 'intake,stats,classify').split(',').map((part) => part.trim()));
const DOC = process.env.BENCH_DOC ?? (QUICK ? '' : 'docs/benchmarks.md');
// Replies leave at the platform's pace (25 messages/s, under Telegram's cap of about 30):
// five messages per voter take about 3.5 minutes for 1,050 voters.
const DRAIN_LIMIT_MS = Number(process.env.BENCH_DRAIN_MS ?? 300_000);
const WARMUP_VOTERS = Math.max(10, Math.round(VOTERS / 20));

interface Fakes {
  telegram: FakeTelegram;
  zalo: FakeZalo;
  openai: FakeOpenAI;
}

const tempDirs: string[] = [];

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** A fresh, migrated database of the kind. */
async function freshDatabase(kind: Kind, pg: PostgresServer | undefined, prefix: string): Promise<string> {
  let url: string;
  if (kind === 'PostgreSQL') url = pg!.createDatabase(prefix);
  else {
    const dir = mkdtempSync(join(tmpdir(), `kiennghi-${prefix}-`));
    tempDirs.push(dir);
    url = pathToFileURL(join(dir, 'bench.db')).href;
  }
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

/** One measured run: warm-up voters first (not counted), then the burst. */
async function measureIntake(name: IntakeResult['bot'], kind: Kind, bot: BotChild): Promise<IntakeResult> {
  await runLoad(bot.port, { voters: WARMUP_VOTERS, concurrency: CONCURRENCY, firstUser: 8_000_000, firstUpdate: 1 });
  const pid = bot.child.pid!;
  const idleRss = rssMiB(pid);
  const cpuBefore = cpuMs(pid);
  const load = await runLoad(bot.port, {
    voters: VOTERS,
    concurrency: CONCURRENCY,
    firstUser: 9_000_000,
    firstUpdate: 100_000,
  });
  assertRunning(bot, name);
  const cpu = cpuMs(pid) - cpuBefore;
  const result: IntakeResult = {
    bot: name,
    database: kind,
    ...load,
    cpuMsPerUpdate: cpu / load.updates,
    peakRssMiB: peakRssMiB(pid),
    rssAfterWarmupMiB: idleRss,
    petitionsStored: 0,
  };
  return result;
}

async function intakeKiennghi(kind: Kind, pg: PostgresServer | undefined, fakes: Fakes): Promise<IntakeResult> {
  const url = await freshDatabase(kind, pg, 'bench_intake');
  const db = await connectDb(url);
  await seedMeetings(db);
  const sentBefore = fakes.telegram.sent.length;
  const bot = await startKiennghi(botEnv(url, fakes));
  try {
    const result = await measureIntake('kiennghi', kind, bot);
    const voters = VOTERS + WARMUP_VOTERS;
    // Replies go out through the outbox and petitions are classified by the job worker,
    // both after the acknowledgement: how long until all of that is done too.
    const t0 = performance.now();
    const drained = await waitFor(async () => {
      assertRunning(bot, 'kiennghi');
      const [pendingReplies, pendingJobs] = await Promise.all([
        db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } }),
        db.job.count({ where: { type: 'classify', status: { in: ['pending', 'running'] } } }),
      ]);
      return pendingReplies === 0 && pendingJobs === 0;
    }, DRAIN_LIMIT_MS);
    result.drainSeconds = drained ? (performance.now() - t0) / 1000 : Number.POSITIVE_INFINITY;
    assertRunning(bot, 'kiennghi');
    result.peakRssMiB = peakRssMiB(bot.child.pid!);
    result.petitionsStored = (await db.petition.count()) - WARMUP_VOTERS;
    result.classified = (await db.petition.count({ where: { status: { not: 'received' } } })) - WARMUP_VOTERS;
    result.repliesSent = fakes.telegram.sent.length - sentBefore;
    if (result.petitionsStored !== VOTERS && voters > 0)
      log(`kiennghi/${kind}: ${result.petitionsStored} petitions stored for ${VOTERS} voters`);
    return result;
  } finally {
    await stopChild(bot);
    await db.$disconnect();
    if (pg && kind === 'PostgreSQL') pg.dropDatabase(url);
  }
}

async function intakeMinimal(kind: Kind, pg: PostgresServer | undefined, fakes: Fakes): Promise<IntakeResult> {
  const url = await freshDatabase(kind, pg, 'bench_minimal');
  const db = await connectDb(url);
  const bot = await startMinimalBot({
    DATABASE_URL: url,
    TELEGRAM_BOT_TOKEN: fakes.telegram.token,
    TELEGRAM_API_ROOT: fakes.telegram.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  try {
    const result = await measureIntake('minimal grammY', kind, bot);
    // Two text messages per voter (/start and the petition) become rows.
    result.petitionsStored = (await db.petition.count()) - 2 * WARMUP_VOTERS;
    return result;
  } finally {
    await stopChild(bot);
    await db.$disconnect();
    if (pg && kind === 'PostgreSQL') pg.dropDatabase(url);
  }
}

async function statsRuns(kind: Kind, pg: PostgresServer | undefined): Promise<StatsRun[]> {
  const runs: StatsRun[] = [];
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
      runs.push({
        database: kind,
        petitions: size,
        indexes: 'schema',
        loadSeconds,
        results: await runStatsCases(cases, options),
      });
      // The target is for PostgreSQL; SQLite is measured once to keep the run short.
      if (big && kind === 'PostgreSQL') {
        await createExtraIndexes(db);
        await analyze(db, kind);
        runs.push({
          database: kind,
          petitions: size,
          indexes: 'schema + proposed',
          loadSeconds,
          results: await runStatsCases(cases, options),
        });
      }
    } finally {
      await db.$disconnect();
      if (pg && kind === 'PostgreSQL') pg.dropDatabase(url);
    }
  }
  return runs;
}

async function analyze(db: Db, kind: Kind): Promise<void> {
  await db.$executeRawUnsafe(kind === 'PostgreSQL' ? 'VACUUM ANALYZE' : 'ANALYZE');
}

async function main(): Promise<void> {
  const started = new Date();
  const report: Report = {
    date: started,
    machine: machineInfo(),
    quick: QUICK,
    voters: VOTERS,
    concurrency: CONCURRENCY,
    intake: [],
    stats: [],
    rates: [] as ClassifyRate[],
    cost: [] as ClassifyCost[],
    extraIndexes: EXTRA_INDEXES,
    seconds: 0,
  };
  const fakes: Fakes = {
    telegram: await new FakeTelegram().start(),
    zalo: await new FakeZalo().start(),
    openai: await startFakeOpenAI(),
  };
  let pg: PostgresServer | undefined;
  try {
    if (KINDS.includes('PostgreSQL') && (PARTS.has('intake') || PARTS.has('stats'))) {
      pg = startPostgres();
      report.postgres = pg.version;
      log(`PostgreSQL ${pg.version} at ${pg.adminUrl}`);
    }
    for (const kind of KINDS) {
      if (!PARTS.has('intake')) break;
      log(`intake ${kind}: kiennghi, ${VOTERS} voters, ${CONCURRENCY} in flight`);
      report.intake.push(await intakeKiennghi(kind, pg, fakes));
      log(`intake ${kind}: minimal grammY bot`);
      report.intake.push(await intakeMinimal(kind, pg, fakes));
    }
    for (const kind of KINDS) {
      if (!PARTS.has('stats')) break;
      report.stats.push(...(await statsRuns(kind, pg)));
    }
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
}

await main();
