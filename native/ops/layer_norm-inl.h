// Layer normalization over the C features of each row, forward and backward side by side (shapes in ops/layers.h),
// PyTorch's LayerNorm: biased variance, eps inside the square root. Row statistics and the backward row sums are
// accumulated in double, in column order, as the js twin (src/backend/js/layers.ts) does; the per-element passes are
// vectorized. Compiled once per ISA (kernels/kernels_<isa>.cc) after simd/vec-inl.h.

// Rows [0, N) of x (N, C): y = (x - mean) * rstd * gamma + beta; mean (N) and rstd (N) saved. gamma, beta may be null.
inline void layer_norm_rows_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean,
                                    float* rstd, int64_t N, int64_t C, float eps) {
  for (int64_t r = 0; r < N; ++r) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    double sum = 0;
    for (int64_t j = 0; j < C; ++j) sum += xr[j];
    const double mu = sum / double(C);
    double ss = 0;
    for (int64_t j = 0; j < C; ++j) ss += (xr[j] - mu) * (xr[j] - mu);
    const float m = static_cast<float>(mu);
    const float s = static_cast<float>(1.0 / std::sqrt(ss / double(C) + double(eps)));
    mean[r] = m;
    rstd[r] = s;
    for_each_lanes(C, [&](int64_t j, auto l) {
      VecF v = (l.load(xr + j) - m) * s;
      if (gamma != nullptr) v = v * l.load(gamma + j);
      if (beta != nullptr) v = v + l.load(beta + j);
      l.store(yr + j, v);
    });
  }
}

// Rows [0, N): dx (N, C) = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma, xhat = (x - mean) * rstd.
// The parameter gradients are summed over all rows by the caller (single-threaded, so every thread count gives the
// same bits): layer_norm_param_grads.
inline void layer_norm_rows_backward(const float* x, const float* gamma, const float* mean, const float* rstd,
                                     const float* dy, float* dx, int64_t N, int64_t C) {
  for (int64_t r = 0; r < N; ++r) {
    const float* xr = x + r * C;
    const float* dyr = dy + r * C;
    float* dxr = dx + r * C;
    const float m = mean[r], s = rstd[r];
    double sum_g = 0, sum_gx = 0;
    for (int64_t j = 0; j < C; ++j) {
      const double g = double(dyr[j]) * (gamma != nullptr ? gamma[j] : 1.0f);
      sum_g += g;
      sum_gx += g * (double(xr[j]) - m) * s;
    }
    const float mean_g = static_cast<float>(sum_g / double(C));
    const float mean_gx = static_cast<float>(sum_gx / double(C));
    for_each_lanes(C, [&](int64_t j, auto l) {
      VecF g = l.load(dyr + j);
      if (gamma != nullptr) g = g * l.load(gamma + j);
      const VecF xhat = (l.load(xr + j) - m) * s;
      l.store(dxr + j, s * (g - mean_g - xhat * mean_gx));
    });
  }
}
