// Every SIMD kernel compiled for AVX-512 (16 lanes): kernels/kernels-inl.h, inside namespace
// sg::avx512 and this ISA's target region. System and project headers come first, outside both.
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
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,fma")

namespace sg::avx512 {
constexpr int kLanes = 16;
#include "kernels/kernels-inl.h"
}  // namespace sg::avx512

#pragma GCC pop_options

namespace sg {
extern const Kernels* const kernels_avx512 = &avx512::kernels;
}  // namespace sg

#else

namespace sg {
extern const Kernels* const kernels_avx512 = nullptr;
}  // namespace sg

#endif
