// gradientMonitor: what the gradients of a model do while it trains. Per optimizer step and per parameter: the
// gradient's L2 norm and largest absolute value, the weight's norm and the update-to-weight ratio, and the global
// norm; for recurrent layers the norm of dL/dh_t at every step t (the vanishing curve, which the backward kernels
// compute when a monitor asks). Then verdicts (verdicts.ts), a terminal table, JSON and an HTML report (report.ts).
//
// Two ways in: as a fit callback (model.fit(x, y, { callbacks: [monitor] })), where fit calls onGradients after each
// backward pass and onBatchEnd after the step; or by hand in a custom loop: attach(model), then observe() after the
// backward pass and observeUpdate() after the optimizer step.
//
// Cost per recorded step: one pass over every gradient (two norms, in the backend), and, for update ratios, one copy
// of the weights before the step and one pass comparing them after it. `every` records one step in n.
import { backend } from '../backend/index.js';
import type { Layer } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import type { Callback, CallbackModel, GradientStep } from '../model/callbacks.js';
import type { Parameter as OptimizerParameter } from '../optim/index.js';
import { checkBoolean, checkFinite, checkInteger, checkOptions, rangeError, typeError } from '../validate.js';
import { renderReport } from './html.js';
import { monitorSection, summaryTable } from './report.js';
import { formatTable } from './table.js';
import {
  type LayerInfo,
  type MonitorData,
  type ParameterInfo,
  type StateGradientRecord,
  type StepRecord,
  type Thresholds,
  type Verdict,
  checkThresholds,
  judge,
} from './verdicts.js';

export interface GradientMonitorOptions {
  /** Record one optimizer step in `every`; default 1 (every step). */
  every?: number;
  /** Compute update-to-weight ratios (one copy of the weights per recorded step); default true. */
  updateRatios?: boolean;
  /** Ask recurrent layers for the norm of dL/dh_t at every time step; default true. */
  stateGradients?: boolean;
  /** Verdict thresholds, each optional (see Thresholds for the defaults). */
  thresholds?: Partial<Thresholds>;
}

/** What observe() takes; every field optional. */
export interface ObserveInfo {
  /** The batch's loss. */
  loss?: number;
  /** The parameters whose gradients to read; default the attached model's parameters(). */
  parameters?: readonly OptimizerParameter[];
  /** The optimizer step; default one more than the last observed. */
  step?: number;
  epoch?: number;
  batch?: number;
}

/** A monitor's records and verdicts as plain JSON. */
export interface GradientMonitorJSON extends MonitorData {
  thresholds: Thresholds;
  verdicts: Verdict[];
}

/** What a monitor needs of a model: its parameters, and its layers when it has them (a Sequential does). */
type Monitored = CallbackModel & { layers?: Layer[] };

export class GradientMonitor implements Callback {
  readonly every: number;
  readonly updateRatios: boolean;
  readonly stateGradients: boolean;
  readonly thresholds: Thresholds;
  /** The recorded steps, oldest first. */
  readonly steps: StepRecord[] = [];
  /** dL/dh_t per recurrent layer and recorded step. */
  readonly stateGradientSteps: StateGradientRecord[] = [];
  parameterInfo: ParameterInfo[] = [];
  layerInfo: LayerInfo[] = [];

  private model: Monitored | null = null;
  private recurrent: { layer: RecurrentLayer; wasTracking: boolean }[] = [];
  private observed = 0;
  private nextStep = 0;
  private before: Float32Array[] = [];
  private pending: { record: StepRecord; params: readonly { value: Float32Array }[] } | null = null;

  constructor(options: GradientMonitorOptions = {}) {
    const fn = 'gradientMonitor';
    const o = checkOptions<GradientMonitorOptions>(fn, options, [
      'every',
      'updateRatios',
      'stateGradients',
      'thresholds',
    ]);
    this.every = o.every === undefined ? 1 : checkInteger(fn, 'every', o.every, 1, 1e9);
    this.updateRatios = o.updateRatios === undefined ? true : checkBoolean(fn, 'updateRatios', o.updateRatios);
    this.stateGradients = o.stateGradients === undefined ? true : checkBoolean(fn, 'stateGradients', o.stateGradients);
    this.thresholds = checkThresholds(fn, o.thresholds);
  }

