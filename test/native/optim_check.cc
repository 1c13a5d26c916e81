// Standalone check of the optimizer and clipping kernels (native/optim/) of every instruction set in this build
// against the scalar ones, without Node. Its purpose is the NEON build, which CI cannot run natively on x86-64:
// scripts/check-neon.sh cross-compiles it for arm64 and runs it under qemu. The scalar kernels are the ones the
// PyTorch fixtures check on x86-64. Over 4 steps on every length 0..40 and 1000, each parameter must agree within
// 1e-6 * max(1, |value|) and each state array within 1e-5 * max(1, |value|); the norms within 1e-12 relative, and
// the finiteness check exactly, with a NaN or an infinity at every position.
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cpu/isa.h"
#include "kernels/kernels.h"
#include "optim/optim.h"

namespace {

using Buffer = std::vector<float>;
using sg::optim::GradPrep;

Buffer random(int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  Buffer v(n);
  for (float& e : v) e = u(rng);
  return v;
}

// One update family: runs `steps` updates on the arrays (param first, then grad, then the state) with kernels k.
using Update = std::function<void(const sg::Kernels& k, std::vector<Buffer>& a, int step)>;

float* data(Buffer& b) {
  return b.empty() ? nullptr : b.data();
}

int failures = 0, runs = 0;

void check_update(sg::Isa isa, const std::string& name, int64_t n, int states, Update update) {
  std::vector<Buffer> ref = {random(n, 1 + n), random(n, 2 + n)};
  for (int s = 0; s < states; ++s) ref.push_back(Buffer(n, 0.0f));
  std::vector<Buffer> got = ref;
  for (int step = 1; step <= 4; ++step) {
    update(sg::kernels_for(sg::Isa::scalar), ref, step);
    update(sg::kernels_for(isa), got, step);
  }
  ++runs;
  for (size_t a = 0; a < ref.size(); ++a) {
    if (a == 1) continue;  // the gradient is an input
    const float tolerance = a == 0 ? 1e-6f : 1e-5f;
    for (int64_t i = 0; i < n; ++i) {
      if (!(std::fabs(got[a][i] - ref[a][i]) <= tolerance * std::max(1.0f, std::fabs(ref[a][i])))) {
        if (++failures <= 10) {
          std::printf("FAIL %s %s n=%lld array %zu [%lld]: %g vs scalar %g\n", sg::isa_name(isa), name.c_str(),
                      (long long)n, a, (long long)i, got[a][i], ref[a][i]);
        }
        return;
      }
    }
  }
}

void check_updates(sg::Isa isa, int64_t n) {
  for (const GradPrep prep : {GradPrep{1, INFINITY, false, 0}, GradPrep{0.5, 0.3, true, 0.01}}) {
    check_update(isa, "sgd", n, 1, [&](const sg::Kernels& k, std::vector<Buffer>& a, int step) {
      sg::optim::SgdStep s{prep, 0.1, 0.9, 0.1, false, step == 1};
      k.sgd_update(s, data(a[0]), data(a[1]), data(a[2]), n);
    });
    check_update(isa, "sgd nesterov", n, 1, [&](const sg::Kernels& k, std::vector<Buffer>& a, int step) {
      sg::optim::SgdStep s{prep, 0.1, 0.8, 0, true, step == 1};
      k.sgd_update(s, data(a[0]), data(a[1]), data(a[2]), n);
    });
    check_update(isa, "adam amsgrad", n, 3, [&](const sg::Kernels& k, std::vector<Buffer>& a, int step) {
      sg::optim::AdamStep s{prep, 0.01, 0.9, 0.999, 1e-8, 0, double(step)};
      k.adam_update(s, data(a[0]), data(a[1]), data(a[2]), data(a[3]), data(a[4]), n);
    });
    check_update(isa, "adamw", n, 2, [&](const sg::Kernels& k, std::vector<Buffer>& a, int step) {
      GradPrep p = prep;
      p.weight_decay = 0;
      sg::optim::AdamStep s{p, 0.01, 0.8, 0.99, 1e-6, 0.1, double(step)};
      k.adam_update(s, data(a[0]), data(a[1]), data(a[2]), data(a[3]), nullptr, n);
    });
    check_update(isa, "rmsprop centered momentum", n, 3, [&](const sg::Kernels& k, std::vector<Buffer>& a, int) {
      sg::optim::RmspropStep s{prep, 0.01, 0.99, 1e-8, 0.9};
      k.rmsprop_update(s, data(a[0]), data(a[1]), data(a[2]), data(a[3]), data(a[4]), n);
    });
    check_update(isa, "rmsprop", n, 1, [&](const sg::Kernels& k, std::vector<Buffer>& a, int) {
      sg::optim::RmspropStep s{prep, 0.01, 0.9, 1e-6, 0};
      k.rmsprop_update(s, data(a[0]), data(a[1]), data(a[2]), nullptr, nullptr, n);
    });
    check_update(isa, "adagrad", n, 1, [&](const sg::Kernels& k, std::vector<Buffer>& a, int step) {
      sg::optim::AdagradStep s{prep, 0.1, 0.01, 1e-10, double(step)};
      k.adagrad_update(s, data(a[0]), data(a[1]), data(a[2]), n);
    });
  }
}

void check_norms(sg::Isa isa, int64_t n) {
  const sg::Kernels& k = sg::kernels_for(isa);
  const sg::Kernels& ref = sg::kernels_for(sg::Isa::scalar);
  Buffer x = random(n, 3 + n);
  ++runs;
  for (sg::optim::NormOrd ord : {sg::optim::NormOrd::l1, sg::optim::NormOrd::l2, sg::optim::NormOrd::inf}) {
    const double a = k.norm_partial(ord, data(x), n), b = ref.norm_partial(ord, data(x), n);
    if (!(std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(b)))) {
      if (++failures <= 10)
        std::printf("FAIL %s norm %d n=%lld: %.17g vs %.17g\n", sg::isa_name(isa), int(ord), (long long)n, a, b);
    }
  }
  if (!k.all_finite(data(x), n)) ++failures;
  for (int64_t at = 0; at < n; ++at) {
    for (float bad : {NAN, INFINITY, -INFINITY}) {
      Buffer y = x;
      y[at] = bad;
      const bool seen = !k.all_finite(y.data(), n) &&
                        !std::isfinite(k.norm_partial(sg::optim::NormOrd::l2, y.data(), n)) &&
                        !std::isfinite(k.norm_partial(sg::optim::NormOrd::inf, y.data(), n));
      if (!seen && ++failures <= 10)
        std::printf("FAIL %s non-finite at %lld of %lld missed\n", sg::isa_name(isa), (long long)at, (long long)n);
    }
  }
}

}  // namespace

int main() {
  for (sg::Isa isa : sg::supported_isas()) {
    for (int64_t n = 0; n <= 41; ++n) {
      const int64_t len = n == 41 ? 1000 : n;
      check_updates(isa, len);
      check_norms(isa, len);
    }
    std::printf("optim_%s: updates and norms on lengths 0..40 and 1000 against optim_scalar\n", sg::isa_name(isa));
  }
  std::printf("%d of %d runs failed\n", failures, runs);
  return failures == 0 ? 0 : 1;
}
