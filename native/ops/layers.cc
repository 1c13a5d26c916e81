// The layer ops of ops/layers.h that are not per-ISA: the dense passes (GEMMs plus the table's activation rows),
// row splitting between threads, losses, and data movement. Everything that sums over rows (bias and LayerNorm
// parameter gradients, losses) runs on one thread in row order, so results do not depend on the thread count.
#include "ops/layers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "gemm/sgemm.h"
#include "kernels/kernels.h"
#include "ops/rows.h"

namespace sg::ops {

namespace {

// C (m, n) = alpha op(A) op(B) + beta C, with packed leading dimensions.
void gemm(const Job& job, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, const float* b,
          float beta, float* c) {
  SgemmArgs g;
  g.trans_a = trans_a;
  g.trans_b = trans_b;
  g.m = m, g.n = n, g.k = k;
  g.a = a, g.lda = trans_a ? m : k;
  g.b = b, g.ldb = trans_b ? k : n;
  g.beta = beta;
  g.c = c, g.ldc = n;
  sgemm(*job.sgemm, *job.pool, g);
}

}  // namespace

void activation_forward(const Job& job, const ActParams& p, const float* x, float* y, int64_t N, int64_t C) {
  const Kernels& k = kernels_for(job.isa);
  for_rows(job, N, C, [&](Rows r) { k.activation_forward(p, x + r.begin * C, y + r.begin * C, r.end - r.begin, C); });
}

void activation_backward(const Job& job, const ActParams& p, const float* x, const float* y, const float* dy, float* dx,
                         int64_t N, int64_t C) {
  const Kernels& k = kernels_for(job.isa);
  for_rows(job, N, C, [&](Rows r) {
    const int64_t o = r.begin * C;
    k.activation_backward(p, x + o, y + o, dy + o, dx + o, r.end - r.begin, C);
  });
}

void dense_forward(const Job& job, const ActParams& p, const float* x, const float* w, const float* b, float* z,
                   float* y, int64_t N, int64_t I, int64_t U) {
  if (b != nullptr) fill_rows(z, N, U, b, nullptr);
  gemm(job, false, true, N, U, I, x, w, b != nullptr ? 1.0f : 0.0f, z);
  if (p.act != Act::linear || z != y) activation_forward(job, p, z, y, N, U);
}

void dense_backward(const Job& job, const ActParams& p, const float* x, const float* w, const float* z, const float* y,
                    const float* dy, float* dz, float* dx, float* dw, float* db, int64_t N, int64_t I, int64_t U) {
  const float* g = dy;
  if (p.act != Act::linear) {
    activation_backward(job, p, z, y, dy, dz, N, U);
    g = dz;
  }
  gemm(job, true, false, U, I, N, g, x, 1.0f, dw);
  if (db != nullptr) {
    ColumnSums sums(U);
    sums.add(g, N, U);
    sums.add_to(db);
  }
  if (dx != nullptr) gemm(job, false, false, N, I, U, g, w, 0.0f, dx);
}

void layer_norm_forward(const Job& job, const float* x, const float* gamma, const float* beta, float* y, float* mean,
                        float* rstd, int64_t N, int64_t C, float eps) {
  const Kernels& k = kernels_for(job.isa);
  for_rows(job, N, C, [&](Rows r) {
    const int64_t o = r.begin * C;
    k.layer_norm_forward(x + o, gamma, beta, y + o, mean + r.begin, rstd + r.begin, r.end - r.begin, C, eps);
  });
}

void layer_norm_backward(const Job& job, const float* x, const float* gamma, const float* mean, const float* rstd,
                         const float* dy, float* dx, float* dgamma, float* dbeta, int64_t N, int64_t C) {
  const Kernels& k = kernels_for(job.isa);
  for_rows(job, N, C, [&](Rows r) {
    const int64_t o = r.begin * C;
    k.layer_norm_backward(x + o, gamma, mean + r.begin, rstd + r.begin, dy + o, dx + o, r.end - r.begin, C);
  });
  if (dgamma == nullptr && dbeta == nullptr) return;
  // dgamma += sum over rows of dy * xhat, dbeta += sum of dy: in double, in row order.
  std::vector<double> sg(static_cast<size_t>(C), 0.0), sb(static_cast<size_t>(C), 0.0);
  for (int64_t r = 0; r < N; ++r) {
    const float* xr = x + r * C;
    const float* dyr = dy + r * C;
    const double m = mean[r], s = rstd[r];
    for (int64_t j = 0; j < C; ++j) {
      sg[j] += double(dyr[j]) * ((double(xr[j]) - m) * s);
      sb[j] += dyr[j];
    }
  }
  for (int64_t j = 0; j < C; ++j) {
    if (dgamma != nullptr) dgamma[j] += static_cast<float>(sg[j]);
    if (dbeta != nullptr) dbeta[j] += static_cast<float>(sb[j]);
  }
}

namespace {

constexpr double kLogFloor = -100.0;  // PyTorch's BCELoss clamps log(p) at -100

double clamped_log(double p) {
  return std::max(std::log(p), kLogFloor);
}

// d/dp of clamped_log(p) (0 where the clamp holds).
double clamped_log_grad(double p) {
  return std::log(p) > kLogFloor ? 1.0 / p : 0.0;
}

// The first index of the largest value of a row (NaN never compares larger).
int64_t argmax(const float* row, int64_t C) {
  int64_t best = 0;
  for (int64_t j = 1; j < C; ++j) {
    if (row[j] > row[best]) best = j;
  }
  return best;
}

// log(sum(exp(z))) of a row, and its maximum.
double log_sum_exp(const float* z, int64_t C) {
  double m = z[0];
  for (int64_t j = 1; j < C; ++j) m = std::max(m, double(z[j]));
  double s = 0;
  for (int64_t j = 0; j < C; ++j) s += std::exp(double(z[j]) - m);
  return m + std::log(s);
}

// One row's loss and (if g) its gradient, unscaled.
double row_loss(Loss kind, const float* p, const float* t, double* g, int64_t C, float param) {
  double sum = 0;
  switch (kind) {
    case Loss::mse:
      for (int64_t j = 0; j < C; ++j) {
        const double d = double(p[j]) - t[j];
        sum += d * d;
        if (g) g[j] = 2 * d;
      }
      return sum;
    case Loss::mae:
      for (int64_t j = 0; j < C; ++j) {
        const double d = double(p[j]) - t[j];
        sum += std::abs(d);
        if (g) g[j] = d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0;
      }
      return sum;
    case Loss::huber: {
      const double delta = param;
      for (int64_t j = 0; j < C; ++j) {
        const double d = double(p[j]) - t[j], a = std::abs(d);
        sum += a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
        if (g) g[j] = d <= -delta ? -delta : d >= delta ? delta : d;
      }
      return sum;
    }
    case Loss::bce:
      for (int64_t j = 0; j < C; ++j) {
        const double q = p[j], y = t[j];
        sum -= y * clamped_log(q) + (1 - y) * clamped_log(1 - q);
        if (g) g[j] = (q - y) / std::max((1 - q) * q, 1e-12);  // PyTorch's BCELoss backward
      }
      return sum;
    case Loss::bce_logits:
      for (int64_t j = 0; j < C; ++j) {
        const double z = p[j], y = t[j];
        sum += std::max(z, 0.0) - z * y + std::log1p(std::exp(-std::abs(z)));
        if (g) g[j] = 1 / (1 + std::exp(-z)) - y;
      }
      return sum;
    case Loss::ce:
      for (int64_t j = 0; j < C; ++j) {
        sum -= t[j] * clamped_log(p[j]);
        if (g) g[j] = -double(t[j]) * clamped_log_grad(p[j]);
      }
      return sum;
    case Loss::ce_logits: {
      const double lse = log_sum_exp(p, C);
      double total = 0;
      for (int64_t j = 0; j < C; ++j) {
        sum += t[j] * (lse - p[j]);
        total += t[j];
      }
      if (g) {
        for (int64_t j = 0; j < C; ++j) g[j] = std::exp(double(p[j]) - lse) * total - t[j];
      }
      return sum;
    }
    case Loss::sparse_ce: {
      const int64_t k = static_cast<int64_t>(t[0]);
      if (g) {
        std::fill(g, g + C, 0.0);
        g[k] = -clamped_log_grad(p[k]);
      }
      return -clamped_log(p[k]);
    }
    case Loss::sparse_ce_logits: {
      const int64_t k = static_cast<int64_t>(t[0]);
      const double lse = log_sum_exp(p, C);
      if (g) {
        for (int64_t j = 0; j < C; ++j) g[j] = std::exp(double(p[j]) - lse) - (j == k ? 1.0 : 0.0);
      }
      return lse - p[k];
    }
    case Loss::binary_accuracy:
      for (int64_t j = 0; j < C; ++j) sum += (p[j] > param) == (t[j] > 0.5f) ? 1.0 : 0.0;
      return sum;
    case Loss::categorical_accuracy:
      return argmax(p, C) == argmax(t, C) ? 1.0 : 0.0;
    case Loss::sparse_accuracy:
      return argmax(p, C) == static_cast<int64_t>(t[0]) ? 1.0 : 0.0;
  }
  return 0;
}

}  // namespace

double loss(Loss kind, const float* pred, const float* target, float* grad, int64_t N, int64_t C, const uint8_t* mask,
            float scale, float param) {
  const int64_t tc = sparse_target(kind) ? 1 : C;
  thread_local std::vector<double> g;  // one row's gradient, kept between calls
  if (grad != nullptr && g.size() < static_cast<size_t>(C)) g.resize(static_cast<size_t>(C));
  double total = 0;
  for (int64_t r = 0; r < N; ++r) {
    float* gr = grad != nullptr ? grad + r * C : nullptr;
    if (mask != nullptr && mask[r] == 0) {
      if (gr) std::fill(gr, gr + C, 0.0f);
      continue;
    }
    total += row_loss(kind, pred + r * C, target + r * tc, gr ? g.data() : nullptr, C, param);
    if (gr) {
      for (int64_t j = 0; j < C; ++j) gr[j] = static_cast<float>(g[j] * scale);
    }
  }
  return total;
}

void swap_axes(const float* x, float* y, int64_t A, int64_t B, int64_t F) {
  for (int64_t a = 0; a < A; ++a) {
    for (int64_t b = 0; b < B; ++b) std::memcpy(y + (b * A + a) * F, x + (a * B + b) * F, sizeof(float) * F);
  }
}

void reverse_sequences(const float* x, float* y, int64_t T, int64_t B, int64_t F, const int32_t* lengths,
                       bool accumulate) {
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t b = 0; b < B; ++b) {
      const int64_t len = lengths != nullptr ? lengths[b] : T;
      const int64_t from = t < len ? len - 1 - t : t;
      const float* src = x + (from * B + b) * F;
      float* dst = y + (t * B + b) * F;
      if (accumulate) {
        for (int64_t j = 0; j < F; ++j) dst[j] += src[j];
      } else {
        std::memcpy(dst, src, sizeof(float) * F);
      }
    }
  }
}

