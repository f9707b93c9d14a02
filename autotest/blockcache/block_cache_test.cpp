#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <thread>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/blockcache/block_memory.h>

namespace rk {
namespace {

constexpr size_t kBlock = 1000;
constexpr size_t kCharge = kBlock + BlockCache::kEntryOverheadBytes;

BlockKey key(uint64_t owner, int64_t x, int64_t y = 0) { return BlockKey{owner, 1, 0, x, y}; }

BlockRef make(const BlockKey& k, uint8_t fill) {
  BlockRef b = BlockCache::allocate(k, kBlock);
  std::memset(b->data(), fill, kBlock);
  return b;
}

TEST_CASE("lookup finds inserted blocks and counts hits and misses", "[blockcache]") {
  BlockCache cache(10 * kCharge);
  CHECK(cache.lookup(key(1, 0)) == nullptr);
  cache.insert(make(key(1, 0), 7));
  BlockRef hit = cache.lookup(key(1, 0));
  REQUIRE(hit);
  CHECK(static_cast<uint8_t>(hit->data()[999]) == 7);
  CHECK(cache.lookup(key(2, 0)) == nullptr);  // same position, other owner
  const BlockCacheStats s = cache.stats();
  CHECK(s.hits == 1);
  CHECK(s.misses == 2);
  CHECK(s.insertions == 1);
  CHECK(s.block_count == 1);
  CHECK(s.bytes_in_use == kCharge);
}

TEST_CASE("least recently used clean block is evicted first", "[blockcache]") {
  BlockCache cache(3 * kCharge, /*shard_bits=*/0);  // one shard: exact LRU order
  cache.insert(make(key(1, 0), 0));
  cache.insert(make(key(1, 1), 1));
  cache.insert(make(key(1, 2), 2));
  REQUIRE(cache.lookup(key(1, 0)));  // 0 is now the most recent; 1 the oldest
  cache.insert(make(key(1, 3), 3));
  CHECK(cache.lookup(key(1, 1)) == nullptr);
  CHECK(cache.lookup(key(1, 0)));
  CHECK(cache.lookup(key(1, 2)));
  CHECK(cache.lookup(key(1, 3)));
  CHECK(cache.stats().evictions == 1);
}

TEST_CASE("the byte budget is respected", "[blockcache]") {
  BlockCache cache(5 * kCharge + 10);
  for (int i = 0; i < 100; ++i) {
    cache.insert(make(key(1, i), static_cast<uint8_t>(i)));
    CHECK(cache.bytes_in_use() <= cache.capacity());
  }
  const BlockCacheStats s = cache.stats();
  CHECK(s.block_count == 5);
  CHECK(s.evictions == 95);
}

TEST_CASE("a block in use survives eviction", "[blockcache]") {
  BlockCache cache(2 * kCharge, 0);
  BlockRef pinned = cache.insert(make(key(1, 0), 42));
  for (int i = 1; i < 50; ++i) cache.insert(make(key(1, i), 0));
  // Still cached and intact while pinned; other blocks went instead.
  CHECK(cache.lookup(key(1, 0)) == pinned);
  for (size_t i = 0; i < kBlock; ++i) REQUIRE(static_cast<uint8_t>(pinned->data()[i]) == 42);
  pinned.reset();
  for (int i = 50; i < 53; ++i) cache.insert(make(key(1, i), 0));
  CHECK(cache.lookup(key(1, 0)) == nullptr);  // evictable once released
}

TEST_CASE("a block evicted while held stays valid for its holder", "[blockcache]") {
  BlockCache cache(10 * kCharge);
  BlockRef held = cache.insert(make(key(1, 0), 9));
  cache.erase_owner(1);  // drops the cache's reference at once
  CHECK(cache.lookup(key(1, 0)) == nullptr);
  CHECK(cache.bytes_in_use() == 0);
  CHECK(static_cast<uint8_t>(held->data()[500]) == 9);
}

TEST_CASE("the first inserted copy of a block wins", "[blockcache]") {
  BlockCache cache(10 * kCharge);
  BlockRef first = cache.insert(make(key(1, 0), 1));
  BlockRef second = cache.insert(make(key(1, 0), 2));
  CHECK(second == first);
  CHECK(static_cast<uint8_t>(cache.lookup(key(1, 0))->data()[0]) == 1);
  CHECK(cache.stats().block_count == 1);
}

TEST_CASE("fetch gives one claim per missing block and shares the load", "[blockcache]") {
  BlockCache cache(10 * kCharge);
  BlockFetch first = cache.fetch(key(1, 0));
  REQUIRE(first.must_load());
  BlockFetch second = cache.fetch(key(1, 0));
  CHECK_FALSE(second.must_load());
  REQUIRE(second.in_flight());
  BlockRef waited;
  std::thread waiter([&] { waited = second.wait(); });
  BlockRef published = first.publish(make(key(1, 0), 9));
  waiter.join();
  REQUIRE(waited);
  CHECK(waited == published);
  CHECK(static_cast<uint8_t>(waited->data()[0]) == 9);
  BlockFetch third = cache.fetch(key(1, 0));  // now a plain hit
  CHECK(third.block() == published);
  CHECK_FALSE(third.must_load());
  CHECK_FALSE(third.in_flight());
  const BlockCacheStats s = cache.stats();
  CHECK(s.misses == 1);
  CHECK(s.shared_loads == 1);
  CHECK(s.hits == 1);
  CHECK(s.insertions == 1);
}

TEST_CASE("a claim given up wakes its waiters empty-handed and can be claimed again",
          "[blockcache]") {
  BlockCache cache(10 * kCharge);
  BlockFetch waiting;
  {
    BlockFetch claim = cache.fetch(key(1, 0));
    REQUIRE(claim.must_load());
    waiting = cache.fetch(key(1, 0));
    REQUIRE(waiting.in_flight());
  }  // the claim is dropped without publish(): the load failed
  CHECK(waiting.wait() == nullptr);
  BlockFetch retry = cache.fetch(key(1, 0));
  CHECK(retry.must_load());
  BlockFetch moved = std::move(retry);  // the claim moves with the object
  CHECK_FALSE(retry.must_load());
  CHECK(moved.must_load());
  CHECK(moved.publish(make(key(1, 0), 1)));
  CHECK(cache.lookup(key(1, 0)));
}

TEST_CASE("many threads fetching one block load it once", "[blockcache]") {
  BlockCache cache(100 * kCharge);
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> loads{0};
    std::vector<std::thread> threads;
    std::vector<BlockRef> got(8);
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (;;) {
          BlockFetch f = cache.fetch(key(7, round));
          if (f.must_load()) {
            ++loads;
            got[t] = f.publish(make(key(7, round), static_cast<uint8_t>(round)));
            return;
          }
          got[t] = f.in_flight() ? f.wait() : f.block();
          if (got[t]) return;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(loads == 1);
    for (const BlockRef& b : got) CHECK(b == got[0]);
  }
}

TEST_CASE("dirty blocks are never evicted and report pressure to their writer", "[blockcache]") {
  BlockCache cache(3 * kCharge, 0);
  std::vector<BlockRef> dirty;
  bool over = false;
  for (int i = 0; i < 5; ++i) {
    BlockRef b = make(key(1, i), static_cast<uint8_t>(i));
    over = cache.mark_dirty(b);
    dirty.push_back(b);
  }
  CHECK(over);
  const BlockCacheStats s = cache.stats();
  CHECK(s.block_count == 5);
  CHECK(s.evictions == 0);
  CHECK(s.dirty_bytes == 5 * kCharge);
  // Clean blocks are evicted to make room even while dirty ones hold memory.
  // (The inserted block is pinned by its inserter during that insertion's
  // eviction pass, so it goes at the next pass.)
  cache.insert(make(key(2, 0), 0));
  cache.trim();
  CHECK(cache.lookup(key(2, 0)) == nullptr);
  CHECK(cache.stats().block_count == 5);
  // The owner writes back and releases: blocks become evictable.
  for (BlockRef& b : dirty) cache.mark_clean(b);
  dirty.clear();
  cache.trim();
  CHECK(cache.bytes_in_use() <= cache.capacity());
  CHECK(cache.stats().write_backs == 5);
  CHECK(cache.stats().dirty_bytes == 0);
}

TEST_CASE("marking a cached clean block dirty takes it off the eviction list", "[blockcache]") {
  BlockCache cache(2 * kCharge, 0);
  BlockRef a = cache.insert(make(key(1, 0), 1));
  CHECK_FALSE(cache.mark_dirty(a));
  a.reset();
  for (int i = 1; i < 10; ++i) cache.insert(make(key(1, i), 0));
  REQUIRE(cache.lookup(key(1, 0)));
  CHECK(cache.stats().dirty_bytes == kCharge);
}

TEST_CASE("erase_owner drops one owner's blocks only", "[blockcache]") {
  BlockCache cache(100 * kCharge);
  for (int i = 0; i < 10; ++i) cache.insert(make(key(1, i), 0));
  for (int i = 0; i < 10; ++i) cache.mark_dirty(make(key(2, i), 0));
  cache.erase_owner(2);
  CHECK(cache.stats().block_count == 10);
  CHECK(cache.stats().dirty_bytes == 0);
  CHECK(cache.bytes_in_use() == 10 * kCharge);
  CHECK(cache.lookup(key(1, 5)));
}

TEST_CASE("shrinking the budget evicts at once", "[blockcache]") {
  BlockCache cache(100 * kCharge);
  for (int i = 0; i < 50; ++i) cache.insert(make(key(1, i), 0));
  CHECK(cache.stats().block_count == 50);
  cache.set_capacity(10 * kCharge);
  CHECK(cache.bytes_in_use() <= 10 * kCharge);
  CHECK(cache.stats().block_count == 10);
  cache.set_capacity(0);
  CHECK(cache.bytes_in_use() == 0);
}

TEST_CASE("statistics can be reset", "[blockcache]") {
  BlockCache cache(100 * kCharge);
  cache.insert(make(key(1, 0), 0));
  (void)cache.lookup(key(1, 0));
  (void)cache.lookup(key(1, 1));
  cache.reset_stats();
  const BlockCacheStats s = cache.stats();
  CHECK(s.hits == 0);
  CHECK(s.misses == 0);
  CHECK(s.insertions == 0);
  CHECK(s.block_count == 1);  // gauges are not counters
}

TEST_CASE("owner ids are unique and keys hash every field", "[blockcache]") {
  const uint64_t a = BlockCache::new_owner_id();
  const uint64_t b = BlockCache::new_owner_id();
  CHECK(a != b);
  BlockKeyHash h;
  const BlockKey base{1, 1, 0, 3, 4};
  CHECK(h(base) != h(BlockKey{2, 1, 0, 3, 4}));
  CHECK(h(base) != h(BlockKey{1, 2, 0, 3, 4}));
  CHECK(h(base) != h(BlockKey{1, 1, 1, 3, 4}));
  CHECK(h(base) != h(BlockKey{1, 1, 0, 4, 3}));
}

TEST_CASE("the global cache defaults to 5% of physical memory", "[blockcache]") {
  CHECK(BlockCache::default_capacity() > 0);
  CHECK(&BlockCache::global() == &BlockCache::global());
  CHECK(BlockCache::global().capacity() == BlockCache::default_capacity());
}

}  // namespace
}  // namespace rk

