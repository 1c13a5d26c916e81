// Process-wide state of the native core: the instruction set in use and the thread pool.
//
// The JavaScript loader configures it once, from STEADYGRAD_ISA and STEADYGRAD_THREADS; until then it holds the
// best instruction set and one thread per available core. Kernels take a Runtime::Job for the duration of a
// call, so changing the thread count while another Node worker thread is computing is safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "cpu/isa.h"
#include "gemm/microkernel.h"
#include "threads/thread_pool.h"

namespace sg {

// What one kernel call runs with: a consistent snapshot of the runtime.
struct Job {
  Isa isa;
  const gemm::Microkernel* sgemm;
  std::shared_ptr<ThreadPool> pool;
};

class Runtime {
 public:
  static Runtime& instance();

  // The number of cores this process may run on (its CPU affinity), at least 1.
  static int available_cores();

  Job job();
  void set_isa(Isa isa);
  void set_threads(int threads);  // 1 <= threads <= kMaxThreads

  static constexpr int kMaxThreads = 1024;

 private:
  Runtime();
  std::mutex mutex_;
  Isa isa_;
  std::shared_ptr<ThreadPool> pool_;
};

}  // namespace sg
