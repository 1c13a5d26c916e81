// A float64 reference forward pass of a whole Sequential model, written from the layers' definitions with the
// float64 references of each piece (layer-reference.ts, recurrent-reference.ts), for finite-difference gradient
// checks of every parameter. It reads the model's layers and options, and takes the parameter values to use by
// name, so finite differences can move one value at a time.
import type { ActivationKind, LossKind } from '../../src/backend/layer-codes.js';
import type { Sequential } from '../../src/index.js';
import { activationRef, denseRef, layerNormRef, lossRef } from './layer-reference.js';
import { type ReferenceCell, referenceForward } from './recurrent-reference.js';

export interface RefData {
  data: ArrayLike<number>;
  shape: number[];
  lengths?: ArrayLike<number> | null;
}

export interface RefLoss {
  kind: LossKind; // the probability (unfused) form, or the logits form with fromLogits
  param: number;
  reduction: 'mean' | 'sum';
  perRow: boolean;
}

type Values = Map<string, ArrayLike<number>>;

// y (T, B, F) with each example reversed within its length (time-major).
function reverseWithin(
  x: ArrayLike<number>,
  T: number,
  B: number,
  F: number,
  lengths: ArrayLike<number> | null,
): Float64Array {
  const y = new Float64Array(T * B * F);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      const len = lengths ? lengths[b] : T;
      const from = t < len ? len - 1 - t : t;
      for (let f = 0; f < F; f++) y[(t * B + b) * F + f] = x[(from * B + b) * F + f];
    }
  return y;
}

function merge(mode: string, a: ArrayLike<number>, b: ArrayLike<number>, rows: number, H: number): Float64Array {
  const out = new Float64Array(rows * (mode === 'concat' ? 2 * H : H));
  for (let r = 0; r < rows; r++)
    for (let h = 0; h < H; h++) {
      const [va, vb] = [a[r * H + h], b[r * H + h]];
      if (mode === 'concat') [out[r * 2 * H + h], out[r * 2 * H + H + h]] = [va, vb];
      else out[r * H + h] = mode === 'sum' ? va + vb : mode === 'mul' ? va * vb : (va + vb) / 2;
    }
  return out;
}

/** (A, B, F) -> (B, A, F). */
export function swap(x: ArrayLike<number>, A: number, B: number, F: number): Float64Array {
  const y = new Float64Array(A * B * F);
  for (let a = 0; a < A; a++)
    for (let b = 0; b < B; b++) for (let f = 0; f < F; f++) y[(b * A + a) * F + f] = x[(a * B + b) * F + f];
  return y;
}

/** The model's output in float64: rows (B, or T*B time-major for sequences) of its output features. */
export function referenceOutput(
  model: Sequential,
  values: Values,
  x: RefData,
): { out: Float64Array; rows: number; sequence: boolean } {
  const N = x.shape[0];
  const sequence = x.shape.length === 3;
  const T = sequence ? x.shape[1] : 1;
  const lengths = x.lengths ?? null;
  let features = x.shape[x.shape.length - 1];
  let h: Float64Array = sequence ? swap(x.data, N, T, features) : Float64Array.from(x.data);
  let isSeq = sequence;
  const get = (name: string) => values.get(name) as ArrayLike<number>;
  for (const layer of model.layers) {
    const l = layer as unknown as Record<string, unknown> & { name: string; type: string };
    const rows = isSeq ? T * N : N;
    if (l.type === 'dense') {
      const a = l.activation as { kind: ActivationKind; param1: number; param2: number };
      const units = l.units as number;
      const b = l.useBias ? get(`${l.name}.bias`) : null;
      h = denseRef(a, h, get(`${l.name}.weight`), b, rows, features, units);
      features = units;
    } else if (l.type === 'activation') {
      h = activationRef(l.activation as { kind: ActivationKind; param1: number; param2: number }, h, features);
    } else if (l.type === 'dropout') {
      // the identity at inference; gradient checks use rate 0
    } else if (l.type === 'layer_norm') {
      const w = l.scale ? get(`${l.name}.weight`) : null;
      const b = l.center ? get(`${l.name}.bias`) : null;
      h = layerNormRef(h, w, b, rows, features, l.epsilon as number);
    } else {
      const H = l.units as number;
      const cellType = l.cell as string;
      const cell: ReferenceCell =
        cellType === 'lstm'
          ? 'lstm'
          : cellType === 'gru'
            ? l.resetAfter
              ? 'gru'
              : 'gru_before'
            : l.activation === 'relu'
              ? 'rnn_relu'
              : 'rnn_tanh';
      const G = cellType === 'lstm' ? 4 : cellType === 'gru' ? 3 : 1;
      const suffixes = l.bidirectional ? ['_l0', '_l0_reverse'] : ['_l0'];
      const outs = suffixes.map((suffix, d) => {
        const reversed = d === 1 || (l.goBackwards as boolean);
        const xin = reversed ? reverseWithin(h, T, N, features, lengths) : h;
        const zeros = new Float64Array(G * H);
        const r = referenceForward({
          cell,
          T,
          B: N,
          I: features,
          H,
          x: xin,
          wIh: get(`${l.name}.weight_ih${suffix}`),
          wHh: get(`${l.name}.weight_hh${suffix}`),
          bIh: l.useBias ? get(`${l.name}.bias_ih${suffix}`) : zeros,
          bHh: l.useBias ? get(`${l.name}.bias_hh${suffix}`) : zeros,
          h0: null,
          c0: null,
          lengths,
        });
        if (!l.returnSequences) return r.hT;
        return d === 1 ? reverseWithin(r.y, T, N, H, lengths) : r.y;
      });
      const outRows = l.returnSequences ? T * N : N;
      h = outs.length === 2 ? merge(l.mergeMode as string, outs[0], outs[1], outRows, H) : outs[0];
      features = outs.length === 2 && l.mergeMode === 'concat' ? 2 * H : H;
      isSeq = l.returnSequences as boolean;
    }
  }
  return { out: h, rows: isSeq ? T * N : N, sequence: isSeq };
}

/** The model's loss in float64 on (x, y), as the model defines it (masking steps past the lengths). */
export function referenceModelLoss(model: Sequential, values: Values, x: RefData, y: RefData, loss: RefLoss): number {
  const { out, rows, sequence } = referenceOutput(model, values, x);
  const N = x.shape[0];
  const T = sequence ? x.shape[1] : 1;
  const C = out.length / rows;
  const width = y.data.length / (N * T);
  const target = sequence ? swap(y.data, N, T, width) : y.data;
  let mask: Uint8Array | null = null;
  let valid = rows;
  if (sequence && x.lengths) {
    const lengths = x.lengths;
    mask = new Uint8Array(rows);
    valid = 0;
    for (let t = 0; t < T; t++) for (let b = 0; b < N; b++) valid += mask[t * N + b] = t < lengths[b] ? 1 : 0;
  }
  const sum = lossRef(loss.kind, out, target, rows, C, mask, loss.param);
  if (loss.reduction === 'sum') return sum;
  const count = valid * (loss.perRow ? 1 : C);
  return count === 0 ? 0 : sum / count;
}
