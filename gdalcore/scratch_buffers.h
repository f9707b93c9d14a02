// Buffers of one size handed from task to task within one computation
// (statistics, checksums): a fresh allocation per piece of a band costs
// page faults and zeroing that show in profiles of whole-band passes.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace rk {

class ScratchBuffers {
 public:
  explicit ScratchBuffers(size_t bytes) : bytes_(bytes) {}

  // A buffer of the size given at construction, contents undefined. Never
  // more buffers exist than tasks running at once.
  std::unique_ptr<std::byte[]> take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<std::byte[]> b = std::move(free_.back());
        free_.pop_back();
        return b;
      }
    }
    return std::unique_ptr<std::byte[]>(new std::byte[bytes_]);
  }
  void give_back(std::unique_ptr<std::byte[]> b) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(b));
  }

 private:
  const size_t bytes_;
  std::mutex mu_;
  std::vector<std::unique_ptr<std::byte[]>> free_;  // guarded by mu_
};

}  // namespace rk
