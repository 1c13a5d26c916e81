// Activations over rows, forward and backward (codes and parameters in ops/layers.h), with the vectorized math of
// simd/vec-inl.h plus the log and erfc that GELU and softplus need. Compiled once per ISA (kernels/kernels_<isa>.cc)
// after simd/vec-inl.h. The js twin is src/backend/js/layers.ts.
//
// Accuracy (test/backends/layer-ops.test.ts asserts it for every ISA): every activation within 3e-7 relative plus
// 2e-7 absolute of its float64 value on [-12, 12]. GELU's Phi comes from erfc, so its lower tail keeps its relative
// accuracy (within 1e-7 (4 + x^2), the rounding of the exponent -x^2/2 in float32).

// log(x) for x > 0 (Cephes' logf): x = m 2^e with m in [sqrt(1/2), sqrt(2)), log(m) = f - f^2/2 + f^3 P(f) with
// f = m - 1, and e ln2 added in two parts. 0 gives a large negative number, not -Infinity (no caller passes 0).
inline VecF vlog(VecF x) {
  VecI bits;
  std::memcpy(&bits, &x, sizeof bits);
  VecI e = ((bits >> 23) & 0xff) - 126;
  bits = (bits & 0x007fffff) | 0x3f000000;  // the mantissa, as a number in [0.5, 1)
  VecF m;
  std::memcpy(&m, &bits, sizeof m);
  const auto small = m < 0.707106781186547524f;
  e = small ? e - 1 : e;
  m = (small ? m + m : m) - 1.0f;
  const VecF z = m * m;
  VecF p = splat(7.0376836292e-2f);
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  const VecF ef = __builtin_convertvector(e, VecF);
  VecF y = p * m * z;
  y = y + ef * -2.12194440e-4f;
  y = y - 0.5f * z;
  return m + y + ef * 0.693359375f;
}

// log(1 + u) for u >= 0, accurate for small u too: log(w) * u / (w - 1) with w = 1 + u (Goldberg's correction).
inline VecF vlog1p(VecF u) {
  const VecF w = 1.0f + u;
  const VecF d = w - 1.0f;
  return d == 0.0f ? u : vlog(w) * (u / d);
}

// The standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2, with erfc from a Chebyshev fit with fractional error
// below 1.2e-7 (Numerical Recipes' erfcc): erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2) for z >= 0. Each tail
// is computed without cancellation.
inline VecF vphi(VecF x) {
  const VecF z0 = x * -0.70710678118654752f;  // -x / sqrt 2
  const VecF z = z0 < 0.0f ? -z0 : z0;
  const VecF t = 1.0f / (1.0f + 0.5f * z);
  VecF p = splat(0.17087277f);
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  const VecF erfc_abs = t * vexp(p - z * z);  // erfc(|z0|)
  return 0.5f * (z0 < 0.0f ? 2.0f - erfc_abs : erfc_abs);
}

// The standard normal density.
inline VecF vnormal_pdf(VecF x) {
  return 0.3989422804014327f * vexp(-0.5f * x * x);
}

inline VecF vselect(decltype(VecF{} < VecF{}) mask, VecF a, VecF b) {
  return mask ? a : b;
}

// y = act(x) elementwise (every act but softmax).
inline VecF act_forward(const ActParams& p, VecF x) {
  switch (p.act) {
    case Act::linear:
    case Act::softmax:  // rows are handled by activation_rows_forward
      return x;
    case Act::sigmoid:
      return sigmoid(x);
    case Act::tanh:
      return vtanh(x);
    case Act::relu:
      return relu(x);
    case Act::leaky_relu:
      return vselect(x > 0.0f, x, x * p.a);
    case Act::elu: {
      const VecF t = vtanh(0.5f * x);  // e^x - 1 = 2t / (1 - t), accurate near 0 where e^x - 1 would cancel
      return vselect(x > 0.0f, x, p.a * (2.0f * t / (1.0f - t)));
    }
    case Act::gelu:
      return x * vphi(x);
    case Act::gelu_tanh: {
      // 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3): no cancellation for x << 0
      const VecF u2 = 1.5957691216057308f * (x + 0.044715f * x * x * x);
      return x * sigmoid(u2);
    }
    case Act::softplus: {
      const VecF bx = x * p.a;
      const VecF abs_bx = bx < 0.0f ? -bx : bx;
      const VecF soft = (relu(bx) + vlog1p(vexp(-abs_bx))) / p.a;
      return vselect(bx > p.b, x, soft);
    }
  }
  return x;
}

