// Bad input to the recurrent kernels: the exact error class and message. One table of mistakes runs through both
// layers, the public API and the native addon called directly (which re-checks every field itself), so that their
// messages cannot drift apart; a few mistakes exist in one layer only and have tables of their own. None crashes.
import { describe, expect, test } from 'vitest';
import { loadAddon } from '../src/backend/loader.js';
import { backendInfo } from '../src/index.js';
import * as k from '../src/kernels/index.js';

const [T, B, I, H] = [4, 3, 2, 5];
const f32 = (n: number, v = 0.1) => new Float32Array(n).fill(v);
const withNaN = (n: number, at: number, value = NaN) => {
  const a = f32(n);
  a[at] = value;
  return a;
};

type Cell = 'rnn' | 'lstm' | 'gru';
type Fn = `${Cell}${'Forward' | 'Backward'}`;
type Raw = Record<string, unknown>;
const GATES: Record<Cell, number> = { rnn: 1, lstm: 4, gru: 3 };

const weights = (cell: Cell) => {
  const G = GATES[cell];
  return { wIh: f32(G * H * I), wHh: f32(G * H * H), bIh: f32(G * H), bHh: f32(G * H) };
};
const forwardInputs = (cell: Cell): Raw => ({ T, B, I, H, x: f32(T * B * I), ...weights(cell) });
const forward = (cell: Cell) => (k as unknown as Record<string, (o: unknown) => { saved: Raw }>)[`${cell}Forward`];
const backward = (cell: Cell) => (k as unknown as Record<string, (o: unknown) => unknown>)[`${cell}Backward`];

// The public API's arguments for a call of `fn`.
function publicInputs(fn: Fn): Raw {
  const cell = fn.replace(/Forward|Backward/, '') as Cell;
  if (fn.endsWith('Forward')) return forwardInputs(cell);
  const { x, wIh, wHh } = forwardInputs(cell);
  return { x, wIh, wHh, saved: forward(cell)(forwardInputs(cell)).saved, grads: weights(cell) };
}

// The same call as the backend receives it (src/backend/recurrent-calls.ts): flat, with its outputs allocated.
function rawCall(fn: Fn): Raw {
  const cell = fn.replace(/Forward|Backward/, '') as Cell;
  const G = GATES[cell];
  const state = { h: f32((T + 1) * B * H), lengths: null };
  const perCell: Record<Cell, Raw> = {
    rnn: { activation: 'tanh' },
    lstm: { gates: f32(T * B * 4 * H), c: f32((T + 1) * B * H) },
    gru: { resetAfter: true, gates: f32(T * B * 3 * H), hn: f32(T * B * H) },
  };
  if (fn.endsWith('Forward')) {
    const lstmOut = cell === 'lstm' ? { cT: f32(B * H) } : {};
    return { ...forwardInputs(cell), ...state, ...perCell[cell], ...lstmOut, y: f32(T * B * H), hT: f32(B * H) };
  }
  const { x, wIh, wHh } = forwardInputs(cell);
  const grads = { dWIh: f32(G * H * I), dWHh: f32(G * H * H), dBIh: f32(G * H), dBHh: f32(G * H) };
  const lstmOut = cell === 'lstm' ? { dc0: f32(B * H) } : {};
  return {
    T,
    B,
    I,
    H,
    x,
    wIh,
    wHh,
    ...state,
    ...perCell[cell],
    ...grads,
    ...lstmOut,
    dx: f32(T * B * I),
    dh0: f32(B * H),
  };
}

// Where a public field sits in the backend call: saved.h is h, grads.wIh is dWIh; the rest keep their names.
const rawKey = (path: string) =>
  path.startsWith('saved.')
    ? path.slice('saved.'.length)
    : path.startsWith('grads.')
      ? `d${path[6].toUpperCase()}${path.slice(7)}`
      : path;

function withPath(o: Raw, path: string, value: unknown): Raw {
  const [head, rest] = path.split('.', 2) as [string, string | undefined];
  if (rest === undefined) return { ...o, [head]: value };
  return { ...o, [head]: { ...(o[head] as Raw), [rest]: value } };
}

function expectThrow(call: () => unknown, errorClass: typeof TypeError, message: string) {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(errorClass);
  expect((thrown as Error).message).toBe(message);
}

// [what, function, field (as the public API names it), bad value, error class, message]
type Case = [string, Fn, string, unknown, typeof TypeError, string];

