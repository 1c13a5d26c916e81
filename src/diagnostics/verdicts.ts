// What a gradient monitor's numbers mean: verdicts, each one sentence with its numbers, from the recorded steps
// (monitor.ts) and thresholds the user can set. Pure functions of plain data, so that they can be tested on
// hand-made records and applied to a monitor's JSON.
//
// Every verdict looks at the recorded steps; those that speak of a steady state (vanishing, update sizes, the curve
// through time) use the median over the last `window` of them, so one odd batch does not decide.
import { checkFinite, checkInteger, checkOptions, rangeError } from '../validate.js';

/** What the verdicts compare against. Every threshold can be set: gradientMonitor({ thresholds: { ... } }). */
export interface Thresholds {
  /** A layer whose gradient norm is below this fraction of the output layer's is vanishing. Default 1e-3. */
  vanishingRatio: number;
  /**
   * The global gradient norm growing by at least this factor within explodingSteps steps, and to at least its square
   * root times the median of those steps (so that one small norm is not taken for the start of an explosion), is
   * exploding. Default 1e3.
   */
  explodingFactor: number;
  /** Default 20. */
  explodingSteps: number;
  /** A weight whose update is below this fraction of its norm per step is stalled. Default 1e-6. */
  minUpdateRatio: number;
  /** A weight whose update is above this fraction of its norm per step moves too fast. Default 0.1. */
  maxUpdateRatio: number;
  /** A recurrent layer whose dL/dh at the first step is below this fraction of that at the last step. Default 1e-3. */
  timeVanishingRatio: number;
  /** ... or above this factor of it. Default 1e3. */
  timeExplodingFactor: number;
  /** The last steps whose medians the steady-state verdicts use. Default 20. */
  window: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  vanishingRatio: 1e-3,
  explodingFactor: 1e3,
  explodingSteps: 20,
  minUpdateRatio: 1e-6,
  maxUpdateRatio: 0.1,
  timeVanishingRatio: 1e-3,
  timeExplodingFactor: 1e3,
  window: 20,
});

/** Thresholds from user options: every key known (a "did you mean" otherwise), every value in range. */
export function checkThresholds(fn: string, value: unknown): Thresholds {
  const keys = Object.keys(DEFAULT_THRESHOLDS) as (keyof Thresholds)[];
  const o = checkOptions<Thresholds>(fn, value, keys);
  const out: Thresholds = { ...DEFAULT_THRESHOLDS };
  for (const key of keys) {
    const v = o[key];
    if (v === undefined) continue;
    const name = `thresholds.${key}`;
    if (key === 'window' || key === 'explodingSteps') {
      out[key] = checkInteger(fn, name, v, 1, 1e9);
      continue;
    }
    const x = checkFinite(fn, name, v);
    if (!(x > 0)) throw rangeError(fn, name, 'a number > 0', String(x));
    out[key] = x;
  }
  if (out.minUpdateRatio >= out.maxUpdateRatio) {
    throw rangeError(
      fn,
      'thresholds.minUpdateRatio',
      `below thresholds.maxUpdateRatio (${out.maxUpdateRatio})`,
      String(out.minUpdateRatio),
    );
  }
  return out;
}

/** A parameter as a monitor describes it. */
export interface ParameterInfo {
  name: string;
  shape: number[];
  /** The layer that owns it, when the monitor knows the model; else null. */
  layer: string | null;
}

/** A layer with parameters, as a monitor describes it; depth counts these layers from the input, from 1. */
export interface LayerInfo {
  name: string;
  type: string;
  /** Its activation ('sigmoid', 'relu', ...), or null for layers without one (lstm, gru, layerNorm). */
  activation: string | null;
  depth: number;
  /** Indices into the parameters. */
  parameters: number[];
  recurrent: boolean;
}

/** One recorded optimizer step. Per-parameter arrays follow the parameters' order. */
export interface StepRecord {
  step: number;
  epoch: number;
  batch: number;
  loss: number;
  /** The L2 norm of all gradients as one vector. */
  globalNorm: number;
  gradNorm: number[];
  gradMaxAbs: number[];
  weightNorm: number[];
  /** ||update|| / ||weight before it||; null until the step is taken, or when the weight's norm was 0. */
  updateRatio: (number | null)[];
}