  /**
   * Watches `model` (a Sequential, or anything with parameters()): names parameters after their layers, and turns
   * on the recurrent layers' dL/dh_t. fit calls it (setModel); call it yourself in a custom loop. A monitor that has
   * records keeps to the model they came from (reset() first to watch another).
   */
  attach(model: CallbackModel): this {
    const fn = 'GradientMonitor.attach';
    if (typeof model !== 'object' || model === null || typeof model.parameters !== 'function') {
      throw typeError(fn, 'model', 'a model (with parameters())', model);
    }
    if (this.model === model) return this;
    const names = this.parameterInfo.map((p) => p.name).join();
    this.detach();
    this.model = model;
    this.describe(this.model.parameters(), this.model.layers);
    if (this.steps.length > 0 && this.parameterInfo.map((p) => p.name).join() !== names) {
      this.model = null;
      throw rangeError(
        fn,
        'model',
        'the model whose steps this monitor recorded (call reset() to watch another)',
        'a model with other parameters',
      );
    }
    if (this.stateGradients) {
      for (const layer of this.model.layers ?? []) {
        if (!(layer instanceof RecurrentLayer)) continue;
        this.recurrent.push({ layer, wasTracking: layer.trackStateGradients });
        layer.trackStateGradients = true;
      }
    }
    return this;
  }

  /**
   * Stops watching the model: its recurrent layers go back to computing no dL/dh_t. The records stay. fit calls it
   * when training ends; after a fit that threw, call it yourself.
   */
  detach(): this {
    for (const { layer, wasTracking } of this.recurrent) layer.trackStateGradients = wasTracking;
    this.recurrent = [];
    this.model = null;
    return this;
  }

  /** Forgets every record (the thresholds and the attached model stay). */
  reset(): this {
    this.steps.length = 0;
    this.stateGradientSteps.length = 0;
    this.observed = 0;
    this.nextStep = 0;
    this.pending = null;
    return this;
  }

  // Parameter and layer descriptions, from the model's layers when there are some.
  private describe(params: readonly OptimizerParameter[], layers: Layer[] | undefined): void {
    const owner = new Map<object, Layer>();
    for (const layer of layers ?? []) for (const p of layer.parameters()) owner.set(p, layer);
    this.parameterInfo = params.map((p, i) => ({
      name: typeof p.name === 'string' && p.name !== '' ? p.name : `parameter ${i}`,
      shape: p.shape ? [...p.shape] : [p.value.length],
      layer: owner.get(p)?.name ?? null,
    }));
    this.layerInfo = [];
    for (const layer of layers ?? []) {
      const own = layer.parameters();
      if (own.length === 0) continue;
      const config = layer.getConfig() as { activation?: unknown };
      const spec = config.activation;
      const activation =
        typeof spec === 'string'
          ? spec
          : typeof spec === 'object' && spec
            ? String((spec as { name: unknown }).name)
            : null;
      this.layerInfo.push({
        name: layer.name,
        type: layer.type,
        activation,
        depth: this.layerInfo.length + 1,
        parameters: own.map((p) => params.indexOf(p)).filter((i) => i >= 0),
        recurrent: layer instanceof RecurrentLayer,
      });
    }
  }

  /**
   * Records the gradients now in place (after the backward pass, before the optimizer step), and, for update
   * ratios, copies the weights; returns the record, or null when this step is not one in `every`.
   */
  observe(info: ObserveInfo = {}): StepRecord | null {
    const fn = 'GradientMonitor.observe';
    const o = checkOptions<ObserveInfo>(fn, info, ['loss', 'parameters', 'step', 'epoch', 'batch']);
    const given: unknown = o.parameters ?? this.model?.parameters();
    if (given === undefined)
      throw typeError(fn, 'parameters', 'an array of parameters (or attach(model) first)', given);
    if (!Array.isArray(given)) throw typeError(fn, 'parameters', 'an array of parameters', given);
    given.forEach((p: unknown, i) => {
      const q = p as Partial<OptimizerParameter> | null;
      if (
        !(q?.grad instanceof Float32Array) ||
        !(q.value instanceof Float32Array) ||
        q.grad.length !== q.value.length
      ) {
        throw typeError(fn, `parameters[${i}]`, 'a parameter { value, grad } of two Float32Arrays of one length', p);
      }
    });
    const params = given as readonly OptimizerParameter[];
    if (this.parameterInfo.length === 0 && this.steps.length === 0) this.describe(params, this.model?.layers);
    if (params.length !== this.parameterInfo.length) {
      throw rangeError(
        fn,
        'parameters',
        `the ${this.parameterInfo.length} parameters first observed`,
        `${params.length} parameters`,
      );
    }
    const step = o.step === undefined ? this.nextStep : checkInteger(fn, 'step', o.step, 0, Number.MAX_SAFE_INTEGER);
    this.nextStep = step + 1;
    this.pending = null;
    if (this.observed++ % this.every !== 0) return null;
    const loss = o.loss === undefined ? NaN : typeof o.loss === 'number' ? o.loss : checkFinite(fn, 'loss', o.loss);
    const record: StepRecord = {
      step,
      epoch: o.epoch ?? 0,
      batch: o.batch ?? 0,
      loss,
      globalNorm: 0,
      gradNorm: [],
      gradMaxAbs: [],
      weightNorm: [],
      updateRatio: [],
    };
    let total = 0;
    params.forEach((p) => {
      const squares = backend.normPartial(p.grad, 2);
      total += squares;
      record.gradNorm.push(Math.sqrt(squares));
      record.gradMaxAbs.push(backend.normPartial(p.grad, Infinity));
      record.weightNorm.push(Math.sqrt(backend.normPartial(p.value, 2)));
      record.updateRatio.push(null);
    });
    record.globalNorm = Math.sqrt(total);
    this.steps.push(record);
    if (this.updateRatios) {
      if (this.before.length !== params.length || this.before.some((b, i) => b.length !== params[i].value.length)) {
        this.before = params.map((p) => new Float32Array(p.value.length));
      }
      params.forEach((p, i) => this.before[i].set(p.value));
      this.pending = { record, params };
    }
    for (const { layer } of this.recurrent) {
      const norms = layer.stateGradientNorms();
      norms?.forEach((n, d) =>
        this.stateGradientSteps.push({
          step,
          layer: layer.name,
          direction: d === 0 ? 'forward' : 'reverse',
          norms: Array.from(n),
        }),
      );
    }
    return record;
  }

