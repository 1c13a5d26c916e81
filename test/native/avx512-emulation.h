// Portable AVX-512 for running native/gemm/sgemm_avx512.cc on a CPU without AVX-512 (scripts/check-native.sh
// compiles it with -DSTEADYGRAD_AVX512_EMULATION='"..."' naming this file). SIMDe (libsimde-dev) provides the
// intrinsics under their Intel names; the two masked moves it lacks are written here with the exact semantics the
// kernel relies on: masked-off lanes are neither read nor written.
#pragma once

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#include <simde/x86/sse.h>

typedef simde__mmask16 __mmask16;

inline __m512 _mm512_maskz_loadu_ps(__mmask16 k, const void* p) {
  float lanes[16];
  for (int i = 0; i < 16; ++i) lanes[i] = (k >> i) & 1 ? static_cast<const float*>(p)[i] : 0.0f;
  return _mm512_loadu_ps(lanes);
}

inline void _mm512_mask_storeu_ps(void* p, __mmask16 k, __m512 a) {
  float lanes[16];
  _mm512_storeu_ps(lanes, a);
  for (int i = 0; i < 16; ++i) {
    if ((k >> i) & 1) static_cast<float*>(p)[i] = lanes[i];
  }
}
