// Process-wide counters of remote reading (read by rk::remote_stats()).
#pragma once

#include <atomic>
#include <cstdint>

namespace rk::remote {

struct Counters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> bytes_received{0};
  std::atomic<uint64_t> cache_hits{0};
  std::atomic<uint64_t> cache_misses{0};
};

Counters& counters();

}  // namespace rk::remote