const BOTH: Case[] = [
  ['T of 0', 'lstmForward', 'T', 0, RangeError, 'lstmForward: T must be an integer in [1, 2147483647], received 0'],
  [
    'H missing',
    'lstmForward',
    'H',
    undefined,
    TypeError,
    'lstmForward: H must be an integer in [1, 2147483647], received undefined',
  ],
  [
    'H fractional',
    'lstmForward',
    'H',
    2.5,
    RangeError,
    'lstmForward: H must be an integer in [1, 2147483647], received 2.5',
  ],
  [
    'wHh one short',
    'lstmForward',
    'wHh',
    f32(4 * H * H - 1),
    RangeError,
    'lstmForward: wHh must be a Float32Array of length 4*H*H = 100, received Float32Array(99)',
  ],
  [
    'wIh for a GRU (3 gates)',
    'lstmForward',
    'wIh',
    f32(3 * H * I),
    RangeError,
    'lstmForward: wIh must be a Float32Array of length 4*H*I = 40, received Float32Array(30)',
  ],
  [
    'x a Float64Array',
    'lstmForward',
    'x',
    new Float64Array(T * B * I),
    TypeError,
    'lstmForward: x must be a Float32Array of length T*B*I = 24, received Float64Array(24)',
  ],
  [
    'h0 for another batch size',
    'lstmForward',
    'h0',
    f32(2 * H),
    RangeError,
    'lstmForward: h0 must be a Float32Array of length B*H = 15, received Float32Array(10)',
  ],
  [
    'a length beyond T',
    'lstmForward',
    'lengths',
    [4, 7, 1],
    RangeError,
    'lstmForward: lengths[1] must be an integer in [0, 4], received 7',
  ],
  [
    'a negative length in an Int32Array',
    'lstmForward',
    'lengths',
    Int32Array.from([4, -1, 1]),
    RangeError,
    'lstmForward: lengths[1] must be an integer in [0, 4], received -1',
  ],
  [
    'a fractional length',
    'lstmForward',
    'lengths',
    [1.5, 2, 3],
    RangeError,
    'lstmForward: lengths[0] must be an integer in [0, 4], received 1.5',
  ],
  [
    'a length that is a string',
    'lstmForward',
    'lengths',
    [1, '2', 3],
    TypeError,
    "lstmForward: lengths[1] must be an integer in [0, 4], received '2'",
  ],
  [
    'NaN as a length in a Float64Array',
    'gruForward',
    'lengths',
    Float64Array.from([1, NaN, 3]),
    RangeError,
    'gruForward: lengths[1] must be an integer in [0, 4], received NaN',
  ],
  [
    'lengths for another batch size',
    'lstmForward',
    'lengths',
    [1, 2],
    RangeError,
    'lstmForward: lengths must be an Int32Array or an array of numbers of length B = 3, received Array(2)',
  ],
  [
    'lengths a string',
    'lstmForward',
    'lengths',
    '123',
    TypeError,
    "lstmForward: lengths must be an Int32Array or an array of numbers of length B = 3, received '123'",
  ],
  [
    'an unknown RNN activation',
    'rnnForward',
    'activation',
    'sigmoid',
    RangeError,
    "rnnForward: activation must be one of 'tanh', 'relu', received 'sigmoid'",
  ],
  [
    'resetAfter not a boolean',
    'gruForward',
    'resetAfter',
    'yes',
    TypeError,
    "gruForward: resetAfter must be a boolean, received 'yes'",
  ],
  [
    'x for another batch size than the saved state',
    'lstmBackward',
    'x',
    f32(T * 2 * I),
    RangeError,
    'lstmBackward: x must be a Float32Array of length T*B*I = 24, received Float32Array(16)',
  ],
  [
    'saved.T of 0',
    'lstmBackward',
    'saved.T',
    0,
    RangeError,
    'lstmBackward: saved.T must be an integer in [1, 2147483647], received 0',
  ],
  [
    'a saved state with a truncated buffer',
    'lstmBackward',
    'saved.c',
    f32(3),
    RangeError,
    'lstmBackward: saved.c must be a Float32Array of length (T+1)*B*H = 75, received Float32Array(3)',
  ],
  [
    'a saved h of the wrong type',
    'gruBackward',
    'saved.h',
    [0],
    TypeError,
    'gruBackward: saved.h must be a Float32Array of length (T+1)*B*H = 75, received Array(1)',
  ],
  [
    'saved gates of a GRU for an LSTM',
    'gruBackward',
    'saved.gates',
    f32(T * B * 4 * H),
    RangeError,
    'gruBackward: saved.gates must be a Float32Array of length T*B*3*H = 180, received Float32Array(240)',
  ],
  [
    'a saved length beyond T',
    'rnnBackward',
    'saved.lengths',
    [0, 9, 1],
    RangeError,
    'rnnBackward: saved.lengths[1] must be an integer in [0, 4], received 9',
  ],
  [
    'a saved activation that is unknown',
    'rnnBackward',
    'saved.activation',
    'gelu',
    RangeError,
    "rnnBackward: saved.activation must be one of 'tanh', 'relu', received 'gelu'",
  ],
  [
    'a saved resetAfter that is not a boolean',
    'gruBackward',
    'saved.resetAfter',
    1,
    TypeError,
    'gruBackward: saved.resetAfter must be a boolean, received 1',
  ],
  [
    'a grads array of the wrong length',
    'lstmBackward',
    'grads.wHh',
    f32(3),
    RangeError,
    'lstmBackward: grads.wHh must be a Float32Array of length 4*H*H = 100, received Float32Array(3)',
  ],
  [
    'a grads bias of the wrong type',
    'gruBackward',
    'grads.bIh',
    new Float64Array(3 * H),
    TypeError,
    'gruBackward: grads.bIh must be a Float32Array of length 3*H = 15, received Float64Array(15)',
  ],
  [
    'dcT for another batch size',
    'lstmBackward',
    'dcT',
    f32(B),
    RangeError,
    'lstmBackward: dcT must be a Float32Array of length B*H = 15, received Float32Array(3)',
  ],
];
function runPublic(fn: Fn, path: string, value: unknown, extra: Raw = {}) {
  const inputs = withPath({ ...publicInputs(fn), ...extra }, path, value);
  return () =>
    (fn.endsWith('Forward')
      ? forward(fn.replace('Forward', '') as Cell)
      : backward(fn.replace('Backward', '') as Cell))(inputs);
}

