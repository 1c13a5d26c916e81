// Standalone check of every sgemm microkernel compiled into this build against a float64 reference, without
// Node. Its purpose is the NEON kernel, which CI cannot run natively on x86-64: scripts/check-neon.sh
// cross-compiles this file for arm64 and runs it under qemu. On x86-64 it checks avx512/avx2/scalar as well.
//
// Every way of running a product must give bit-identical results: 1 or 2 threads, every packing plan (A and B in
// place or packed), and sgemm_packed (B packed beforehand, as the recurrent kernels use it).
//
// Error bound per element, as in test/helpers/gemm-reference.ts:
//   |C - C_ref| <= (K + 4) * 2^-24 * (|alpha| * sum_p |A_ip B_pj| + |beta C_ij|) + 2^-126
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "cpu/isa.h"
#include "gemm/sgemm.h"

int main(int argc, char** argv) {
  const int cases = argc > 1 ? std::atoi(argv[1]) : 200;
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> uniform(-1, 1);
  sg::ThreadPool one(1), two(2);
  int failures = 0, runs = 0;
  std::vector<sg::Isa> isas = sg::supported_isas();
#if defined(STEADYGRAD_AVX512_EMULATION)  // the AVX-512 kernel on portable intrinsics (scripts/check-native.sh)
  if (!sg::isa_supported(sg::Isa::avx512)) isas.insert(isas.begin(), sg::Isa::avx512);
#endif
  for (sg::Isa isa : isas) {
    const sg::gemm::Microkernel& uk = sg::gemm::microkernel_for(isa);
    for (int it = 0; it < cases; ++it) {
      int m = rng() % 70, n = rng() % 90, k = rng() % 50;
      if (it % 10 == 0) m = rng() % 300, n = rng() % 300, k = rng() % 500;
      const bool ta = rng() % 2, tb = rng() % 2;
      const float alpha = rng() % 3 == 0 ? 1.f : 2 * uniform(rng), beta = rng() % 3 == 0 ? 0.f : uniform(rng);
      const int lda = std::max(1, int(ta ? m : k) + int(rng() % 3));
      const int ldb = std::max(1, int(tb ? k : n) + int(rng() % 3));
      const int ldc = std::max(1, n + int(rng() % 3));
      std::vector<float> a((ta ? k : m) * lda + 1), b((tb ? n : k) * ldb + 1), c0(m * ldc + 1);
      for (float& x : a) x = uniform(rng);
      for (float& x : b) x = uniform(rng);
      for (float& x : c0) x = beta == 0 ? NAN : uniform(rng);
      // The first run (automatic plan, 1 thread) is checked against float64; every other run must match it bit
      // for bit: 2 threads, every packing plan, and B packed beforehand (as the recurrent kernels use it).
      std::vector<float> first;
      bool ok = true;
      const auto check = [&](const std::vector<float>& c, const char* how, int threads) {
        if (first.empty()) {
          first = c;
          for (int i = 0; i < m && ok; ++i) {
            for (int j = 0; j < n && ok; ++j) {
              double sum = 0, sum_abs = 0;
              for (int p = 0; p < k; ++p) {
                const double x = double(ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
                sum += x, sum_abs += std::fabs(x);
              }
              const double old = beta == 0 ? 0 : c0[i * ldc + j];
              const double want = alpha * sum + beta * old;
              const double bound =
                  (k + 4) * std::ldexp(1.0, -24) * (std::fabs(alpha) * sum_abs + std::fabs(beta * old)) +
                  std::ldexp(1.0, -126);
              if (!(std::fabs(c[i * ldc + j] - want) <= bound)) ok = false;
            }
          }
          // Outside the matrix (ldc padding, the spare element), C is untouched.
          for (size_t i = 0; i < c.size() && ok; ++i) {
            const bool inside = int(i / ldc) < m && int(i % ldc) < n;
            if (!inside && std::memcmp(&c[i], &c0[i], sizeof(float)) != 0) ok = false;
          }
        } else {
          for (size_t i = 0; i < c.size() && ok; ++i) ok = std::memcmp(&c[i], &first[i], sizeof(float)) == 0;
        }
        if (!ok && ++failures <= 10) {
          std::printf("FAIL %s M=%d N=%d K=%d ta=%d tb=%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d threads=%d %s\n",
                      uk.name, m, n, k, ta, tb, alpha, beta, lda, ldb, ldc, threads, how);
        }
        ok = true;
      };
      for (sg::ThreadPool* pool : {&one, &two}) {
        sg::SgemmArgs g;
        g.trans_a = ta, g.trans_b = tb, g.m = m, g.n = n, g.k = k, g.alpha = alpha, g.beta = beta;
        g.a = a.data(), g.lda = lda, g.b = b.data(), g.ldb = ldb, g.ldc = ldc;
        std::vector<float> c = c0;
        g.c = c.data();
        sg::sgemm(uk, *pool, g);
        check(c, "automatic plan", pool->threads());
        for (int plan = 0; plan < 4; ++plan) {
          const sg::gemm::Plan forced{(plan & 1) != 0, (plan & 2) != 0};
          c = c0;
          g.c = c.data();
          sg::sgemm(uk, *pool, g, &forced);
          static const char* names[] = {"A and B in place", "A packed", "B packed", "A and B packed"};
          check(c, names[plan], pool->threads());
        }
        c = c0;
        const sg::PackedMatrix packed(uk, tb, b.data(), ldb, k, n);
        sg::sgemm_packed(*pool, ta, m, alpha, a.data(), lda, packed, beta, c.data(), ldc);
        check(c, "B packed beforehand", pool->threads());
        runs += 6;
      }
    }
    std::printf("%s: %d cases x 2 thread counts x 6 ways\n", uk.name, cases);
  }
  std::printf("%d of %d runs failed\n", failures, runs);
  return failures == 0 ? 0 : 1;
}
