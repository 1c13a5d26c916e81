// The Sequential model: Keras' API (sequential, add, summary, compile, fit, evaluate, predict) over PyTorch's
// semantics (parameter names and layouts, losses, a forwardBackward for custom loops), on the backend's ops.
//
// Where the work happens: data is read and checked once when it enters (fit, evaluate, predict, trainOnBatch,
// forwardBackward); each batch is gathered into a workspace allocated once per batch size (engine.ts); the layers
// call the backend directly. fit runs long recurrent kernels off the main thread (Backend.recurrentAsync) and yields
// to the event loop between batches, so that a server stays responsive while it trains (see README, "fit and the
// event loop").
import { backend } from '../backend/index.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD } from '../optim/index.js';
import type { Parameter as OptimizerParameter } from '../optim/index.js';
import { Layer, type Parameter, type Shape, formatShape, isSequence } from '../layers/layer.js';
import { layerFromConfig } from '../layers/registry.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import {
  checkBoolean,
  checkChoice,
  checkFinite,
  checkInteger,
  checkOptions,
  describe,
  rangeError,
  typeError,
} from '../validate.js';
import { type Callback, CallbackList, type History, type Logs, ProgressLogger } from './callbacks.js';
import { type Dataset, type Input, type Tensor, readInput, sliceRows } from './data.js';
import { Engine, type Totals, type Workspace, newTotals } from './engine.js';
import { type Loss, type LossSpec, type Metric, resolveLoss, resolveMetrics } from './losses.js';
import { Random } from './random.js';
import { type ModelScalers, type ScalerSpec, compileScalers, rawOutputs, scaleTraining } from './scaling.js';
import { checkSchedules } from './schedules.js';
import * as saving from './save.js';
import type { Schedule } from '../optim/index.js';
import type { Scaler } from '../normalize/index.js';

/** What compile needs of an optimizer (src/optim/): parameter groups it updates, and a step. */
export interface OptimizerLike {
  paramGroups: { params: OptimizerParameter[] }[];
  addParamGroup(group: { params: OptimizerParameter[] }): void;
  step(): void;
  zeroGrad?(): void;
  /** 'skip': a non-finite gradient (or loss) skips the update instead of stopping fit. Default 'error'. */
  nonFinite?: 'error' | 'skip';
}

export interface SequentialOptions {
  /** The model's name; default 'sequential'. */
  name?: string;
  /** Seeds the initializers and dropout masks (and fit's shuffles, unless fit has its own seed). Default: random. */
  seed?: number;
  /** Whose default initializers to use where a layer gives none: 'keras' (default) or 'pytorch'. */
  initializers?: 'keras' | 'pytorch';
}

export interface CompileOptions {
  optimizer: OptimizerLike | string;
  loss: LossSpec;
  metrics?: string[];
  /**
   * Scales the inputs: a scaler of the normalization API, its name ('standard', 'minmax', 'maxabs', 'robust',
   * 'decimal', 'mapminmax', 'mapstd') or a ps of mapminmax()/mapstd(). fit fits it on the training data (unless it
   * is fitted already); every method then takes raw inputs. Saved with the model. Left out when compiling again,
   * the model keeps the one it has; null removes it.
   */
  inputScaler?: ScalerSpec | null;
  /** Scales the targets (regression losses only), likewise; predict and evaluate answer in the raw units. */
  targetScaler?: ScalerSpec | null;
  /**
   * Learning-rate schedules of the optimizer, stepped by fit and fitDataset (as if given as their first callbacks)
   * and saved with the model. Default none.
   */
  schedules?: Schedule[];
}

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle the training examples every epoch; default true. */
  shuffle?: boolean;
  /** The fraction of examples, taken from the end before shuffling, to validate on; default 0. */
  validationSplit?: number;
  /** [x, y] or { x, y } to validate on at the end of every epoch. */
  validationData?: [Input, Input] | { x: Input; y: Input };
  callbacks?: Callback[];
  /** Seeds the shuffles; default: derived from the model's seed and how many times fit has run. */
  seed?: number;
  /** 0 silent, 1 progress bar (plain lines when stdout is not a terminal), 2 one line per epoch; default 1. */
  verbose?: 0 | 1 | 2;
  /**
   * The epoch to start counting from (to resume); default 0. A fit with initialEpoch > 0 continues the model's last
   * fit: without a seed of its own it takes that fit's seed, and it replays that fit's shuffles of the epochs before
   * initialEpoch, so that a run resumed from a checkpoint (loadModel) sees the batches the uninterrupted one would.
   */
  initialEpoch?: number;
}

export interface FitDatasetOptions {
  epochs?: number;
  validationData?: [Input, Input] | { x: Input; y: Input };
  callbacks?: Callback[];
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
}

/** A batch of a dataset for fitDataset: { x, y } or [x, y]. */
export type Batch = { x: Input; y: Input } | [Input, Input];
export type BatchSource = AsyncIterable<Batch> | Iterable<Batch>;

/** A model's output: the data, its shape, and (returnState) the final states of the last layer, (N, H) each. */
export interface Prediction extends Tensor {
  states?: Tensor[];
}

/** The config of a model: plain JSON that rebuilds it with sequentialFromConfig (weights excluded). */
export interface SequentialConfig {
  name: string;
  seed: number;
  initializers: 'keras' | 'pytorch';
  layers: { type: string; config: Record<string, unknown> }[];
}

/** Recurrent kernel calls with at least this many flops run off the main thread inside fit (~1 ms of work). */
const ASYNC_MIN_FLOPS = 2e7;
/** fit yields to the event loop when this much time has passed since it last did. */
const YIELD_EVERY_MS = 8;

