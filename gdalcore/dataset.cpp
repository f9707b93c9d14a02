#include <rasterkit/gdalcore/dataset.h>

#include <pthread.h>

#include <algorithm>

#include <rasterkit/gdalcore/warning.h>

namespace rk {

namespace {

// Bumped in the child after every fork(): a dataset remembers the value it
// was opened under, so one opened by the parent is recognised (and refused)
// in the child at the cost of one relaxed load per call.
std::atomic<uint64_t> g_fork_generation{0};

void note_fork_in_child() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

uint64_t fork_generation() {
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, note_fork_in_child);
    return true;
  }();
  (void)registered;
  return g_fork_generation.load(std::memory_order_relaxed);
}

}  // namespace

Dataset::Dataset(std::string description, Access access, const Driver* driver, BlockCache* cache)
    : description_(std::move(description)),
      access_(access),
      driver_(driver),
      cache_(cache ? cache : &BlockCache::global()),
      cache_owner_(BlockCache::new_owner_id()),
      fork_generation_(fork_generation()) {}

Dataset::~Dataset() {
  if (!dirty_.empty()) {
    // A driver forgot close_in_destructor(): its write_block_impl is gone by
    // now, so the blocks cannot be written. Say so loudly.
    emit_warning(description_, std::to_string(dirty_.size()) +
                                   " modified blocks were lost: the driver did not close the "
                                   "dataset before destroying it");
  }
  bands_.clear();
  cache_->erase_owner(cache_owner_);
}

UseScope::UseScope(Dataset& dataset) : dataset_(dataset) {
  if (dataset.fork_generation_ != fork_generation()) {
    status_ = Status::invalid_argument(
        dataset.description(),
        "opened in the parent process before fork(); open it again in this process");
    return;
  }
  if (!dataset.check_concurrent_use_ || dataset.is_thread_safe()) return;
  const std::thread::id me = std::this_thread::get_id();
  std::thread::id expected{};
  if (dataset.user_.compare_exchange_strong(expected, me, std::memory_order_acquire)) {
    entered_ = true;
  } else if (expected != me) {
    status_ = Status::invalid_argument(
        dataset.description(),
        "used from two threads at once; use one dataset per thread, hand it over between calls, "
        "or open it with OpenFlags::kThreadSafe");
  }
}

UseScope::~UseScope() {
  if (entered_) dataset_.user_.store(std::thread::id{}, std::memory_order_release);
}

RasterBand* Dataset::band(int n) const {
  if (n < 1 || n > band_count()) return nullptr;
  return bands_[static_cast<size_t>(n - 1)].get();
}

Status Dataset::check_open(std::string_view what) const {
  if (closed_)
    return Status::invalid_argument(description_, std::string(what) + ": the dataset is closed");
  return Status();
}

Status Dataset::check_writable(std::string_view what) const {
  RK_RETURN_IF_ERROR(check_open(what));
  if (is_thread_safe()) {
    return Status::read_only(description_,
                             std::string(what) + ": thread-safe datasets are read-only");
  }
  if (access_ != Access::kUpdate) {
    return Status::read_only(description_, std::string(what) + ": the dataset is opened read-only");
  }
  return Status();
}

Status Dataset::set_geo_transform(std::optional<GeoTransform> gt) {
  RK_RETURN_IF_ERROR(check_writable("set geotransform"));
  geo_transform_ = gt;
  properties_changed_ = true;
  return Status();
}

Status Dataset::set_spatial_ref(std::optional<SpatialRef> srs) {
  RK_RETURN_IF_ERROR(check_writable("set spatial reference"));
  spatial_ref_ = std::move(srs);
  properties_changed_ = true;
  return Status();
}

Status Dataset::set_gcps(std::vector<Gcp> gcps, std::optional<SpatialRef> srs) {
  RK_RETURN_IF_ERROR(check_writable("set GCPs"));
  gcps_ = std::move(gcps);
  gcp_spatial_ref_ = std::move(srs);
  properties_changed_ = true;
  return Status();
}

Status Dataset::set_metadata_item(std::string_view key, std::string_view value,
                                  std::string_view domain) {
  RK_RETURN_IF_ERROR(check_writable("set metadata"));
  metadata_.set(key, value, domain);
  properties_changed_ = true;
  return Status();
}

Result<std::vector<int>> Dataset::resolve_bands(const std::vector<int>& bands) const {
  std::vector<int> out = bands;
  if (out.empty()) {
    for (int i = 1; i <= band_count(); ++i) out.push_back(i);
  }
  for (int b : out) {
    if (b < 1 || b > band_count()) {
      return Status::out_of_range(description_, "band " + std::to_string(b) + " does not exist (" +
                                                    std::to_string(band_count()) + " bands)");
    }
  }
  return out;
}

