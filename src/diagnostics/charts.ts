// Charts for the reports: Vega-Lite specs compiled to Vega and rendered to SVG in Node (no canvas, no browser, no
// network), so that a report is one HTML file that opens anywhere offline. vega and vega-lite are imported when the
// first chart is drawn, so importing steadygrad does not load them.

/** A chart of lines (or bars) over rows of plain values. */
export interface Chart {
  title: string;
  /** 'line' (default; with points when `points`), or 'dots' (a dot per row, for a nominal x). */
  kind?: 'line' | 'dots';
  x: Axis & { nominal?: boolean };
  y: Axis;
  /** The field whose values are the lines (the legend), if more than one. */
  series?: { field: string; title: string };
  points?: boolean;
  /** One object per point; rows whose x or y a log scale cannot show (0, negative, NaN, infinite) are left out. */
  values: Record<string, number | string>[];
  /** A sentence under the chart. */
  caption?: string;
}

export interface Axis {
  field: string;
  title: string;
  log?: boolean;
  /** Whole-number ticks (layers, epochs). */
  integer?: boolean;
}

const WIDTH = 560;
const HEIGHT = 250;

/** The rows a chart can draw, and how many it had to leave out (a log scale has no place for 0 or NaN). */
export function drawable(chart: Chart): { values: Chart['values']; omitted: number } {
  const ok = (axis: Axis & { nominal?: boolean }, v: unknown) =>
    axis.nominal || (typeof v === 'number' && Number.isFinite(v) && (!axis.log || v > 0));
  const values = chart.values.filter((row) => ok(chart.x, row[chart.x.field]) && ok(chart.y, row[chart.y.field]));
  return { values, omitted: chart.values.length - values.length };
}

// Log-scale labels: powers of ten only, as 1e-4, 1e0, 1e3.
const LOG_LABELS =
  "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? replace(format(datum.value, '.0e'), 'e+', 'e') : ''";

/** The chart's Vega-Lite spec. */
export function chartSpec(chart: Chart): Record<string, unknown> {
  const { values } = drawable(chart);
  const axis = (a: Axis) => ({
    title: a.title,
    labelOverlap: 'greedy',
    ...(a.log ? { labelExpr: LOG_LABELS } : {}),
    ...(a.integer ? { tickMinStep: 1, format: 'd' } : {}),
  });
  const dots = chart.kind === 'dots';
  const series = chart.series;
  const encoding = {
    x: chart.x.nominal
      ? { field: chart.x.field, type: 'nominal', sort: null, axis: { title: chart.x.title, labelAngle: -30 } }
      : {
          field: chart.x.field,
          type: 'quantitative',
          axis: axis(chart.x),
          scale: chart.x.log ? { type: 'log' } : { zero: false, nice: false },
        },
    y: {
      field: chart.y.field,
      type: 'quantitative',
      axis: axis(chart.y),
      scale: chart.y.log ? { type: 'log' } : { zero: false },
    },
    ...(series
      ? {
          color: {
            field: series.field,
            type: 'nominal',
            sort: null,
            title: series.title,
            scale: { scheme: new Set(values.map((v) => v[series.field])).size > 10 ? 'tableau20' : 'tableau10' },
          },
          ...(dots ? { xOffset: { field: series.field, sort: null } } : {}),
        }
      : {}),
  };
  // A series with one or two points draws no visible line: those get dots too.
  const counts = new Map<unknown, number>();
  if (series) for (const v of values) counts.set(v[series.field], (counts.get(v[series.field]) ?? 0) + 1);
  const short = [...counts].filter(([, n]) => n <= 2).map(([name]) => name);
  const line = { type: 'line', point: chart.points === true, clip: true, strokeWidth: 2 };
  const marks =
    dots || !series || short.length === 0 || chart.points
      ? { mark: dots ? { type: 'point', filled: true, size: 90 } : line, encoding }
      : {
          encoding,
          layer: [
            { mark: line },
            {
              mark: { type: 'point', filled: true, size: 60 },
              transform: [{ filter: { field: series.field, oneOf: short } }],
            },
          ],
        };
  return {
    width: WIDTH,
    height: HEIGHT,
    title: { text: chart.title, anchor: 'start', fontSize: 14 },
    data: { values },
    ...marks,
    config: {
      font: 'Helvetica, Arial, sans-serif',
      view: { stroke: '#ddd' },
      axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
      legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
    },
  };
}

type VegaModules = [typeof import('vega'), typeof import('vega-lite')];
let modules: Promise<VegaModules> | null = null;

/** The chart as an SVG document (a string starting with <svg). */
export async function renderChart(chart: Chart): Promise<string> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vegaLite] = await modules;
  const compiled = vegaLite.compile(chartSpec(chart) as unknown as Parameters<typeof vegaLite.compile>[0]);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
