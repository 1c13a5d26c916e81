// Portable SIMD for the pointwise kernels: a float vector of kLanes lanes (GCC vector extensions) and the math
// the recurrent cells need (exp, sigmoid, tanh), written once and compiled once per instruction set.
//
// This file is not a normal header. A per-ISA source file (native/rnn/recurrent_<isa>.cc) includes it inside its
// own namespace, after defining `constexpr int kLanes`, and inside that ISA's target region, so the same code
// becomes AVX-512 (16 lanes), AVX2 (8), NEON (4) or plain scalar code (1 lane). It relies on <cstdint> and
// <cstring> being included before that namespace is opened.
//
// Accuracy, measured against double precision over [-30, 30] and the saturated tails (test/backends/
// activations.test.ts asserts it for every ISA):
//   vexp      relative error <= 2 ulp for inputs in [-87.3, 88.3]; outside, it saturates to the values there
//   sigmoid   absolute error <= 1e-7
//   tanh      absolute error <= 2e-7, and relative error <= 1e-6 (a polynomial near 0 avoids cancellation)

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments of internal functions: no ABI to keep

typedef float VecF __attribute__((vector_size(4 * kLanes)));
typedef int32_t VecI __attribute__((vector_size(4 * kLanes)));

inline VecF splat(float x) {
  return VecF{} + x;
}
// Clamps x to [lo, hi]; NaN stays NaN (every comparison with it is false).
inline VecF clamp(VecF x, float lo, float hi) {
  x = x < lo ? splat(lo) : x;
  return x > hi ? splat(hi) : x;
}

// A run of kLanes consecutive elements (the loop body), and a shorter one (the end of a row). They are distinct
// types so that a generic lambda is compiled twice: with whole-vector loads and stores for the first, and with a
// copy of `count` elements only for the second.
struct FullLanes {
  static VecF load(const float* p) {
    VecF v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(float* p, VecF v) { std::memcpy(p, &v, sizeof v); }
};
struct PartialLanes {
  int count;
  VecF load(const float* p) const {
    VecF v = {};
    std::memcpy(&v, p, sizeof(float) * count);
    return v;
  }
  void store(float* p, VecF v) const { std::memcpy(p, &v, sizeof(float) * count); }
};

// Calls body(j, lanes) for j = 0, kLanes, 2 kLanes, ... < n: with FullLanes, then PartialLanes for the remainder.
template <class Body>
inline void for_each_lanes(int64_t n, Body body) {
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes) body(j, FullLanes{});
  if (j < n) body(j, PartialLanes{static_cast<int>(n - j)});
}

// e^x. Cephes' expf: x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in two for an exact reduction), e^r from a
// degree-6 polynomial, 2^n put straight into the exponent bits. Inputs are clamped to where the result is a normal
// float, so very large inputs give ~3.4e38 and very negative ones ~1.2e-38. NaN gives NaN.
inline VecF vexp(VecF x) {
  x = clamp(x, -87.3365447504f, 88.3762626647949f);
  VecF n = x * 1.44269504088896341f + 12582912.0f;  // round to nearest: add and subtract 1.5 * 2^23
  n = n - 12582912.0f;
  VecF r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  VecF p = splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const VecF e = p * r * r + r + 1.0f;
  const VecI bits = (__builtin_convertvector(n, VecI) + 127) << 23;
  VecF scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return e * scale;
}

inline VecF sigmoid(VecF x) {
  return 1.0f / (1.0f + vexp(-x));
}

// tanh(x) = 1 - 2 / (e^{2x} + 1) away from 0; near 0 that loses the low bits to cancellation, so |x| < 0.3 uses the
// Taylor series to x^11 (truncation error < 6e-10 there).
inline VecF vtanh(VecF x) {
  const VecF big = 1.0f - 2.0f / (vexp(x + x) + 1.0f);
  const VecF x2 = x * x;
  VecF p = splat(-1382.0f / 155925.0f);
  p = p * x2 + 62.0f / 2835.0f;
  p = p * x2 - 17.0f / 315.0f;
  p = p * x2 + 2.0f / 15.0f;
  p = p * x2 - 1.0f / 3.0f;
  const VecF small = x + x * x2 * p;
  return x * x < 0.09f ? small : big;
}

inline VecF relu(VecF x) {
  return x < 0.0f ? splat(0.0f) : x;
}  // NaN stays NaN, as in PyTorch

#pragma GCC diagnostic pop
