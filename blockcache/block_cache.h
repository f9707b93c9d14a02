// BlockCache: the process-wide cache of raster blocks, with a byte budget.
//
// A block is a rectangle of one raster plane (one band of one dataset at one
// resolution level) in the driver's natural block layout, stored as raw bytes
// of the band's data type. The cache knows only keys, bytes and the budget: it
// never sees a dataset or a driver and it never reads or writes a file.
//
// Budget. The capacity counts the bytes of every cached block plus a small
// fixed overhead per entry (kEntryOverheadBytes). Clean blocks are evicted in
// insertion order when an insertion takes the cache over budget, except
// that a block used since it was last considered (a lookup hit, or
// note_use()) gets a second chance: CLOCK, an approximation of LRU that
// costs a hit no list update.
// Pinned blocks (a BlockRef is held outside the cache) and dirty blocks are
// never evicted, so the cache can be over budget while they exist. A block
// pinned when an eviction pass runs (the next insertion, mark_dirty() or
// trim()) survives that pass and is evicted by a later one once released.
//
// Dirty blocks. A dirty block belongs to the owner that marked it dirty; only
// that owner writes it back (to its file, through its own driver) and then
// calls mark_clean(). The cache tells the writer when it is over budget
// (mark_dirty() returns true) and the writer pays by writing back its own
// dirty blocks, synchronously. Eviction never calls anything outside the
// cache, so one thread can never end up writing another thread's dataset.
//
// Thread safety. All methods may be called concurrently from any number of
// threads. The cache is split into shards, each with its own mutex; a lookup
// takes exactly one shard lock and no global lock. The locking protocol is in
// doc/design/block-cache.md. The bytes of a block are not synchronised by the
// cache: a block is written only by its owner, and owners that share blocks
// between threads (the thread-safe dataset proxy) only read them.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace rk {

// Identifies one block. `owner` comes from BlockCache::new_owner_id(): keys are
// never derived from pointers, which can be reused after a dataset is freed.
struct RK_API BlockKey {
  uint64_t owner = 0;  // cache identity of the dataset (or of a shared file)
  uint32_t band = 0;   // 1-based band number; 0 for per-dataset planes
  int32_t level = 0;   // 0: full resolution; k > 0: k-th overview; < 0: mask planes
  int64_t x = 0;       // block column
  int64_t y = 0;       // block row

  friend bool operator==(const BlockKey& a, const BlockKey& b) {
    return a.owner == b.owner && a.band == b.band && a.level == b.level && a.x == b.x && a.y == b.y;
  }
  friend bool operator!=(const BlockKey& a, const BlockKey& b) { return !(a == b); }
};

// A 64-bit mix of all key fields; used to pick a shard and a hash bucket.
struct RK_API BlockKeyHash {
  size_t operator()(const BlockKey& key) const noexcept;
};

// The bytes of one block. Created by BlockCache::allocate(), shared through
// BlockRef. Its size never changes.
//
// Aligned to a cache line so that the reference count make_shared places next
// to it never shares a line with another block's: every lookup increments it,
// and two threads reading neighbouring blocks would otherwise bounce one line
// between cores (measured: most of the 2-thread hit path, see
// bench/results/block_cache.md).
class RK_API alignas(64) Block {
 public:
  Block(const BlockKey& key, size_t size);
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  const BlockKey& key() const { return key_; }
  size_t size() const { return size_; }
  ~Block();
  std::byte* data() { return data_; }
  const std::byte* data() const { return data_; }

  // Records a use that did not go through BlockCache::lookup() (a reader's
  // private memo of recent blocks). Eviction gives such a block a second
  // chance instead of evicting it. Writes only when the flag is clear, so
  // repeated uses cost no cache-line traffic.
  void note_use() const {
    if (!recently_used_.load(std::memory_order_relaxed)) {
      recently_used_.store(true, std::memory_order_relaxed);
    }
  }
  // Clears the flag, returning whether it was set (used by eviction).
  bool take_recent_use() const { return recently_used_.exchange(false, std::memory_order_relaxed); }

 private:
  BlockKey key_;
  size_t size_;
  std::byte* data_;  // from block_memory::allocate(), released by ~Block
  mutable std::atomic<bool> recently_used_{false};
};

// A counted reference to a block. While any BlockRef to a block exists outside
// the cache the block is pinned: eviction may drop the cache's own reference
// only when no other reference exists, so a reader never sees its block freed.
using BlockRef = std::shared_ptr<Block>;

class BlockCache;
struct BlockLoad;  // a load in progress (private to blockcache/)

// The answer of BlockCache::fetch(): the block, or the duty to load it, or
// the news that another thread is loading it. Move-only.
//
// Single-flight loading: when several threads miss the same block at once,
// exactly one of them (the one holding the claim) decodes it; the others
// wait for it instead of decoding it again. A claim is given up when the
// object is destroyed without publish() (the load failed): waiters then
// wake up empty-handed and try themselves, so each reports its own error.
//
// To stay deadlock-free a caller never waits while it holds an unpublished
// claim on another block of the same or a lower layer (see
// RasterBand::copy_window(): it publishes every claim before waiting).
class RK_API BlockFetch {
 public:
  BlockFetch() = default;
  BlockFetch(BlockFetch&& other) noexcept;
  BlockFetch& operator=(BlockFetch&& other) noexcept;
  ~BlockFetch();

