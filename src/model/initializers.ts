// Weight initializers, by name, with Keras' definitions and names (camelCase), plus PyTorch's default scheme.
//
// Every weight here is stored in PyTorch's layout (out, in), the transpose of Keras' kernel (in, out); fans are
// computed as Keras computes them for its kernel, so the distributions are Keras' own:
//   fanIn = in (columns), fanOut = out (rows)      (a recurrent W_ih (4H, I): fanIn I, fanOut 4H, as Keras' (I, 4H))
//
//   zeros, ones, constant({ value })
//   randomUniform({ minval = -0.05, maxval = 0.05 }), randomNormal({ mean = 0, stddev = 0.05 })
//   glorotUniform   U(-l, l), l = sqrt(6 / (fanIn + fanOut))            glorotNormal  N(0, 2 / (fanIn + fanOut))
//   heUniform       U(-l, l), l = sqrt(6 / fanIn)                         heNormal      N(0, 2 / fanIn)
//   lecunUniform    U(-l, l), l = sqrt(3 / fanIn)                         lecunNormal   N(0, 1 / fanIn)
//       (the *Normal ones as Keras: a normal truncated at 2 stddev, stddev divided by 0.8796 to keep the variance)
//   orthogonal({ gain = 1 })   Keras' Orthogonal: QR of a normal matrix of the weight's shape (the taller way),
//       Q's columns signed by R's diagonal, so rows or columns are orthonormal, whichever are fewer
//   pytorchDefault   U(-k, k) with the k PyTorch's layer uses: 1 / sqrt(in) for Linear's weight and bias,
//       1 / sqrt(hidden) for every recurrent weight and bias
//
// An initializer is given as its name or as { name, ...options }; both are plain JSON, for getConfig().
import { checkFinite, checkOptions, rangeError, suggest, typeError } from '../validate.js';
import { orthonormalColumns } from './orthogonal.js';
import type { Random } from './random.js';

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'constant'
  | 'randomUniform'
  | 'randomNormal'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'lecunUniform'
  | 'lecunNormal'
  | 'orthogonal'
  | 'pytorchDefault';

/** An initializer: its name, or { name, ...options } (constant: value; randomUniform: minval, maxval; ...). */
export type InitializerSpec =
  | InitializerName
  | {
      name: InitializerName;
      value?: number;
      minval?: number;
      maxval?: number;
      mean?: number;
      stddev?: number;
      gain?: number;
    };

/** What an initializer knows about the weight it fills. */
export interface InitTarget {
  /** PyTorch's layout: [out, in] for a matrix, [n] for a vector. */
  shape: readonly number[];
  fanIn: number;
  fanOut: number;
  /** The bound PyTorch's default uses for this weight. */
  pytorchBound: number;
}

const OPTIONS: Record<InitializerName, readonly string[]> = {
  zeros: [],
  ones: [],
  constant: ['value'],
  randomUniform: ['minval', 'maxval'],
  randomNormal: ['mean', 'stddev'],
  glorotUniform: [],
  glorotNormal: [],
  heUniform: [],
  heNormal: [],
  lecunUniform: [],
  lecunNormal: [],
  orthogonal: ['gain'],
  pytorchDefault: [],
};
export const INITIALIZER_NAMES = Object.keys(OPTIONS) as InitializerName[];

