// The statistics page's parts: the filter form, bars that open the petitions table filtered
// to them, the per-day chart (SVG drawn from numbers only) and the session deadlines. The
// figures come from src/stats/report.ts, the same as /thongke's; nothing here counts.
import { html } from 'hono/html';
import type { Labels } from '../classify/labels.ts';
import { DEADLINE_KIND_LABELS, dayLabel, digestMsg } from '../core/messages-digest.ts';
import type { CountRow } from '../stats/queries.ts';
import type { SessionDeadlines } from '../stats/report.ts';
import type { Html } from './layout.ts';

/** The filter as the page's URL carries it (the names of the petitions table where they exist). */
export interface StatsQuery {
  /** A period as /thongke reads it: "tuần này", "tháng trước", "01/11/2026-30/11/2026"… */
  period?: string;
  from?: string;
  to?: string;
  meeting?: string;
  ward?: string;
  level?: string;
  field?: string;
  status?: string;
}

export const STATS_PARAMS = ['period', 'from', 'to', 'meeting', 'ward', 'level', 'field', 'status'] as const;

/** Period words offered in the form; any other /thongke period may be typed. */
const PERIOD_WORDS = ['hôm nay', 'tuần này', 'tuần trước', 'tháng này', 'tháng trước', 'năm nay'];

/** Numbers as the chat writes them. */
export function count(n: number): string {
  return n.toLocaleString('vi-VN');
}

/** A link to the petitions table with these parameters (empty ones left out). */
export function petitionsLink(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const query = search.toString();
  return query ? `/web/petitions?${query}` : '/web/petitions';
}

export interface FormChoices {
  labels: Labels;
  wards: string[];
  meetings: { code: string; title: string }[];
}

/** The filter form (GET): a period or a range of days, meeting, ward, level, field, status. */
export function filterForm(query: StatsQuery, choices: FormChoices): Html {
  const { labels } = choices;
  const select = (name: keyof StatsQuery, label: string, options: { id: string; label: string }[]) =>
    html`<label
      >${label}
      <select name="${name}">
        <option value="">Tất cả</option>
        ${options.map(
          (o) => html`<option value="${o.id}" ${query[name] === o.id ? html`selected` : ''}>${o.label}</option>`,
        )}
      </select></label
    >`;
  return html`<form class="filters" method="get" action="/web/stats">
    <label
      >Thời gian
      <input name="period" list="stats-periods" value="${query.period ?? ''}" placeholder="tuần này, tháng trước…" />
    </label>
    <datalist id="stats-periods">${PERIOD_WORDS.map((word) => html`<option value="${word}"></option>`)}</datalist>
    <label>Từ ngày <input type="date" name="from" value="${query.from ?? ''}" /></label>
    <label>Đến ngày <input type="date" name="to" value="${query.to ?? ''}" /></label>
    <label
      >Hội nghị
      <input name="meeting" list="stats-meetings" value="${query.meeting ?? ''}" size="12" />
    </label>
    <datalist id="stats-meetings">
      ${choices.meetings.map((m) => html`<option value="${m.code}">${m.title}</option>`)}
    </datalist>
    <label>Phường/xã <input name="ward" list="stats-wards" value="${query.ward ?? ''}" /></label>
    <datalist id="stats-wards">${choices.wards.map((ward) => html`<option value="${ward}"></option>`)}</datalist>
    ${select('level', 'Cấp thẩm quyền', labels.levels)} ${select('field', 'Lĩnh vực', labels.fields)}
    ${select('status', 'Trạng thái', labels.statuses)}
    <button type="submit">Xem</button>
    <a class="button secondary" href="/web/stats">Bỏ lọc</a>
  </form>`;
}

/**
 * Bars, one link each to the petitions it counts: `param` set to the row's key on top of the
 * page's own filter. A bar's length is relative to the largest; the share is of `total`.
 */
