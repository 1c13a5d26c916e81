// A gradient monitor's records as a table, as report sections and as charts: per-layer gradient norms over steps,
// gradient norm against depth, and dL/dh_t against t for recurrent layers.
import type { Chart } from './charts.js';
import type { ReportSection } from './html.js';
import type { TableData } from './table.js';
import {
  type MonitorData,
  type StepRecord,
  type Thresholds,
  type Verdict,
  formatNumber,
  layerNorm,
  median,
} from './verdicts.js';

const fmt = formatNumber;

/** One row per parameter: its gradient norm at the first and last recorded steps, and the last window's medians. */
export function summaryTable(data: MonitorData, thresholds: Thresholds): TableData {
  const { steps, parameters } = data;
  const first = steps[0];
  const last = steps[steps.length - 1];
  const window = steps.slice(-thresholds.window);
  const rows = parameters.map((p, i) => [
    p.name,
    p.shape.join('x'),
    first ? fmt(first.gradNorm[i]) : '-',
    last ? fmt(last.gradNorm[i]) : '-',
    last ? fmt(last.gradMaxAbs[i]) : '-',
    last ? fmt(last.weightNorm[i]) : '-',
    fmt(median(window.map((s) => s.updateRatio[i]))).replace('NaN', '-'),
  ]);
  if (first) rows.push(['(global)', '', fmt(first.globalNorm), fmt(last.globalNorm), '', '', '']);
  const span = first ? (first === last ? `step ${first.step}` : `steps ${first.step} and ${last.step}`) : 'no steps';
  return {
    columns: [
      'parameter',
      'shape',
      'grad norm first',
      'grad norm last',
      'max |grad| last',
      'weight norm',
      'update/weight',
    ],
    rows,
    caption: `Gradient L2 norms at ${span}; update/weight is the median of ||update|| / ||weight|| over the last ${window.length} recorded steps.`,
  };
}

// The series name of a layer: its name and activation.
const layerLabel = (l: MonitorData['layers'][number]) => (l.activation ? `${l.name} (${l.activation})` : l.name);

/** Gradient norm per layer (per parameter when the monitor had no layers) against the step, log scale. */
export function normsOverStepsChart(data: MonitorData, title = 'Gradient norm per layer over steps'): Chart {
  const values: Chart['values'] = [];
  for (const s of data.steps) {
    if (data.layers.length > 0) {
      for (const l of data.layers) values.push({ step: s.step, norm: layerNorm(l, s), layer: layerLabel(l) });
    } else {
      data.parameters.forEach((p, i) => values.push({ step: s.step, norm: s.gradNorm[i], layer: p.name }));
    }
    values.push({ step: s.step, norm: s.globalNorm, layer: 'global' });
  }
  return {
    title,
    x: { field: 'step', title: 'optimizer step' },
    y: { field: 'norm', title: 'gradient L2 norm', log: true },
    series: { field: 'layer', title: 'layer' },
    values,
  };
}

/** Gradient norm against depth (layers with parameters, from the input) at the first and the last recorded step. */
export function normByDepthChart(data: MonitorData, title = 'Gradient norm against depth'): Chart {
  const picks: [string, StepRecord][] = [];
  if (data.steps.length > 0) picks.push([`step ${data.steps[0].step}`, data.steps[0]]);
  if (data.steps.length > 1)
    picks.push([`step ${data.steps[data.steps.length - 1].step}`, data.steps[data.steps.length - 1]]);
  const values = picks.flatMap(([when, s]) =>
    data.layers.map((l) => ({ depth: l.depth, norm: layerNorm(l, s), when })),
  );
  return {
    title,
    x: { field: 'depth', title: 'depth (layers with parameters, from the input)', integer: true },
    y: { field: 'norm', title: 'layer gradient L2 norm', log: true },
    series: { field: 'when', title: 'recorded' },
    points: true,
    values,
    caption: data.layers.map((l) => `${l.depth}: ${layerLabel(l)}`).join(', '),
  };
}

/** ||dL/dh_t|| against t for each recurrent layer (forward direction), at the first and last recorded step. */
export function stateGradientChart(data: MonitorData, title = 'dL/dh_t against t'): Chart | null {
  const forward = data.stateGradients.filter((r) => r.direction === 'forward');
  if (forward.length === 0) return null;
  const values: Chart['values'] = [];
  for (const layer of [...new Set(forward.map((r) => r.layer))]) {
    const mine = forward.filter((r) => r.layer === layer);
    const picks = mine.length > 1 ? [mine[0], mine[mine.length - 1]] : [mine[0]];
    for (const r of picks) r.norms.forEach((n, t) => values.push({ t, norm: n, series: `${layer}, step ${r.step}` }));
  }
  return {
    title,
    x: { field: 't', title: 'time step t' },
    y: { field: 'norm', title: '||dL/dh_t||', log: true },
    series: { field: 'series', title: 'layer, recorded' },
    values,
  };
}

/** The loss of every recorded step. */
export function lossChart(data: MonitorData, title = 'Loss over steps'): Chart | null {
  const values = data.steps.map((s) => ({ step: s.step, loss: s.loss }));
  if (!values.some((v) => Number.isFinite(v.loss))) return null;
  return {
    title,
    x: { field: 'step', title: 'optimizer step' },
    y: { field: 'loss', title: 'loss', log: true },
    values,
  };
}

/** The report sections of one monitor: verdicts, the table, and every chart its records allow. */
export function monitorSection(
  data: MonitorData,
  thresholds: Thresholds,
  verdicts: Verdict[],
  title: string,
): ReportSection {
  const charts = [
    normsOverStepsChart(data),
    ...(data.layers.length > 1 ? [normByDepthChart(data)] : []),
    stateGradientChart(data),
    lossChart(data),
  ].filter((c): c is Chart => c !== null);
  return { title, verdicts, tables: [summaryTable(data, thresholds)], charts };
}