// dx = dy * act'(x) given x and y = act(x) (every act but softmax).
inline VecF act_backward(const ActParams& p, VecF x, VecF y, VecF dy) {
  switch (p.act) {
    case Act::linear:
    case Act::softmax:
      return dy;
    case Act::sigmoid:
      return dy * y * (1.0f - y);
    case Act::tanh:
      return dy * (1.0f - y * y);
    case Act::relu:
      return vselect(x > 0.0f, dy, splat(0.0f));
    case Act::leaky_relu:
      return vselect(x > 0.0f, dy, dy * p.a);
    case Act::elu:
      return vselect(x > 0.0f, dy, dy * (y + p.a));
    case Act::gelu:
      return dy * (vphi(x) + x * vnormal_pdf(x));
    case Act::gelu_tanh: {
      const VecF x2 = x * x;
      const VecF s = sigmoid(1.5957691216057308f * (x + 0.044715f * x2 * x));
      const VecF du2 = 1.5957691216057308f * (1.0f + 3.0f * 0.044715f * x2);
      return dy * (s + x * s * (1.0f - s) * du2);
    }
    case Act::softplus: {
      const VecF bx = x * p.a;
      return vselect(bx > p.b, dy, dy * sigmoid(bx));
    }
  }
  return dy;
}

// Softmax of each row of C values: y = e^(x - max) / sum.
inline void softmax_rows(const float* x, float* y, int64_t N, int64_t C) {
  for (int64_t r = 0; r < N; ++r) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    float m = xr[0];
    for (int64_t j = 1; j < C; ++j) m = xr[j] > m ? xr[j] : m;
    float sum = 0.0f;
    for_each_lanes(C, [&](int64_t j, auto l) {
      const VecF e = vexp(l.load(xr + j) - m);
      l.store(yr + j, e);
    });
    for (int64_t j = 0; j < C; ++j) sum += yr[j];
    const float inv = 1.0f / sum;
    for_each_lanes(C, [&](int64_t j, auto l) { l.store(yr + j, l.load(yr + j) * inv); });
  }
}

// y (N, C) = act(x); y may be x.
inline void activation_rows_forward(const ActParams& p, const float* x, float* y, int64_t N, int64_t C) {
  if (p.act == Act::softmax) {
    softmax_rows(x, y, N, C);
    return;
  }
  if (p.act == Act::linear) {
    if (x != y) std::memcpy(y, x, sizeof(float) * N * C);
    return;
  }
  for_each_lanes(N * C, [&](int64_t j, auto l) { l.store(y + j, act_forward(p, l.load(x + j))); });
}

// dx (N, C) = dy * act'(x, y); dx may be dy. Softmax: dx = y * (dy - sum(dy * y)) per row.
inline void activation_rows_backward(const ActParams& p, const float* x, const float* y, const float* dy, float* dx,
                                     int64_t N, int64_t C) {
  if (p.act == Act::softmax) {
    for (int64_t r = 0; r < N; ++r) {
      const float* yr = y + r * C;
      const float* dyr = dy + r * C;
      float* dxr = dx + r * C;
      double dot = 0;
      for (int64_t j = 0; j < C; ++j) dot += double(dyr[j]) * yr[j];
      const float d = static_cast<float>(dot);
      for_each_lanes(C, [&](int64_t j, auto l) { l.store(dxr + j, l.load(yr + j) * (l.load(dyr + j) - d)); });
    }
    return;
  }
  if (p.act == Act::linear) {
    if (dx != dy) std::memcpy(dx, dy, sizeof(float) * N * C);
    return;
  }
  for_each_lanes(N * C, [&](int64_t j, auto l) {
    l.store(dx + j, act_backward(p, l.load(x + j), l.load(y + j), l.load(dy + j)));
  });
}
