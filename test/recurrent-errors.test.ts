// Bad input to the recurrent kernels: the exact error class and message, from the public API and from the native
// addon called directly (which re-checks every field). None of them crashes.
import { describe, expect, test } from 'vitest';
import { loadAddon } from '../src/backend/loader.js';
import { backendInfo } from '../src/index.js';
import * as k from '../src/kernels/index.js';

const [T, B, I, H] = [4, 3, 2, 5];
const f32 = (n: number, v = 0.1) => new Float32Array(n).fill(v);
const lstmWeights = () => ({ wIh: f32(4 * H * I), wHh: f32(4 * H * H), bIh: f32(4 * H), bHh: f32(4 * H) });
const lstmInputs = () => ({ T, B, I, H, x: f32(T * B * I), ...lstmWeights() });
const withField = (o: Record<string, unknown>, key: string, value: unknown) => ({ ...o, [key]: value });
const withNaN = (n: number, at: number, value = NaN) => {
  const a = f32(n);
  a[at] = value;
  return a;
};

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

describe('public API', () => {
  const lstm = (o: unknown) => () => k.lstmForward(o as k.LstmForwardInputs);
  const CASES: [string, () => unknown, typeof TypeError, string][] = [
    ['no argument', lstm(undefined), TypeError, 'lstmForward: options must be an object, received undefined'],
    ['an array', lstm([1]), TypeError, 'lstmForward: options must be an object, received Array(1)'],
    [
      'a misspelt field',
      lstm(withField(lstmInputs(), 'wih', f32(1))),
      RangeError,
      "lstmForward: each option must be one of T, B, I, H, x, wIh, wHh, bIh, bHh, h0, c0, lengths, received 'wih' " +
        "(did you mean 'wIh'?)",
    ],
    [
      'T of 0',
      lstm(withField(lstmInputs(), 'T', 0)),
      RangeError,
      'lstmForward: T must be an integer in [1, 2147483647], received 0',
    ],
    [
      'H missing',
      lstm(withField(lstmInputs(), 'H', undefined)),
      TypeError,
      'lstmForward: H must be an integer in [1, 2147483647], received undefined',
    ],
    [
      'wHh one short',
      lstm(withField(lstmInputs(), 'wHh', f32(4 * H * H - 1))),
      RangeError,
      'lstmForward: wHh must be a Float32Array of length 4*H*H = 100, received Float32Array(99)',
    ],
    [
      'wIh for a GRU (3 gates)',
      lstm(withField(lstmInputs(), 'wIh', f32(3 * H * I))),
      RangeError,
      'lstmForward: wIh must be a Float32Array of length 4*H*I = 40, received Float32Array(30)',
    ],
    [
      'x a Float64Array',
      lstm(withField(lstmInputs(), 'x', new Float64Array(T * B * I))),
      TypeError,
      'lstmForward: x must be a Float32Array of length T*B*I = 24, received Float64Array(24)',
    ],
    [
      'NaN in wHh',
      lstm(withField(lstmInputs(), 'wHh', withNaN(4 * H * H, 17))),
      RangeError,
      'lstmForward: wHh must be finite numbers only, received NaN at index 17',
    ],
    [
      'Infinity in x',
      lstm(withField(lstmInputs(), 'x', withNaN(T * B * I, 3, Infinity))),
      RangeError,
      'lstmForward: x must be finite numbers only, received Infinity at index 3',
    ],
    [
      'h0 for another batch size',
      lstm(withField(lstmInputs(), 'h0', f32(2 * H))),
      RangeError,
      'lstmForward: h0 must be a Float32Array of length B*H = 15, received Float32Array(10)',
    ],
    [
      '-Infinity in c0',
      lstm(withField(lstmInputs(), 'c0', withNaN(B * H, 0, -Infinity))),
      RangeError,
      'lstmForward: c0 must be finite numbers only, received -Infinity at index 0',
    ],
    [
      'a length beyond T',
      lstm(withField(lstmInputs(), 'lengths', [4, 7, 1])),
      RangeError,
      'lstmForward: lengths[1] must be an integer in [0, 4], received 7',
    ],
    [
      'a negative length',
      lstm(withField(lstmInputs(), 'lengths', Int32Array.from([4, -1, 1]))),
      RangeError,
      'lstmForward: lengths[1] must be an integer in [0, 4], received -1',
    ],
    [
      'a fractional length',
      lstm(withField(lstmInputs(), 'lengths', [1.5, 2, 3])),
      RangeError,
      'lstmForward: lengths[0] must be an integer in [0, 4], received 1.5',
    ],
    [
      'lengths for another batch size',
      lstm(withField(lstmInputs(), 'lengths', [1, 2])),
      RangeError,
      'lstmForward: lengths must be an Int32Array or an array of numbers of length B = 3, received Array(2)',
    ],
    [
      'lengths a string',
      lstm(withField(lstmInputs(), 'lengths', '123')),
      TypeError,
      "lstmForward: lengths must be an Int32Array or an array of numbers of length B = 3, received '123'",
    ],
    [
      'an unknown RNN activation',
      () =>
        k.rnnForward({
          T,
          B,
          I,
          H,
          x: f32(T * B * I),
          wIh: f32(H * I),
          wHh: f32(H * H),
          bIh: f32(H),
          bHh: f32(H),
          activation: 'sigmoid' as 'tanh',
        }),
      RangeError,
      "rnnForward: activation must be one of 'tanh', 'relu', received 'sigmoid'",
    ],
    [
      'resetAfter not a boolean',
      () =>
        k.gruForward({
          T,
          B,
          I,
          H,
          x: f32(T * B * I),
          wIh: f32(3 * H * I),
          wHh: f32(3 * H * H),
          bIh: f32(3 * H),
          bHh: f32(3 * H),
          resetAfter: 'yes' as unknown as boolean,
        }),
      TypeError,
      "gruForward: resetAfter must be a boolean, received 'yes'",
    ],
  ];
  test.each(CASES)('%s', (_, call, errorClass, message) => expectThrow(call, errorClass, message));

  test('sizes beyond 2^53 are refused with the exact product', () => {
    expectThrow(
      lstm({ ...lstmInputs(), T: 2147483647, B: 2147483647 }),
      RangeError,
      'lstmForward: T*B*I must be at most 9007199254740991, received 9223372028264841218',
    );
    expectThrow(
      lstm({ ...lstmInputs(), I: 1, H: 2147483647 }),
      RangeError,
      'lstmForward: 4*H*H must be at most 9007199254740991, received 18446744056529682436',
    );
  });

  describe('backward', () => {
    const forward = () => k.lstmForward(lstmInputs());
    const grads = () => lstmWeights();
    const back = (o: Record<string, unknown>) => () => k.lstmBackward(o as unknown as k.LstmBackwardInputs);
    const base = () => {
      const { x, wIh, wHh } = lstmInputs();
      return { x, wIh, wHh, saved: forward().saved, grads: grads() };
    };
    const BACKWARD: [string, () => unknown, typeof TypeError, string][] = [
      [
        'the saved state of another cell',
        () =>
          k.gruBackward({
            ...base(),
            wIh: f32(3 * H * I),
            wHh: f32(3 * H * H),
            saved: forward().saved as unknown as k.GruSaved,
          }),
        RangeError,
        "gruBackward: saved must be the saved state that gruForward returned, received saved.cell = 'lstm'",
      ],
      [
        'no saved state',
        back(withField(base(), 'saved', undefined)),
        TypeError,
        'lstmBackward: saved must be the saved state that lstmForward returned, received undefined',
      ],
      [
        'x for another batch size than the saved state',
        back(withField(base(), 'x', f32(T * 2 * I))),
        RangeError,
        'lstmBackward: x must be a Float32Array of length T*B*I = 24, received Float32Array(16)',
      ],
      [
        'a saved state with a truncated buffer',
        back(withField(base(), 'saved', { ...forward().saved, c: f32(3) })),
        RangeError,
        'lstmBackward: saved.c must be a Float32Array of length (T+1)*B*H = 75, received Float32Array(3)',
      ],
      [
        'no grads',
        back(withField(base(), 'grads', undefined)),
        TypeError,
        'lstmBackward: grads must be an object { wIh, wHh, bIh, bHh } of Float32Arrays, received undefined',
      ],
      [
        'a grads array of the wrong length',
        back(withField(base(), 'grads', { ...grads(), wHh: f32(3) })),
        RangeError,
        'lstmBackward: grads.wHh must be a Float32Array of length 4*H*H = 100, received Float32Array(3)',
      ],
      [
        'NaN in dcT',
        back(withField(base(), 'dcT', withNaN(B * H, 2))),
        RangeError,
        'lstmBackward: dcT must be finite numbers only, received NaN at index 2',
      ],
    ];
    test.each(BACKWARD)('%s', (_, call, errorClass, message) => expectThrow(call, errorClass, message));
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

describe.runIf(backendInfo().backend === 'native')('the native addon re-checks every field itself', () => {
  const addon = backendInfo().backend === 'native' ? loadAddon() : undefined;
  const raw = () => ({
    ...lstmInputs(),
    lengths: null,
    y: f32(T * B * H),
    hT: f32(B * H),
    cT: f32(B * H),
    gates: f32(T * B * 4 * H),
    h: f32((T + 1) * B * H),
    c: f32((T + 1) * B * H),
  });
  const call = (o: unknown) => () => (addon!.lstmForward as (o: unknown) => void)(o);
  const RAW: [string, () => unknown, typeof TypeError, string][] = [
    ['not an object', call(7), TypeError, 'lstmForward: options must be an object, received 7'],
    [
      'an output missing',
      call(withField(raw(), 'gates', undefined)),
      TypeError,
      'lstmForward: gates must be a Float32Array of length T*B*4*H = 240, received undefined',
    ],
    [
      'an output too short',
      call(withField(raw(), 'y', f32(5))),
      RangeError,
      'lstmForward: y must be a Float32Array of length T*B*H = 60, received Float32Array(5)',
    ],
    [
      'a length out of range',
      call(withField(raw(), 'lengths', Int32Array.from([1, 5, 2]))),
      RangeError,
      'lstmForward: lengths[1] must be an integer in [0, 4], received 5',
    ],
    [
      'lengths as a plain array',
      call(withField(raw(), 'lengths', [1, 2, 3])),
      TypeError,
      'lstmForward: lengths must be an Int32Array of length B = 3, received Array(3)',
    ],
    [
      'huge dimensions with small arrays',
      call(withField(withField(raw(), 'T', 2147483647), 'B', 2147483647)),
      RangeError,
      'lstmForward: T*B*I must be at most 9007199254740991, received 9223372028264841218',
    ],
    [
      'a fractional H',
      call(withField(raw(), 'H', 2.5)),
      RangeError,
      'lstmForward: H must be an integer in [1, 2147483647], received 2.5',
    ],
  ];
  test.each(RAW)('%s', (_, fn, errorClass, message) => expectThrow(fn, errorClass, message));

  test('does not scan values: NaN in a weight runs, and comes out in the outputs', () => {
    // Finiteness is checked where data enters (the public API above, a model's fit), not on every kernel call.
    const o = withField(raw(), 'bHh', withNaN(4 * H, 0));
    call(o)();
    expect(Number.isNaN((o.y as Float32Array)[0])).toBe(true);
  });

  test('gruForward, rnnBackward and pointwise check too', () => {
    expectThrow(
      () => (addon!.gruForward as (o: unknown) => void)({ T, B, I, H, resetAfter: 1 }),
      TypeError,
      'gruForward: resetAfter must be a boolean, received 1',
    );
    expectThrow(
      () => (addon!.rnnBackward as (o: unknown) => void)({ T, B, I, H, activation: 'gelu' }),
      RangeError,
      "rnnBackward: activation must be one of 'tanh', 'relu', received 'gelu'",
    );
    expectThrow(
      () => addon!.pointwise('exp' as 'tanh', f32(2), f32(2)),
      RangeError,
      "pointwise: op must be one of 'sigmoid', 'tanh', 'relu', received 'exp'",
    );
  });
});
