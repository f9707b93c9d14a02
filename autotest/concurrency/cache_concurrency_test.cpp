// Many threads, one deliberately tiny shared cache: eviction and owner
// write-back under budget pressure happen constantly, and readers keep
// hitting blocks that other threads are evicting. Run under TSan in CI.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/drivers/register_builtin.h>

namespace rk {
namespace {

constexpr int kThreads = 8;

TEST_CASE("threads share blocks of one owner while others evict them", "[concurrency]") {
  // Blocks hold a pattern derived from their key, so any reader can check any
  // block it gets, whoever inserted it.
  constexpr size_t kBytes = 512;
  BlockCache cache(16 * BlockCache::charge_for(kBytes));
  const uint64_t owner = BlockCache::new_owner_id();
  auto fill = [](const BlockKey& k, std::byte* p) {
    for (size_t i = 0; i < kBytes; ++i)
      p[i] = static_cast<std::byte>((k.x * 31 + k.y * 7 + i) & 0xff);
  };
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      std::uniform_int_distribution<int> pos(0, 9);
      for (int i = 0; i < 4000; ++i) {
        const BlockKey key{owner, 1, 0, pos(rng), pos(rng)};
        BlockRef b = cache.lookup(key);
        if (!b) {
          b = BlockCache::allocate(key, kBytes);
          fill(key, b->data());
          b = cache.insert(std::move(b));
        }
        std::byte expect[kBytes];
        fill(key, expect);
        if (std::memcmp(expect, b->data(), kBytes) != 0) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(bad == 0);
  const BlockCacheStats s = cache.stats();
  CHECK(s.evictions > 0);
  CHECK(s.bytes_in_use <= s.capacity);
}

TEST_CASE("threads read and write their own MEM datasets through a tiny shared cache",
          "[concurrency]") {
  register_all();
  const Driver* mem = DriverManager::global().find("MEM");
  REQUIRE(mem);
  constexpr int64_t kSize = 192, kBlock = 32;  // 36 blocks of 2 KiB per dataset
  BlockCache cache(24 * BlockCache::charge_for(kBlock * kBlock * 2));  // < one dataset's blocks
  std::atomic<int> failures{0};
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      CreateParams p;
      p.width = kSize;
      p.height = kSize;
      p.type = DataType::kUInt16;
      p.options = Options{{"BLOCKXSIZE", "32"}, {"BLOCKYSIZE", "32"}};
      p.cache = &cache;
      auto created = mem->create("thread" + std::to_string(t), p);
      if (!created.ok()) {
        ++failures;
        return;
      }
      Dataset& ds = **created;
      std::vector<uint16_t> model(kSize * kSize, 0);
      std::mt19937 rng(static_cast<unsigned>(1000 + t));
      auto uniform = [&](int64_t lo, int64_t hi) {
        return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
      };
      for (int iter = 0; iter < 150; ++iter) {
        // Write a random window with values unique to (thread, iteration).
        Window w{uniform(0, kSize - 1), uniform(0, kSize - 1), 0, 0};
        w.width = uniform(1, kSize - w.x);
        w.height = uniform(1, kSize - w.y);
        std::vector<uint16_t> data(static_cast<size_t>(w.width * w.height));
        for (size_t i = 0; i < data.size(); ++i)
          data[i] = static_cast<uint16_t>(t * 4096 + iter * 17 + i);
        if (!ds.write(w, data.data(), BufferLayout::packed(DataType::kUInt16, w.width, w.height))
                 .ok())
          ++failures;
        for (int64_t y = 0; y < w.height; ++y) {
          for (int64_t x = 0; x < w.width; ++x) {
            model[static_cast<size_t>((w.y + y) * kSize + w.x + x)] =
                data[static_cast<size_t>(y * w.width + x)];
          }
        }
        // Read another random window back, as UInt16 or as Float64.
        Window r{uniform(0, kSize - 1), uniform(0, kSize - 1), 0, 0};
        r.width = uniform(1, kSize - r.x);
        r.height = uniform(1, kSize - r.y);
        std::vector<double> back(static_cast<size_t>(r.width * r.height));
        if (!ds.read(r, back.data(), BufferLayout::packed(DataType::kFloat64, r.width, r.height))
                 .ok())
          ++failures;
        for (int64_t y = 0; y < r.height; ++y) {
          for (int64_t x = 0; x < r.width; ++x) {
            if (back[static_cast<size_t>(y * r.width + x)] !=
                model[static_cast<size_t>((r.y + y) * kSize + r.x + x)]) {
              ++mismatches;
            }
          }
        }
      }
      if (!ds.flush().ok()) ++failures;
      std::vector<uint16_t> all(kSize * kSize);
      if (!ds.read(Window{0, 0, kSize, kSize}, all.data(),
                   BufferLayout::packed(DataType::kUInt16, kSize, kSize))
               .ok()) {
        ++failures;
      }
      if (all != model) ++mismatches;
      if (!ds.close().ok()) ++failures;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(mismatches == 0);
  const BlockCacheStats s = cache.stats();
  CHECK(s.evictions > 0);
  CHECK(s.write_backs > 0);
  CHECK(s.bytes_in_use == 0);  // every dataset closed
}

}  // namespace
}  // namespace rk
