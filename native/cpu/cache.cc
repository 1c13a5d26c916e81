#include "cpu/cache.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#if defined(__linux__)
#include <unistd.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#endif

namespace sg {

namespace {

constexpr int64_t kMinSize = 4 * 1024;
constexpr int64_t kMaxSize = int64_t(1) << 30;

bool plausible(int64_t bytes) {
  return bytes >= kMinSize && bytes <= kMaxSize;
}

#if defined(__linux__)
// The first line of a sysfs file, or "" if it cannot be read.
std::string read_line(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return "";
  char buffer[64] = {};
  const bool ok = std::fgets(buffer, sizeof buffer, f) != nullptr;
  std::fclose(f);
  if (!ok) return "";
  std::string line(buffer);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

// "32K", "1024K", "32M" or plain bytes, as sysfs writes cache sizes; 0 if unreadable.
int64_t parse_size(const std::string& text) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || value <= 0) return 0;
  if (*end == 'K') return value * 1024;
  if (*end == 'M') return value * 1024 * 1024;
  if (*end == 'G') return value * 1024 * 1024 * 1024;
  return *end == '\0' ? value : 0;
}

// cpu0's data and unified caches from /sys/devices/system/cpu/cpu0/cache/index*/{level,type,size}.
void read_sysfs(CacheSizes* out) {
  for (int index = 0; index < 16; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    const std::string level = read_line(dir + "level");
    if (level.empty()) break;
    const std::string type = read_line(dir + "type");
    if (type != "Data" && type != "Unified") continue;
    const int64_t size = parse_size(read_line(dir + "size"));
    if (!plausible(size)) continue;
    if (level == "1") out->l1d = size;
    if (level == "2") out->l2 = size;
    if (level == "3") out->l3 = size;
  }
}
#endif

CacheSizes detect() {
  CacheSizes found = {0, 0, 0};
#if defined(__linux__)
  read_sysfs(&found);
#if defined(_SC_LEVEL1_DCACHE_SIZE)
  if (!plausible(found.l1d)) found.l1d = sysconf(_SC_LEVEL1_DCACHE_SIZE);
  if (!plausible(found.l2)) found.l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
  if (!plausible(found.l3)) found.l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
#elif defined(__APPLE__)
  const auto get = [](const char* name) -> int64_t {
    int64_t value = 0;
    size_t size = sizeof value;
    return sysctlbyname(name, &value, &size, nullptr, 0) == 0 ? value : 0;
  };
  found.l1d = get("hw.l1dcachesize");
  found.l2 = get("hw.l2cachesize");
  found.l3 = get("hw.l3cachesize");
#endif
  CacheSizes sizes = kFallbackCaches;
  if (plausible(found.l1d)) sizes.l1d = found.l1d;
  if (plausible(found.l2)) sizes.l2 = found.l2;
  if (plausible(found.l3)) sizes.l3 = found.l3;
  return sizes;
}

}  // namespace

const CacheSizes& cache_sizes() {
  static const CacheSizes sizes = detect();
  return sizes;
}

}  // namespace sg
