#include "runtime.h"

#include <thread>

#if defined(__linux__)
#include <sched.h>
#endif

namespace sg {

Runtime& Runtime::instance() {
  static Runtime runtime;
  return runtime;
}

int Runtime::available_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

Runtime::Runtime() : isa_(supported_isas().front()), pool_(std::make_shared<ThreadPool>(available_cores())) {}

Job Runtime::job() {
  std::lock_guard<std::mutex> lock(mutex_);
  return Job{isa_, &gemm::microkernel_for(isa_), pool_};
}

void Runtime::set_isa(Isa isa) {
  std::lock_guard<std::mutex> lock(mutex_);
  isa_ = isa;
}

void Runtime::set_threads(int threads) {
  std::shared_ptr<ThreadPool> pool = std::make_shared<ThreadPool>(threads);
  std::lock_guard<std::mutex> lock(mutex_);
  if (pool_->threads() != threads) pool_.swap(pool);
  // The old pool (now in `pool`, or the unused new one) is released here or by the last job that holds it.
}

}  // namespace sg
