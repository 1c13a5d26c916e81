// The optimizer updates and clipping passes in plain TypeScript: the twins of native/optim/update-inl.h and
// native/optim/norms-inl.h, with the same order of operations (PyTorch's single-tensor path). Arithmetic is float64,
// rounded to float32 where a value is stored, so results agree with the native float32 kernels within float32
// rounding. One pass per parameter, no allocation.

/**
 * The gradient the algorithm sees: clamp(grad * scale, -clip, clip), negated when sign is -1, plus the L2 term
 * decay * param, rounded to float32 as it is in PyTorch and in the native kernels. scale 1, clip Infinity and
 * decay 0 leave it unchanged.
 */
function prepared(grad: number, param: number, scale: number, clip: number, sign: number, decay: number): number {
  // PyTorch (and the native kernels) take these coefficients as float32 and round g to float32
  let g = Math.fround(grad * Math.fround(scale));
  g = g < -clip ? -clip : g > clip ? clip : g;
  return Math.fround(sign * g + Math.fround(decay) * param);
}

/** Whether the gradient is used as it is (the common case, which skips prepared()). */
function isPlain(weightDecay: number, maximize: boolean, scale: number, clip: number): boolean {
  return weightDecay === 0 && !maximize && scale === 1 && clip === Infinity;
}

export function sgdUpdate(
  param: Float32Array,
  grad: Float32Array,
  buf: Float32Array | null,
  lr: number,
  momentum: number,
  dampening: number,
  nesterov: boolean,
  firstStep: boolean,
  weightDecay: number,
  maximize: boolean,
  gradScale: number,
  clipValue: number,
): void {
  const n = param.length;
  const sign = maximize ? -1 : 1;
  const plain = isPlain(weightDecay, maximize, gradScale, clipValue);
  const keep = 1 - dampening;
  for (let i = 0; i < n; i++) {
    const p = param[i];
    const g = plain ? grad[i] : prepared(grad[i], p, gradScale, clipValue, sign, weightDecay);
    let d = g;
    if (momentum !== 0) {
      const b = Math.fround(firstStep ? g : buf![i] * momentum + g * keep);
      buf![i] = b;
      d = nesterov ? g + b * momentum : b;
    }
    param[i] = p - lr * d;
  }
}

export function adamUpdate(
  param: Float32Array,
  grad: Float32Array,
  expAvg: Float32Array,
  expAvgSq: Float32Array,
  maxExpAvgSq: Float32Array | null,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  decoupledDecay: number,
  step: number,
  weightDecay: number,
  maximize: boolean,
  gradScale: number,
  clipValue: number,
): void {
  const n = param.length;
  const sign = maximize ? -1 : 1;
  const plain = isPlain(weightDecay, maximize, gradScale, clipValue);
  const stepSize = lr / (1 - beta1 ** step);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = 1 - lr * decoupledDecay;
  for (let i = 0; i < n; i++) {
    const p = decoupledDecay !== 0 ? Math.fround(param[i] * decay) : param[i];
    const g = plain ? grad[i] : prepared(grad[i], p, gradScale, clipValue, sign, weightDecay);
    const m = Math.fround(expAvg[i] * beta1 + g * (1 - beta1));
    const v = Math.fround(expAvgSq[i] * beta2 + g * g * (1 - beta2));
    expAvg[i] = m;
    expAvgSq[i] = v;
    let second = v;
    if (maxExpAvgSq !== null) {
      second = maxExpAvgSq[i] > v ? maxExpAvgSq[i] : v;
      maxExpAvgSq[i] = second;
    }
    param[i] = p - (stepSize * m) / (Math.sqrt(second) / biasCorrection2Sqrt + eps);
  }
}

export function rmspropUpdate(
  param: Float32Array,
  grad: Float32Array,
  squareAvg: Float32Array,
  gradAvg: Float32Array | null,
  buf: Float32Array | null,
  lr: number,
  alpha: number,
  eps: number,
  momentum: number,
  weightDecay: number,
  maximize: boolean,
  gradScale: number,
  clipValue: number,
): void {
  const n = param.length;
  const sign = maximize ? -1 : 1;
  const plain = isPlain(weightDecay, maximize, gradScale, clipValue);
  for (let i = 0; i < n; i++) {
    const p = param[i];
    const g = plain ? grad[i] : prepared(grad[i], p, gradScale, clipValue, sign, weightDecay);
    const sq = Math.fround(squareAvg[i] * alpha + g * g * (1 - alpha));
    squareAvg[i] = sq;
    let avg: number;
    if (gradAvg !== null) {
      const a = Math.fround(gradAvg[i] * alpha + g * (1 - alpha));
      gradAvg[i] = a;
      avg = Math.sqrt(sq - a * a) + eps;
    } else {
      avg = Math.sqrt(sq) + eps;
    }
    if (momentum > 0) {
      const b = Math.fround(buf![i] * momentum + g / avg);
      buf![i] = b;
      param[i] = p - lr * b;
    } else {
      param[i] = p - (lr * g) / avg;
    }
  }
}

export function adagradUpdate(
  param: Float32Array,
  grad: Float32Array,
  sum: Float32Array,
  lr: number,
  lrDecay: number,
  eps: number,
  step: number,
  weightDecay: number,
  maximize: boolean,
  gradScale: number,
  clipValue: number,
): void {
  const n = param.length;
  const sign = maximize ? -1 : 1;
  const plain = isPlain(weightDecay, maximize, gradScale, clipValue);
  const clr = lr / (1 + (step - 1) * lrDecay);
  for (let i = 0; i < n; i++) {
    const p = param[i];
    const g = plain ? grad[i] : prepared(grad[i], p, gradScale, clipValue, sign, weightDecay);
    const s = Math.fround(sum[i] + g * g);
    sum[i] = s;
    param[i] = p - (clr * g) / (Math.sqrt(s) + eps);
  }
}

export function normPartial(x: Float32Array, ord: number): number {
  const n = x.length;
  let acc = 0;
  if (ord === 1) {
    for (let i = 0; i < n; i++) acc += Math.abs(x[i]);
  } else if (ord === 2) {
    for (let i = 0; i < n; i++) acc += x[i] * x[i];
  } else {
    let nan = false;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[i]);
      if (a > acc) acc = a;
      else if (a !== a) nan = true;
    }
    if (nan) return NaN;
  }
  return acc;
}

export function allFinite(x: Float32Array): boolean {
  let acc = 0;
  for (let i = 0; i < x.length; i++) acc += x[i] * 0; // NaN for NaN or an infinity
  return acc === 0;
}

export function scaleInPlace(x: Float32Array, s: number): void {
  const f = Math.fround(s);
  for (let i = 0; i < x.length; i++) x[i] *= f;
}

export function clampInPlace(x: Float32Array, c: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v < -c ? -c : v > c ? c : v;
  }
}
