// A persistent pool of worker threads for the native kernels.
//
// The calling thread takes part: a pool of size n has n - 1 workers. Between jobs a worker spins for a short
// while (a recurrent kernel issues one small job per time step, and a sleeping thread takes tens of microseconds
// to wake), then sleeps on a condition variable. The tasks of a job are claimed, not assigned: every thread,
// the caller included, takes the next unclaimed task index until none is left, and the caller waits only for
// tasks already taken. On a busy machine a worker the OS has not scheduled yet then costs nothing (the caller
// runs its share) instead of stalling the whole job. Which thread runs a task never changes what it computes, so
// a caller that splits its work deterministically gets the same result whatever the pool size.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace sg {

// A non-owning reference to a callable taking the task index: unlike std::function it never allocates, so a kernel
// can hand the pool a capturing lambda at every time step. The callable must outlive the call it is passed to
// (a lambda written in the argument list does).
class TaskRef {
 public:
  template <class F>
  TaskRef(F&& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, int i) { (*static_cast<std::remove_reference_t<F>*>(o))(i); }) {}
  void operator()(int i) const { call_(object_, i); }

 private:
  void* object_;
  void (*call_)(void*, int);
};

class ThreadPool {
 public:
  // threads >= 1, counting the caller.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return threads_; }

  // How many jobs have been split across threads so far (tests use it to check that splitting happens).
  uint64_t parallel_runs() const { return parallel_runs_.load(std::memory_order_relaxed); }

  // Calls task(i) once for each i in [0, n), 1 <= n <= threads(), and returns when all have finished. Each task
  // runs on whichever thread claims it first (the caller claims tasks too). If another thread is using the pool at
  // the moment (Node worker_threads can call in concurrently), all n tasks run here, one after the other. Tasks
  // must not throw.
  void run(int n, TaskRef task);

 private:
  void worker_loop(int index);

  const int threads_;
  std::vector<std::thread> workers_;
  std::mutex busy_;  // held by the caller of run() for the whole job

  // Claims the next task of job `job` (the low 32 bits of its generation): its index, or -1 when that job has no
  // unclaimed task left or is over.
  int claim(uint64_t job);

  // The current job, published by a release increment of generation_.
  const TaskRef* task_ = nullptr;
  std::atomic<uint64_t> generation_{0};
  // The job's claim counter, one word so that it is read and advanced atomically: bits 32-63 the job (low bits of
  // its generation), 16-31 its task count, 0-15 the next unclaimed index.
  std::atomic<uint64_t> claims_{0};
  std::atomic<int> done_{0};  // tasks of the current job that have finished
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> parallel_runs_{0};

  std::mutex sleep_mutex_;
  std::condition_variable wake_;
};

}  // namespace sg
