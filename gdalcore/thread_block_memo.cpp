#include <rasterkit/gdalcore/thread_block_memo.h>

namespace rk::detail {

std::atomic<uint64_t> ThreadBlockMemo::generation_{0};

ThreadBlockMemo& ThreadBlockMemo::current() {
  thread_local ThreadBlockMemo memo;
  return memo;
}

void ThreadBlockMemo::forget_all() { generation_.fetch_add(1, std::memory_order_relaxed); }

void ThreadBlockMemo::catch_up() {
  // A relaxed load of a line written once per destroyed dataset: cheap.
  const uint64_t now = generation_.load(std::memory_order_relaxed);
  if (now == seen_generation_) return;
  seen_generation_ = now;
  entries_.clear();
  bytes_ = 0;
}

const Block* ThreadBlockMemo::find(size_t slot, const BlockKey& key) {
  catch_up();
  if (entries_.empty()) return nullptr;
  const Entry& e = entries_[slot % kSlots];
  return e.block && e.key == key ? e.block.get() : nullptr;
}

void ThreadBlockMemo::remember(size_t slot, const BlockKey& key, const BlockRef& block) {
  catch_up();
  if (!block) return;
  if (entries_.empty()) entries_.resize(kSlots);
  Entry& e = entries_[slot % kSlots];
  const size_t replaced = e.block ? e.block->size() : 0;
  if (bytes_ - replaced + block->size() > kMaxBytes) return;
  bytes_ = bytes_ - replaced + block->size();
  e.key = key;
  e.block = block;
}

}  // namespace rk::detail
