// The optimizers' public behaviour: construction and its checks (exact messages), param groups, the non-finite
// gradient policy, state dicts, zeroGrad and the closure. The numbers themselves are checked against PyTorch in
// test/backends/optim-fixtures.test.ts.
import { describe, expect, test } from 'vitest';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer, type Parameter } from '../src/index.js';

function param(n: number, name?: string, seed = 1): Parameter {
  const value = Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7 + i));
  const grad = Float32Array.from({ length: n }, (_, i) => Math.cos(seed * 3 + 2 * i));
  return name === undefined ? { value, grad } : { name, shape: [n], value, grad };
}

const snapshot = (ps: Parameter[]) => ps.map((p) => Array.from(p.value));
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('construction', () => {
  test('PyTorch defaults, and options override them', () => {
    const ps = [param(3)];
    expect(new SGD(ps).defaults).toEqual({
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
    });
    expect(new Adam(ps).defaults).toEqual({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
    });
    expect(new AdamW(ps).defaults.weightDecay).toBe(1e-2);
    expect(new RMSprop(ps).defaults).toEqual({
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
    });
    expect(new Adagrad(ps).defaults).toEqual({
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
    });
    const opt = new Adam(ps, { lr: 0.1, betas: [0.5, 0.6] });
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.1, betas: [0.5, 0.6], eps: 1e-8 });
    expect(opt.nonFinite).toBe('error');
    expect([opt.clipNorm, opt.globalClipNorm, opt.clipValue]).toEqual([null, null, null]);
  });

  test('param groups take the defaults for what they leave out', () => {
    const [a, b, c] = [param(2), param(3), param(4)];
    const opt = new SGD([{ params: [a], lr: 1e-3 }, { params: [b, c] }], { lr: 1e-2, momentum: 0.9, nesterov: true });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.nesterov, g.params.length])).toEqual([
      [1e-3, 0.9, true, 1],
      [1e-2, 0.9, true, 2],
    ]);
  });

  test('without parameters, the optimizer waits for addParamGroup (what model.compile calls)', () => {
    const opt = new Adam({ lr: 1e-3, weightDecay: 0.5 });
    expect(opt.paramGroups).toEqual([]);
    opt.step(); // nothing to do
    const p = param(5);
    opt.addParamGroup({ params: [p] });
    opt.addParamGroup({ params: [param(2)], lr: 0.5 });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual([
      [1e-3, 0.5],
      [0.5, 0.5],
    ]);
    const before = Array.from(p.value);
    opt.step();
    expect(Array.from(p.value)).not.toEqual(before);
    expect(new Adam().paramGroups).toEqual([]);
  });

  const ps = [param(3)];
  const bad: Array<[string, () => unknown, string, 'TypeError' | 'RangeError']> = [
    ['negative lr', () => new Adam(ps, { lr: -1 }), 'Adam: lr must be a finite number >= 0, received -1', 'RangeError'],
    ['NaN lr', () => new SGD(ps, { lr: NaN }), 'SGD: lr must be a finite number >= 0, received NaN', 'RangeError'],
    [
      'string lr',
      () => new SGD(ps, { lr: '0.1' as never }),
      "SGD: lr must be a finite number >= 0, received '0.1'",
      'TypeError',
    ],
    [
      'beta1 of 1',
      () => new Adam(ps, { betas: [1, 0.999] }),
      'Adam: betas[0] must be a number in [0, 1), received 1',
      'RangeError',
    ],
    [
      'negative beta2',
      () => new AdamW(ps, { betas: [0.9, -0.1] }),
      'AdamW: betas[1] must be a number in [0, 1), received -0.1',
      'RangeError',
    ],
    [
      'betas not a pair',
      () => new Adam(ps, { betas: 0.9 as never }),
      'Adam: betas must be an array [beta1, beta2], received 0.9',
      'TypeError',
    ],
    [
      'negative eps',
      () => new Adam(ps, { eps: -1e-8 }),
      'Adam: eps must be a finite number >= 0, received -1e-8',
      'RangeError',
    ],
    [
      'negative weight decay',
      () => new AdamW(ps, { weightDecay: -0.01 }),
      'AdamW: weightDecay must be a finite number >= 0, received -0.01',
      'RangeError',
    ],
    [
      'amsgrad not boolean',
      () => new Adam(ps, { amsgrad: 1 as never }),
      'Adam: amsgrad must be a boolean, received 1',
      'TypeError',
    ],
    [
      'negative momentum',
      () => new SGD(ps, { momentum: -0.9 }),
      'SGD: momentum must be a finite number >= 0, received -0.9',
      'RangeError',
    ],
    [
      'nesterov without momentum',
      () => new SGD(ps, { nesterov: true }),
      'SGD: momentum must be > 0 with nesterov: true, received 0',
      'RangeError',
    ],
    [
      'nesterov with dampening',
      () => new SGD(ps, { nesterov: true, momentum: 0.9, dampening: 0.1 }),
      'SGD: dampening must be 0 with nesterov: true, received 0.1',
      'RangeError',
    ],
    [
      'dampening above 1',
      () => new SGD(ps, { dampening: 2 }),
      'SGD: dampening must be a number in [0, 1], received 2',
      'RangeError',
    ],
    [
      'alpha above 1',
      () => new RMSprop(ps, { alpha: 1.5 }),
      'RMSprop: alpha must be a number in [0, 1], received 1.5',
      'RangeError',
    ],
    [
      'centered not boolean',
      () => new RMSprop(ps, { centered: 'yes' as never }),
      "RMSprop: centered must be a boolean, received 'yes'",
      'TypeError',
    ],
    [
      'negative lr decay',
      () => new Adagrad(ps, { lrDecay: -1 }),
      'Adagrad: lrDecay must be a finite number >= 0, received -1',
      'RangeError',
    ],
    [
      'negative initial accumulator',
      () => new Adagrad(ps, { initialAccumulatorValue: -0.1 }),
      'Adagrad: initialAccumulatorValue must be a finite number >= 0, received -0.1',
      'RangeError',
    ],
    [
      'misspelt option',
      () => new Adam(ps, { betaz: [0.9, 0.99] } as never),
      "Adam: each option must be one of lr, betas, eps, weightDecay, amsgrad, maximize, clipNorm, globalClipNorm, clipValue, nonFinite, received 'betaz' (did you mean 'betas'?)",
      'RangeError',
    ],
    [
      'a PyTorch-only option',
      () => new Adam(ps, { foreach: true } as never),
      "Adam: each option must be one of lr, betas, eps, weightDecay, amsgrad, maximize, clipNorm, globalClipNorm, clipValue, nonFinite, received 'foreach'",
      'RangeError',
    ],
    [
      'two clipping options',
      () => new Adam(ps, { clipNorm: 1, clipValue: 0.5 }),
      'Adam: options must be at most one of clipNorm, globalClipNorm, clipValue, received clipNorm and clipValue',
      'RangeError',
    ],
    [
      'zero clipNorm',
      () => new Adam(ps, { clipNorm: 0 }),
      'Adam: clipNorm must be a finite number > 0, received 0',
      'RangeError',
    ],
    [
      'infinite globalClipNorm',
      () => new SGD(ps, { globalClipNorm: Infinity }),
      'SGD: globalClipNorm must be a finite number > 0, received Infinity',
      'RangeError',
    ],
    [
      'unknown policy',
      () => new Adam(ps, { nonFinite: 'ignore' as never }),
      "Adam: nonFinite must be one of 'error', 'skip', received 'ignore'",
      'RangeError',
    ],
    [
      'empty parameter list',
      () => new Adam([]),
      'Adam: params must be a non-empty array of parameters or of parameter groups, received Array(0)',
      'RangeError',
    ],
    [
      'a single parameter',
      () => new Adam(param(3) as never),
      'Adam: params must be an array of parameters or of parameter groups, received an object',
      'TypeError',
    ],
    [
      'a Float32Array',
      () => new Adam(new Float32Array(3) as never),
      'Adam: params[0] must be a parameter { value: Float32Array, grad: Float32Array }, received 0',
      'TypeError',
    ],
    [
      'grad of another length',
      () => new Adam([{ value: new Float32Array(3), grad: new Float32Array(2) }]),
      "Adam: params[0].grad must be a Float32Array of value's length 3, received Float32Array(2)",
      'RangeError',
    ],
    [
      'value not a Float32Array',
      () => new SGD([{ value: [1, 2], grad: new Float32Array(2) } as never]),
      'SGD: params[0].value must be a Float32Array, received Array(2)',
      'TypeError',
    ],
    [
      'shape that does not match',
      () => new SGD([{ ...param(6), shape: [2, 2] }]),
      "SGD: params[0].shape must be an array of integers >= 0 whose product is value's length 6, received [2, 2]",
      'RangeError',
    ],
    [
      'a bad group option',
      () => new Adam([{ params: ps }, { params: [param(2)], lr: -1 }]),
      'Adam: params[1].lr must be a finite number >= 0, received -1',
      'RangeError',
    ],
    [
      'mixed parameters and groups',
      () => new Adam([param(2), { params: ps }] as never),
      'Adam: params must be an array of parameters or of parameter groups (not both), received Array(2)',
      'TypeError',
    ],
    [
      'a parameter in two groups',
      () => new SGD([{ params: ps }, { params: ps }]),
      "SGD: params[1].params[0] must be a parameter in no other group (nor twice in one), received the same value array as group 0's parameter 0",
      'RangeError',
    ],
    [
      'a parameter twice in one list',
      () => new SGD([ps[0], ps[0]]),
      "SGD: params[1] must be a parameter in no other group (nor twice in one), received the same value array as group 0's parameter 0",
      'RangeError',
    ],
    [
      'a group option the optimizer lacks',
      () => new SGD([{ params: ps, betas: [0.9, 0.9] } as never]),
      "SGD: each option must be one of params, lr, momentum, dampening, weightDecay, nesterov, maximize, initialLr, received 'betas'",
      'RangeError',
    ],
  ];
  test.each(bad)('%s', (_, make, message, type) => {
    expect(make).toThrow(message);
    try {
      make();
    } catch (e) {
      expect((e as Error).name).toBe(type);
      expect((e as Error).message).toBe(message);
    }
  });

  test('addParamGroup checks as the constructor does, and refuses a parameter already held', () => {
    const p = param(3);
    const opt = new SGD([p], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [p] })).toThrow(
      "SGD.addParamGroup: group.params[0] must be a parameter in no other group (nor twice in one), received the same value array as group 0's parameter 0",
    );
    expect(() => opt.addParamGroup({ params: [param(2)], momentum: -1 })).toThrow(
      'SGD.addParamGroup: group.momentum must be a finite number >= 0, received -1',
    );
    expect(opt.paramGroups.length).toBe(1);
  });
});