export class Sequential {
  readonly name: string;
  readonly seed: number;
  readonly initializers: 'keras' | 'pytorch';
  readonly layers: Layer[] = [];
  /** Set to true (from a callback) to stop fit after the current batch or epoch. */
  stopTraining = false;

  private readonly initRandom: Random;
  private readonly dropoutRandom: Random;
  private outputShapeBuilt: Shape | null = null;
  private engine: Engine | null = null;
  private loss: Loss | null = null;
  private metricList: Metric[] = [];
  private optimizer: OptimizerLike | null = null;
  private compileSpec: { loss: LossSpec; metrics: string[] } | null = null;
  private scalers: ModelScalers | null = null;
  private scheduleList: Schedule[] = [];
  /** The seed of the last fit, which a fit with initialEpoch > 0 continues. */
  private lastFitSeed: number | null = null;
  private fitCount = 0;
  /** Batches whose loss was not finite, skipped under the optimizer's nonFinite: 'skip' policy. */
  skippedBatches = 0;
  private stepCount = 0;
  private busy = false;
  private readonly names = new Set<string>();

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    const fn = 'sequential';
    if (!Array.isArray(layers)) throw typeError(fn, 'layers', 'an array of layers', layers);
    const o = checkOptions<SequentialOptions>(fn, options, ['name', 'seed', 'initializers']);
    this.name = o.name === undefined ? 'sequential' : String(o.name);
    this.seed = o.seed === undefined ? Random.entropySeed() : checkInteger(fn, 'seed', o.seed, 0, 4294967295);
    this.initializers =
      o.initializers === undefined
        ? 'keras'
        : checkChoice(fn, 'initializers', o.initializers, ['keras', 'pytorch'] as const);
    this.initRandom = Random.derive(this.seed, 'init');
    this.dropoutRandom = Random.derive(this.seed, 'dropout');
    layers.forEach((layer, i) => this.addLayer(`sequential: layers[${i}]`, layer));
  }

  /** Appends a layer (before compile). */
  add(layer: Layer): this {
    if (this.optimizer) throw new Error('add: the model is compiled; add every layer before compile');
    this.addLayer('add: layer', layer);
    return this;
  }

  private addLayer(where: string, layer: unknown): void {
    const [fn, arg] = where.split(': ');
    if (!(layer instanceof Layer))
      throw typeError(fn, arg, 'a layer (from layers.dense(...), layers.lstm(...), ...)', layer);
    if (layer.built || this.layers.includes(layer)) {
      throw rangeError(fn, arg, 'a layer not already in a model', `layer '${layer.name}'`);
    }
    const previous = this.layers[this.layers.length - 1];
    if (previous instanceof RecurrentLayer && previous.returnState) {
      throw rangeError(
        fn,
        arg,
        `nothing after '${previous.name}', whose returnState puts its states in the output`,
        `layer ${layer.type}`,
      );
    }
    if (this.layers.length > 0 && layer.inputShape !== null) {
      throw rangeError(fn, `${arg}.inputShape`, 'given on the first layer only', `[${layer.inputShape.join(', ')}]`);
    }
    if (layer.name === '') {
      const base = layer.defaultName;
      let name = base;
      for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
      layer.name = name;
    } else if (this.names.has(layer.name)) {
      throw rangeError(fn, `${arg}.name`, 'a name no other layer of the model has', `'${layer.name}'`);
    }
    this.names.add(layer.name);
    this.layers.push(layer);
    if (this.outputShapeBuilt) {
      this.outputShapeBuilt = layer.build(this.outputShapeBuilt, {
        random: this.initRandom,
        initializers: this.initializers,
      });
      this.engine = null;
    } else if (this.layers.length === 1 && layer.inputShape) {
      this.build(layer.inputShape);
    }
  }

  /** Builds every layer for `inputShape` (one example's shape). Called by the constructor when the first layer has one. */
  private build(inputShape: Shape): void {
    let shape = inputShape;
    for (const layer of this.layers)
      shape = layer.build(shape, { random: this.initRandom, initializers: this.initializers });
    this.outputShapeBuilt = shape;
  }

  private requireBuilt(fn: string): void {
    if (this.layers.length === 0) throw new Error(`${fn}: the model has no layers`);
    if (!this.outputShapeBuilt) {
      throw new Error(
        `${fn}: the model is not built yet: give its first layer an inputShape, or call fit or predict first`,
      );
    }
  }

  /** The built input shape of one example. */
  get inputShape(): Shape {
    this.requireBuilt('inputShape');
    return this.layers[0].inputShapeBuilt;
  }

  /** The built output shape of one example. */
  get outputShape(): Shape {
    this.requireBuilt('outputShape');
    return this.outputShapeBuilt as Shape;
  }

  private getEngine(): Engine {
    if (!this.engine) this.engine = new Engine(this.layers, this.inputShape, this.outputShape, this.dropoutRandom);
    return this.engine;
  }

  /** Every parameter, in layer order: { name, shape, value, grad }, the model's own storage. */
  parameters(): Parameter[] {
    this.requireBuilt('parameters');
    return this.layers.flatMap((l) => l.parameters());
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    for (const layer of this.layers) for (const p of layer.parameters()) p.grad.fill(0);
  }

  /** A table of the layers, their output shapes and parameter counts; printed (console.log) unless print is given. */
  summary(options: { print?: (line: string) => void } = {}): string {
    this.requireBuilt('summary');
    const rows = this.layers.map(
      (l) =>
        [
          `${l.name} (${l.type})`,
          formatShape(l.outputShape),
          l.parameters().reduce((n, p) => n + p.value.length, 0),
        ] as const,
    );
    const total = rows.reduce((n, r) => n + r[2], 0);
    const w = [
      Math.max(28, ...rows.map((r) => r[0].length + 2)),
      Math.max(22, ...rows.map((r) => r[1].length + 2)),
      12,
    ];
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(w[i]))
        .join('')
        .trimEnd();
    const rule = (ch: string) => ch.repeat(w[0] + w[1] + w[2]);
    const count = (n: number) => n.toLocaleString('en-US');
    const text = [
      `Model: "${this.name}"`,
      rule('_'),
      line(['Layer (type)', 'Output Shape', 'Param #']),
      rule('='),
      ...rows.map((r) => line([r[0], r[1], count(r[2])])),
      rule('='),
      `Total params: ${count(total)}`,
      `Trainable params: ${count(total)}`,
      'Non-trainable params: 0',
      rule('_'),
    ].join('\n');
    (options.print ?? console.log)(text);
    return text;
  }

  /**
   * Sets the loss, the metrics and the optimizer. An optimizer constructed without parameters (new Adam({ lr }))
   * is bound to this model's parameters here.
   */
  compile(options: CompileOptions): void {
    const fn = 'compile';
    const o = checkOptions<CompileOptions>(fn, options, [
      'optimizer',
      'loss',
      'metrics',
      'inputScaler',
      'targetScaler',
      'schedules',
    ]);
    this.requireBuilt(fn);
    if (o.loss === undefined) throw typeError(fn, 'loss', 'a loss name or { name, ... }', undefined);
    const loss = resolveLoss(fn, o.loss);
    const units = this.outputUnits();
    if (loss.sparse && units < 2) {
      throw rangeError(
        fn,
        'loss',
        'a loss that fits one output unit (sparseCategoricalCrossentropy needs one unit per class, at least 2)',
        `'${loss.name}'`,
      );
    }
    const metrics = resolveMetrics(fn, o.metrics, loss, units);
    const optimizer = this.bindOptimizer(fn, o.optimizer);
    const scalers = compileScalers(fn, o.inputScaler, o.targetScaler, loss, this.scalers);
    const schedules = checkSchedules(fn, o.schedules, optimizer);
    this.loss = loss;
    this.metricList = metrics;
    this.optimizer = optimizer;
    this.compileSpec = { loss: loss.spec, metrics: metrics.map((m) => m.name) };
    this.scalers = scalers;
    this.scheduleList = schedules;
  }

  private bindOptimizer(fn: string, value: unknown): OptimizerLike {
    if (typeof value === 'string') {
      const factory = optimizerFactories[value];
      if (!factory) {
        throw rangeError(
          fn,
          'optimizer',
          `an optimizer or one of ${
            Object.keys(optimizerFactories)
              .map((n) => `'${n}'`)
              .join(', ') || 'none'
          }`,
          `'${value}'`,
        );
      }
      value = factory();
    }
    const opt = value as OptimizerLike;
    if (typeof opt !== 'object' || opt === null || typeof opt.step !== 'function' || !Array.isArray(opt.paramGroups)) {
      throw typeError(fn, 'optimizer', 'an optimizer (new Adam({ lr }), ...) or its name', value);
    }
    const params = this.parameters();
    const bound = opt.paramGroups.flatMap((g) => g.params);
    if (bound.length === 0) {
      opt.addParamGroup({ params });
    } else if (bound.length !== params.length || bound.some((p) => !params.includes(p as Parameter))) {
      throw rangeError(
        fn,
        'optimizer',
        "one constructed without parameters, or with exactly this model's parameters()",
        'an optimizer bound to other parameters',
      );
    }
    return opt;
  }

  private outputUnits(): number {
    const shape = this.outputShape;
    return shape[shape.length - 1] as number;
  }

  private requireCompiled(fn: string): Loss {
    if (!this.loss || !this.optimizer)
      throw new Error(`${fn}: compile the model first (model.compile({ optimizer, loss }))`);
    return this.loss;
  }

  // ---- data entering the model ----

  /** Reads and checks x (and y) against the model's shapes; builds the model from x when it is not built yet. */
  private readData(fn: string, xValue: unknown, yValue: unknown, loss: Loss | null): { x: Dataset; y: Dataset | null } {
    const x = readInput(fn, 'x', xValue);
    if (!this.outputShapeBuilt && this.layers.length > 0) this.build(x.shape.slice(1));
    this.requireBuilt(fn);
    const input = this.inputShape;
    const expected = input.map((d) => (d === null ? 'T' : String(d)));
    const ok = x.shape.length === input.length + 1 && input.every((d, i) => d === null || d === x.shape[i + 1]);
    if (!ok) throw rangeError(fn, 'x', `of shape [N, ${expected.join(', ')}]`, `shape [${x.shape.join(', ')}]`);
    if (x.lengths && !isSequence(input)) throw rangeError(fn, 'x.lengths', 'given only for sequence inputs', 'lengths');
    if (yValue === undefined || yValue === null) return { x, y: null };
    const y = readInput(fn, 'y', yValue);
    if (y.shape[0] !== x.shape[0]) {
      throw rangeError(fn, 'y', `${x.shape[0]} examples, as x has`, `${y.shape[0]} (shape [${y.shape.join(', ')}])`);
    }
    const out = this.outputShape;
    const steps = isSequence(out) ? [x.shape[1]] : [];
    const units = this.outputUnits();
    if (loss?.sparse) {
      const okSparse = y.shape.length === 1 + steps.length && steps.every((t, i) => y.shape[i + 1] === t);
      const okColumn =
        y.shape.length === 2 + steps.length &&
        steps.every((t, i) => y.shape[i + 1] === t) &&
        y.shape[y.shape.length - 1] === 1;
      if (!okSparse && !okColumn) {
        throw rangeError(
          fn,
          'y',
          `class indices of shape [N${steps.map(() => ', T').join('')}] or [N${steps.map(() => ', T').join('')}, 1]`,
          `shape [${y.shape.join(', ')}]`,
        );
      }
      for (let i = 0; i < y.data.length; i++) {
        const k = y.data[i];
        if (!Number.isInteger(k) || k < 0 || k >= units)
          throw rangeError(fn, `y.data[${i}]`, `a class index in [0, ${units - 1}]`, describe(k));
      }
    } else {
      const want = [x.shape[0], ...steps, units];
      if (y.shape.length !== want.length || want.some((d, i) => y.shape[i] !== d)) {
        throw rangeError(
          fn,
          'y',
          `of shape [${want.join(', ')}] (the model's output)`,
          `shape [${y.shape.join(', ')}]`,
        );
      }
    }
    return { x, y };
  }

  // ---- inference ----

  /**
   * The model's outputs for x, in batches (default: up to 256 examples at a time), in inference mode: dropout off, and
   * workspaces without gradient buffers (the recurrent kernels still write the states they would save for backward).
   */
  predict(xValue: Input, options: { batchSize?: number } = {}): Prediction {
    const fn = 'predict';
    const o = checkOptions<{ batchSize?: number }>(fn, options, ['batchSize']);
    const x = this.scaled(fn, this.readData(fn, xValue, undefined, null)).x;
    const N = x.shape[0];
    const batchSize =
      o.batchSize === undefined ? Math.min(N, 256) : checkInteger(fn, 'batchSize', o.batchSize, 1, 1 << 24);
    const engine = this.getEngine();
    const T = engine.inputIsSequence ? x.shape[1] : 1;
    const units = this.outputUnits();
    const perExample = (engine.outputIsSequence ? T : 1) * units;
    const data = new Float32Array(N * perExample);
    const lastLayer = this.layers[this.layers.length - 1];
    const last = lastLayer instanceof RecurrentLayer && lastLayer.returnState ? lastLayer : null;
    const stateData: Float32Array[] = [];
    const order = identity(N);
    for (let start = 0; start < N; start += batchSize) {
      const B = Math.min(batchSize, N - start);
      const ws = engine.workspace(B, T, false, null);
      engine.load(ws, x, null, order, start);
      const out = engine.forward(ws);
      const dst = data.subarray(start * perExample, (start + B) * perExample);
      if (engine.outputIsSequence)
        backend.swapAxes(out, dst, T, B, units); // time-major to batch-major
      else dst.set(out.subarray(0, B * units));
      if (last) {
        const states = last.states(ws.states[this.layers.length - 1] as never);
        states.forEach((s, i) => {
          stateData[i] ??= new Float32Array(N * last.units);
          stateData[i].set(s, start * last.units);
        });
      }
    }
    if (this.scalers) rawOutputs(fn, this.scalers, data, units, engine.outputIsSequence ? T : 0, x.lengths);
    const shape = [N, ...(engine.outputIsSequence ? [T] : []), units];
    const result: Prediction = { data, shape };
    if (last) result.states = stateData.map((d) => ({ data: d, shape: [N, last.units] }));
    return result;
  }

  /** The loss and metrics on (x, y), in inference mode: { loss, <metric>: value }. */
  evaluate(xValue: Input, yValue: Input, options: { batchSize?: number } = {}): Logs {
    const fn = 'evaluate';
    const o = checkOptions<{ batchSize?: number }>(fn, options, ['batchSize']);
    const loss = this.requireCompiled(fn);
    const { x, y } = this.readData(fn, xValue, yValue, loss);
    const batchSize = o.batchSize === undefined ? 32 : checkInteger(fn, 'batchSize', o.batchSize, 1, 1 << 24);
    return this.evaluateData(this.scaled(fn, { x, y: null }).x, y as Dataset, batchSize, '', fn);
  }

  // rawFor: evaluate's name, when y is in raw units (the outputs are mapped back by the target scaler to meet it).
  private evaluateData(x: Dataset, y: Dataset, batchSize: number, prefix: string, rawFor = ''): Logs {
    const loss = this.loss as Loss;
    const engine = this.getEngine();
    const N = x.shape[0];
    const T = engine.inputIsSequence ? x.shape[1] : 1;
    const totals = newTotals(this.metricList);
    const order = identity(N);
    for (let start = 0; start < N; start += batchSize) {
      const B = Math.min(batchSize, N - start);
      const ws = engine.workspace(B, T, false, loss);
      engine.load(ws, x, y, order, start);
      engine.forward(ws);
      if (rawFor && this.scalers) this.scalers.outputs(rawFor, engine.lastOutput(ws), engine.outputUnits);
      totals.loss += engine.loss(ws, loss, false) * B;
      totals.lossCount += B;
      engine.metrics(ws, this.metricList, totals);
    }
    return this.logsOf(totals, prefix);
  }

  private logsOf(totals: Totals, prefix: string): Logs {
    const logs: Logs = { [`${prefix}loss`]: totals.lossCount ? totals.loss / totals.lossCount : 0 };
    this.metricList.forEach((m, i) => {
      logs[`${prefix}${m.name}`] = totals.metricCounts[i] ? totals.metrics[i] / totals.metricCounts[i] : 0;
    });
    return logs;
  }

  // ---- training ----

  /**
   * One forward and backward pass on (x, y), synchronous: gradients accumulate into each parameter's grad (call
   * zeroGrad first), no weight changes. For custom loops: clip, step your own optimizer, log what you like. Dropout
   * is active. Uses the compiled loss, or `options.loss`.
   */
  forwardBackward(xValue: Input, yValue: Input, options: { loss?: LossSpec } = {}): { loss: number } {
    const fn = 'forwardBackward';
    const o = checkOptions<{ loss?: LossSpec }>(fn, options, ['loss']);
    this.requireBuilt(fn);
    const loss = o.loss !== undefined ? resolveLoss(fn, o.loss) : this.loss;
    if (!loss) throw new Error(`${fn}: give a loss (compile the model, or pass { loss })`);
    const { x, y } = this.scaled(fn, this.readData(fn, xValue, yValue, loss));
    const engine = this.getEngine();
    const ws = engine.workspace(x.shape[0], engine.inputIsSequence ? x.shape[1] : 1, true, loss);
    engine.load(ws, x, y, identity(x.shape[0]), 0);
    engine.forward(ws);
    const value = engine.loss(ws, loss, true);
    engine.backward(ws, engine.fuses(loss));
    return { loss: value };
  }

  /** One optimizer step on (x, y) as one batch; returns the batch's { loss, <metric>: value }. Synchronous. */
  trainOnBatch(xValue: Input, yValue: Input): Logs {
    const fn = 'trainOnBatch';
    const loss = this.requireCompiled(fn);
    this.guard(fn);
    try {
      const { x, y } = this.scaled(fn, this.readData(fn, xValue, yValue, loss));
      const engine = this.getEngine();
      const ws = engine.workspace(x.shape[0], engine.inputIsSequence ? x.shape[1] : 1, true, loss);
      engine.load(ws, x, y, identity(x.shape[0]), 0);
      const totals = newTotals(this.metricList);
      this.zeroGrad();
      engine.forward(ws);
      const value = this.checkedLoss(fn, ws, loss, -1, -1);
      if (Number.isNaN(value)) return { loss: NaN };
      engine.backward(ws, engine.fuses(loss));
      this.finishStep(fn, ws, value, -1, -1, totals, null);
      return this.logsOf(totals, '');
    } finally {
      this.busy = false;
    }
  }

  private guard(fn: string): void {
    if (this.busy) throw new Error(`${fn}: the model is training (fit is running); wait for it to finish`);
    this.busy = true;
  }

  private checkedLoss(fn: string, ws: Workspace, loss: Loss, epoch: number, batch: number): number {
    const engine = this.getEngine();
    const value = engine.loss(ws, loss, true);
    if (Number.isFinite(value)) return value;
    if (this.optimizer?.nonFinite === 'skip') {
      this.skippedBatches++;
      return NaN; // the caller skips the backward pass and the step
    }
    const where = this.stepText(epoch, batch);
    const bad = engine.firstNonFiniteOutput(ws);
    let origin = 'from finite outputs (the targets, or the loss overflowed)';
    if (bad) {
      const layer = this.layers[bad.layer];
      origin = `first in the output of layer '${layer.name}' (${layer.type}) at index ${bad.index}`;
      const param = layer.parameters().find((p) => firstNonFinite(p.value) >= 0);
      if (param)
        origin += `, whose parameter ${param.name} holds ${describe(param.value[firstNonFinite(param.value)])}`;
    }
    throw new RangeError(`${fn}: the loss is ${value} at ${where}, ${origin}; no weight was changed`);
  }

  private stepText(epoch: number, batch: number): string {
    return epoch < 0 ? `step ${this.stepCount}` : `step ${this.stepCount} (epoch ${epoch}, batch ${batch})`;
  }

  // After the backward pass: the gradient hooks (which see a non-finite gradient too, so that a monitor can say where
  // it appeared), every gradient finite (checked from the output layer back, so the parameter named is the first the
  // non-finite value reached), the optimizer step, the metrics.
  private finishStep(
    fn: string,
    ws: Workspace,
    value: number,
    epoch: number,
    batch: number,
    totals: Totals,
    callbacks: CallbackList | null,
  ): void {
    if (callbacks?.hasGradientHooks) {
      callbacks.gradients({ step: this.stepCount, epoch, batch, loss: value, parameters: this.parameters() });
    }
    for (let i = this.layers.length - 1; i >= 0; i--) {
      for (const p of this.layers[i].parameters()) {
        const at = firstNonFinite(p.grad);
        if (at >= 0 && this.optimizer?.nonFinite === 'skip') {
          this.optimizer.step(); // skips the update, and counts it in optimizer.skippedSteps
          return;
        }
        if (at >= 0) {
          throw new RangeError(
            `${fn}: the gradient of ${p.name} (layer '${this.layers[i].name}') holds ${describe(p.grad[at])} at index ${at} at ${this.stepText(epoch, batch)}; no weight was changed`,
          );
        }
      }
    }
    (this.optimizer as OptimizerLike).step();
    this.stepCount++;
    totals.loss += value * ws.B;
    totals.lossCount += ws.B;
    this.getEngine().metrics(ws, this.metricList, totals);
  }

  /**
   * Trains for `epochs` over (x, y): shuffled batches, callbacks, validation, progress output; resolves with the
   * History of every epoch's logs. Long recurrent kernels run off the main thread.
   */
  async fit(xValue: Input, yValue: Input, options: FitOptions = {}): Promise<History> {
    const fn = 'fit';
    const o = checkOptions<FitOptions>(fn, options, [
      'epochs',
      'batchSize',
      'shuffle',
      'validationSplit',
      'validationData',
      'callbacks',
      'seed',
      'verbose',
      'initialEpoch',
    ]);
    const loss = this.requireCompiled(fn);
    const epochs = o.epochs === undefined ? 1 : checkInteger(fn, 'epochs', o.epochs, 1, 1e9);
    const batchSize = o.batchSize === undefined ? 32 : checkInteger(fn, 'batchSize', o.batchSize, 1, 1 << 24);
    const shuffle = o.shuffle === undefined ? true : checkBoolean(fn, 'shuffle', o.shuffle);
    const split = o.validationSplit === undefined ? 0 : checkFinite(fn, 'validationSplit', o.validationSplit);
    if (!(split >= 0 && split < 1)) throw rangeError(fn, 'validationSplit', 'a number in [0, 1)', String(split));
    const verbose = (o.verbose === undefined ? 1 : checkInteger(fn, 'verbose', o.verbose, 0, 2)) as 0 | 1 | 2;
    const initialEpoch =
      o.initialEpoch === undefined ? 0 : checkInteger(fn, 'initialEpoch', o.initialEpoch, 0, epochs - 1);
    // A fit with initialEpoch > 0 continues the last fit: its seed, and its shuffles replayed up to initialEpoch.
    const seed =
      o.seed === undefined
        ? initialEpoch > 0 && this.lastFitSeed !== null
          ? this.lastFitSeed
          : (this.seed + 0x9e3779b9 * (this.fitCount + 1)) >>> 0
        : checkInteger(fn, 'seed', o.seed, 0, 4294967295);
    const userCallbacks = checkCallbacks(fn, o.callbacks);
    let { x, y } = this.readData(fn, xValue, yValue, loss) as { x: Dataset; y: Dataset };
    let validation: { x: Dataset; y: Dataset } | null = null;
    if (o.validationData !== undefined) {
      validation = this.readValidation(fn, o.validationData, loss);
    } else if (split > 0) {
      const N = x.shape[0];
      const cut = N - Math.floor(N * split);
      if (cut === 0 || cut === N)
        throw rangeError(fn, 'validationSplit', `a fraction that leaves examples on both sides of ${N}`, String(split));
      validation = { x: sliceRows(x, cut, N), y: sliceRows(y, cut, N) };
      x = sliceRows(x, 0, cut);
      y = sliceRows(y, 0, cut);
    }
    if (this.scalers) ({ x, y, validation } = scaleTraining(fn, this.scalers, x, y, validation));
    if (!(initialEpoch > 0 && this.lastFitSeed !== null)) this.fitCount++; // a continued fit is not a new one
    this.lastFitSeed = seed;
    const N = x.shape[0];
    const batches = Math.ceil(N / batchSize);
    const random = new Random(seed);
    const order = identity(N).slice(); // shuffled in place: a copy of its own
    const engine = this.getEngine();
    const T = engine.inputIsSequence ? x.shape[1] : 1;
    if (shuffle) for (let e = 0; e < initialEpoch; e++) random.shuffle(order);
    // Each epoch: a fresh shuffle, then the batches in that order, each gathered into the workspace of its size.
    const epochBatches = function* (): Generator<() => Workspace> {
      if (shuffle) random.shuffle(order);
      for (let b = 0; b < batches; b++) {
        const start = b * batchSize;
        yield () => {
          const ws = engine.workspace(Math.min(batchSize, N - start), T, true, loss);
          engine.load(ws, x, y, order, start);
          return ws;
        };
      }
    };
    return this.trainEpochs(fn, {
      epochs,
      initialEpoch,
      loss,
      userCallbacks,
      progress: new ProgressLogger(verbose, epochs, batches),
      validation,
      validationBatchSize: batchSize,
      epochBatches,
    });
  }

  private readValidation(fn: string, value: unknown, loss: Loss): { x: Dataset; y: Dataset } {
    let pair: [unknown, unknown];
    if (Array.isArray(value) && value.length === 2) pair = [value[0], value[1]];
    else if (typeof value === 'object' && value !== null && 'x' in value && 'y' in value)
      pair = [(value as { x: unknown }).x, (value as { y: unknown }).y];
    else throw typeError(fn, 'validationData', '[x, y] or { x, y }', value);
    const { x, y } = this.readData(`${fn}: validationData`, pair[0], pair[1], loss);
    return { x, y: y as Dataset };
  }

  /**
   * Trains on batches from an async iterable (a Node Readable in object mode works), or a function returning a fresh
   * one per epoch; each batch is { x, y } or [x, y], checked as it arrives. An iterable that can be read only once
   * serves one epoch.
   */
  async fitDataset(source: BatchSource | (() => BatchSource), options: FitDatasetOptions = {}): Promise<History> {
    const fn = 'fitDataset';
    const o = checkOptions<FitDatasetOptions>(fn, options, [
      'epochs',
      'validationData',
      'callbacks',
      'verbose',
      'initialEpoch',
    ]);
    const loss = this.requireCompiled(fn);
    const epochs = o.epochs === undefined ? 1 : checkInteger(fn, 'epochs', o.epochs, 1, 1e9);
    const verbose = (o.verbose === undefined ? 1 : checkInteger(fn, 'verbose', o.verbose, 0, 2)) as 0 | 1 | 2;
    const initialEpoch =
      o.initialEpoch === undefined ? 0 : checkInteger(fn, 'initialEpoch', o.initialEpoch, 0, epochs - 1);
    const userCallbacks = checkCallbacks(fn, o.callbacks);
    const isIterable = (s: unknown) =>
      typeof s === 'object' && s !== null && (Symbol.asyncIterator in s || Symbol.iterator in s);
    if (typeof source !== 'function' && !isIterable(source)) {
      throw typeError(fn, 'source', 'an async iterable or iterable of batches, or a function returning one', source);
    }
    const read = o.validationData === undefined ? null : this.readValidation(fn, o.validationData, loss);
    const validation = read && this.scaled(fn, read);
    // Each epoch: the batches the source gives, each checked, scaled and loaded as it arrives.
    const epochBatches = async function* (this: Sequential, epoch: number): AsyncGenerator<() => Workspace> {
      const iterable = typeof source === 'function' ? source() : source;
      if (!isIterable(iterable)) throw typeError(fn, 'source()', 'an async iterable or iterable of batches', iterable);
      let b = 0;
      for await (const batch of iterable as AsyncIterable<Batch>) {
        const [bx, by] = Array.isArray(batch) ? batch : [(batch as { x: Input }).x, (batch as { y: Input }).y];
        const { x, y } = this.scaled(fn, this.readData(`${fn}: batch ${b}`, bx, by, loss));
        const engine = this.getEngine();
        const B = x.shape[0];
        b++;
        yield () => {
          const ws = engine.workspace(B, engine.inputIsSequence ? x.shape[1] : 1, true, loss);
          engine.load(ws, x, y, identity(B), 0);
          return ws;
        };
      }
      if (b === 0) {
        throw new RangeError(
          `${fn}: source gave no batches in epoch ${epoch}${epoch > initialEpoch ? ' (an iterable that can be read once serves one epoch: pass a function that returns a fresh one)' : ''}`,
        );
      }
    };
    return this.trainEpochs(fn, {
      epochs,
      initialEpoch,
      loss,
      userCallbacks,
      progress: new ProgressLogger(verbose, epochs, null),
      validation,
      validationBatchSize: 32,
      epochBatches: epochBatches.bind(this),
    });
  }

  /**
   * The loop fit and fitDataset share: epochs of batches with the callbacks' hooks, one training step per batch,
   * validation at each epoch's end, and a yield to the event loop every few milliseconds. `epochBatches(epoch)`
   * gives the epoch's batches, each as a function that loads it into a workspace.
   */
  private async trainEpochs(
    fn: string,
    o: {
      epochs: number;
      initialEpoch: number;
      loss: Loss;
      userCallbacks: Callback[];
      progress: ProgressLogger;
      validation: { x: Dataset; y: Dataset } | null;
      validationBatchSize: number;
      epochBatches: (epoch: number) => Iterable<() => Workspace> | AsyncIterable<() => Workspace>;
    },
  ): Promise<History> {
    const { loss, userCallbacks, validation } = o;
    const callbacks = new CallbackList([
      ...this.scheduleList.filter((s) => !userCallbacks.includes(s as Callback)),
      ...userCallbacks,
      o.progress,
    ]);
    const fused = this.getEngine().fuses(loss);
    const history: History = { epoch: [], history: {} };
    this.guard(fn);
    this.stopTraining = false;
    try {
      for (const c of userCallbacks) c.setModel?.(this);
      await callbacks.call('onTrainBegin', {});
      let lastYield = performance.now();
      for (let epoch = o.initialEpoch; epoch < o.epochs && !this.stopTraining; epoch++) {
        await callbacks.call('onEpochBegin', epoch, {});
        const totals = newTotals(this.metricList);
        let b = 0;
        for await (const loadBatch of o.epochBatches(epoch)) {
          if (this.stopTraining) break; // set by a callback before this batch
          const ws = loadBatch();
          await callbacks.call('onBatchBegin', b, { batch: b, size: ws.B });
          const engine = this.getEngine();
          this.zeroGrad();
          await engine.forwardAwaiting(ws, ASYNC_MIN_FLOPS);
          const value = this.checkedLoss(fn, ws, loss, epoch, b);
          if (!Number.isNaN(value)) {
            await engine.backwardAwaiting(ws, fused, ASYNC_MIN_FLOPS);
            this.finishStep(fn, ws, value, epoch, b, totals, callbacks);
          }
          await callbacks.call('onBatchEnd', b, this.logsOf(totals, ''));
          b++;
          if (this.stopTraining) break;
          if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await yieldToEventLoop();
            lastYield = performance.now();
          }
        }
        const logs = this.logsOf(totals, '');
        if (validation) {
          Object.assign(logs, this.evaluateData(validation.x, validation.y, o.validationBatchSize, 'val_'));
        }
        history.epoch.push(epoch);
        for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
        await callbacks.call('onEpochEnd', epoch, logs);
      }
      await callbacks.call('onTrainEnd', {});
    } finally {
      this.busy = false;
    }
    return history;
  }

  /** The model's architecture as plain JSON (weights excluded); sequentialFromConfig rebuilds it. */
  getConfig(): SequentialConfig {
    return {
      name: this.name,
      seed: this.seed,
      initializers: this.initializers,
      layers: this.layers.map((l) => ({ type: l.type, config: l.getConfig() })),
    };
  }

  /** The compile settings (loss and metric names), or null before compile: plain JSON. */
  getCompileConfig(): { loss: LossSpec; metrics: string[] } | null {
    return this.compileSpec ? structuredClone(this.compileSpec) : null;
  }

  // ---- scalers, saving and loading (src/model/scaling.ts, src/model/save.ts) ----

  /** The data in the units the model works in: through the compiled scalers (fitted ones), if any. */
  private scaled<T extends { x: Dataset; y: Dataset | null }>(fn: string, d: T): T {
    if (!this.scalers) return d;
    return { ...d, x: this.scalers.inputs(fn, d.x), y: d.y && this.scalers.targets(fn, d.y) };
  }

  /** The optimizer compile bound (null before compile). */
  getOptimizer(): OptimizerLike | null {
    return this.optimizer;
  }

  /** The schedules compile was given, which fit steps. */
  getSchedules(): Schedule[] {
    return [...this.scheduleList];
  }

  /** The scalers compile was given: { input, target }, each null when none. */
  getScalers(): { input: Scaler | null; target: Scaler | null } {
    return { input: this.scalers?.input ?? null, target: this.scalers?.target ?? null };
  }

  /**
   * Saves the model into folder `dir` (created if needed), crash-safely: model.json (architecture, compile
   * settings, optimizer, schedules, scalers, training counters), model.safetensors (the parameters, under their
   * names, in PyTorch's layouts) and optimizer.safetensors (the optimizer's state). loadModel(dir) restores it.
   */
  save(dir: string, options?: saving.SaveOptions): Promise<void> {
    return saving.saveModel(this, dir, options);
  }

  /** Writes the parameters alone to a safetensors file (atomically), as torch's save_file(state_dict) would. */
  saveWeights(file: string, options?: saving.WeightsFileOptions): Promise<void> {
    return saving.saveWeights(this, file, options);
  }

  /**
   * Loads parameters from a safetensors file (a path, or its bytes), as PyTorch's load_state_dict: by name
   * (`nameMap` renames the file's tensors), strict by default. Resolves with the names left missing, unexpected or
   * misshapen (all empty when strict).
   */
  loadWeights(file: string | Uint8Array, options?: saving.LoadWeightsOptions): Promise<saving.LoadWeightsResult> {
    return saving.loadWeights(this, file, options);
  }

  /** A copy of every parameter, by name: { [name]: { data, shape } }, in layer order. */
  getWeights(): Record<string, Tensor> {
    return saving.getWeights(this);
  }

  /** Sets parameters from getWeights()'s form (copied in), by name; strict by default, as loadWeights. */
  setWeights(weights: Record<string, Tensor>, options?: saving.SetWeightsOptions): saving.LoadWeightsResult {
    return saving.setWeights(this, weights, options);
  }

  /** @internal The state a checkpoint holds beyond the config, the compile settings and the weights. */
  checkpointState(): saving.CheckpointState {
    return {
      fitCount: this.fitCount,
      lastFitSeed: this.lastFitSeed,
      steps: this.stepCount,
      skippedBatches: this.skippedBatches,
      random: { init: this.initRandom.getState(), dropout: this.dropoutRandom.getState() },
      scalers: this.scalers,
    };
  }

  /** @internal Puts back checkpointState()'s counters, generators and scalers (checked by the caller). */
  restoreCheckpointState(state: Omit<saving.CheckpointState, 'scalers'>, scalers: ModelScalers | null): void {
    this.scalers = scalers;
    this.fitCount = state.fitCount;
    this.lastFitSeed = state.lastFitSeed;
    this.stepCount = state.steps;
    this.skippedBatches = state.skippedBatches;
    this.initRandom.setState(state.random.init);
    this.dropoutRandom.setState(state.random.dropout);
  }
}