void merge_forward(Merge mode, const float* a, const float* b, float* y, int64_t N, int64_t H) {
  if (mode == Merge::concat) {
    for (int64_t r = 0; r < N; ++r) {
      std::memcpy(y + 2 * r * H, a + r * H, sizeof(float) * H);
      std::memcpy(y + 2 * r * H + H, b + r * H, sizeof(float) * H);
    }
    return;
  }
  const int64_t n = N * H;
  for (int64_t i = 0; i < n; ++i) {
    y[i] = mode == Merge::sum ? a[i] + b[i] : mode == Merge::mul ? a[i] * b[i] : 0.5f * (a[i] + b[i]);
  }
}

void merge_backward(Merge mode, const float* a, const float* b, const float* dy, float* da, float* db, int64_t N,
                    int64_t H) {
  if (mode == Merge::concat) {
    for (int64_t r = 0; r < N; ++r) {
      std::memcpy(da + r * H, dy + 2 * r * H, sizeof(float) * H);
      std::memcpy(db + r * H, dy + 2 * r * H + H, sizeof(float) * H);
    }
    return;
  }
  const int64_t n = N * H;
  for (int64_t i = 0; i < n; ++i) {
    const float d = dy[i];
    da[i] = mode == Merge::sum ? d : mode == Merge::mul ? d * b[i] : 0.5f * d;
    db[i] = mode == Merge::sum ? d : mode == Merge::mul ? d * a[i] : 0.5f * d;
  }
}

void multiply(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] * b[i];
}

void gather(const float* src, const int32_t* indices, int64_t start, int64_t count, int64_t T, int64_t F, float* dst,
            bool time_major) {
  for (int64_t i = 0; i < count; ++i) {
    const float* row = src + int64_t(indices[start + i]) * T * F;
    if (!time_major) {
      std::memcpy(dst + i * T * F, row, sizeof(float) * T * F);
      continue;
    }
    for (int64_t t = 0; t < T; ++t) std::memcpy(dst + (t * count + i) * F, row + t * F, sizeof(float) * F);
  }
}

int64_t first_non_finite(const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) return i;
  }
  return -1;
}

}  // namespace sg::ops
