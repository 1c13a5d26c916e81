// A naive float64 GEMM and the float32 error bound the fast ones are held to.

export interface GemmCase {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  lda: number;
  ldb: number;
  ldc: number;
  offsetA: number;
  offsetB: number;
  offsetC: number;
}

const U = 2 ** -24; // unit roundoff of float32

/**
 * Row-major reference C = alpha * op(A) op(B) + beta * C in float64, with the elementwise bound on the error of
 * any float32 implementation that sums in order (with or without FMA): the classic
 * |fl(x.y) - x.y| <= gamma_K * sum |x||y|, plus a few roundings for alpha, beta and the final store:
 *   bound_ij = (K + 4) * u * (|alpha| * sum_p |A_ip| |B_pj| + |beta| * |C_ij|) + smallest normal float32.
 * Returns the reference for the whole C array (elements outside the matrix keep their value) and the bound
 * (0 outside the matrix, where C must not change at all).
 */
export function referenceGemm(
  c: GemmCase,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
): { expected: Float64Array; bound: Float64Array } {
  const expected = Float64Array.from(C);
  const bound = new Float64Array(C.length);
  const a = (i: number, p: number) => (c.transA ? A[c.offsetA + p * c.lda + i] : A[c.offsetA + i * c.lda + p]);
  const b = (p: number, j: number) => (c.transB ? B[c.offsetB + j * c.ldb + p] : B[c.offsetB + p * c.ldb + j]);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let sum = 0;
      let sumAbs = 0;
      if (c.alpha !== 0) {
        for (let p = 0; p < c.k; p++) {
          const x = a(i, p) * b(p, j);
          sum += x;
          sumAbs += Math.abs(x);
        }
      }
      const at = c.offsetC + i * c.ldc + j;
      const old = c.beta === 0 ? 0 : C[at]; // beta == 0: C is not read
      expected[at] = c.alpha * sum + c.beta * old;
      bound[at] = (c.k + 4) * U * (Math.abs(c.alpha) * sumAbs + Math.abs(c.beta * old)) + 2 ** -126;
    }
  }
  return { expected, bound };
}

/**
 * The largest |actual - expected| / bound over C (an element outside the matrix must be bit-identical, NaN
 * included). A result <= 1 means every element is within its bound.
 */
export function worstErrorRatio(actual: Float32Array, expected: Float64Array, bound: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    if (bound[i] === 0) {
      if (!Object.is(actual[i], Math.fround(expected[i]))) return Infinity;
      continue;
    }
    const ratio = Math.abs(actual[i] - expected[i]) / bound[i];
    if (!(ratio <= worst)) worst = Number.isNaN(ratio) ? Infinity : ratio;
  }
  return worst;
}
