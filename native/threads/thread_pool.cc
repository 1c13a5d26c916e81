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

int ThreadPool::claim(uint64_t job) {
  uint64_t word = claims_.load(std::memory_order_acquire);
  for (;;) {
    if ((word >> 32) != (job & 0xFFFFFFFFu)) return -1;
    const int tasks = static_cast<int>((word >> 16) & 0xFFFF), next = static_cast<int>(word & 0xFFFF);
    if (next >= tasks) return -1;
    if (claims_.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
      return next;
    }
  }
}

void ThreadPool::run(int n, TaskRef task) {
  std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
  if (n <= 1 || workers_.empty() || !busy.owns_lock()) {
    for (int i = 0; i < n; ++i) task(i);
    return;
  }
  parallel_runs_.fetch_add(1, std::memory_order_relaxed);
  const uint64_t job = generation_.load(std::memory_order_relaxed) + 1;
  task_ = &task;
  done_.store(0, std::memory_order_relaxed);
  claims_.store(((job & 0xFFFFFFFFu) << 32) | (static_cast<uint64_t>(n) << 16), std::memory_order_release);
  {
    // Taking the mutex orders this increment against a worker that is about to sleep, so no wake-up is lost.
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    generation_.store(job, std::memory_order_release);
  }
  wake_.notify_all();
  for (int i; (i = claim(job)) >= 0;) {
    task(i);
    done_.fetch_add(1, std::memory_order_acq_rel);
  }
  while (done_.load(std::memory_order_acquire) != n) SG_CPU_RELAX();
}

void ThreadPool::worker_loop(int) {
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
    // A claim succeeds only while this job still has unclaimed tasks, so the caller is still inside run() and
    // task_ is this job's.
    for (int i; (i = claim(generation)) >= 0;) {
      (*task_)(i);
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }
}

}  // namespace sg