/** The norm of dL/dh_t at every step t of one recurrent layer's sequence, in one recorded optimizer step. */
export interface StateGradientRecord {
  step: number;
  layer: string;
  /** 'forward', or 'reverse' for a bidirectional layer's second direction (its norms in processing order). */
  direction: 'forward' | 'reverse';
  norms: number[];
}

/** What the verdicts read: a monitor's records (monitor.toJSON() has these fields). */
export interface MonitorData {
  parameters: ParameterInfo[];
  layers: LayerInfo[];
  steps: StepRecord[];
  stateGradients: StateGradientRecord[];
}

export type VerdictKind =
  | 'nonFinite'
  | 'exploding'
  | 'vanishing'
  | 'updateTooSmall'
  | 'updateTooLarge'
  | 'vanishingThroughTime'
  | 'explodingThroughTime'
  | 'healthy'
  | 'noData';

export interface Verdict {
  kind: VerdictKind;
  /** 'error' (training broke), 'warning' (a threshold crossed), 'ok' (healthy, or nothing recorded). */
  severity: 'error' | 'warning' | 'ok';
  /** One sentence with its numbers, e.g. "vanishing: dense_3 (sigmoid) gradient norm 3.1e-9, 2.0e-7 of the ...". */
  message: string;
  layer?: string;
  parameter?: string;
  step?: number;
  /** The number the threshold was compared with (a ratio or a factor). */
  value?: number;
  threshold?: number;
}