describe('non-finite gradients', () => {
  const cases: Array<[string, (ps: Parameter[], o?: object) => Optimizer]> = [
    ['SGD', (ps, o) => new SGD(ps, { lr: 0.1, momentum: 0.9, ...o })],
    ['Adam', (ps, o) => new Adam(ps, { lr: 0.1, ...o })],
    ['AdamW', (ps, o) => new AdamW(ps, { lr: 0.1, ...o })],
    ['RMSprop', (ps, o) => new RMSprop(ps, { lr: 0.1, centered: true, momentum: 0.5, ...o })],
    ['Adagrad', (ps, o) => new Adagrad(ps, { lr: 0.1, ...o })],
  ];
  for (const [name, make] of cases) {
    for (const clip of [{}, { globalClipNorm: 1 }, { clipNorm: 1 }, { clipValue: 0.1 }]) {
      test(`${name} ${JSON.stringify(clip)}: 'error' throws naming the parameter and step, and changes nothing`, () => {
        const ps = [param(5, 'dense.weight', 1), param(9, 'lstm.weight_hh_l0', 2), param(3, undefined, 3)];
        const opt = make(ps, clip);
        opt.step();
        opt.step();
        const state = opt.stateDict();
        const before = ps.map((p) => bits(p.value));
        ps[1].grad[4] = NaN;
        expect(() => opt.step()).toThrow(
          new RangeError(
            `${name}.step: grad of 'lstm.weight_hh_l0' (parameter 1) must be finite numbers only, received NaN at index 4 in step 3; no weight was changed`,
          ),
        );
        expect(ps.map((p) => bits(p.value))).toEqual(before);
        expect(opt.stateDict()).toEqual(state);
        ps[1].grad[4] = 0;
        ps[2].grad[1] = -Infinity;
        expect(() => opt.step()).toThrow(
          `grad of parameter 2 must be finite numbers only, received -Infinity at index 1 in step 3`,
        );
        expect(ps.map((p) => bits(p.value))).toEqual(before);
      });

      test(`${name} ${JSON.stringify(clip)}: 'skip' skips the whole update and counts it`, () => {
        const ps = [param(5, 'a', 1), param(9, 'b', 2)];
        const opt = make(ps, { ...clip, nonFinite: 'skip' });
        opt.step();
        const state = opt.stateDict();
        const before = ps.map((p) => bits(p.value));
        ps[1].grad[8] = Infinity;
        opt.step();
        opt.step();
        expect(ps.map((p) => bits(p.value))).toEqual(before);
        expect(opt.stateDict()).toEqual({ ...state, skippedSteps: 2 });
        expect([opt.steps, opt.skippedSteps, opt.lastStepSkipped]).toEqual([1, 2, true]);
        ps[1].grad[8] = 0.5;
        opt.step();
        expect([opt.steps, opt.skippedSteps, opt.lastStepSkipped]).toEqual([2, 2, false]);
        expect(ps.map((p) => bits(p.value))).not.toEqual(before);
      });
    }
  }
});

