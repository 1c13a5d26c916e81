// The recurrent kernels compiled for AVX2 + FMA (8 lanes): rnn/kernels-inl.h, inside this
// ISA's namespace and target region. System headers come first, outside both.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "gemm/sgemm.h"
#include "rnn/recurrent.h"
#include "rnn/sequence.h"

#if defined(__x86_64__)

#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace sg::rnn::avx2 {
constexpr int kLanes = 8;
#include "rnn/kernels-inl.h"
}  // namespace sg::rnn::avx2

#pragma GCC pop_options

namespace sg::rnn {
extern const Kernels* const kernels_avx2 = &avx2::kernels;
}  // namespace sg::rnn

#else

namespace sg::rnn {
extern const Kernels* const kernels_avx2 = nullptr;
}  // namespace sg::rnn

#endif
