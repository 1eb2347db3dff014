// Statistics queries timed on a generated data set: the /thongke reply, the /bieudo
// queries, the query functions of src/stats/queries.ts and the assistant's tools (runTool).
import type { Db } from '../../src/db/client.ts';
import { EVERYTHING, parseStatsArgs, receivedIn, resolveFilter } from '../../src/stats/filters.ts';
import { taxonomyLabels } from '../../src/classify/labels.ts';
import { addDays, dayPeriod, namedPeriod, zonedYmd } from '../../src/stats/period.ts';
import { breakdown, countPetitions, listPetitions, meetingsAbove, perDay, summary } from '../../src/stats/queries.ts';
import { runTool, type ToolContext } from '../../src/stats/tools.ts';
import { sample, type Sampled } from './timing.ts';

const TZ = 'Asia/Ho_Chi_Minh';

export interface StatsCase {
  group: '/thongke' | '/bieudo' | 'queries.ts' | 'runTool';
  name: string;
  run(): Promise<unknown>;
}

export interface StatsResult extends Sampled {
  group: string;
  name: string;
}

/** What /thongke <args> asks of the database: the filter, then the summary. */
async function thongke(db: Db, args: string, now: Date): Promise<unknown> {
  const labels = taxonomyLabels('current');
  const { spec } = parseStatsArgs(args, now, TZ);
  const filter = await resolveFilter(db, spec, labels);
  return summary(db, filter.where, labels);
}

/** What /bieudo <args> asks of the database (the charts themselves are drawn afterwards). */
async function bieudo(db: Db, args: string, now: Date): Promise<unknown> {
  const labels = taxonomyLabels('current');
  const { spec } = parseStatsArgs(args, now, TZ);
  const filter = await resolveFilter(db, spec, labels);
  await countPetitions(db, filter.where);
  await breakdown(db, filter.where, 'field', labels, 20);
  await breakdown(db, filter.where, 'authority', labels, 10);
  const period = spec.period ?? dayPeriod(addDays(zonedYmd(now, TZ), -29), 30, TZ);
  return perDay(db, filter.where, period, TZ);
}

export function statsCases(db: Db, now: Date, deputy: string): StatsCase[] {
  const labels = taxonomyLabels('current');
  const month = namedPeriod('this_month', now, TZ);
  const inMonth = receivedIn(month.from, month.to);
  const lastMonth = namedPeriod('last_month', now, TZ);
  const last30 = dayPeriod(addDays(zonedYmd(now, TZ), -29), 30, TZ);
  const tool = (name: string, args: object) => {
    const ctx: ToolContext = { db, labels, role: 'admin', now, timeZone: TZ };
    return () => runTool(name, JSON.stringify(args), ctx);
  };
  const cases: StatsCase[] = [];
  for (const args of [
    '',
    'tuần này',
    'tháng này',
    'năm nay lĩnhvực=đất đai',
    'phường=Cầu Giấy',
    `đạibiểu=${deputy}`,
    'hop=HN001',
  ]) {
    cases.push({ group: '/thongke', name: `/thongke ${args}`.trim(), run: () => thongke(db, args, now) });
  }
  for (const args of ['', 'năm nay', 'phường=Cầu Giấy']) {
    cases.push({ group: '/bieudo', name: `/bieudo ${args}`.trim(), run: () => bieudo(db, args, now) });
  }
  cases.push(
    { group: 'queries.ts', name: 'countPetitions(all)', run: () => countPetitions(db, EVERYTHING) },
    { group: 'queries.ts', name: 'countPetitions(this month)', run: () => countPetitions(db, inMonth) },
    { group: 'queries.ts', name: 'breakdown(status)', run: () => breakdown(db, EVERYTHING, 'status', labels) },
    { group: 'queries.ts', name: 'breakdown(authority)', run: () => breakdown(db, EVERYTHING, 'authority', labels) },
    { group: 'queries.ts', name: 'breakdown(field)', run: () => breakdown(db, EVERYTHING, 'field', labels) },
    { group: 'queries.ts', name: 'breakdown(meeting)', run: () => breakdown(db, EVERYTHING, 'meeting', labels) },
    { group: 'queries.ts', name: 'breakdown(field, this month)', run: () => breakdown(db, inMonth, 'field', labels) },
    { group: 'queries.ts', name: 'summary(all)', run: () => summary(db, EVERYTHING, labels) },
    { group: 'queries.ts', name: 'perDay(last 30 days)', run: () => perDay(db, EVERYTHING, last30, TZ) },
    { group: 'queries.ts', name: 'meetingsAbove(1000, all)', run: () => meetingsAbove(db, 1000, EVERYTHING) },
    {
      group: 'queries.ts',
      name: 'meetingsAbove(50, last month)',
      run: () => meetingsAbove(db, 50, receivedIn(lastMonth.from, lastMonth.to)),
    },
    {
      group: 'queries.ts',
      name: 'listPetitions(all, 10)',
      run: () => listPetitions(db, EVERYTHING.petition, labels, TZ, 10),
    },
    {
      group: 'queries.ts',
      name: 'listPetitions(field+status, 10)',
      run: () => listPetitions(db, { AND: [{ field: 'land' }, { status: 'forwarded' }] }, labels, TZ, 10),
    },
    {
      group: 'runTool',
      name: 'count_petitions(this_year, ward)',
      run: tool('count_petitions', { period: 'this_year', ward: 'Cầu Giấy' }),
    },
    {
      group: 'runTool',
      name: 'petition_breakdown(field, last_month)',
      run: tool('petition_breakdown', { by: 'field', period: 'last_month' }),
    },
    {
      group: 'runTool',
      name: 'meetings_with_min_petitions(500)',
      run: tool('meetings_with_min_petitions', { min_petitions: 500 }),
    },
    { group: 'runTool', name: 'list_meetings(this_month)', run: tool('list_meetings', { period: 'this_month' }) },
    {
      group: 'runTool',
      name: 'search_petitions(environment, 10)',
      run: tool('search_petitions', { field: 'environment', limit: 10 }),
    },
  );
  return cases;
}

export interface StatsRunOptions {
  minRuns: number;
  maxRuns: number;
  budgetMs: number;
}

/**
 * Times each case after one untimed pass over them all, so that the first case does not pay
 * for the process warming up (connections, compiled query paths) as a running bot never does.
 */
export async function runStatsCases(cases: StatsCase[], options: StatsRunOptions): Promise<StatsResult[]> {
  for (const c of cases) await c.run();
  const results: StatsResult[] = [];
  for (const c of cases) {
    const sampled = await sample(c.run, options.minRuns, options.maxRuns, options.budgetMs);
    results.push({ group: c.group, name: c.name, ...sampled });
  }
  return results;
}

/**
 * Indexes proposed for prisma/schema.prisma, created here on the bench's throw-away
 * database to measure their effect. One covering index serves every period-filtered count
 * and breakdown (status, level, field, meeting) from the index alone; `id` is in it because
 * Prisma's groupBy orders by COUNT("id"), which otherwise forces a read of every row.
 */
export const EXTRA_INDEXES = [
  {
    schema: '@@index([receivedAt, status, authority, field, meetingId, id])',
    sql: 'CREATE INDEX "Petition_receivedAt_status_authority_field_meetingId_id_idx" ON "Petition" ("receivedAt", "status", "authority", "field", "meetingId", "id")',
  },
];

export async function createExtraIndexes(db: Db): Promise<void> {
  for (const index of EXTRA_INDEXES) await db.$executeRawUnsafe(index.sql);
}
