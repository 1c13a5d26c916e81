// Every SIMD kernel compiled for AVX2 + FMA (8 lanes): kernels/kernels-inl.h, inside namespace
// sg::avx2 and this ISA's target region. System and project headers come first, outside both.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "kernels/kernels.h"
#include "ops/rows.h"
#include "rnn/sequence.h"

#if defined(__x86_64__)

#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace sg::avx2 {
constexpr int kLanes = 8;
#include "kernels/kernels-inl.h"
}  // namespace sg::avx2

#pragma GCC pop_options

namespace sg {
extern const Kernels* const kernels_avx2 = &avx2::kernels;
}  // namespace sg

#else

namespace sg {
extern const Kernels* const kernels_avx2 = nullptr;
}  // namespace sg

#endif
