// DriverManager: the registry of drivers, and opening files by content.
//
// Threading: register drivers once, from one thread, at start-up (that is
// what rk::register_all() does). After that, open() and find() may be called
// from any number of threads at once.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rasterkit/blockcache/mutex.h>
#include <rasterkit/gdalcore/driver.h>

namespace rk {

enum class OpenFlags : unsigned {
  kReadOnly = 0,
  kUpdate = 1u << 0,
  // Returns a dataset any number of threads may read at once (see
  // threadsafe/thread_safe_dataset.h). Not with kUpdate.
  kThreadSafe = 1u << 1,
};
inline OpenFlags operator|(OpenFlags a, OpenFlags b) {
  return static_cast<OpenFlags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
inline bool has_flag(OpenFlags set, OpenFlags flag) {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(flag)) != 0;
}

struct RK_API OpenParams {
  OpenFlags flags = OpenFlags::kReadOnly;
  Options open_options;
  // Short names of the drivers that may open the file; empty = all.
  std::vector<std::string> allowed_drivers;
  BlockCache* cache = nullptr;  // null: the global cache
};

class RK_API DriverManager {
 public:
  // The process-wide registry (never destroyed).
  static DriverManager& global();

  DriverManager() = default;
  DriverManager(const DriverManager&) = delete;
  DriverManager& operator=(const DriverManager&) = delete;

  // Adds a driver. Registering a second driver with the same short name is
  // an error. Drivers are asked to identify files in registration order.
  Status register_driver(std::unique_ptr<Driver> driver);
  // By short name, case-insensitively; null if none.
  const Driver* find(std::string_view short_name) const;
  std::vector<const Driver*> drivers() const;

  // Opens `path` with the first driver whose identify() accepts its content.
  // If no driver does, the error lists the drivers tried.
  Result<std::unique_ptr<Dataset>> open(const std::string& path, const OpenParams& params) const;

  // How kThreadSafe opens are wrapped. Installed once at start-up by
  // rk::register_all() (the threadsafe layer sits above this one).
  using ThreadSafeWrapper = Result<std::unique_ptr<Dataset>> (*)(std::unique_ptr<Dataset> dataset,
                                                                 const OpenParams& params);
  void set_thread_safe_wrapper(ThreadSafeWrapper wrapper);

 private:
  // Set once at start-up, before any open; read without the lock after.
  std::atomic<ThreadSafeWrapper> thread_safe_wrapper_{nullptr};
  // mu_ guards drivers_. Driver objects are never removed, so the pointers
  // copied out under the lock stay valid without it.
  mutable Mutex mu_;
  std::vector<std::unique_ptr<Driver>> drivers_ RK_GUARDED_BY(mu_);
};

// Opens with the global registry. rk::register_all() must have been called.
RK_API Result<std::unique_ptr<Dataset>> open(const std::string& path,
                                             OpenFlags flags = OpenFlags::kReadOnly);
RK_API Result<std::unique_ptr<Dataset>> open(const std::string& path, const OpenParams& params);

}  // namespace rk