export function barChart(
  name: string,
  rows: CountRow[],
  total: number,
  link: (row: CountRow) => string,
  label: (row: CountRow) => string = (row) => row.label,
): Html {
  if (!rows.length) return html`<p class="muted">Không có số liệu.</p>`;
  const max = Math.max(...rows.map((row) => row.count), 1);
  return html`<div class="bar-chart with-share" data-chart="${name}">
    ${rows.map((row) => {
      const share = total ? ` (${Math.round((row.count * 100) / total)}%)` : '';
      const width = Math.max(0.5, (row.count * 100) / max).toFixed(1);
      return html`<a href="${link(row)}" data-value="${row.key}" data-count="${row.count}">
        <span>${label(row)}</span><span class="bar" style="width: ${width}%"></span
        ><span class="bar-count">${count(row.count)}${share}</span>
      </a>`;
    })}
  </div>`;
}

const CHART = { width: 720, height: 180, top: 12, bottom: 28, left: 36, right: 8 };

/** Petitions per day (or per week beyond three months) as SVG columns, each a link to that bucket's petitions. */
export function dailyChart(rows: CountRow[], link: (row: CountRow, index: number) => string): Html {
  if (!rows.length) return html`<p class="muted">Không có số liệu.</p>`;
  const max = Math.max(...rows.map((row) => row.count), 1);
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const step = plotW / rows.length;
  const barW = Math.max(1, step * 0.75);
  const labelEvery = Math.ceil(rows.length / 12);
  const y = (n: number) => CHART.top + plotH - (n * plotH) / max;
  return html`<svg
    class="daily-chart"
    viewBox="0 0 ${CHART.width} ${CHART.height}"
    role="img"
    aria-label="Số kiến nghị theo ngày"
  >
    <line x1="${CHART.left}" y1="${y(0)}" x2="${CHART.width - CHART.right}" y2="${y(0)}" stroke="#999" />
    <text x="${CHART.left - 4}" y="${y(max) + 4}" text-anchor="end" font-size="11">${max}</text>
    <text x="${CHART.left - 4}" y="${y(0)}" text-anchor="end" font-size="11">0</text>
    ${rows.map((row, i) => {
      const x = CHART.left + i * step + (step - barW) / 2;
      return html`<a href="${link(row, i)}" data-count="${row.count}">
          <title>${row.label}: ${row.count}</title>
          <rect
            x="${x.toFixed(1)}"
            y="${y(row.count).toFixed(1)}"
            width="${barW.toFixed(1)}"
            height="${(y(0) - y(row.count)).toFixed(1)}"
            fill="#a4161a"
          />
        </a>
        ${
          i % labelEvery === 0
            ? html`<text x="${(x + barW / 2).toFixed(1)}" y="${CHART.height - 10}" text-anchor="middle" font-size="11"
                >${row.label}</text
              >`
            : ''
        }`;
    })}
  </svg>`;
}

/** The session's days, both deadlines, and the late petitions of the filter (as /thongke counts them). */
export function deadlinesCard(deadlines: SessionDeadlines): Html {
  const { status, late } = deadlines;
  if (!status.configured) {
    return html`<p class="muted">Chưa đặt ngày kỳ họp (SESSION_OPENS, SESSION_CLOSES).</p>`;
  }
  const line = (d: typeof status.before) =>
    d
      ? html`<dt>Hạn gửi ${DEADLINE_KIND_LABELS[d.kind]}</dt>
          <dd>
            ${dayLabel(d.day)}
            ${d.passed ? html`(đã qua)` : d.daysLeft === 0 ? html`(hôm nay)` : html`(còn ${d.daysLeft} ngày)`}
          </dd>`
      : '';
  return html`<dl class="facts">
      ${
        status.sessionOpens
          ? html`<dt>Kỳ họp khai mạc</dt>
              <dd>${dayLabel(status.sessionOpens)}</dd>`
          : ''
      }
      ${
        status.sessionCloses
          ? html`<dt>Kỳ họp bế mạc</dt>
              <dd>${dayLabel(status.sessionCloses)}</dd>`
          : ''
      }
      ${line(status.before)} ${line(status.after)}
    </dl>
    ${
      status.next ? html`<p>${digestMsg.nextDeadline(status.next.kind, status.next.day, status.next.daysLeft)}</p>` : ''
    }
    ${late > 0 ? html`<p class="error" data-figure="late">${digestMsg.late(late)}</p>` : ''}`;
}