/** A number for a sentence: 3 significant digits in [1e-3, 1e4), else 2 in exponent form (3.1e-9). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const rounded = Number(v.toPrecision(3));
  const a = Math.abs(rounded);
  if (a >= 1e-3 && a < 1e4) return String(rounded);
  return v.toExponential(1).replace('e+', 'e');
}

/** The median of the finite numbers in `values`, or NaN when there are none. */
export function median(values: readonly (number | null)[]): number {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

/** A layer's gradient norm in a step: the L2 norm of all its parameters' gradients. */
export function layerNorm(layer: LayerInfo, step: StepRecord): number {
  let sum = 0;
  for (const p of layer.parameters) sum += step.gradNorm[p] ** 2;
  return Math.sqrt(sum);
}

const describeLayer = (l: LayerInfo) => `${l.name} (${l.activation ?? l.type})`;
const stepRange = (steps: StepRecord[]) =>
  steps.length === 1 ? `step ${steps[0].step}` : `steps ${steps[0].step}-${steps[steps.length - 1].step}`;

/** Every verdict on `data`: errors first, then warnings; 'healthy' (or 'noData') when there is nothing to say. */
export function judge(data: MonitorData, thresholds: Thresholds = DEFAULT_THRESHOLDS): Verdict[] {
  const { steps } = data;
  if (steps.length === 0) {
    return [{ kind: 'noData', severity: 'ok', message: 'no data: no optimizer step was recorded' }];
  }
  const window = steps.slice(-thresholds.window);
  const verdicts = [
    ...nonFinite(data),
    ...exploding(data, thresholds),
    ...vanishing(data, window, thresholds),
    ...updateSizes(data, window, thresholds),
    ...throughTime(data, window, thresholds),
  ];
  if (verdicts.length === 0) verdicts.push(healthy(data, window));
  return verdicts;
}

// The first step with a non-finite loss or gradient. The parameter named is the one nearest the output, where the
// backward pass met the bad value first; a non-finite loss is named first (every gradient follows from it).
function nonFinite({ steps, parameters }: MonitorData): Verdict[] {
  for (const s of steps) {
    const bad = s.gradNorm.flatMap((n, i) => (Number.isFinite(n) ? [] : [i]));
    const plural = (n: number, what: string) => `${n} ${what}${n > 1 ? 's' : ''}`;
    if (!Number.isFinite(s.loss)) {
      const grads =
        bad.length === 0 ? '' : `, and so ${bad.length > 1 ? 'are' : 'is'} ${plural(bad.length, 'gradient')}`;
      return [
        {
          kind: 'nonFinite',
          severity: 'error',
          message: `non-finite at step ${s.step}: the loss is ${s.loss}${grads}`,
          step: s.step,
        },
      ];
    }
    if (bad.length > 0) {
      const i = bad[bad.length - 1];
      const p = parameters[i];
      const more = bad.length > 1 ? ` (and ${plural(bad.length - 1, 'more parameter')})` : '';
      return [
        {
          kind: 'nonFinite',
          severity: 'error',
          message: `non-finite at step ${s.step} in ${p.name}: gradient norm ${s.gradNorm[i]}${more}`,
          parameter: p.name,
          ...(p.layer ? { layer: p.layer } : {}),
          step: s.step,
        },
      ];
    }
  }
  return [];
}

// The largest growth of the global norm from one recorded step to a later one at most explodingSteps after it, among
// the steps whose norm is also sqrt(explodingFactor) times the median of the steps before it in that span.
function exploding({ steps }: MonitorData, t: Thresholds): Verdict[] {
  let best = { factor: 0, from: -1, to: -1 };
  let start = 0;
  for (let i = 0; i < steps.length; i++) {
    while (steps[i].step - steps[start].step > t.explodingSteps) start++;
    const now = steps[i].globalNorm;
    if (!Number.isFinite(now) || start === i) continue;
    const typical = median(steps.slice(start, i).map((s) => s.globalNorm));
    if (!(now >= Math.sqrt(t.explodingFactor) * typical)) continue;
    for (let j = start; j < i; j++) {
      const before = steps[j].globalNorm;
      if (!(before > 0) || !Number.isFinite(before)) continue;
      const factor = now / before;
      if (factor > best.factor) best = { factor, from: j, to: i };
    }
  }
  if (best.factor < t.explodingFactor) return [];
  const [a, b] = [steps[best.from], steps[best.to]];
  return [
    {
      kind: 'exploding',
      severity: 'warning',
      message: `exploding: global norm x${formatNumber(best.factor)} in ${b.step - a.step} step${b.step - a.step === 1 ? '' : 's'} (${formatNumber(a.globalNorm)} at step ${a.step} to ${formatNumber(b.globalNorm)} at step ${b.step})`,
      step: b.step,
      value: best.factor,
      threshold: t.explodingFactor,
    },
  ];
}

// Each layer's median gradient norm over the window against the output layer's (the last layer with parameters).
function vanishing({ layers }: MonitorData, window: StepRecord[], t: Thresholds): Verdict[] {
  if (layers.length < 2) return [];
  const norms = layers.map((l) => median(window.map((s) => layerNorm(l, s))));
  const output = norms[norms.length - 1];
  if (!(output > 0)) return [];
  const low = layers
    .slice(0, -1)
    .map((l, i) => ({ l, norm: norms[i], ratio: norms[i] / output }))
    .filter((x) => x.ratio < t.vanishingRatio)
    .sort((a, b) => a.ratio - b.ratio);
  if (low.length === 0) return [];
  const worst = low[0];
  const others = low.slice(1).map((x) => x.l.name);
  const more =
    others.length === 0
      ? ''
      : `; ${others.length} more layer${others.length > 1 ? 's' : ''} under ${formatNumber(t.vanishingRatio)} (${others.join(', ')})`;
  return [
    {
      kind: 'vanishing',
      severity: 'warning',
      message: `vanishing: ${describeLayer(worst.l)} gradient norm ${formatNumber(worst.norm)}, ${formatNumber(worst.ratio)} of the output layer's (median of ${stepRange(window)})${more}`,
      layer: worst.l.name,
      value: worst.ratio,
      threshold: t.vanishingRatio,
    },
  ];
}

// The median update-to-weight ratio of every weight (parameters of 2 or more dimensions) over the window.
function updateSizes({ parameters }: MonitorData, window: StepRecord[], t: Thresholds): Verdict[] {
  const ratios = parameters
    .map((p, i) => ({ p, ratio: median(window.map((s) => s.updateRatio[i])) }))
    .filter((x) => x.p.shape.length >= 2 && Number.isFinite(x.ratio));
  const out: Verdict[] = [];
  const report = (kind: 'updateTooSmall' | 'updateTooLarge', list: typeof ratios, threshold: number) => {
    if (list.length === 0) return;
    const [worst, ...others] = list;
    const side = kind === 'updateTooSmall' ? 'below' : 'above';
    const head = kind === 'updateTooSmall' ? 'stalled' : 'updates too large';
    const more = others.length === 0 ? '' : `; ${others.length} more weight${others.length > 1 ? 's' : ''} ${side} it`;
    out.push({
      kind,
      severity: 'warning',
      message: `${head}: ${worst.p.name} moves ${formatNumber(worst.ratio)} of its norm per step, ${side} ${formatNumber(threshold)} (median of ${stepRange(window)})${more}`,
      parameter: worst.p.name,
      ...(worst.p.layer ? { layer: worst.p.layer } : {}),
      value: worst.ratio,
      threshold,
    });
  };
  report(
    'updateTooSmall',
    ratios.filter((x) => x.ratio < t.minUpdateRatio).sort((a, b) => a.ratio - b.ratio),
    t.minUpdateRatio,
  );
  report(
    'updateTooLarge',
    ratios.filter((x) => x.ratio > t.maxUpdateRatio).sort((a, b) => b.ratio - a.ratio),
    t.maxUpdateRatio,
  );
  return out;
}

// Per recurrent layer (its forward direction): dL/dh at the first step over dL/dh at the last, median over the window.
function throughTime({ stateGradients }: MonitorData, window: StepRecord[], t: Thresholds): Verdict[] {
  const first = window[0].step;
  const records = stateGradients.filter((r) => r.direction === 'forward' && r.step >= first);
  const out: Verdict[] = [];
  for (const layer of [...new Set(records.map((r) => r.layer))]) {
    const mine = records.filter((r) => r.layer === layer);
    const T = mine[mine.length - 1].norms.length;
    if (T < 2) continue;
    const ratio = median(
      mine.map((r) => (r.norms[r.norms.length - 1] > 0 ? r.norms[0] / r.norms[r.norms.length - 1] : null)),
    );
    if (!Number.isFinite(ratio)) continue;
    const steps = mine.length === 1 ? `step ${mine[0].step}` : `median of ${mine.length} steps`;
    const sentence = `${layer} dL/dh_t at t=0 is ${formatNumber(ratio)} of its value at t=${T - 1} (${steps})`;
    if (ratio < t.timeVanishingRatio) {
      out.push({
        kind: 'vanishingThroughTime',
        severity: 'warning',
        message: `vanishing through time: ${sentence}`,
        layer,
        value: ratio,
        threshold: t.timeVanishingRatio,
      });
    } else if (ratio > t.timeExplodingFactor) {
      out.push({
        kind: 'explodingThroughTime',
        severity: 'warning',
        message: `exploding through time: ${sentence}`,
        layer,
        value: ratio,
        threshold: t.timeExplodingFactor,
      });
    }
  }
  return out;
}

function healthy(data: MonitorData, window: StepRecord[]): Verdict {
  const { steps, layers } = data;
  const parts = [`no vanishing, exploding or non-finite gradient in ${steps.length} recorded steps`];
  const norms = steps.map((s) => s.globalNorm);
  parts.push(`global norm ${formatNumber(Math.min(...norms))} to ${formatNumber(Math.max(...norms))}`);
  if (layers.length >= 2) {
    const medians = layers.map((l) => median(window.map((s) => layerNorm(l, s))));
    const output = medians[medians.length - 1];
    const lowest = Math.min(...medians.slice(0, -1).map((m) => m / output));
    if (Number.isFinite(lowest)) parts.push(`the smallest layer norm is ${formatNumber(lowest)} of the output layer's`);
  }
  return { kind: 'healthy', severity: 'ok', message: `healthy: ${parts.join('; ')}` };
}
