// The hot path of a model: per-batch-size workspaces (every buffer of every layer allocated once), batches gathered
// into them, the forward pass, the loss fused with its gradient, and the backward pass. Nothing here checks or
// allocates per batch: the data was checked when it entered (src/model/data.ts), the shapes when the model was
// built.
//
// Layout: the model's input, when it is a sequence, is gathered straight into time-major order (T, B, F), and a
// sequence output's targets likewise, so that no layer converts; predict converts its outputs back to batch-major.
import { backend } from '../backend/index.js';
import type { Layer, Pass, Shape } from '../layers/layer.js';
import { KernelLayer, isSequence, runAwaiting } from '../layers/layer.js';
import type { Dataset } from './data.js';
import { type Loss, type Metric, code } from './losses.js';
import type { Random } from './random.js';

/** Everything one batch size needs: the layers' buffers and the batch's data. */
export interface Workspace {
  B: number;
  T: number;
  training: boolean;
  pass: Pass;
  states: unknown[];
  /** The model's input: (B, F), or (T, B, F) time-major. */
  x: Float32Array;
  /** The targets, laid out as the output: rows (B, or T*B time-major) of C values (1 class index when sparse). */
  y: Float32Array;
  /** Per-example lengths of the batch (B), when the data has them. */
  lengths: Int32Array;
  /** Output rows that count (steps within their example's length), for sequence outputs with lengths. */
  mask: Uint8Array | null;
  /** The output of each layer in the last forward pass. */
  outs: Float32Array[];
  /** dL/d(output) (rows, C). */
  grad: Float32Array;
}

/** Running sums over batches, for epoch logs. */
export interface Totals {
  loss: number;
  lossCount: number;
  metrics: number[];
  metricCounts: number[];
}

const MAX_WORKSPACES = 4;

export class Engine {
  private readonly cache = new Map<string, Workspace>();
  readonly inputIsSequence: boolean;
  readonly outputIsSequence: boolean;
  readonly inputFeatures: number;
  readonly outputUnits: number;
  /** The fused final activation and its loss kind, when the loss fuses with the last layer. */
  private fusedKind: number | null = null;

  constructor(
    readonly layers: Layer[],
    inputShape: Shape,
    outputShape: Shape,
    private readonly dropoutRandom: Random,
  ) {
    this.inputIsSequence = isSequence(inputShape);
    this.outputIsSequence = isSequence(outputShape);
    this.inputFeatures = inputShape[inputShape.length - 1] as number;
    this.outputUnits = outputShape[outputShape.length - 1] as number;
  }

  /** Forgets every workspace (the layers changed). */
  reset(): void {
    this.cache.clear();
  }

  /** Whether the loss is computed from the last layer's pre-activation (see losses.ts). */
  fuses(loss: Loss): boolean {
    const last = this.layers[this.layers.length - 1];
    return loss.fusesWith !== null && last.finalActivation() === loss.fusesWith.activation;
  }

  workspace(B: number, T: number, training: boolean, loss: Loss | null): Workspace {
    const targetWidth = loss?.sparse ? 1 : this.outputUnits;
    const key = `${training ? 't' : 'i'}${B}:${T}:${targetWidth}`;
    let ws = this.cache.get(key);
    if (ws) {
      this.cache.delete(key); // most recently used last
      this.cache.set(key, ws);
      return ws;
    }
    const rows = this.outputIsSequence ? T * B : B;
    ws = {
      B,
      T,
      training,
      pass: { B, T, lengths: null, training, random: this.dropoutRandom },
      states: this.layers.map((l) => l.allocate(B, T, training)),
      x: new Float32Array((this.inputIsSequence ? T : 1) * B * this.inputFeatures),
      y: new Float32Array(rows * targetWidth),
      lengths: new Int32Array(B),
      mask: this.outputIsSequence ? new Uint8Array(rows) : null,
      outs: new Array<Float32Array>(this.layers.length),
      grad: new Float32Array(training ? rows * this.outputUnits : 0),
    };
    if (this.cache.size >= MAX_WORKSPACES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, ws);
    return ws;
  }