const firstNonFinite = (a: Float32Array) => backend.firstNonFinite(a);

let identityOrder = new Int32Array(0);

/** 0, 1, ..., n - 1 (a view of one array kept between calls: callers only read it). */
function identity(n: number): Int32Array {
  if (identityOrder.length < n) {
    identityOrder = new Int32Array(Math.max(n, 2 * identityOrder.length));
    for (let i = 0; i < identityOrder.length; i++) identityOrder[i] = i;
  }
  return identityOrder.subarray(0, n);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function checkCallbacks(fn: string, value: unknown): Callback[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw typeError(fn, 'callbacks', 'an array of callback objects', value);
  value.forEach((c, i) => {
    if (typeof c !== 'object' || c === null)
      throw typeError(fn, `callbacks[${i}]`, 'an object with onEpochEnd, onBatchEnd, ... hooks', c);
  });
  return value as Callback[];
}

/** Optimizers compile accepts by name, each constructed with its own defaults (PyTorch's). */
const optimizerFactories: Record<string, () => OptimizerLike> = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  adamw: () => new AdamW(),
  rmsprop: () => new RMSprop(),
  adagrad: () => new Adagrad(),
};

/** sequential(layers, options): a Sequential model. */
export function sequential(layers: Layer[] = [], options?: SequentialOptions): Sequential {
  return new Sequential(layers, options);
}

/** Rebuilds a model (fresh weights, drawn from its seed) from getConfig()'s output. */
export function sequentialFromConfig(config: SequentialConfig): Sequential {
  const fn = 'sequentialFromConfig';
  if (typeof config !== 'object' || config === null || !Array.isArray(config.layers)) {
    throw typeError(fn, 'config', '{ name, seed, initializers, layers: [{ type, config }] }', config);
  }
  const layers = config.layers.map((l, i) => layerFromConfig(`${fn}: config.layers[${i}]`, l));
  return new Sequential(layers, { name: config.name, seed: config.seed, initializers: config.initializers });
}