  // The cached block (a hit); null otherwise.
  const BlockRef& block() const { return block_; }
  // True when this caller must load the block and publish() it.
  bool must_load() const { return claimed_; }
  // True when another thread is loading the block: wait() for it.
  bool in_flight() const { return load_ != nullptr && !claimed_; }

  // For a claim: caches `filled` (as BlockCache::insert() does), wakes every
  // waiter with it and returns the cached block.
  BlockRef publish(BlockRef filled);
  // For an in-flight block: blocks until the loader publishes or gives up.
  // Returns the block, or null if the loader gave up (fetch again).
  BlockRef wait();
  // For a claim: gives it up now, as destruction would (waiters fetch again).
  void give_up() { abandon(); }

 private:
  friend class BlockCache;
  void abandon();

  BlockCache* cache_ = nullptr;
  BlockKey key_;
  BlockRef block_;
  std::shared_ptr<BlockLoad> load_;
  bool claimed_ = false;
};

// Counters since construction (or the last reset_stats()).
struct RK_API BlockCacheStats {
  uint64_t hits = 0;          // lookups that found the block
  uint64_t misses = 0;        // lookups that did not
  uint64_t shared_loads = 0;  // fetches that waited for another thread's load
                              // instead of decoding the block again
  uint64_t insertions = 0;    // blocks added (clean or dirty)
  uint64_t evictions = 0;     // clean blocks dropped to respect the budget
  uint64_t write_backs = 0;   // dirty blocks reported written back (mark_clean)
  size_t bytes_in_use = 0;    // charged bytes of all cached blocks, dirty included
  size_t dirty_bytes = 0;     // charged bytes of dirty blocks
  size_t block_count = 0;     // blocks currently cached
  size_t capacity = 0;        // the budget in bytes
};

class RK_API BlockCache {
 public:
  // Fixed per-entry charge added to each block's size, for the entry, the
  // Block object and the reference count. Many tiny blocks cost more than
  // their pixels, and the budget says so.
  static constexpr size_t kEntryOverheadBytes = 128;

  // The process-wide cache shared by every dataset that is not given a private
  // one. Created on first use with default_capacity() and never destroyed, so
  // datasets closed during static destruction still find it.
  static BlockCache& global();

  // 5% of physical memory (64 MiB if that cannot be determined).
  static size_t default_capacity();

  // A fresh owner id, unique for the life of the process (atomic counter).
  static uint64_t new_owner_id();

  // `shard_bits`: the cache has 2^shard_bits independently locked shards
  // (0 gives one shard and exact LRU order; the default suits many threads).
  explicit BlockCache(size_t capacity_bytes, unsigned shard_bits = 4);
  ~BlockCache();
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // A new block of `size` bytes, not yet in the cache (contents
  // uninitialised). Returns null if the memory cannot be allocated.
  static BlockRef allocate(const BlockKey& key, size_t size);

  // The cached block for `key`, flagged as recently used (a second chance
  // at eviction); null on a miss.
  BlockRef lookup(const BlockKey& key);

  // A lookup that claims the block on a miss (see BlockFetch): a hit
  // counts as lookup() does; a claim counts a miss; finding the block being
  // loaded by another thread counts a shared load.
  BlockFetch fetch(const BlockKey& key);

  // Adds a clean block that the caller has filled. If another thread inserted
  // the same key meanwhile (two readers missed at once and both decoded),
  // the block already cached wins and is returned; otherwise `block` is.
  // May evict other clean blocks to respect the budget.
  BlockRef insert(BlockRef block);

  // Marks `block` dirty, inserting it if it is not cached (a block with the
  // same key is replaced). Dirty blocks are never evicted. Clean blocks are
  // evicted as needed; returns true if the cache is still over budget, in
  // which case the caller (the block's owner) should write back some of its
  // dirty blocks and call mark_clean() for each.
  bool mark_dirty(const BlockRef& block);

  // Reports that the owner has written `block` back: it becomes clean and
  // evictable again. Counts one write-back. No effect if it is not cached.
  void mark_clean(const BlockRef& block);

  // Evicts clean, unpinned blocks until the cache is within budget or none is
  // left to evict. Owners call it after writing back and releasing blocks.
  void trim();

  // Drops every block of `owner`, dirty ones included: the owner calls this
  // when it closes, after writing its dirty blocks back. Pinned blocks stay
  // valid for their holders but leave the cache and its accounting.
  void erase_owner(uint64_t owner);

  // Changes the budget. Shrinking evicts clean blocks at once.
  void set_capacity(size_t capacity_bytes);
  size_t capacity() const;

  // Charged bytes currently in the cache.
  size_t bytes_in_use() const;
  bool over_budget() const { return bytes_in_use() > capacity(); }

  BlockCacheStats stats() const;
  void reset_stats();

  // How many bytes a block of `size` bytes is charged.
  static size_t charge_for(size_t size) { return size + kEntryOverheadBytes; }

 private:
  friend class BlockFetch;
  class Shard;

  size_t shard_index(const BlockKey& key) const;
  Shard& shard_for(const BlockKey& key);
  // Evicts from every shard, starting at `first`, until within budget.
  void evict_until_within_budget(size_t first);

  std::vector<std::unique_ptr<Shard>> shards_;
  unsigned shard_bits_;
  struct Accounting;
  std::unique_ptr<Accounting> accounting_;
};

}  // namespace rk