  /** Gathers examples order[start .. start+count) of x (and y) into the workspace. */
  load(ws: Workspace, x: Dataset, y: Dataset | null, order: Int32Array, start: number): void {
    const { B, T } = ws;
    backend.gather(
      x.data,
      order,
      start,
      B,
      this.inputIsSequence ? T : 1,
      this.inputFeatures,
      ws.x,
      this.inputIsSequence,
    );
    if (x.lengths) {
      for (let i = 0; i < B; i++) ws.lengths[i] = x.lengths[order[start + i]];
      ws.pass.lengths = ws.lengths;
    } else {
      ws.pass.lengths = null;
    }
    if (y) {
      const width = ws.y.length / (this.outputIsSequence ? T * B : B);
      backend.gather(y.data, order, start, B, this.outputIsSequence ? T : 1, width, ws.y, this.outputIsSequence);
    }
    if (ws.mask) {
      const lengths = ws.pass.lengths;
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++) ws.mask[t * B + b] = lengths === null || t < lengths[b] ? 1 : 0;
    }
  }

  forward(ws: Workspace): Float32Array {
    let x = ws.x;
    for (let i = 0; i < this.layers.length; i++) {
      x = this.layers[i].forward(ws.pass, x, ws.states[i]);
      ws.outs[i] = x;
    }
    return x;
  }

  /** The forward pass, with long recurrent kernel calls (>= minFlops) run off the main thread. */
  async forwardAwaiting(ws: Workspace, minFlops: number): Promise<Float32Array> {
    let x = ws.x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i];
      x =
        layer instanceof KernelLayer
          ? await runAwaiting(layer.forwardSteps(ws.pass, x, ws.states[i]), minFlops)
          : layer.forward(ws.pass, x, ws.states[i]);
      ws.outs[i] = x;
    }
    return x;
  }

  /** The number of output rows that count (all, or those within the lengths). */
  private validRows(ws: Workspace): number {
    const rows = this.outputIsSequence ? ws.T * ws.B : ws.B;
    if (!ws.mask || ws.pass.lengths === null) return rows;
    let n = 0;
    for (let r = 0; r < rows; r++) n += ws.mask[r];
    return n;
  }

  /** The batch's loss as the reduction defines it; with `withGrad`, ws.grad = dLoss/d(output or logits). */
  loss(ws: Workspace, loss: Loss, withGrad: boolean): number {
    const rows = this.outputIsSequence ? ws.T * ws.B : ws.B;
    const C = this.outputUnits;
    const last = this.layers.length - 1;
    const fused = this.fuses(loss);
    const kind = fused && loss.fusesWith ? loss.fusesWith.kind : loss.kind;
    const pred = fused ? this.layers[last].logits(ws.states[last]) : ws.outs[last];
    const count = this.validRows(ws) * (loss.perRow ? 1 : C);
    const scale = loss.reduction === 'sum' || count === 0 ? 1 : 1 / count;
    const mask = ws.pass.lengths ? ws.mask : null;
    const sum = backend.loss(code(kind), pred, ws.y, withGrad ? ws.grad : null, rows, C, mask, scale, loss.param);
    return loss.reduction === 'sum' ? sum : count === 0 ? 0 : sum / count;
  }

  /** Adds the batch's metric sums (and the counts they divide by) into totals. */
  metrics(ws: Workspace, metrics: Metric[], totals: Totals): void {
    if (metrics.length === 0) return;
    const rows = this.outputIsSequence ? ws.T * ws.B : ws.B;
    const C = this.outputUnits;
    const out = ws.outs[this.layers.length - 1];
    const mask = ws.pass.lengths ? ws.mask : null;
    const valid = this.validRows(ws);
    for (let m = 0; m < metrics.length; m++) {
      const metric = metrics[m];
      totals.metrics[m] += backend.loss(code(metric.kind), out, ws.y, null, rows, C, mask, 1, metric.param);
      totals.metricCounts[m] += valid * (metric.perRow ? 1 : C);
    }
  }

  /** The backward pass from ws.grad; the loss is fused with the last layer's activation when `fused`. */
  backward(ws: Workspace, fused: boolean): void {
    let dy = ws.grad;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const input = i === 0 ? ws.x : ws.outs[i - 1];
      const dx = this.layers[i].backward(
        ws.pass,
        input,
        dy,
        ws.states[i],
        i > 0,
        fused && i === this.layers.length - 1,
      );
      if (i > 0) dy = dx as Float32Array;
    }
  }

  async backwardAwaiting(ws: Workspace, fused: boolean, minFlops: number): Promise<void> {
    let dy = ws.grad;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i];
      const input = i === 0 ? ws.x : ws.outs[i - 1];
      const logitGrad = fused && i === this.layers.length - 1;
      const dx =
        layer instanceof KernelLayer && !logitGrad
          ? await runAwaiting(layer.backwardSteps(ws.pass, input, dy, ws.states[i], i > 0), minFlops)
          : layer.backward(ws.pass, input, dy, ws.states[i], i > 0, logitGrad);
      if (i > 0) dy = dx as Float32Array;
    }
  }

  /** The model's output in the last forward pass: rows (B, or T*B time-major) of outputUnits values. */
  lastOutput(ws: Workspace): Float32Array {
    const rows = this.outputIsSequence ? ws.T * ws.B : ws.B;
    return ws.outs[this.layers.length - 1].subarray(0, rows * this.outputUnits);
  }

  /** The first layer whose output in the last forward pass holds a NaN or an infinity, and where. */
  firstNonFiniteOutput(ws: Workspace): { layer: number; index: number } | null {
    for (let i = 0; i < this.layers.length; i++) {
      const index = backend.firstNonFinite(ws.outs[i]);
      if (index >= 0) return { layer: i, index };
    }
    return null;
  }
}

/** Empty running sums for `metrics`. */
export function newTotals(metrics: Metric[]): Totals {
  return { loss: 0, lossCount: 0, metrics: metrics.map(() => 0), metricCounts: metrics.map(() => 0) };
}
