// Charts rendered on the server: a Vega spec -> SVG (vega View.toSVG) -> PNG (resvg).
// The fonts are the DejaVu TTF files shipped through npm, loaded explicitly with the
// system fonts off, so Vietnamese diacritics render the same on any server.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import type { CountRow } from './queries.ts';

const FONT = 'DejaVu Sans';
const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => join(fontDir, file));
const WIDTH = 640;
const BAR_COLOR = '#2b6cb0';

const baseConfig: vega.Config = {
  background: 'white',
  text: { font: FONT },
  title: { font: FONT, fontSize: 16, anchor: 'start' },
  axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 12 },
};

/** Horizontal bars, one per row, with the count written at the end of each bar. */
export async function barChartPng(title: string, rows: CountRow[]): Promise<Buffer> {
  const values = rows.map((row) => ({ label: row.label, count: row.count }));
  const spec: vega.Spec = {
    width: WIDTH - 300,
    height: Math.max(60, values.length * 28),
    padding: 16,
    config: baseConfig,
    title: { text: title },
    data: [{ name: 'rows', values }],
    scales: [
      { name: 'y', type: 'band', domain: { data: 'rows', field: 'label' }, range: 'height', padding: 0.2 },
      { name: 'x', type: 'linear', domain: { data: 'rows', field: 'count' }, range: 'width', nice: true, zero: true },
    ],
    axes: [
      // No length limit: a long field name widens the chart rather than being cut.
      { orient: 'left', scale: 'y', labelLimit: 0 },
      { orient: 'bottom', scale: 'x', tickMinStep: 1, format: 'd', grid: true },
    ],
    marks: [
      {
        type: 'rect',
        from: { data: 'rows' },
        encode: {
          enter: {
            y: { scale: 'y', field: 'label' },
            height: { scale: 'y', band: 1 },
            x: { scale: 'x', value: 0 },
            x2: { scale: 'x', field: 'count' },
            fill: { value: BAR_COLOR },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'rows' },
        encode: {
          enter: {
            y: { scale: 'y', field: 'label', band: 0.5 },
            x: { scale: 'x', field: 'count', offset: 4 },
            baseline: { value: 'middle' },
            text: { field: 'count' },
            font: { value: FONT },
            fontSize: { value: 12 },
          },
        },
      },
    ],
  };
  return render(spec);
}

/**
 * A line of counts over time (petitions per day; each row's key is its day's start). Days after
 * `now` keep their place on the axis but are not drawn: they have no count yet, not a zero.
 */
export async function lineChartPng(title: string, rows: CountRow[], now: Date = new Date()): Promise<Buffer> {
  const values = rows.map((row, index) => ({
    index,
    label: row.label,
    count: new Date(row.key) > now ? null : row.count,
  }));
  const spec: vega.Spec = {
    width: WIDTH,
    height: 260,
    padding: 16,
    config: baseConfig,
    title: { text: title },
    data: [
      { name: 'rows', values },
      { name: 'counted', source: 'rows', transform: [{ type: 'filter', expr: 'datum.count !== null' }] },
    ],
    scales: [
      { name: 'x', type: 'point', domain: { data: 'rows', field: 'label' }, range: 'width', padding: 0.5 },
      { name: 'y', type: 'linear', domain: { data: 'rows', field: 'count' }, range: 'height', nice: true, zero: true },
    ],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        labelAngle: values.length > 10 ? -45 : 0,
        labelAlign: values.length > 10 ? 'right' : 'center',
        labelOverlap: true,
      },
      { orient: 'left', scale: 'y', tickMinStep: 1, format: 'd', grid: true },
    ],
    marks: [
      {
        type: 'line',
        from: { data: 'counted' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'label' },
            y: { scale: 'y', field: 'count' },
            stroke: { value: BAR_COLOR },
            strokeWidth: { value: 2 },
          },
        },
      },
      {
        type: 'symbol',
        from: { data: 'counted' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'label' },
            y: { scale: 'y', field: 'count' },
            fill: { value: BAR_COLOR },
            size: { value: 30 },
          },
        },
      },
    ],
  };
  return render(spec);
}

async function render(spec: vega.Spec): Promise<Buffer> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT },
      // Twice the layout size: sharp on phone screens, still far below Telegram's photo limits.
      fitTo: { mode: 'zoom', value: 2 },
    }).render();
    return png.asPng();
  } finally {
    view.finalize();
  }
}