describe('the public API', () => {
  test.each(BOTH)('%s', (_, fn, path, value, errorClass, message) =>
    expectThrow(runPublic(fn, path, value), errorClass, message),
  );

  // Mistakes only the public API can see: it checks values, option names, and the objects it nests.
  const PUBLIC_ONLY: Case[] = [
    [
      'NaN in wHh',
      'lstmForward',
      'wHh',
      withNaN(4 * H * H, 17),
      RangeError,
      'lstmForward: wHh must be finite numbers only, received NaN at index 17',
    ],
    [
      'Infinity in x',
      'lstmForward',
      'x',
      withNaN(T * B * I, 3, Infinity),
      RangeError,
      'lstmForward: x must be finite numbers only, received Infinity at index 3',
    ],
    [
      '-Infinity in c0',
      'lstmForward',
      'c0',
      withNaN(B * H, 0, -Infinity),
      RangeError,
      'lstmForward: c0 must be finite numbers only, received -Infinity at index 0',
    ],
    [
      'NaN in dcT',
      'lstmBackward',
      'dcT',
      withNaN(B * H, 2),
      RangeError,
      'lstmBackward: dcT must be finite numbers only, received NaN at index 2',
    ],
    [
      'a misspelt field',
      'lstmForward',
      'wih',
      f32(1),
      RangeError,
      "lstmForward: each option must be one of T, B, I, H, x, wIh, wHh, bIh, bHh, h0, c0, lengths, received 'wih' " +
        "(did you mean 'wIh'?)",
    ],
    [
      'no saved state',
      'lstmBackward',
      'saved',
      undefined,
      TypeError,
      'lstmBackward: saved must be the saved state that lstmForward returned, received undefined',
    ],
    [
      'no grads',
      'lstmBackward',
      'grads',
      undefined,
      TypeError,
      'lstmBackward: grads must be an object { wIh, wHh, bIh, bHh } of Float32Arrays, received undefined',
    ],
  ];
  test.each(PUBLIC_ONLY)('%s', (_, fn, path, value, errorClass, message) =>
    expectThrow(runPublic(fn, path, value), errorClass, message),
  );

  test('options that are not an object', () => {
    expectThrow(
      () => k.lstmForward(undefined as never),
      TypeError,
      'lstmForward: options must be an object, received undefined',
    );
    expectThrow(
      () => k.lstmForward([1] as never),
      TypeError,
      'lstmForward: options must be an object, received Array(1)',
    );
  });

  test('the saved state of another cell', () => {
    expectThrow(
      () => k.gruBackward({ ...publicInputs('gruBackward'), saved: publicInputs('lstmBackward').saved } as never),
      RangeError,
      "gruBackward: saved must be the saved state that gruForward returned, received saved.cell = 'lstm'",
    );
  });

  test('sizes beyond 2^53 are refused with the exact product', () => {
    expectThrow(
      runPublic('lstmForward', 'T', 2147483647, { B: 2147483647 }),
      RangeError,
      'lstmForward: T*B*I must be at most 9007199254740991, received 9223372028264841218',
    );
    expectThrow(
      () => k.lstmForward({ ...forwardInputs('lstm'), I: 1, H: 2147483647 } as never),
      RangeError,
      'lstmForward: 4*H*H must be at most 9007199254740991, received 18446744056529682436',
    );
  });

  test('elementwise kernels check their arrays', () => {
    expectThrow(
      () => k.tanh([1, 2] as unknown as Float32Array),
      TypeError,
      'tanh: x must be a Float32Array, received Array(2)',
    );
    expectThrow(
      () => k.sigmoid(f32(3), f32(2)),
      RangeError,
      "sigmoid: out must be a Float32Array of x's length 3, received Float32Array(2)",
    );
  });
});

