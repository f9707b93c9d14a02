// Annotated wrappers over std::mutex. libstdc++'s mutex carries no
// thread-safety attributes, so clang could not check GUARDED_BY without these.
//
// lock() spins briefly before blocking: rasterkit's critical sections are a
// few hundred nanoseconds (a hash lookup and a list relink), while glibc's
// mutex puts a thread to sleep in the kernel on the first collision, which
// costs microseconds (GDAL's block cache uses an adaptive mutex for the same
// reason). A pure spinlock measured no better (bench/results/block_cache.md).
#pragma once

#include <mutex>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RK_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define RK_CPU_RELAX() asm volatile("yield")
#else
#define RK_CPU_RELAX() ((void)0)
#endif

#include <rasterkit/blockcache/thread_annotations.h>

namespace rk {

class RK_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() RK_ACQUIRE() {
    for (int i = 0; i < kSpins; ++i) {
      if (mu_.try_lock()) return;
      RK_CPU_RELAX();
    }
    mu_.lock();
  }
  void unlock() RK_RELEASE() { mu_.unlock(); }
  bool try_lock() RK_TRY_ACQUIRE(true) { return mu_.try_lock(); }

  // For std::condition_variable; the caller must hold the lock.
  std::mutex& native() { return mu_; }

 private:
  static constexpr int kSpins = 64;
  std::mutex mu_;
};

// Holds a Mutex for the lifetime of the object.
class RK_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) RK_ACQUIRE(mu) : mu_(mu) { mu_->lock(); }
  ~MutexLock() RK_RELEASE() { mu_->unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace rk