describe('state dicts', () => {
  const makers: Array<[string, (ps: Parameter[]) => Optimizer]> = [
    ['SGD', (ps) => new SGD([{ params: ps.slice(0, 1), momentum: 0.9 }, { params: ps.slice(1) }], { lr: 0.1 })],
    ['Adam', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 })],
    ['RMSprop', (ps) => new RMSprop(ps, { momentum: 0.9, centered: true })],
    ['Adagrad', (ps) => new Adagrad(ps, { initialAccumulatorValue: 0.1, lrDecay: 0.01 })],
  ];
  for (const [name, make] of makers) {
    test(`${name}: save, load into a fresh optimizer, and continue bit-identically`, () => {
      const a = [param(4, 'x', 1), param(6, 'y', 2)];
      const b = [param(4, 'x', 1), param(6, 'y', 2)];
      const optA = make(a);
      const optB = make(b);
      for (let i = 0; i < 3; i++) {
        optA.step();
        optB.step();
      }
      const saved = optA.stateDict();
      // plain data: JSON except Float32Arrays, which are copies
      const json = JSON.stringify(saved, (_, v: unknown) => (v instanceof Float32Array ? Array.from(v) : v));
      expect(typeof json).toBe('string');
      optA.paramGroups[0].lr = 123;
      const fresh = [param(4, 'x', 1), param(6, 'y', 2)];
      fresh.forEach((p, i) => p.value.set(a[i].value));
      const optC = make(fresh);
      optC.loadStateDict(saved);
      expect(optC.paramGroups[0].lr).not.toBe(123);
      for (let i = 0; i < 3; i++) {
        optB.step();
        optC.step();
      }
      expect(fresh.map((p) => bits(p.value))).toEqual(b.map((p) => bits(p.value)));
      expect(optC.steps).toBe(6);
    });
  }

  test('getConfig gives the options that rebuild the optimizer', () => {
    const opt = new AdamW([param(3)], { lr: 0.05, betas: [0.8, 0.9], globalClipNorm: 2, nonFinite: 'skip' });
    const { type, ...options } = opt.getConfig();
    expect(type).toBe('AdamW');
    expect(JSON.parse(JSON.stringify(options))).toEqual({
      lr: 0.05,
      betas: [0.8, 0.9],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      maximize: false,
      nonFinite: 'skip',
      globalClipNorm: 2,
    });
    const again = new AdamW([param(3)], options);
    expect(again.getConfig()).toEqual(opt.getConfig());
  });

  test('loadStateDict checks everything before changing anything', () => {
    const ps = [param(4), param(6)];
    const opt = new Adam(ps, { lr: 0.01 });
    opt.step();
    const good = opt.stateDict();
    const bad: Array<[object, string]> = [
      [{ ...good, type: 'SGD' }, "Adam.loadStateDict: stateDict.type must be 'Adam', received 'SGD'"],
      [
        { ...good, paramGroups: [] },
        "Adam.loadStateDict: stateDict.paramGroups must be an array of 1 groups (this optimizer's), received Array(0)",
      ],
      [
        { ...good, paramGroups: [{ ...good.paramGroups[0], params: [0] }] },
        "Adam.loadStateDict: stateDict.paramGroups[0].params must be an array of 2 indices (the group's size), received Array(1)",
      ],
      [
        { ...good, paramGroups: [{ ...good.paramGroups[0], lr: -1 }] },
        'Adam.loadStateDict: stateDict.paramGroups[0].lr must be a finite number >= 0, received -1',
      ],
      [
        { ...good, state: { 0: { ...good.state[0], expAvg: new Float32Array(3) } } },
        "Adam.loadStateDict: stateDict.state[0].expAvg must be a Float32Array of value's length 4, received Float32Array(3)",
      ],
      [
        { ...good, state: { 5: good.state[0] } },
        "Adam.loadStateDict: stateDict.state must be keys that are parameter indices in [0, 1], received '5'",
      ],
      [
        { ...good, state: { 0: { step: 1 } } },
        'Adam.loadStateDict: stateDict.state[0].expAvg must be present, received undefined',
      ],
      [
        { ...good, state: { 0: { ...good.state[0], step: -1 } } },
        'Adam.loadStateDict: stateDict.state[0].step must be an integer >= 0, received -1',
      ],
    ];
    for (const [s, message] of bad) {
      expect(() => opt.loadStateDict(s as never)).toThrow(message);
      expect(opt.stateDict()).toEqual(good);
    }
  });
});

describe('steps', () => {
  test('zeroGrad zeroes every gradient; step returns the closure loss', () => {
    const ps = [param(3), param(4)];
    const opt = new SGD(ps, { lr: 0.1 });
    expect(opt.step(() => 42)).toBe(42);
    expect(opt.step()).toBeUndefined();
    opt.zeroGrad();
    expect(ps.every((p) => p.grad.every((g) => g === 0))).toBe(true);
    const before = snapshot(ps);
    opt.step();
    expect(snapshot(ps)).toEqual(before);
  });

  test('a group hyperparameter set to a bad value is caught at the next step', () => {
    const opt = new Adam([param(3)]);
    opt.paramGroups[0].lr = -0.1;
    expect(() => opt.step()).toThrow('Adam.step: paramGroups[0].lr must be a finite number >= 0, received -0.1');
  });

  test('a gradient array replaced by one of another length is caught', () => {
    const p = param(3, 'w');
    const opt = new Adam([p]);
    p.grad = new Float32Array(2);
    expect(() => opt.step()).toThrow(
      "Adam.step: grad of 'w' (parameter 0) must be a Float32Array of value's length 3, received Float32Array(2)",
    );
  });
});
