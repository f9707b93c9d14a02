// Each thread's memo of blocks it read recently from bands shared between
// threads (the thread-safe proxy's).
//
// Why: threads reading neighbouring windows of one shared band look the
// same blocks up in the shared cache at the same moment (a 512x512 window
// of a one-row-per-strip file touches 512 strips, and the next window the
// same 512 again). Each lookup takes a shard lock and bumps the block's
// reference count, two cache lines the threads then bounce between their
// cores: striped reads scaled 1.4x from 1 to 2 threads. A hit here touches
// only this thread's memory: no lock, no atomic read-modify-write.
//
// The memo holds strong references, so the blocks in it are pinned (the
// cache can be over budget by the memo's bytes, at most kMaxBytes per
// reading thread). Entries of a destroyed dataset are released by the
// owning thread at its next use of the memo (forget_all()), or when the
// thread exits. Not part of the public API.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>

namespace rk::detail {

class ThreadBlockMemo {
 public:
  static constexpr size_t kSlots = 1024;
  static constexpr size_t kMaxBytes = size_t{16} << 20;

  // The calling thread's memo.
  static ThreadBlockMemo& current();
  // Asks every thread's memo to drop its entries at its next use (after a
  // thread-safe dataset is destroyed). Callable from any thread.
  static void forget_all();

  // The block at `key` if this memo holds it (valid while it does: until
  // this thread's next remember()), or null. `slot` spreads neighbouring
  // blocks of one band over distinct slots (see RasterBand).
  const Block* find(size_t slot, const BlockKey& key);
  // Keeps `block` under `key` in `slot`, unless that would take the memo
  // over kMaxBytes.
  void remember(size_t slot, const BlockKey& key, const BlockRef& block);

 private:
  struct Entry {
    BlockKey key;
    BlockRef block;
  };
  void catch_up();

  static std::atomic<uint64_t> generation_;
  uint64_t seen_generation_ = 0;
  std::vector<Entry> entries_;  // kSlots once used
  size_t bytes_ = 0;
};

}  // namespace rk::detail
