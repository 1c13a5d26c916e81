// The data-cache sizes of the CPU this process runs on, which the GEMM derives its blocking from
// (gemm/blocking.cc).
#pragma once

#include <cstdint>

namespace sg {

struct CacheSizes {
  int64_t l1d;  // level-1 data cache of one core, bytes
  int64_t l2;   // level-2 cache as one core sees it, bytes
  int64_t l3;   // last-level cache as one core sees it, bytes
};

// What a typical core of the last decade has; used for any size the system does not report.
constexpr CacheSizes kFallbackCaches = {32 * 1024, 512 * 1024, 8 * 1024 * 1024};

// Read once, on first use: from Linux's sysfs (/sys/devices/system/cpu/cpu0/cache/), else sysconf (glibc) or
// sysctl (macOS), else kFallbackCaches. A size outside [4 KiB, 1 GiB] counts as unreported.
const CacheSizes& cache_sizes();

}  // namespace sg