  /** After the optimizer step: the update-to-weight ratios of the step observe() recorded last. */
  observeUpdate(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    const { record, params } = pending;
    params.forEach((p, i) => {
      const weight = record.weightNorm[i];
      record.updateRatio[i] = weight > 0 ? Math.sqrt(backend.squaredDistance(p.value, this.before[i])) / weight : null;
    });
  }

  // ---- fit's callback hooks ----

  setModel(model: CallbackModel): void {
    this.attach(model);
  }

  onGradients(info: GradientStep): void {
    this.observe({
      loss: info.loss,
      parameters: info.parameters,
      step: info.step,
      epoch: info.epoch,
      batch: info.batch,
    });
  }

  onBatchEnd(): void {
    this.observeUpdate();
  }

  onTrainEnd(): void {
    this.detach();
  }

  // ---- what the records say ----

  /** The verdicts on everything recorded so far (see verdicts.ts): errors first, 'healthy' when nothing is wrong. */
  verdicts(): Verdict[] {
    return judge(this.data(), this.thresholds);
  }

  private data(): MonitorData {
    return {
      parameters: this.parameterInfo,
      layers: this.layerInfo,
      steps: this.steps,
      stateGradients: this.stateGradientSteps,
    };
  }

  /**
   * The table of every parameter's gradient norms (first and last recorded step), weight norm and update ratio,
   * followed by the verdicts, one per line. Printed with console.log unless `print` is given; returned either way.
   */
  summary(options: { print?: (text: string) => void } = {}): string {
    const o = checkOptions<{ print?: (text: string) => void }>('GradientMonitor.summary', options, ['print']);
    const table = summaryTable(this.data(), this.thresholds);
    const text = [formatTable(table), table.caption ?? '', ...this.verdicts().map((v) => v.message)].join('\n');
    (o.print ?? console.log)(text);
    return text;
  }

  /** The report as one self-contained HTML page (charts inlined as SVG; it opens offline). */
  async report(options: { title?: string } = {}): Promise<string> {
    const o = checkOptions<{ title?: string }>('GradientMonitor.report', options, ['title']);
    const title = o.title === undefined ? 'Gradient health' : String(o.title);
    const section = monitorSection(this.data(), this.thresholds, this.verdicts(), 'Gradients');
    return renderReport({
      title,
      sections: [section],
      footer: `steadygrad gradient monitor, ${this.steps.length} recorded steps`,
    });
  }

  /** Everything recorded, the thresholds and the verdicts, as plain JSON (JSON.stringify(monitor) gives it). */
  toJSON(): GradientMonitorJSON {
    return structuredClone({ ...this.data(), thresholds: this.thresholds, verdicts: this.verdicts() });
  }
}

/** gradientMonitor(options): a GradientMonitor, for fit's callbacks or a custom loop. */
export function gradientMonitor(options?: GradientMonitorOptions): GradientMonitor {
  return new GradientMonitor(options);
}
