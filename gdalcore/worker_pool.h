// WorkerPool: a fixed set of threads that run the pieces of one job at a
// time (parallel_for). Used to decode, resample and compute statistics on
// several cores; the caller's thread works too, so a pool of N threads keeps
// N cores busy.
//
// Thread safety: parallel_for() may be called from several threads at once;
// jobs then share the workers. The body must be safe to run concurrently for
// different indices. No lock is held while a body runs.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rk {

class RK_API WorkerPool {
 public:
  // `threads` in total, counting the caller of parallel_for(); 1 makes no
  // thread and runs everything in the caller.
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int thread_count() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs body(0) .. body(count - 1), spread over the pool, and returns when
  // all have finished. Indices are handed out in increasing order.
  void parallel_for(int64_t count, const std::function<void(int64_t)>& body);

  // The thread count to use when the user gave none: the last
  // set_default_thread_count() (RK_NUM_THREADS, read by rk::register_all()),
  // otherwise every core.
  static int default_thread_count();
  // 0 restores "every core".
  static void set_default_thread_count(int threads);
  // Parses a thread count as --threads and RK_NUM_THREADS take it: a
  // positive number or ALL_CPUS (any case). Returns 0 if `text` is neither.
  static int parse_thread_count(const std::string& text);

 private:
  struct Job;
  void work();
  static void run_some(Job& job);

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> jobs_;  // guarded by mu_
  bool stopping_ = false;                  // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace rk
