#include <rasterkit/blockcache/block_cache.h>

#include <unistd.h>

#include <atomic>
#include <new>

#include <rasterkit/blockcache/block_memory.h>
#include <rasterkit/blockcache/lru_shard.h>

namespace rk {

namespace {

uint64_t mix64(uint64_t x) {
  // SplitMix64 finaliser: every input bit affects every output bit.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

size_t BlockKeyHash::operator()(const BlockKey& k) const noexcept {
  uint64_t h = mix64(k.owner);
  h = mix64(h ^ ((uint64_t{k.band} << 32) | static_cast<uint32_t>(k.level)));
  h = mix64(h ^ static_cast<uint64_t>(k.x));
  h = mix64(h ^ static_cast<uint64_t>(k.y));
  return static_cast<size_t>(h);
}

Block::Block(const BlockKey& key, size_t size)
    : key_(key), size_(size), data_(static_cast<std::byte*>(block_memory::allocate(size))) {
  if (!data_) throw std::bad_alloc();
}

Block::~Block() { block_memory::release(data_, size_); }

// The budget and the bytes charged: atomics rather than a lock so that no
// global lock exists. They change only on insertion, eviction and erasure,
// never on the lookup hit path.
struct BlockCache::Accounting {
  std::atomic<size_t> capacity{0};
  std::atomic<size_t> used{0};
};

BlockCache::Shard::Shard() {
  MutexLock lock(&mu_);
  lru_.prev = &lru_;
  lru_.next = &lru_;
}

void BlockCache::Shard::link_front(Entry* e) {
  e->next = lru_.next;
  e->prev = &lru_;
  lru_.next->prev = e;
  lru_.next = e;
}

void BlockCache::Shard::unlink(Entry* e) {
  e->prev->next = e->next;
  e->next->prev = e->prev;
  e->prev = nullptr;
  e->next = nullptr;
}

BlockCache& BlockCache::global() {
  // Never destroyed (see the header): a leaked singleton, reachable, so leak
  // checkers do not report it.
  static BlockCache* const cache = new BlockCache(default_capacity());
  return *cache;
}

size_t BlockCache::default_capacity() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return size_t{64} << 20;
  return static_cast<size_t>(pages) * static_cast<size_t>(page_size) / 20;
}

uint64_t BlockCache::new_owner_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

BlockCache::BlockCache(size_t capacity_bytes, unsigned shard_bits)
    : shard_bits_(shard_bits > 8 ? 8 : shard_bits), accounting_(std::make_unique<Accounting>()) {
  accounting_->capacity.store(capacity_bytes);
  const size_t n = size_t{1} << shard_bits_;
  shards_.reserve(n);
  for (size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>());
}

BlockCache::~BlockCache() = default;

BlockRef BlockCache::allocate(const BlockKey& key, size_t size) {
  try {
    return std::make_shared<Block>(key, size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

size_t BlockCache::shard_index(const BlockKey& key) const {
  // The top bits pick the shard; the map uses the low bits for its buckets.
  const size_t h = BlockKeyHash()(key);
  return shard_bits_ == 0 ? 0 : h >> (sizeof(size_t) * 8 - shard_bits_);
}

BlockCache::Shard& BlockCache::shard_for(const BlockKey& key) { return *shards_[shard_index(key)]; }

BlockRef BlockCache::lookup(const BlockKey& key) {
  Shard& s = shard_for(key);
  MutexLock lock(&s.mu_);
  auto it = s.map_.find(key);
  if (it == s.map_.end()) {
    ++s.counters_.misses;
    return nullptr;
  }
  ++s.counters_.hits;
  // A hit only flags the block as used (eviction gives it a second
  // chance) instead of relinking it: relinking writes the list neighbours'
  // cache lines, which threads reading the same blocks then bounce between
  // cores (measured: a fifth of 2-thread striped reads).
  it->second.block->note_use();
  return it->second.block;
}

BlockRef BlockCache::Shard::insert_locked(const BlockRef& block, std::atomic<size_t>* used) {
  auto [it, inserted] = map_.try_emplace(block->key());
  Entry& e = it->second;
  if (!inserted) {
    // Another thread inserted the same block first: theirs wins, ours is
    // dropped by the caller. Both hold identical bytes.
    if (!e.dirty && lru_.next != &e) {
      unlink(&e);
      link_front(&e);
    }
    return e.block;
  }
  e.block = block;
  e.charge = charge_for(block->size());
  link_front(&e);
  ++counters_.insertions;
  ++counters_.block_count;
  used->fetch_add(e.charge);
  return block;
}

BlockRef BlockCache::insert(BlockRef block) {
  if (!block) return nullptr;
  const BlockKey block_key = block->key();
  Shard& s = shard_for(block_key);
  BlockRef cached;
  {
    MutexLock lock(&s.mu_);
    cached = s.insert_locked(block, &accounting_->used);
  }
  if (over_budget()) evict_until_within_budget(shard_index(block_key));
  return cached;
}

BlockFetch BlockCache::fetch(const BlockKey& key) {
  BlockFetch out;
  out.cache_ = this;
  out.key_ = key;
  Shard& s = shard_for(key);
  MutexLock lock(&s.mu_);
  auto it = s.map_.find(key);
  if (it != s.map_.end()) {
    ++s.counters_.hits;
    it->second.block->note_use();  // second chance, as in lookup()
    out.block_ = it->second.block;
    return out;
  }
  auto pending = s.loading_.find(key);
  if (pending != s.loading_.end()) {
    ++s.counters_.shared_loads;
    out.load_ = pending->second;
    return out;
  }
  out.load_ = std::make_shared<BlockLoad>();
  s.loading_.emplace(key, out.load_);
  ++s.counters_.misses;
  out.claimed_ = true;
  return out;
}

BlockFetch::BlockFetch(BlockFetch&& other) noexcept
    : cache_(other.cache_),
      key_(other.key_),
      block_(std::move(other.block_)),
      load_(std::move(other.load_)),
      claimed_(other.claimed_) {
  other.claimed_ = false;
}

BlockFetch& BlockFetch::operator=(BlockFetch&& other) noexcept {
  if (this != &other) {
    abandon();
    cache_ = other.cache_;
    key_ = other.key_;
    block_ = std::move(other.block_);
    load_ = std::move(other.load_);
    claimed_ = other.claimed_;
    other.claimed_ = false;
  }
  return *this;
}

BlockFetch::~BlockFetch() { abandon(); }

namespace {

// Wakes the waiters of `load` with `block` (null: the loader gave up).
void finish_load(BlockLoad& load, BlockRef block) {
  {
    std::lock_guard<std::mutex> lock(load.mu);
    load.block = std::move(block);
    load.done.store(true, std::memory_order_release);
  }
  load.cv.notify_all();
}

}  // namespace

BlockRef BlockFetch::publish(BlockRef filled) {
  if (!claimed_ || !filled) return filled;
  BlockCache::Shard& s = cache_->shard_for(key_);
  BlockRef cached;
  {
    // Cached and withdrawn from loading_ in one critical section, so a new
    // fetch() finds one or the other, never neither.
    MutexLock lock(&s.mu_);
    cached = s.insert_locked(filled, &cache_->accounting_->used);
    s.loading_.erase(key_);
  }
  claimed_ = false;
  finish_load(*load_, cached);
  load_.reset();
  if (cache_->over_budget()) cache_->evict_until_within_budget(cache_->shard_index(key_));
  return cached;
}

void BlockFetch::abandon() {
  if (!claimed_) return;
  claimed_ = false;
  BlockCache::Shard& s = cache_->shard_for(key_);
  {
    MutexLock lock(&s.mu_);
    auto it = s.loading_.find(key_);
    if (it != s.loading_.end() && it->second == load_) s.loading_.erase(it);
  }
  finish_load(*load_, nullptr);
  load_.reset();
}

BlockRef BlockFetch::wait() {
  if (!in_flight()) return block_;
  BlockLoad& load = *load_;
  // Spin first: most blocks decode in less time than a sleep and wake-up.
  for (int i = 0; i < 2000 && !load.done.load(std::memory_order_acquire); ++i) RK_CPU_RELAX();
  if (!load.done.load(std::memory_order_acquire)) {
    std::unique_lock<std::mutex> lock(load.mu);
    load.cv.wait(lock, [&] { return load.done.load(std::memory_order_relaxed); });
  }
  BlockRef block;
  {
    std::lock_guard<std::mutex> lock(load.mu);
    block = load.block;
  }
  load_.reset();
  block_ = block;
  return block;
}

bool BlockCache::mark_dirty(const BlockRef& block) {
  if (!block) return over_budget();
  Shard& s = shard_for(block->key());
  std::vector<BlockRef> replaced;
  {
    MutexLock lock(&s.mu_);
    auto [it, inserted] = s.map_.try_emplace(block->key());
    Shard::Entry& e = it->second;
    if (!inserted && e.block != block) {
      // A different object under the same key: the owner's new contents win.
      if (e.dirty) {
        s.counters_.dirty_bytes -= e.charge;
      } else {
        Shard::unlink(&e);
      }
      accounting_->used.fetch_sub(e.charge);
      replaced.push_back(std::move(e.block));
      e.dirty = false;
      inserted = true;
      --s.counters_.block_count;
    }
    if (inserted) {
      e.block = block;
      e.charge = charge_for(block->size());
      e.dirty = true;
      ++s.counters_.insertions;
      ++s.counters_.block_count;
      s.counters_.dirty_bytes += e.charge;
      accounting_->used.fetch_add(e.charge);
    } else if (!e.dirty) {
      Shard::unlink(&e);
      e.dirty = true;
      s.counters_.dirty_bytes += e.charge;
    }
  }
  if (over_budget()) evict_until_within_budget(shard_index(block->key()));
  return over_budget();
}

void BlockCache::mark_clean(const BlockRef& block) {
  if (!block) return;
  Shard& s = shard_for(block->key());
  MutexLock lock(&s.mu_);
  auto it = s.map_.find(block->key());
  if (it == s.map_.end() || it->second.block != block || !it->second.dirty) return;
  Shard::Entry& e = it->second;
  e.dirty = false;
  s.counters_.dirty_bytes -= e.charge;
  ++s.counters_.write_backs;
  s.link_front(&e);
}

void BlockCache::trim() {
  if (over_budget()) evict_until_within_budget(0);
}

void BlockCache::evict_until_within_budget(size_t first) {
  const size_t n = shards_.size();
  for (size_t i = 0; i < n && over_budget(); ++i) {
    Shard& s = *shards_[(first + i) % n];
    std::vector<BlockRef> victims;  // freed after the shard lock is released
    {
      MutexLock lock(&s.mu_);
      const size_t freed = s.evict_locked(
          [this](size_t freed_so_far) {
            return accounting_->used.load() > accounting_->capacity.load() + freed_so_far;
          },
          &victims);
      accounting_->used.fetch_sub(freed);
    }
  }
}

void BlockCache::erase_owner(uint64_t owner) {
  for (auto& shard : shards_) {
    Shard& s = *shard;
    std::vector<BlockRef> dropped;  // released after the lock
    MutexLock lock(&s.mu_);
    for (auto it = s.map_.begin(); it != s.map_.end();) {
      if (it->first.owner != owner) {
        ++it;
        continue;
      }
      Shard::Entry& e = it->second;
      if (e.dirty) {
        s.counters_.dirty_bytes -= e.charge;
      } else {
        Shard::unlink(&e);
      }
      accounting_->used.fetch_sub(e.charge);
      --s.counters_.block_count;
      dropped.push_back(std::move(e.block));
      it = s.map_.erase(it);
    }
  }
}

void BlockCache::set_capacity(size_t capacity_bytes) {
  accounting_->capacity.store(capacity_bytes);
  trim();
}

size_t BlockCache::capacity() const { return accounting_->capacity.load(); }

size_t BlockCache::bytes_in_use() const { return accounting_->used.load(); }

BlockCacheStats BlockCache::stats() const {
  BlockCacheStats out;
  for (const auto& shard : shards_) {
    Shard& s = *shard;
    MutexLock lock(&s.mu_);
    const Shard::Counters c = s.counters_;  // a copy, taken under the lock
    out.hits += c.hits;
    out.misses += c.misses;
    out.shared_loads += c.shared_loads;
    out.insertions += c.insertions;
    out.evictions += c.evictions;
    out.write_backs += c.write_backs;
    out.dirty_bytes += c.dirty_bytes;
    out.block_count += c.block_count;
  }
  out.bytes_in_use = bytes_in_use();
  out.capacity = capacity();
  return out;
}

void BlockCache::reset_stats() {
  for (auto& shard : shards_) {
    Shard& s = *shard;
    MutexLock lock(&s.mu_);
    Shard::Counters& c = s.counters_;
    c.hits = c.misses = c.shared_loads = c.insertions = c.evictions = c.write_backs = 0;
  }
}

}  // namespace rk
