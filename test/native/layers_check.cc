// Standalone check of the per-row layer kernels (native/ops/activation-inl.h, layer_norm-inl.h) of every instruction
// set in this build against the scalar ones, without Node. Its purpose is the NEON build, which CI cannot run natively
// on x86-64: scripts/check-neon.sh cross-compiles it for arm64 and runs it under qemu (on x86-64 the same kernels are
// checked per ISA by test/backends/layer-ops.test.ts). For every activation with its default parameters, forward and
// backward, and for layer normalization, on rows of every width 1..40 and 1000, each value must agree with the
// scalar kernels' within 1e-6 * max(1, |value|) (the same polynomials, vector against one lane).
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "cpu/isa.h"
#include "kernels/kernels.h"
#include "ops/layers.h"

namespace {

using Buffer = std::vector<float>;
using sg::ops::Act;
using sg::ops::ActParams;

Buffer random(int64_t n, unsigned seed, float scale) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-scale, scale);
  Buffer v(n);
  for (float& e : v) e = u(rng);
  return v;
}

int failures = 0, runs = 0;

void compare(sg::Isa isa, const char* what, int act, int64_t C, const Buffer& got, const Buffer& ref) {
  ++runs;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (std::fabs(got[i] - ref[i]) <= 1e-6f * std::max(1.0f, std::fabs(ref[i]))) continue;
    if (++failures <= 10) {
      std::printf("FAIL %s %s act=%d C=%lld [%zu]: %g vs scalar %g\n", sg::isa_name(isa), what, act, (long long)C, i,
                  got[i], ref[i]);
    }
    return;
  }
}

void check(sg::Isa isa, int64_t C) {
  const int64_t N = 3;
  const sg::Kernels& k = sg::kernels_for(isa);
  const sg::Kernels& s = sg::kernels_for(sg::Isa::scalar);
  const Buffer x = random(N * C, 1 + unsigned(C), 6.0f);
  const Buffer dy = random(N * C, 2 + unsigned(C), 1.0f);
  const float defaults[][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0.01f, 0}, {1, 0}, {0, 0}, {0, 0}, {1, 20}, {0, 0}};
  for (int a = 0; a < sg::ops::kActCount; ++a) {
    const ActParams p{static_cast<Act>(a), defaults[a][0], defaults[a][1]};
    Buffer y(N * C), y_ref(N * C), dx(N * C), dx_ref(N * C);
    k.activation_forward(p, x.data(), y.data(), N, C);
    s.activation_forward(p, x.data(), y_ref.data(), N, C);
    compare(isa, "activation_forward", a, C, y, y_ref);
    k.activation_backward(p, x.data(), y_ref.data(), dy.data(), dx.data(), N, C);
    s.activation_backward(p, x.data(), y_ref.data(), dy.data(), dx_ref.data(), N, C);
    compare(isa, "activation_backward", a, C, dx, dx_ref);
  }
  const Buffer gamma = random(C, 3, 1.5f), beta = random(C, 4, 1.0f);
  Buffer y(N * C), y_ref(N * C), mean(N), rstd(N), mean_ref(N), rstd_ref(N), dx(N * C), dx_ref(N * C);
  k.layer_norm_forward(x.data(), gamma.data(), beta.data(), y.data(), mean.data(), rstd.data(), N, C, 1e-5f);
  s.layer_norm_forward(x.data(), gamma.data(), beta.data(), y_ref.data(), mean_ref.data(), rstd_ref.data(), N, C,
                       1e-5f);
  compare(isa, "layer_norm_forward", -1, C, y, y_ref);
  k.layer_norm_backward(x.data(), gamma.data(), mean_ref.data(), rstd_ref.data(), dy.data(), dx.data(), N, C);
  s.layer_norm_backward(x.data(), gamma.data(), mean_ref.data(), rstd_ref.data(), dy.data(), dx_ref.data(), N, C);
  compare(isa, "layer_norm_backward", -1, C, dx, dx_ref);
}

}  // namespace

int main() {
  for (sg::Isa isa : sg::supported_isas()) {
    for (int64_t C = 1; C <= 41; ++C) check(isa, C == 41 ? 1000 : C);
    std::printf("layers_%s: activations and layer norm on widths 1..40 and 1000 against layers_scalar\n",
                sg::isa_name(isa));
  }
  std::printf("%d of %d runs failed\n", failures, runs);
  return failures == 0 ? 0 : 1;
}