describe.runIf(backendInfo().backend === 'native')('the native addon, called directly', () => {
  const addon =
    backendInfo().backend === 'native' ? (loadAddon() as unknown as Record<Fn, (o: unknown) => void>) : undefined;
  const runRaw = (fn: Fn, path: string, value: unknown, extra: Raw = {}) => {
    const call = { ...rawCall(fn), ...extra, [rawKey(path)]: value };
    return () => addon![fn](call);
  };

  test.each(BOTH)('%s: the same message as the public API', (_, fn, path, value, errorClass, message) =>
    expectThrow(runRaw(fn, path, value), errorClass, message),
  );

  test('huge dimensions with small arrays: the same exact product as the public API', () => {
    expectThrow(
      runRaw('lstmForward', 'T', 2147483647, { B: 2147483647 }),
      RangeError,
      'lstmForward: T*B*I must be at most 9007199254740991, received 9223372028264841218',
    );
  });

  // Mistakes only a direct call can make: the public API allocates the outputs itself.
  const RAW_ONLY: Case[] = [
    [
      'an output missing',
      'lstmForward',
      'gates',
      undefined,
      TypeError,
      'lstmForward: gates must be a Float32Array of length T*B*4*H = 240, received undefined',
    ],
    [
      'an output too short',
      'lstmForward',
      'y',
      f32(5),
      RangeError,
      'lstmForward: y must be a Float32Array of length T*B*H = 60, received Float32Array(5)',
    ],
    [
      'dx of the wrong length',
      'gruBackward',
      'dx',
      f32(1),
      RangeError,
      'gruBackward: dx must be a Float32Array of length T*B*I = 24, received Float32Array(1)',
    ],
  ];
  test.each(RAW_ONLY)('%s', (_, fn, path, value, errorClass, message) =>
    expectThrow(runRaw(fn, path, value), errorClass, message),
  );

  test('not an object', () => {
    expectThrow(() => addon!.lstmForward(7), TypeError, 'lstmForward: options must be an object, received 7');
  });

  test('does not scan values: NaN in a weight runs, and comes out in the outputs', () => {
    // Finiteness is checked where data enters (the public API above, a model's fit), not on every kernel call.
    const call: Raw = { ...rawCall('lstmForward'), bHh: withNaN(4 * H, 0) };
    addon!.lstmForward(call);
    expect(Number.isNaN((call.y as Float32Array)[0])).toBe(true);
  });

  test('a plain array of lengths works as the public API accepts it, and gives the same result', () => {
    const asArray: Raw = { ...rawCall('gruForward'), lengths: [4, 0, 2] };
    const asInt32: Raw = { ...rawCall('gruForward'), lengths: Int32Array.from([4, 0, 2]) };
    addon!.gruForward(asArray);
    addon!.gruForward(asInt32);
    expect(asArray.y).toEqual(asInt32.y);
    expect(asArray.hT).toEqual(asInt32.hT);
  });

  test('pointwise checks too', () => {
    const pointwise = (loadAddon() as unknown as { pointwise: (...a: unknown[]) => void }).pointwise;
    expectThrow(
      () => pointwise('exp', f32(2), f32(2)),
      RangeError,
      "pointwise: op must be one of 'sigmoid', 'tanh', 'relu', received 'exp'",
    );
  });
});
