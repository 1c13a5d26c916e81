// The public GEMM.
import { backend } from './backend/index.js';
import {
  MAX_DIM,
  MAX_SAFE_INTEGER,
  checkFiniteFloat,
  checkFloat32Array,
  checkInteger,
  checkMatrixLength,
  checkNoOverlap,
  checkOptions,
  checkTranspose,
  matrixSpan,
} from './validate.js';

export interface SgemmOptions {
  /** Index in A of op(A)'s first element. Default 0. */
  offsetA?: number;
  /** Index in B of op(B)'s first element. Default 0. */
  offsetB?: number;
  /** Index in C of C's first element. Default 0. */
  offsetC?: number;
}

const SGEMM_OPTIONS = ['offsetA', 'offsetB', 'offsetC'] as const;

/**
 * Single-precision matrix multiply with BLAS sgemm semantics, on row-major Float32Arrays:
 *
 *     C = alpha * op(A) * op(B) + beta * C,   op(X) = X, or X transposed when transX is true or 'T'
 *
 * - op(A) is M x K: A is stored M x K with lda >= K, or K x M with lda >= M when transposed.
 * - op(B) is K x N: B is stored K x N with ldb >= N, or N x K with ldb >= K when transposed.
 * - C is M x N with ldc >= N. Leading dimensions are row strides in elements, and are at least 1.
 * - When beta is 0, C is not read: NaN or Inf in it does not propagate. When alpha is 0 or K is 0, A and B are
 *   not read and C = beta * C.
 * - Offsets (default 0) locate each matrix inside its array, so views into one large buffer work without
 *   subarray(). C must not overlap A or B.
 *
 * The arrays are used in place, never copied. The native result does not depend on the thread count.
 * Throws TypeError for an argument of the wrong type and RangeError for a value out of range (a dimension that
 * is negative or not an integer, a leading dimension below its minimum, alpha or beta not finite, an array too
 * short for its shape and offset, C overlapping A or B, an unknown option).
 */
export function sgemm(
  transA: boolean | 'N' | 'T',
  transB: boolean | 'N' | 'T',
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  lda: number,
  B: Float32Array,
  ldb: number,
  beta: number,
  C: Float32Array,
  ldc: number,
  options?: SgemmOptions,
): void {
  const fn = 'sgemm';
  const ta = checkTranspose(fn, 'transA', transA);
  const tb = checkTranspose(fn, 'transB', transB);
  checkInteger(fn, 'M', M, 0, MAX_DIM);
  checkInteger(fn, 'N', N, 0, MAX_DIM);
  checkInteger(fn, 'K', K, 0, MAX_DIM);
  checkFiniteFloat(fn, 'alpha', alpha);

  // A is stored rowsA x colsA: M x K, or K x M when transposed. Likewise B: K x N, or N x K.
  const rowsA = ta ? K : M;
  const colsA = ta ? M : K;
  const rowsB = tb ? N : K;
  const colsB = tb ? K : N;
  checkFloat32Array(fn, 'A', A);
  checkInteger(fn, 'lda', lda, Math.max(1, colsA), MAX_DIM, 'at least the row length of A as stored');
  checkFloat32Array(fn, 'B', B);
  checkInteger(fn, 'ldb', ldb, Math.max(1, colsB), MAX_DIM, 'at least the row length of B as stored');
  checkFiniteFloat(fn, 'beta', beta);
  checkFloat32Array(fn, 'C', C);
  checkInteger(fn, 'ldc', ldc, Math.max(1, N), MAX_DIM, 'at least N');
  const opts = checkOptions<SgemmOptions>(fn, options, SGEMM_OPTIONS);
  const offsetA = checkInteger(fn, 'offsetA', opts.offsetA ?? 0, 0, MAX_SAFE_INTEGER);
  const offsetB = checkInteger(fn, 'offsetB', opts.offsetB ?? 0, 0, MAX_SAFE_INTEGER);
  const offsetC = checkInteger(fn, 'offsetC', opts.offsetC ?? 0, 0, MAX_SAFE_INTEGER);

  checkMatrixLength(fn, 'A', A, rowsA, colsA, lda, offsetA, 'lda', 'offsetA');
  checkMatrixLength(fn, 'B', B, rowsB, colsB, ldb, offsetB, 'ldb', 'offsetB');
  checkMatrixLength(fn, 'C', C, M, N, ldc, offsetC, 'ldc', 'offsetC');
  const spanC = matrixSpan(M, N, ldc);
  checkNoOverlap(fn, 'C', C, offsetC, spanC, 'A', A, offsetA, matrixSpan(rowsA, colsA, lda));
  checkNoOverlap(fn, 'C', C, offsetC, spanC, 'B', B, offsetB, matrixSpan(rowsB, colsB, ldb));

  backend.sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, offsetA, offsetB, offsetC);
}