namespace rk {
namespace {

TEST_CASE("block memory is recycled by size and keeps its contents' alignment", "[blockcache]") {
  std::vector<void*> got;
  for (int i = 0; i < 100; ++i) {
    void* p = block_memory::allocate(12345);
    REQUIRE(p);
    CHECK(reinterpret_cast<uintptr_t>(p) % 64 == 0);
    std::memset(p, i, 12345);  // the whole size is usable
    got.push_back(p);
  }
  std::sort(got.begin(), got.end());
  CHECK(std::adjacent_find(got.begin(), got.end()) == got.end());  // all distinct
  const size_t before = block_memory::pooled_free_bytes();
  void* last = got.back();
  block_memory::release(last, 12345);
  void* again = block_memory::allocate(12345);
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(again == last);  // the freed buffer is reused, no new memory
  CHECK(block_memory::pooled_free_bytes() == before);
#else
  (void)before;  // under ASan every block is its own allocation
#endif
  got.back() = again;
  for (void* p : got) block_memory::release(p, 12345);
  // Large blocks are mapped one by one and usable to the last byte.
  void* big = block_memory::allocate(3 << 20);
  REQUIRE(big);
  static_cast<char*>(big)[(3 << 20) - 1] = 1;
  block_memory::release(big, 3 << 20);
}

}  // namespace
}  // namespace rk
