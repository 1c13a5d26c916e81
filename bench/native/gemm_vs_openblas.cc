// steadygrad's sgemm against OpenBLAS's in one process, interleaved: for each shape, `rounds` rounds of (ours for
// ~4e7 flop, OpenBLAS for ~4e7 flop), both on 1 thread, on the same arrays. A slow spell of a shared machine hits
// both sides of a round alike, so the per-round ratio is steadier than two separate runs. Built and run by
// bench/native/gemm-vs-openblas.sh, which finds the OpenBLAS library numpy loads.
//
//   gemm_vs_openblas LIBOPENBLAS [op:M:N:K ...]     (default: the dense-layer shapes of bench/gemm-shapes.js)
//   env: STEADYGRAD_ISA=avx2|avx512|...  ROUNDS=21
//
// Prints per shape the median GFLOP/s of each side, the best of each, and the median of the per-round ratios.
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cpu/isa.h"
#include "gemm/sgemm.h"

namespace {

// cblas_sgemm with 64-bit integers (OpenBLAS's INTERFACE64 builds, as numpy's), or 32-bit ones.
using Cblas64 = void (*)(int, int, int, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*, int64_t,
                         float, float*, int64_t);
using Cblas32 = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;

struct Shape {
  std::string name;
  bool ta, tb;
  int64_t m, n, k;
};

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void* symbol(void* lib, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (void* p = dlsym(lib, name)) return p;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gemm_vs_openblas LIBOPENBLAS [op:M:N:K ...]\n");
    return 2;
  }
  void* lib = dlopen(argv[1], RTLD_NOW);
  if (lib == nullptr) {
    std::fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  auto* sgemm64 = reinterpret_cast<Cblas64>(symbol(lib, {"scipy_cblas_sgemm64_", "cblas_sgemm64_"}));
  auto* sgemm32 = reinterpret_cast<Cblas32>(symbol(lib, {"cblas_sgemm", "scipy_cblas_sgemm"}));
  auto* set_threads = reinterpret_cast<void (*)(int)>(
      symbol(lib, {"scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads"}));
  auto* corename = reinterpret_cast<const char* (*)()>(
      symbol(lib, {"scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"}));
  if ((sgemm64 == nullptr && sgemm32 == nullptr) || set_threads == nullptr) {
    std::fprintf(stderr, "no cblas_sgemm / openblas_set_num_threads in %s\n", argv[1]);
    return 1;
  }
  set_threads(1);

  const char* isa_env = std::getenv("STEADYGRAD_ISA");
  sg::Isa isa;
  std::string error;
  if (!sg::choose_isa(isa_env ? isa_env : "", &isa, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  const sg::gemm::Microkernel& uk = sg::gemm::microkernel_for(isa);
  sg::ThreadPool pool(1);
  const int rounds = std::getenv("ROUNDS") ? std::atoi(std::getenv("ROUNDS")) : 21;
  const sg::CacheSizes& caches = sg::cache_sizes();
  std::printf("steadygrad %s, OpenBLAS core %s, 1 thread, %d rounds; caches L1d %lld KiB, L2 %lld KiB, L3 %lld KiB\n",
              uk.name, corename ? corename() : "?", rounds, (long long)caches.l1d / 1024, (long long)caches.l2 / 1024,
              (long long)caches.l3 / 1024);

  std::vector<std::string> specs(argv + 2, argv + argc);
  if (specs.empty()) {
    specs = {"NN:128:256:784", "TN:784:256:128", "NT:128:784:256", "NN:128:10:256",    "NN:64:64:64",
             "NN:32:32:32",    "NN:256:256:256", "NN:512:512:512", "NN:1024:1024:1024"};
  }
  for (const std::string& spec : specs) {
    char op[3] = {};
    long long m = 0, n = 0, k = 0;
    if (std::sscanf(spec.c_str(), "%2s:%lld:%lld:%lld", op, &m, &n, &k) != 4) {
      std::fprintf(stderr, "bad shape %s (want op:M:N:K)\n", spec.c_str());
      return 2;
    }
    const Shape s{spec, op[0] == 'T', op[1] == 'T', m, n, k};
    const int64_t lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
    std::vector<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
    for (size_t i = 0; i < a.size(); ++i) a[i] = float(i * 7919 % 1000) / 1000.f - .5f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = float(i * 104729 % 1000) / 1000.f - .5f;
    const double flop = 2.0 * s.m * s.n * s.k;
    const int reps = static_cast<int>(std::max(1.0, 4e7 / flop));
    const auto ours = [&] {
      sg::SgemmArgs g;
      g.trans_a = s.ta, g.trans_b = s.tb, g.m = s.m, g.n = s.n, g.k = s.k;
      g.a = a.data(), g.lda = lda, g.b = b.data(), g.ldb = ldb, g.c = c.data(), g.ldc = s.n;
      sg::sgemm(uk, pool, g);
    };
    const auto theirs = [&] {
      const int ta = s.ta ? kTrans : kNoTrans, tb = s.tb ? kTrans : kNoTrans;
      if (sgemm64) {
        sgemm64(kRowMajor, ta, tb, s.m, s.n, s.k, 1.f, a.data(), lda, b.data(), ldb, 0.f, c.data(), s.n);
      } else {
        sgemm32(kRowMajor, ta, tb, int(s.m), int(s.n), int(s.k), 1.f, a.data(), int(lda), b.data(), int(ldb), 0.f,
                c.data(), int(s.n));
      }
    };
    const auto gflops = [&](auto f) {
      f();
      const double t = now();
      for (int r = 0; r < reps; ++r) f();
      return flop * reps / (now() - t) / 1e9;
    };
    std::vector<double> x, y, ratio;
    for (int r = 0; r < rounds; ++r) {
      x.push_back(gflops(ours));
      y.push_back(gflops(theirs));
      ratio.push_back(x.back() / y.back());
    }
    std::printf(
        "%-18s median: ours %6.1f OpenBLAS %6.1f GFLOP/s | best: ours %6.1f OpenBLAS %6.1f | ratio %.2f (median of "
        "rounds), %.2f (of bests)\n",
        spec.c_str(), median(x), median(y), *std::max_element(x.begin(), x.end()),
        *std::max_element(y.begin(), y.end()), median(ratio),
        *std::max_element(x.begin(), x.end()) / *std::max_element(y.begin(), y.end()));
  }
}
