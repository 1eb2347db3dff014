// The petitions table (src/petitions/query.ts) timed on a generated data set: one page and
// its total with each single filter, with text searches, a later keyset page and a deputy's
// scope. `benchPetitionsTable(db, now)` runs on a database seeded by seedDataset;
// `npx tsx scripts/bench/petitions-table.ts` seeds one and prints the figures:
//   BENCH_PETITIONS (default 100000), BENCH_TABLE_DB (postgres | sqlite, default postgres),
//   BENCH_DATABASE_URL (a PostgreSQL admin URL; else a server is started, see postgres.ts),
//   BENCH_TABLE_URL (an already seeded database: only the timing runs), BENCH_PROPOSED=0 (no second
//   run with PROPOSED_INDEXES).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../../src/config/index.ts';
import { connectDb, type Db } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { kindOf } from '../../src/db/sql.ts';
import { localDate } from '../../src/digests/calendar.ts';
import { parsePetitionFilter, searchPetitions, type PetitionPage } from '../../src/petitions/query.ts';
import { deputyScope } from '../../src/staff/scope.ts';
import { startPostgres } from './postgres.ts';
import { seedDataset } from './seed.ts';
import { ms, sample } from './timing.ts';

export interface TableResult {
  name: string;
  p50Ms: number;
  p95Ms: number;
}

export interface TableRunOptions {
  minRuns: number;
  maxRuns: number;
  budgetMs: number;
}

const DEFAULT_RUNS: TableRunOptions = { minRuns: 5, maxRuns: 40, budgetMs: 2_000 };
const CONFIG = parseConfig({ DATABASE_URL: 'file:./unused.db', LOCAL_CHAT: 'off', DEMO_SEED: 'off' });

/** What the page asks for a URL query: the rows of one page and the total (texts cut as the table shows them). */
function tableQuery(db: Db, query: string, redacted = false): () => Promise<PetitionPage> {
  const { filter, page } = parsePetitionFilter(new URLSearchParams(query));
  return () => searchPetitions(db, CONFIG, filter, page, { redacted, excerptChars: 160 });
}

/**
 * Times the table on `db` (seeded by seedDataset around `now`): each single filter, text searches
 * with and without diacritics, the second page of a keyset, and a deputy's scoped view.
 */
export async function benchPetitionsTable(
  db: Db,
  now: Date = new Date(),
  options: TableRunOptions = DEFAULT_RUNS,
): Promise<TableResult[]> {
  const today = localDate(now, CONFIG.TZ);
  const monthStart = `${today.slice(0, 8)}01`;
  const secondPage = async (query: string) => {
    const first = await tableQuery(db, query)();
    return tableQuery(db, `${query}&after=${first.nextCursor ?? ''}`);
  };
  const deputy = await db.deputy.findFirst({ orderBy: { id: 'asc' }, select: { id: true } });
  const scope = deputy ? await deputyScope(db, deputy.id) : null;
  const cases: [string, () => Promise<unknown>][] = [
    ['no filter', tableQuery(db, '')],
    ['from/to (this month)', tableQuery(db, `from=${monthStart}&to=${today}`)],
    ['meeting=HN001', tableQuery(db, 'meeting=HN001')],
    ['ward=Cầu Giấy', tableQuery(db, 'ward=Cầu Giấy')],
    ['level=central', tableQuery(db, 'level=central')],
    ['field=education', tableQuery(db, 'field=education')],
    ['status=received', tableQuery(db, 'status=received')],
    ['review=1', tableQuery(db, 'review=1')],
    ['channel=zalo', tableQuery(db, 'channel=zalo')],
    ['channel=minutes', tableQuery(db, 'channel=minutes')],
    ['theme=1', tableQuery(db, 'theme=1')],
    ['sort=level (asc)', tableQuery(db, 'sort=level')],
    ['page 2 (keyset)', await secondPage('field=environment')],
    ['deputy scope', () => searchPetitions(db, CONFIG, {}, parsePetitionFilter({}).page, { scope, excerptChars: 160 })],
    ['API page (50, redacted, whole texts)', () => tableQuery(db, 'limit=50', true)()],
    ['q=ngập (common word)', tableQuery(db, 'q=ngập')],
    ['q=ngap (no diacritics)', tableQuery(db, 'q=ngap')],
    ['q=đường ngõ (two words)', tableQuery(db, 'q=đường ngõ')],
    ['q=trường mầm non (rare phrase)', tableQuery(db, 'q=trường mầm non')],
    ['q=(12345) (one petition)', tableQuery(db, 'q=(12345)')],
    ['q=xyzw (no match)', tableQuery(db, 'q=xyzw')],
    ['q=KN-… (tracking code)', tableQuery(db, `q=KN-${now.getUTCFullYear()}-0000123`)],
    ['q=ngập + field=environment', tableQuery(db, 'q=ngập&field=environment')],
  ];
  const results: TableResult[] = [];
  for (const [name, run] of cases) {
    const timed = await sample(run, options.minRuns, options.maxRuns, options.budgetMs);
    results.push({ name, p50Ms: timed.p50, p95Ms: timed.p95 });
  }
  return results;
}

