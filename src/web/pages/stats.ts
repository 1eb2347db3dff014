// The statistics page: what /thongke and /bieudo give, from the same figures
// (src/stats/report.ts), filtered by the form, a deputy's within their scope; each bar opens
// the petitions table filtered to what it counts.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { taxonomyLabels } from '../../classify/labels.ts';
import { followupStaffMsg, staffMsg } from '../../core/messages-staff.ts';
import { isoDay } from '../../core/dates.ts';
import { knownWards } from '../../meetings/wards.ts';
import type { FilterSpec } from '../../stats/filters.ts';
import { addDays, parsePeriod, rangePeriod, zonedYmd, type Period } from '../../stats/period.ts';
import { perDay, type CountRow } from '../../stats/queries.ts';
import { chartPeriod, statsFigures, type StatsFigures } from '../../stats/report.ts';
import { deputyStatsScope, type StatsScope } from '../../stats/scope.ts';
import { page } from '../layout.ts';
import {
  barChart,
  count,
  dailyChart,
  deadlinesCard,
  filterForm,
  petitionsLink,
  STATS_PARAMS,
  type FormChoices,
  type StatsQuery,
} from '../stats-view.ts';
import type { WebApp, WebDeps, WebEnv } from '../types.ts';

/** GET /web/stats. */
export function registerStatsPage(web: WebApp, deps: WebDeps): void {
  web.get('/stats', async (c) => {
    const query = readQuery(c);
    const tz = deps.config.TZ;
    const now = new Date();
    const scope = await userScope(c, deps);
    const choices = await formChoices(deps, scope);
    const { spec, problems } = specOf(query, now, tz);
    const form = filterForm(query, choices);
    if (problems.length) {
      const body = html`${form}
        <p class="error">${problems.join(' ')}</p>`;
      return page(c, { title: 'Thống kê', section: 'stats', body, status: 400 });
    }
    const figures = await statsFigures(deps.db, deps.config, spec, now, scope);
    const period = chartPeriod(spec.period, now, tz);
    const daily = await perDay(deps.db, figures.filter.where, period, tz);
    const body = html`${form} ${figuresView(figures, query, spec.period, tz)}
      <section class="card">
        <h2>Số kiến nghị theo ngày — ${period.label}</h2>
        ${dailyChart(daily, (_row, i) => dayLink(query, daily, i, period, tz))}
      </section>`;
    return page(c, { title: 'Thống kê', section: 'stats', body });
  });
}

function readQuery(c: Context<WebEnv>): StatsQuery {
  const query: StatsQuery = {};
  for (const name of STATS_PARAMS) {
    const value = c.req.query(name)?.trim();
    if (value) query[name] = value;
  }
  return query;
}

/** A deputy's figures stay within their scope; staff and admins see everything. */
async function userScope(c: Context<WebEnv>, deps: WebDeps): Promise<StatsScope | undefined> {
  const user = c.get('user');
  return user.role === 'deputy' ? deputyStatsScope(deps.db, user.deputyId) : undefined;
}

async function formChoices(deps: WebDeps, scope: StatsScope | undefined): Promise<FormChoices> {
  const meetings = await deps.db.meeting.findMany({
    where: scope ? { id: { in: scope.meetingIds } } : {},
    select: { code: true, title: true },
    orderBy: { startsAt: 'desc' },
    take: 300,
  });
  return {
    labels: taxonomyLabels(deps.config.TAXONOMY),
    wards: await knownWards(deps.db, deps.config),
    meetings,
  };
}

