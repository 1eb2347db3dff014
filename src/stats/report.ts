// What /thongke shows, computed once for every place that shows it (the chat reply, the
// workspace's statistics page): the filter (within the asker's scope), the summary, overdue
// answers and the session deadlines. Each caller only formats these figures.
import type { Config } from '../config/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { addIsoDays, startOfLocalDay } from '../digests/calendar.ts';
import { deadlineStatus, NOT_FORWARDED, type Deadline, type DeadlineStatus } from '../digests/deadlines.ts';
import { taxonomyLabels, type Labels } from '../classify/labels.ts';
import { allOf, receivedIn, resolveFilter, statusIn, type FilterSpec, type ResolvedFilter } from './filters.ts';
import type { StatsWhere } from './filters.ts';
import { addDays, dayPeriod, zonedYmd, type Period } from './period.ts';
import { countPetitions, overdueAnswers, summary, type Summary } from './queries.ts';
import type { StatsScope } from './scope.ts';

/** Days a per-day chart covers when the filter has no period. */
export const DAILY_DEFAULT_DAYS = 30;

export type StatsConfig = Pick<Config, 'TAXONOMY' | 'WARDS' | 'TZ' | 'SESSION_OPENS' | 'SESSION_CLOSES'>;

/** The session deadlines against a filter's petitions. */
export interface SessionDeadlines {
  status: DeadlineStatus;
  /** The last deadline that has passed, if any. */
  passed: Deadline | null;
  /** Petitions received by that deadline and still not forwarded (0 without a passed deadline). */
  late: number;
}

export interface StatsFigures {
  filter: ResolvedFilter;
  summary: Summary;
  /** Forwarded petitions past their answer's due date. */
  overdue: number;
  deadlines: SessionDeadlines;
}

/** The filter a spec names, limited to the asker's scope (a deputy's meetings) when there is one. */
export async function scopedFilter(
  db: Db | Tx,
  spec: FilterSpec,
  labels: Labels,
  wards: string[],
  scope?: StatsScope,
): Promise<ResolvedFilter> {
  const filter = await resolveFilter(db, spec, labels, wards);
  if (!scope) return filter;
  return { ...filter, where: allOf(scope.where, filter.where), parts: [scope.label, ...filter.parts] };
}

/** Everything /thongke answers for a spec, as of `now`. */
export async function statsFigures(
  db: Db | Tx,
  config: StatsConfig,
  spec: FilterSpec,
  now: Date,
  scope?: StatsScope,
): Promise<StatsFigures> {
  const labels = taxonomyLabels(config.TAXONOMY);
  const filter = await scopedFilter(db, spec, labels, config.WARDS, scope);
  return {
    filter,
    summary: await summary(db, filter.where, labels),
    overdue: await overdueAnswers(db, filter.where, now),
    deadlines: await sessionDeadlines(db, config, filter.where, now),
  };
}

/** The deadline the office works toward, and how many petitions missed the last one that passed. */
export async function sessionDeadlines(
  db: Db | Tx,
  config: StatsConfig,
  where: StatsWhere,
  now: Date,
): Promise<SessionDeadlines> {
  const status = deadlineStatus(config, now);
  const passed = status.configured ? ([status.after, status.before].find((d) => d?.passed) ?? null) : null;
  if (!passed) return { status, passed, late: 0 };
  const dueBy = startOfLocalDay(addIsoDays(passed.day, 1), config.TZ);
  const late = await countPetitions(db, allOf(where, statusIn(NOT_FORWARDED), receivedIn(undefined, dueBy)));
  return { status, passed, late };
}

/** The period a per-day chart covers: the filter's, else the last 30 days up to today. */
export function chartPeriod(period: Period | undefined, now: Date, timeZone: string): Period {
  return period ?? dayPeriod(addDays(zonedYmd(now, timeZone), 1 - DAILY_DEFAULT_DAYS), DAILY_DEFAULT_DAYS, timeZone);
}