/**
 * Indexes proposed for prisma/schema.prisma, created on the bench's throw-away database to
 * measure their effect: filters that are no tally key (review, channel) count from the index
 * alone instead of every row (status is in them: texts that are not petitions are left out),
 * and a meeting's page comes newest first from its own index.
 */
export const PROPOSED_INDEXES = [
  {
    schema: '@@index([needsReview, status])',
    sql: 'CREATE INDEX IF NOT EXISTS "Petition_needsReview_status_idx" ON "Petition" ("needsReview", "status")',
  },
  {
    schema: '@@index([channel, status])',
    sql: 'CREATE INDEX IF NOT EXISTS "Petition_channel_status_idx" ON "Petition" ("channel", "status")',
  },
  {
    schema: '@@index([meetingId, receivedAt]) (in place of @@index([meetingId]))',
    sql: 'CREATE INDEX IF NOT EXISTS "Petition_meetingId_receivedAt_idx" ON "Petition" ("meetingId", "receivedAt")',
  },
];

export async function createProposedIndexes(db: Db): Promise<void> {
  for (const index of PROPOSED_INDEXES) await db.$executeRawUnsafe(index.sql);
  await db.$executeRawUnsafe(kindOf(db) === 'postgresql' ? 'VACUUM ANALYZE' : 'ANALYZE');
}

function print(results: TableResult[]): void {
  for (const result of results) {
    console.log(
      `${result.name.padEnd(40)} p50 ${ms(result.p50Ms).padStart(7)} ms   p95 ${ms(result.p95Ms).padStart(7)} ms`,
    );
  }
}

async function main(): Promise<void> {
  const size = Number(process.env.BENCH_PETITIONS ?? 100_000);
  const kind = process.env.BENCH_TABLE_DB === 'sqlite' ? 'sqlite' : 'postgres';
  const given = process.env.BENCH_TABLE_URL;
  const pg = !given && kind === 'postgres' ? startPostgres() : undefined;
  const dir = !given && kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'kiennghi-table-')) : undefined;
  const url = given ?? (pg ? pg.createDatabase('bench_table') : pathToFileURL(join(dir!, 'bench.db')).href);
  const now = new Date();
  try {
    await migrateDatabase(url);
    const db = await connectDb(url);
    try {
      if (!given) {
        const t0 = performance.now();
        await seedDataset(db, size, now, kind === 'sqlite');
        await db.$executeRawUnsafe(kindOf(db) === 'postgresql' ? 'VACUUM ANALYZE' : 'ANALYZE');
        console.log(
          `seeded ${size.toLocaleString('en')} petitions in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
      }
      const count = await db.petition.count();
      console.log(`petitions table, ${kindOf(db)}, ${count.toLocaleString('en')} petitions, schema indexes`);
      print(await benchPetitionsTable(db, now));
      if (process.env.BENCH_PROPOSED !== '0') {
        await createProposedIndexes(db);
        console.log(`\nwith the proposed indexes: ${PROPOSED_INDEXES.map((index) => index.schema).join(', ')}`);
        print(await benchPetitionsTable(db, now));
      }
    } finally {
      await db.$disconnect();
    }
  } finally {
    if (pg && process.env.BENCH_KEEP !== '1') pg.stop();
    else if (pg) console.log(`kept: ${url}`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
