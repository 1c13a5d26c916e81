// The recurrent kernels compiled for AVX-512 (16 lanes): rnn/kernels-inl.h, inside this
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
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,fma")

namespace sg::rnn::avx512 {
constexpr int kLanes = 16;
#include "rnn/kernels-inl.h"
}  // namespace sg::rnn::avx512

#pragma GCC pop_options

namespace sg::rnn {
extern const Kernels* const kernels_avx512 = &avx512::kernels;
}  // namespace sg::rnn

#else

namespace sg::rnn {
extern const Kernels* const kernels_avx512 = nullptr;
}  // namespace sg::rnn

#endif
