// One shard of the BlockCache: a hash map of entries plus an intrusive LRU
// list of the clean ones. Private to blockcache/.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/blockcache/mutex.h>

namespace rk {

// One block being loaded. The loader sets `block` and then `done` (under
// `mu`) and notifies; waiters spin briefly on `done` (a small block decodes
// in microseconds, less than a sleep and wake-up costs), then sleep on `cv`.
struct BlockLoad {
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> done{false};
  BlockRef block;  // written before `done` is set; null if the loader gave up
};

// Aligned to (two) cache lines: every hit writes its shard's mutex, counters
// and LRU links, and shards allocated side by side would otherwise share
// lines, so that threads using different shards still contend.
class alignas(128) BlockCache::Shard {
 public:
  struct Entry {
    BlockRef block;
    size_t charge = 0;
    bool dirty = false;
    // LRU links; non-null exactly when the entry is clean (dirty entries are
    // never eviction candidates, so they are kept off the list).
    Entry* prev = nullptr;
    Entry* next = nullptr;
  };

  struct Counters {
    uint64_t hits = 0, misses = 0, shared_loads = 0, insertions = 0, evictions = 0, write_backs = 0;
    size_t dirty_bytes = 0;
    size_t block_count = 0;
  };

  Shard();

  // mu_ guards every member below it. It is held only for map and list
  // operations: no allocation of pixel memory, no I/O, no call outside the
  // cache, and no other shard's lock is ever taken while holding it.
  Mutex mu_;
  std::unordered_map<BlockKey, Entry, BlockKeyHash> map_ RK_GUARDED_BY(mu_);
  // Sentinel of the circular LRU list: lru_.next is the most recently used
  // clean entry, lru_.prev the least recently used.
  Entry lru_ RK_GUARDED_BY(mu_);
  Counters counters_ RK_GUARDED_BY(mu_);

  // Blocks being loaded by a thread that claimed them (single flight).
  std::unordered_map<BlockKey, std::shared_ptr<BlockLoad>, BlockKeyHash> loading_
      RK_GUARDED_BY(mu_);

  void link_front(Entry* e) RK_REQUIRES(mu_);
  // Adds a clean block (or returns the one already cached under its key),
  // charging `used`. The caller evicts afterwards if over budget. Takes a
  // reference so that a losing duplicate is freed by the caller after the
  // lock is released (freeing block memory takes the pool's lock).
  BlockRef insert_locked(const BlockRef& block, std::atomic<size_t>* used) RK_REQUIRES(mu_);
  static void unlink(Entry* e);

  // Removes least recently used clean, unpinned entries while `over()` says
  // the cache is over budget. Freed blocks are moved to `victims` so that
  // their memory is released after the lock is dropped. Returns the charged
  // bytes removed.
  template <typename OverBudget>
  size_t evict_locked(OverBudget over, std::vector<BlockRef>* victims) RK_REQUIRES(mu_);
};

template <typename OverBudget>
size_t BlockCache::Shard::evict_locked(OverBudget over, std::vector<BlockRef>* victims) {
  size_t freed = 0;
  // A pinned entry at the tail is moved to the front (it is in use, so it is
  // recent), and so is one used through a reader's memo (second chance, its
  // flag cleared). `budget` bounds the walk to two passes over the list, so
  // second-chance entries can still be evicted in the same call.
  size_t budget = 2 * counters_.block_count;
  while (budget-- > 0 && lru_.prev != &lru_ && over(freed)) {
    Entry* victim = lru_.prev;
    unlink(victim);
    // use_count() is exact enough here: a new reference can only be taken
    // under mu_, which we hold, so a count of 1 means only the map holds it.
    if (victim->block.use_count() > 1 || victim->block->take_recent_use()) {
      link_front(victim);
      continue;
    }
    freed += victim->charge;
    ++counters_.evictions;
    --counters_.block_count;
    const BlockKey key = victim->block->key();
    victims->push_back(std::move(victim->block));
    map_.erase(key);
  }
  return freed;
}

}  // namespace rk