/** Checks an initializer given by a user (fn and name for messages) and returns it in its canonical JSON form. */
export function checkInitializer(fn: string, name: string, value: unknown): InitializerSpec {
  const spec = typeof value === 'string' ? { name: value } : value;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw typeError(fn, name, 'an initializer name or { name, ...options }', value);
  }
  const initName = (spec as { name?: unknown }).name;
  if (typeof initName !== 'string' || !(initName in OPTIONS)) {
    throw rangeError(fn, name, `one of ${INITIALIZER_NAMES.join(', ')}`, suggest(String(initName), INITIALIZER_NAMES));
  }
  const options = checkOptions<Record<string, number>>(fn, spec, ['name', ...OPTIONS[initName as InitializerName]]);
  for (const key of Object.keys(options)) {
    if (key !== 'name') checkFinite(fn, `${name}.${key}`, options[key]);
  }
  const o = options as Record<string, number>;
  if (initName === 'randomUniform' && !((o.minval ?? -0.05) < (o.maxval ?? 0.05))) {
    throw rangeError(fn, `${name}.minval`, 'less than maxval', `${o.minval ?? -0.05} >= ${o.maxval ?? 0.05}`);
  }
  if (initName === 'randomNormal' && (o.stddev ?? 0.05) < 0) {
    throw rangeError(fn, `${name}.stddev`, 'non-negative', String(o.stddev));
  }
  return typeof value === 'string' ? (value as InitializerName) : ({ ...spec } as InitializerSpec);
}

const TRUNCATED_STDDEV_CORRECTION = 0.87962566103423978; // stddev of a unit normal truncated at +-2

/** Fills `out` as the initializer says, drawing from `random`. */
export function initialize(spec: InitializerSpec, target: InitTarget, random: Random, out: Float32Array): void {
  if (skipping) return; // loadModel: the values come from the file
  const { name, ...o } = typeof spec === 'string' ? { name: spec } : spec;
  const n = out.length;
  const uniform = (lo: number, hi: number) => {
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random.uniform();
  };
  const truncated = (variance: number) => {
    const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV_CORRECTION;
    for (let i = 0; i < n; i++) out[i] = random.truncatedNormal(stddev);
  };
  const { fanIn, fanOut } = target;
  switch (name) {
    case 'zeros':
      out.fill(0);
      return;
    case 'ones':
      out.fill(1);
      return;
    case 'constant':
      out.fill(o.value ?? 0);
      return;
    case 'randomUniform':
      uniform(o.minval ?? -0.05, o.maxval ?? 0.05);
      return;
    case 'randomNormal':
      for (let i = 0; i < n; i++) out[i] = (o.mean ?? 0) + (o.stddev ?? 0.05) * random.normal();
      return;
    case 'glorotUniform': {
      const l = Math.sqrt(6 / (fanIn + fanOut));
      uniform(-l, l);
      return;
    }
    case 'glorotNormal':
      truncated(2 / (fanIn + fanOut));
      return;
    case 'heUniform': {
      const l = Math.sqrt(6 / fanIn);
      uniform(-l, l);
      return;
    }
    case 'heNormal':
      truncated(2 / fanIn);
      return;
    case 'lecunUniform': {
      const l = Math.sqrt(3 / fanIn);
      uniform(-l, l);
      return;
    }
    case 'lecunNormal':
      truncated(1 / fanIn);
      return;
    case 'pytorchDefault':
      uniform(-target.pytorchBound, target.pytorchBound);
      return;
    case 'orthogonal':
      orthogonal(target.shape, o.gain ?? 1, random, out);
      return;
  }
}

// Keras' Orthogonal on a weight of PyTorch shape (rows, cols) = Keras' kernel transposed: a normal matrix of
// (max, min), its Q (max x min, orthonormal columns); the weight is Q when rows >= cols and Q^T otherwise.
function orthogonal(shape: readonly number[], gain: number, random: Random, out: Float32Array): void {
  const rows = shape[0];
  const cols = shape.length > 1 ? out.length / rows : 1;
  const [m, n] = rows >= cols ? [rows, cols] : [cols, rows];
  const a = new Float32Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = random.normal();
  const q = orthonormalColumns(a, m, n);
  if (rows >= cols) {
    for (let i = 0; i < q.length; i++) out[i] = gain * q[i];
  } else {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = gain * q[i * n + j];
  }
}

let skipping = false;

/**
 * Runs `build` (synchronous) with every initializer skipped, parameters left at zero: loadModel builds a model
 * whose values come from its file this way, so that a model.json cannot make it run an orthogonal initializer on a
 * huge matrix for nothing.
 */
export function withoutInitializers<T>(build: () => T): T {
  skipping = true;
  try {
    return build();
  } finally {
    skipping = false;
  }
}
