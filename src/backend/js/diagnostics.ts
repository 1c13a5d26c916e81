// What gradient monitors (src/diagnostics/) ask of the backend, in plain TypeScript: the twin of squared_distance in
// native/optim/norms-inl.h (float64 arithmetic; the native kernel sums in another order, within rounding of this).

/** sum (a - b)^2 over the elements of a and b (of one length), in float64; NaN if any element is NaN. */
export function squaredDistance(a: Float32Array, b: Float32Array): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    acc += d * d;
  }
  return acc;
}
