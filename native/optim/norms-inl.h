// The reductions and in-place passes of gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_) and
// of the optimizers' non-finite check, compiled once per ISA (kernels/kernels-inl.h). x holds n floats.

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // double vectors of 2 registers in internal functions: no ABI to keep

typedef double VecD __attribute__((vector_size(8 * kLanes)));

// sum |x| (l1), sum x^2 (l2) or max |x| (inf) of x, in double: a sum of squares of finite floats cannot overflow
// a double, so the result is finite exactly when every element is. NaN anywhere gives NaN, also for max.
inline double norm_partial(NormOrd ord, const float* x, int64_t n) {
  if (ord == NormOrd::inf) {
    VecF big = splat(0.0f);
    VecI nan = VecI{};
    for_each_lanes(n, [&](int64_t j, auto l) {
      const VecF v = l.load(x + j);
      const VecF a = v < 0.0f ? -v : v;
      big = a > big ? a : big;  // NaN compares false and is skipped here, and counted below
      nan = nan | (v != v);
    });
    float out = 0.0f;
    bool any_nan = false;
    for (int i = 0; i < kLanes; ++i) {
      out = big[i] > out ? big[i] : out;
      any_nan = any_nan || nan[i] != 0;
    }
    return any_nan ? NAN : static_cast<double>(out);
  }
  // Two accumulators: the adds of one do not wait for the other's.
  VecD acc0 = VecD{} + 0.0, acc1 = VecD{} + 0.0;
  const bool squares = ord == NormOrd::l2;
  int64_t j = 0;
  const auto term = [&](VecF v) {
    const VecD d = __builtin_convertvector(v, VecD);
    return squares ? d * d : (d < 0.0 ? -d : d);
  };
  for (; j + 2 * kLanes <= n; j += 2 * kLanes) {
    acc0 += term(FullLanes::load(x + j));
    acc1 += term(FullLanes::load(x + j + kLanes));
  }
  for_each_lanes(n - j, [&](int64_t k, auto l) { acc0 += term(l.load(x + j + k)); });
  const VecD acc = acc0 + acc1;
  double out = 0;
  for (int i = 0; i < kLanes; ++i) out += acc[i];
  return out;
}

// true when every element of x is finite: x * 0 is 0 for finite x and NaN for NaN or +-Infinity.
inline bool all_finite(const float* x, int64_t n) {
  VecF acc = splat(0.0f);
  for_each_lanes(n, [&](int64_t j, auto l) { acc = acc + l.load(x + j) * 0.0f; });
  bool ok = true;
  for (int i = 0; i < kLanes; ++i) ok = ok && acc[i] == 0.0f;
  return ok;
}

// x *= s (clip_grad_norm_'s scaling, in float as PyTorch's mul_).
inline void scale_in_place(float* x, int64_t n, float s) {
  for_each_lanes(n, [&](int64_t j, auto l) { l.store(x + j, l.load(x + j) * s); });
}

// x = clamp(x, -c, c) (clip_grad_value_); NaN stays NaN.
inline void clamp_in_place(float* x, int64_t n, float c) {
  for_each_lanes(n, [&](int64_t j, auto l) { l.store(x + j, clamp(l.load(x + j), -c, c)); });
}

#pragma GCC diagnostic pop
