#include "rnn/sequence.h"

#include <algorithm>
#include <cstring>

namespace sg::rnn {

void fill_rows(float* out, int64_t rows, int64_t cols, const float* bias_a, const float* bias_b) {
  float* first = out;
  for (int64_t j = 0; j < cols; ++j) first[j] = bias_a[j] + (bias_b ? bias_b[j] : 0.0f);
  for (int64_t r = 1; r < rows; ++r) std::memcpy(out + r * cols, first, sizeof(float) * cols);
}

void project_inputs(const Job& job, const Dims& d, int64_t n, const float* x, const float* w, float* out, float beta) {
  SgemmArgs g;
  g.trans_b = true;
  g.m = d.T * d.B, g.n = n, g.k = d.I;
  g.a = x, g.lda = d.I;
  g.b = w, g.ldb = d.I;
  g.beta = beta;
  g.c = out, g.ldc = n;
  sgemm(*job.sgemm, *job.pool, g);
}

void input_side_gradients(const Job& job, const Dims& d, int64_t n, const float* dg, const float* x, const float* w_ih,
                          float* dx, float* dw_ih) {
  const int64_t rows = d.T * d.B;
  SgemmArgs g;  // dx = dg * w_ih
  g.m = rows, g.n = d.I, g.k = n;
  g.a = dg, g.lda = n;
  g.b = w_ih, g.ldb = d.I;
  g.beta = 0.0f;
  g.c = dx, g.ldc = d.I;
  sgemm(*job.sgemm, *job.pool, g);

  SgemmArgs w;  // dw_ih += dg^T * x
  w.trans_a = true;
  w.m = n, w.n = d.I, w.k = rows;
  w.a = dg, w.lda = n;
  w.b = x, w.ldb = d.I;
  w.beta = 1.0f;
  w.c = dw_ih, w.ldc = d.I;
  sgemm(*job.sgemm, *job.pool, w);
}

void hidden_side_gradients(const Job& job, const Dims& d, int64_t n, const float* dg, int64_t ldg, const float* hin,
                           float* dw) {
  const int64_t rows = d.T * d.B;
  SgemmArgs w;  // dw += dg^T * hin
  w.trans_a = true;
  w.m = n, w.n = d.H, w.k = rows;
  w.a = dg, w.lda = ldg;
  w.b = hin, w.ldb = d.H;
  w.beta = 1.0f;
  w.c = dw, w.ldc = d.H;
  sgemm(*job.sgemm, *job.pool, w);
}

void ColumnSums::add(const float* m, int64_t rows, int64_t ld) {
  const int64_t n = static_cast<int64_t>(sums_.size());
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = m + r * ld;
    for (int64_t j = 0; j < n; ++j) sums_[j] += row[j];
  }
}

void ColumnSums::add_to(float* out) const {
  for (size_t j = 0; j < sums_.size(); ++j) out[j] += static_cast<float>(sums_[j]);
}

void initial_state(const float* h0, int64_t B, int64_t H, float* h) {
  if (h0 != nullptr) {
    std::memcpy(h, h0, sizeof(float) * B * H);
  } else {
    std::fill(h, h + B * H, 0.0f);
  }
}

}  // namespace sg::rnn

namespace sg::rnn {

extern const Kernels* const kernels_avx512;
extern const Kernels* const kernels_avx2;
extern const Kernels* const kernels_neon;
extern const Kernels* const kernels_scalar;

const Kernels& kernels_for(Isa isa) {
  const Kernels* k = nullptr;
  switch (isa) {
    case Isa::avx512:
      k = kernels_avx512;
      break;
    case Isa::avx2:
      k = kernels_avx2;
      break;
    case Isa::neon:
      k = kernels_neon;
      break;
    case Isa::scalar:
      k = kernels_scalar;
      break;
  }
  return k != nullptr ? *k : *kernels_scalar;
}

}  // namespace sg::rnn
