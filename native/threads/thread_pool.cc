#include "threads/thread_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SG_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define SG_CPU_RELAX() asm volatile("yield")
#else
#define SG_CPU_RELAX() ((void)0)
#endif

namespace sg {

namespace {
// How long an idle worker spins before it sleeps. Long enough to bridge the gap between the per-step jobs of a
// recurrent kernel, short enough not to hold a core while JavaScript runs between calls.
constexpr auto kSpinTime = std::chrono::microseconds(200);
}  // namespace

ThreadPool::ThreadPool(int threads) : threads_(threads < 1 ? 1 : threads) {
  workers_.reserve(threads_ - 1);
  for (int i = 1; i < threads_; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    stop_.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::run(int n, TaskRef task) {
  std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
  if (n <= 1 || workers_.empty() || !busy.owns_lock()) {
    for (int i = 0; i < n; ++i) task(i);
    return;
  }
  parallel_runs_.fetch_add(1, std::memory_order_relaxed);
  task_ = &task;
  tasks_ = n;
  pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
  {
    // Taking the mutex orders this increment against a worker that is about to sleep, so no wake-up is lost.
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  task(0);
  while (pending_.load(std::memory_order_acquire) != 0) SG_CPU_RELAX();
}

void ThreadPool::worker_loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    uint64_t generation = generation_.load(std::memory_order_acquire);
    if (generation == seen) {
      const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
      int spins = 0;
      while ((generation = generation_.load(std::memory_order_acquire)) == seen) {
        SG_CPU_RELAX();
        if (++spins % 64 == 0 && std::chrono::steady_clock::now() > deadline) {
          std::unique_lock<std::mutex> lock(sleep_mutex_);
          wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        }
      }
    }
    seen = generation;
    if (stop_.load(std::memory_order_acquire)) return;
    if (index < tasks_) (*task_)(index);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace sg