namespace {

// Maps the progress of band i of n onto the whole operation.
ProgressFn band_progress(const ProgressFn& progress, size_t i, size_t n) {
  if (!progress) return nullptr;
  return [&progress, i, n](double f, std::string_view msg) {
    return progress((static_cast<double>(i) + f) / static_cast<double>(n), msg);
  };
}

}  // namespace

Status Dataset::read(const Window& window, void* data, const BufferLayout& layout,
                     const std::vector<int>& bands, const RasterIOOptions& options) {
  return no_exceptions(description_, [&]() -> Status {
    UseScope use(*this);
    RK_RETURN_IF_ERROR(use.status());
    RK_RETURN_IF_ERROR(check_open("read"));
    RK_ASSIGN_OR_RETURN(std::vector<int> list, resolve_bands(bands));
    const BufferLayout l = layout.resolved();
    for (size_t i = 0; i < list.size(); ++i) {
      RasterIOOptions band_options = options;
      band_options.progress = band_progress(options.progress, i, list.size());
      RK_RETURN_IF_ERROR(band(list[i])->read(
          window, static_cast<std::byte*>(data) + static_cast<ptrdiff_t>(i) * l.band_spacing, l,
          band_options));
    }
    return Status();
  });
}

Status Dataset::write(const Window& window, const void* data, const BufferLayout& layout,
                      const std::vector<int>& bands, const RasterIOOptions& options) {
  return no_exceptions(description_, [&]() -> Status {
    UseScope use(*this);
    RK_RETURN_IF_ERROR(use.status());
    RK_RETURN_IF_ERROR(check_writable("write"));
    RK_ASSIGN_OR_RETURN(std::vector<int> list, resolve_bands(bands));
    const BufferLayout l = layout.resolved();
    for (size_t i = 0; i < list.size(); ++i) {
      RK_RETURN_IF_ERROR(band(list[i])->write(
          window, static_cast<const std::byte*>(data) + static_cast<ptrdiff_t>(i) * l.band_spacing,
          l, options));
      if (options.progress &&
          !options.progress(static_cast<double>(i + 1) / static_cast<double>(list.size()), "")) {
        return Status::cancelled(description_);
      }
    }
    return Status();
  });
}

Status Dataset::note_block_written(RasterBand* band, const BlockRef& block) {
  auto [it, inserted] = dirty_.try_emplace(block->key());
  if (!inserted && it->second.block == block) return Status();  // already dirty and counted
  it->second = DirtyBlock{block, band, next_dirty_sequence_++};
  // The writer pays: if this write took the cache over budget and evicting
  // clean blocks did not help, write back our own dirty blocks now.
  if (cache_->mark_dirty(block)) return write_back(/*all=*/false);
  return Status();
}

Status Dataset::write_back(bool all) {
  if (dirty_.empty()) return Status();
  std::vector<DirtyBlock*> order;
  order.reserve(dirty_.size());
  for (auto& [key, d] : dirty_) order.push_back(&d);
  std::sort(order.begin(), order.end(),
            [](const DirtyBlock* a, const DirtyBlock* b) { return a->sequence < b->sequence; });
  std::vector<BlockKey> written;
  Status failure;
  for (DirtyBlock* d : order) {
    if (!all && !cache_->over_budget()) break;
    const BlockKey& key = d->block->key();
    Status st = d->band->write_block_impl(key.x, key.y, d->block->data());
    if (!st.ok()) {
      // The block stays dirty and cached: nothing is lost, and a later flush
      // can retry. The caller learns of the failure now.
      failure = st.with_subject(description_);
      break;
    }
    cache_->mark_clean(d->block);
    written.push_back(key);
    if (!all) {
      // Release our reference so the clean block can be evicted at once.
      d->block.reset();
      cache_->trim();
    }
  }
  for (const BlockKey& key : written) dirty_.erase(key);
  cache_->trim();
  return failure;
}

Status Dataset::flush() {
  return no_exceptions(description_, [&]() -> Status {
    UseScope use(*this);
    RK_RETURN_IF_ERROR(use.status());
    RK_RETURN_IF_ERROR(check_open("flush"));
    RK_RETURN_IF_ERROR(write_back(/*all=*/true));
    return flush_impl().with_subject(description_);
  });
}

Status Dataset::close() {
  return no_exceptions(description_, [&]() -> Status {
    UseScope use(*this);
    RK_RETURN_IF_ERROR(use.status());
    if (closed_) return Status();
    Status st = write_back(/*all=*/true);
    if (st.ok()) st = flush_impl().with_subject(description_);
    Status closing = close_impl().with_subject(description_);
    if (st.ok()) st = closing;
    closed_ = true;
    // Whatever could not be written is reported in `st`; the blocks go now.
    dirty_.clear();
    cache_->erase_owner(cache_owner_);
    return st;
  });
}

void Dataset::close_in_destructor() {
  Status st = close();
  if (!st.ok()) emit_warning(description_, "error while closing: " + st.message());
}

}  // namespace rk
