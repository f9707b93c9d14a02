// Annotated wrappers over std::mutex. libstdc++'s mutex carries no
// thread-safety attributes, so clang could not check GUARDED_BY without these.
#pragma once

#include <mutex>

#include "blockcache/thread_annotations.h"

namespace rk {

class RK_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() RK_ACQUIRE() { mu_.lock(); }
  void unlock() RK_RELEASE() { mu_.unlock(); }
  bool try_lock() RK_TRY_ACQUIRE(true) { return mu_.try_lock(); }

  // For std::condition_variable; the caller must hold the lock.
  std::mutex& native() { return mu_; }

 private:
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
