// sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, offsetA, offsetB, offsetC)
//
// Row-major BLAS sgemm on Float32Arrays, without copying: C = alpha * op(A) * op(B) + beta * C. The checks and
// their order are those of sgemm() in src/gemm.ts.
#include "binding/bindings.h"

#include <new>

#include "binding/args.h"
#include "gemm/sgemm.h"
#include "runtime.h"

namespace sg::binding {

Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Args args(info, "sgemm");
  SgemmArgs g;
  g.trans_a = args.transpose(0, "transA");
  g.trans_b = args.transpose(1, "transB");
  g.m = args.integer(2, "M", 0, kMaxDim);
  g.n = args.integer(3, "N", 0, kMaxDim);
  g.k = args.integer(4, "K", 0, kMaxDim);
  g.alpha = args.finite_float(5, "alpha");

  // A is stored rows_a x cols_a: M x K, or K x M when transposed. Likewise B: K x N, or N x K.
  const int64_t rows_a = g.trans_a ? g.k : g.m, cols_a = g.trans_a ? g.m : g.k;
  const int64_t rows_b = g.trans_b ? g.n : g.k, cols_b = g.trans_b ? g.k : g.n;
  const auto min_ld = [](int64_t cols) { return cols > 1 ? cols : int64_t(1); };

  const Float32View a = args.float32_array(6, "A");
  g.lda = args.integer(7, "lda", min_ld(cols_a), kMaxDim, "at least the row length of A as stored");
  const Float32View b = args.float32_array(8, "B");
  g.ldb = args.integer(9, "ldb", min_ld(cols_b), kMaxDim, "at least the row length of B as stored");
  g.beta = args.finite_float(10, "beta");
  const Float32View c = args.float32_array(11, "C");
  g.ldc = args.integer(12, "ldc", min_ld(g.n), kMaxDim, "at least N");
  const int64_t offset_a = args.integer(13, "offsetA", 0, kMaxSafeInteger);
  const int64_t offset_b = args.integer(14, "offsetB", 0, kMaxSafeInteger);
  const int64_t offset_c = args.integer(15, "offsetC", 0, kMaxSafeInteger);

  args.check_matrix_length(a, "A", rows_a, cols_a, g.lda, offset_a, "lda", "offsetA");
  args.check_matrix_length(b, "B", rows_b, cols_b, g.ldb, offset_b, "ldb", "offsetB");
  args.check_matrix_length(c, "C", g.m, g.n, g.ldc, offset_c, "ldc", "offsetC");
  const int64_t span_c = matrix_span(g.m, g.n, g.ldc);
  args.check_no_overlap(c, "C", offset_c, span_c, a, "A", offset_a, matrix_span(rows_a, cols_a, g.lda));
  args.check_no_overlap(c, "C", offset_c, span_c, b, "B", offset_b, matrix_span(rows_b, cols_b, g.ldb));

  g.a = a.data + offset_a;
  g.b = b.data + offset_b;
  g.c = c.data + offset_c;
  const Job job = Runtime::instance().job();
  try {
    sgemm(*job.sgemm, *job.pool, g);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), "sgemm: out of memory for the packing workspace");
  }
  return info.Env().Undefined();
}

}  // namespace sg::binding
