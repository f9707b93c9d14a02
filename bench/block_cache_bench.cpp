// Block cache hit-path throughput: lookups per second with 1 and 2 threads,
// for the default sharded cache and for a single-shard cache (what one global
// lock costs), over many keys and over one hot key. Prints a Markdown table.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  double lookups_per_second;
  bool all_hits;
};

// `disjoint`: thread t uses only its own slice of `keys` (threads reading
// different regions, the common case); otherwise every thread walks all keys.
Result run(rk::BlockCache& cache, const std::vector<rk::BlockKey>& keys, int threads,
           double seconds, bool disjoint) {
  std::atomic<bool> go{false}, stop{false};
  std::atomic<uint64_t> total{0};
  std::atomic<bool> all_hits{true};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      // Each thread walks the key list from its own offset with a stride, so
      // threads touch different keys at any instant.
      const size_t span = disjoint ? keys.size() / static_cast<size_t>(threads) : keys.size();
      const size_t base = disjoint ? span * static_cast<size_t>(t) : 0;
      size_t i = disjoint ? 0 : static_cast<size_t>(t) * 7919 % span;
      uint64_t n = 0;
      while (!go.load(std::memory_order_acquire)) {
      }
      while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 1024; ++k) {
          rk::BlockRef b = cache.lookup(keys[base + i]);
          if (!b) all_hits = false;
          i += 613;
          if (i >= span) i -= span;
        }
        n += 1024;
      }
      total += n;
    });
  }
  const auto start = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return {static_cast<double>(total.load()) / elapsed, all_hits.load()};
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  const int repeats = 5;
  constexpr size_t kBlocks = 4096, kBlockBytes = 4096;
  std::vector<rk::BlockKey> many_keys;
  for (size_t i = 0; i < kBlocks; ++i) {
    many_keys.push_back(
        rk::BlockKey{1, 1, 0, static_cast<int64_t>(i % 64), static_cast<int64_t>(i / 64)});
  }
  const std::vector<rk::BlockKey>& many = many_keys;
  // Same length as `many`, so both cases run the identical loop.
  const std::vector<rk::BlockKey> hot(many.size(), many.front());
  std::printf("| cache | keys | threads | median lookups/s | per thread |\n");
  std::printf("|---|---|---|---|---|\n");
  for (unsigned shard_bits : {4u, 0u}) {
    rk::BlockCache cache(kBlocks * rk::BlockCache::charge_for(kBlockBytes) * 2, shard_bits);
    for (const rk::BlockKey& k : many) cache.insert(rk::BlockCache::allocate(k, kBlockBytes));
    struct Case {
      const std::vector<rk::BlockKey>* keys;
      bool disjoint;
      const char* name;
    };
    const Case cases[] = {{&many, true, "4096 blocks, each thread its own half"},
                          {&many, false, "4096 blocks, all threads all blocks"},
                          {&hot, false, "1 hot block"}};
    for (const Case& c : cases) {
      for (int threads : {1, 2}) {
        if (threads == 1 && c.disjoint) continue;  // same as the shared case
        std::vector<double> rates;
        bool hits = true;
        for (int r = 0; r < repeats; ++r) {
          const Result res = run(cache, *c.keys, threads, seconds / repeats, c.disjoint);
          rates.push_back(res.lookups_per_second);
          hits = hits && res.all_hits;
        }
        std::sort(rates.begin(), rates.end());
        const double median = rates[rates.size() / 2];
        std::printf("| %s | %s | %d | %.1f M | %.1f M |%s\n",
                    shard_bits ? "16 shards (default)" : "1 shard (one global lock)", c.name,
                    threads, median / 1e6, median / 1e6 / threads, hits ? "" : " (misses!)");
      }
    }
  }
  return 0;
}