/** The form's values as a /thongke filter: a range of days wins over period words. */
function specOf(query: StatsQuery, now: Date, timeZone: string): { spec: FilterSpec; problems: string[] } {
  const spec: FilterSpec = {
    meetingCode: query.meeting,
    ward: query.ward,
    authority: query.level,
    field: query.field,
    status: query.status,
  };
  const problems: string[] = [];
  if (query.from || query.to) {
    spec.period = rangePeriod(query.from ?? query.to!, query.to ?? query.from!, timeZone);
    if (!spec.period) problems.push('Khoảng ngày không hợp lệ (từ ngày phải trước đến ngày, dạng dd/mm/yyyy).');
  } else if (query.period) {
    const parsed = parsePeriod(query.period, now, timeZone);
    if (!parsed.period || parsed.rest) problems.push(`Chưa hiểu thời gian "${query.period}" (ví dụ: tuần này).`);
    spec.period = parsed.period;
  }
  return { spec, problems };
}

/** The page's filter as petitions-table parameters: the period as days, the rest as typed. */
function baseParams(
  query: StatsQuery,
  period: Period | undefined,
  timeZone: string,
): Record<string, string | undefined> {
  const days = period ? periodDays(period, timeZone) : undefined;
  return {
    from: days?.from,
    to: days?.to,
    meeting: query.meeting,
    ward: query.ward,
    level: query.level,
    field: query.field,
    status: query.status,
  };
}

function periodDays(period: Period, timeZone: string): { from: string; to: string } {
  return {
    from: isoDay(zonedYmd(period.from, timeZone)),
    to: isoDay(zonedYmd(new Date(period.to.getTime() - 1), timeZone)),
  };
}

/** A column of the per-day chart opens its day (or week) within the page's filter. */
function dayLink(query: StatsQuery, rows: CountRow[], index: number, period: Period, timeZone: string): string {
  const first = zonedYmd(new Date(rows[index]!.key), timeZone);
  const next = rows[index + 1];
  const last = next
    ? addDays(zonedYmd(new Date(next.key), timeZone), -1)
    : zonedYmd(new Date(period.to.getTime() - 1), timeZone);
  return petitionsLink({ ...baseParams(query, undefined, timeZone), from: isoDay(first), to: isoDay(last) });
}

function figuresView(figures: StatsFigures, query: StatsQuery, period: Period | undefined, timeZone: string) {
  const { filter, summary: s, overdue, deadlines } = figures;
  const heading = `Thống kê kiến nghị — ${filter.parts.join('; ') || staffMsg.scopeAll()}`;
  if (filter.problems.length) {
    return html`<h2>${heading}</h2>
      <p class="error">Không tìm thấy: ${filter.problems.join('; ')}</p>`;
  }
  const base = baseParams(query, period, timeZone);
  const by = (param: string) => (row: CountRow) => petitionsLink({ ...base, [param]: row.key });
  return html`<h2>${heading}</h2>
    <div class="grid">
      <section class="card">
        <p class="stats-total">
          Tổng số: <strong data-figure="total">${count(s.total)}</strong> kiến nghị,
          <strong data-figure="voters">${count(s.voters)}</strong> lượt cử tri
        </p>
        <p><a href="${petitionsLink(base)}">Xem các kiến nghị này</a></p>
        <p data-figure="overdue">${followupStaffMsg.overdue(overdue)}</p>
      </section>
      <section class="card">
        <h2>Hạn gửi tổng hợp kiến nghị</h2>
        ${deadlinesCard(deadlines)}
      </section>
    </div>
    <div class="grid">
      <section class="card">
        <h2>Theo tình trạng</h2>
        ${barChart('status', s.byStatus, s.total, by('status'))}
      </section>
      <section class="card">
        <h2>Theo cấp thẩm quyền</h2>
        ${barChart('authority', s.byAuthority, s.total, by('level'))}
      </section>
    </div>
    <section class="card">
      <h2>Theo lĩnh vực</h2>
      ${barChart('field', s.byField, s.total, by('field'))}
    </section>
    <section class="card">
      <h2>Hội nghị nhiều ý kiến nhất</h2>
      ${barChart('meeting', s.topMeetings, 0, by('meeting'), (row) => `${row.key} ${row.label}`)}
    </section>`;
}
