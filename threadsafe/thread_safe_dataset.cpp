// Design notes. Three pieces:
//  - SharedState: what all threads share for one proxy: how to re-open the
//    file, the structure per-thread datasets must have, and the per-thread
//    datasets themselves (a map from thread id, guarded by `mu`). It is owned
//    by the proxy through a shared_ptr.
//  - ExitNotifier: one per thread (thread_local), holding weak_ptrs to the
//    SharedStates this thread opened a dataset for. When the thread exits it
//    tells each still-alive state to drop that thread's dataset. It owns
//    nothing: if the proxy went first, the weak_ptrs are expired.
//  - ThreadSafeDataset / ThreadSafeBand: the proxy objects, holding the
//    snapshot in the ordinary Dataset/RasterBand fields (immutable after
//    construction), and reading pixels through the block cache.
//
// Locks: SharedState::mu guards `per_thread`, `clock` and the counters. It is
// held only for map operations: datasets are opened, closed and read without
// it (an evicted dataset still in use by its thread stays alive through that
// thread's shared_ptr until the read ends).
#include <rasterkit/threadsafe/thread_safe_dataset.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>
#include <vector>

#include <rasterkit/blockcache/mutex.h>

namespace rk {

namespace {

// The structure every per-thread dataset must have.
struct BandShape {
  DataType type;
  int64_t block_x, block_y;
  int overview_count;
};

struct SharedState {
  std::string path;
  OpenParams params;
  size_t max_open = 64;
  int64_t x_size = 0, y_size = 0;
  std::vector<BandShape> bands;
  // The driver reports INTERLEAVE=PIXEL: one tile holds every band
  // (set once, before the proxy is shared).
  bool pixel_interleaved = false;

  struct Slot {
    std::shared_ptr<Dataset> dataset;
    uint64_t last_use = 0;
  };
  mutable Mutex mu;
  std::unordered_map<std::thread::id, Slot> per_thread RK_GUARDED_BY(mu);
  uint64_t clock RK_GUARDED_BY(mu) = 0;
  size_t total_opens RK_GUARDED_BY(mu) = 0;
  size_t evictions RK_GUARDED_BY(mu) = 0;

  Status check_shape(Dataset& ds) const {
    auto changed = [&](const std::string& what) {
      return Status::corrupt(path,
                             "the file changed since it was opened thread-safe (" + what + ")");
    };
    if (ds.x_size() != x_size || ds.y_size() != y_size) return changed("size");
    if (ds.band_count() != static_cast<int>(bands.size())) return changed("band count");
    for (int b = 1; b <= ds.band_count(); ++b) {
      const BandShape& s = bands[static_cast<size_t>(b - 1)];
      RasterBand* band = ds.band(b);
      if (band->data_type() != s.type) return changed("data type of band " + std::to_string(b));
      if (band->block_x_size() != s.block_x || band->block_y_size() != s.block_y) {
        return changed("block size of band " + std::to_string(b));
      }
      if (band->overview_count() != s.overview_count) {
        return changed("overviews of band " + std::to_string(b));
      }
    }
    return Status();
  }
};

// Tells the states this thread used that it is gone (see the design notes).
class ExitNotifier {
 public:
  // Once per state: a thread re-opening after eviction must not grow the
  // list, and states already gone are dropped on the way.
  void add(const std::shared_ptr<SharedState>& state) {
    states_.erase(std::remove_if(states_.begin(), states_.end(),
                                 [](const std::weak_ptr<SharedState>& w) { return w.expired(); }),
                  states_.end());
    for (const std::weak_ptr<SharedState>& w : states_) {
      if (!w.owner_before(state) && !state.owner_before(w)) return;
    }
    states_.push_back(state);
  }
  ~ExitNotifier() {
    const std::thread::id me = std::this_thread::get_id();
    for (const std::weak_ptr<SharedState>& weak : states_) {
      std::shared_ptr<SharedState> state = weak.lock();
      if (!state) continue;
      std::shared_ptr<Dataset> dropped;  // closed after the lock is released
      MutexLock lock(&state->mu);
      auto it = state->per_thread.find(me);
      if (it != state->per_thread.end()) {
        dropped = std::move(it->second.dataset);
        state->per_thread.erase(it);
      }
    }
  }

 private:
  std::vector<std::weak_ptr<SharedState>> states_;
};

thread_local ExitNotifier t_exit_notifier;

// This thread's dataset for `state`, opened on first use.
Result<std::shared_ptr<Dataset>> acquire(const std::shared_ptr<SharedState>& state) {
  const std::thread::id me = std::this_thread::get_id();
  {
    MutexLock lock(&state->mu);
    auto it = state->per_thread.find(me);
    if (it != state->per_thread.end()) {
      it->second.last_use = ++state->clock;
      return it->second.dataset;
    }
  }
  // Opening is slow: no lock held. Only this thread inserts its own entry.
  RK_ASSIGN_OR_RETURN(std::unique_ptr<Dataset> opened,
                      DriverManager::global().open(state->path, state->params));
  RK_RETURN_IF_ERROR(state->check_shape(*opened));
  std::shared_ptr<Dataset> ds(std::move(opened));
  std::vector<std::shared_ptr<Dataset>> evicted;  // closed after the lock
  {
    MutexLock lock(&state->mu);
    ++state->total_opens;
    state->per_thread[me] = SharedState::Slot{ds, ++state->clock};
    while (state->per_thread.size() > state->max_open) {
      auto oldest = state->per_thread.end();
      for (auto it = state->per_thread.begin(); it != state->per_thread.end(); ++it) {
        if (it->first == me) continue;
        if (oldest == state->per_thread.end() || it->second.last_use < oldest->second.last_use) {
          oldest = it;
        }
      }
      if (oldest == state->per_thread.end()) break;
      evicted.push_back(std::move(oldest->second.dataset));
      state->per_thread.erase(oldest);
      ++state->evictions;
    }
  }
  t_exit_notifier.add(state);
  return ds;
}

class ThreadSafeDataset;

// Which band of a per-thread dataset a proxy band stands for.
struct BandPath {
  int number;              // 1-based band
  int overview = -1;       // >= 0: that overview of the band
  bool mask = false;       // the mask of the band (or of its overview)
  int mask_overview = -1;  // >= 0: that overview of the mask
};

class ThreadSafeBand final : public RasterBand {
 public:
  ThreadSafeBand(Dataset* owner, std::shared_ptr<SharedState> state, RasterBand& proto,
                 BandPath path)
      : RasterBand(owner, path.number, proto.x_size(), proto.y_size(), proto.data_type(),
                   proto.block_x_size(), proto.block_y_size()),
        state_(std::move(state)),
        path_(path),
        mask_flags_(proto.mask_flags()),
        wants_prefetch_(proto.wants_prefetch()),
        resampled_as_nearest_(proto.resampled_as_nearest()) {
    share_between_threads();
    // Distinct cache levels: full resolution and overviews from 0 up, masks
    // of those from -1 down, overviews of a mask below -1000.
    set_cache_level(path.mask_overview >= 0 ? -1000 - path.mask_overview
                    : path.mask             ? -2 - path.overview
                                            : path.overview + 1);
    // The snapshot of the band's properties (immutable from here on).
    if (proto.nodata_int64() && proto.data_type() == DataType::kInt64) {
      init_nodata_int64(*proto.nodata_int64());
    } else if (proto.nodata_uint64() && proto.data_type() == DataType::kUInt64) {
      init_nodata_uint64(*proto.nodata_uint64());
    } else {
      init_nodata(proto.nodata());
    }
    init_color_interp(proto.color_interp());
    init_color_table(proto.color_table());
    init_scale_offset(proto.scale(), proto.offset());
    init_unit(proto.unit());
    init_description(proto.description());
    init_default_histogram(proto.default_histogram());
    init_category_names(proto.category_names());
    mutable_metadata() = proto.metadata();
    if (!path.mask) {
      for (int i = 0; i < proto.overview_count() && path.overview < 0; ++i) {
        overviews_.push_back(std::make_unique<ThreadSafeBand>(owner, state_, *proto.overview(i),
                                                              BandPath{path.number, i, false}));
      }
      RasterBand* m = proto.mask_band();
      if (m && m != &proto) {
        mask_ = std::make_unique<ThreadSafeBand>(owner, state_, *m,
                                                 BandPath{path.number, path.overview, true});
      }
    } else if (path.mask_overview < 0) {
      // A mask answers for its overviews as the plain dataset's does.
      for (int i = 0; i < proto.overview_count(); ++i) {
        overviews_.push_back(std::make_unique<ThreadSafeBand>(
            owner, state_, *proto.overview(i), BandPath{path.number, path.overview, true, i}));
      }
    }
  }

  int overview_count() const override { return static_cast<int>(overviews_.size()); }
  RasterBand* overview(int i) override {
    return i >= 0 && i < overview_count() ? overviews_[static_cast<size_t>(i)].get() : nullptr;
  }
  // Threads' memos may still pin this band's blocks.
  ~ThreadSafeBand() override { forget_thread_memos(); }

  int mask_flags() const override { return mask_flags_; }
  RasterBand* mask_band() override { return mask_ ? mask_.get() : this; }
  bool resampled_as_nearest() const override { return resampled_as_nearest_; }

  // Remote files: the blocks a read misses are fetched ahead by this
  // thread's dataset, into the process-wide range cache all threads share.
  bool wants_prefetch() const override { return wants_prefetch_; }
  Status prefetch_blocks(const std::vector<std::pair<int64_t, int64_t>>& blocks) override {
    RK_ASSIGN_OR_RETURN(std::shared_ptr<Dataset> ds, acquire(state_));
    RK_ASSIGN_OR_RETURN(RasterBand * band, resolve(*ds));
    return band->prefetch_blocks(blocks);
  }

 protected:
  // A cache miss: decode with this thread's own dataset.
  Status read_block_impl(int64_t bx, int64_t by, void* dst) override {
    RK_ASSIGN_OR_RETURN(std::shared_ptr<Dataset> ds, acquire(state_));
    RK_ASSIGN_OR_RETURN(RasterBand * band, resolve(*ds));
    return band->decode_block(bx, by, dst);
  }

  // Blocks too large to cache: this thread's band reads the window itself.
  Status read_window_impl(const Window& window, void* dst) override {
    RK_ASSIGN_OR_RETURN(std::shared_ptr<Dataset> ds, acquire(state_));
    RK_ASSIGN_OR_RETURN(RasterBand * band, resolve(*ds));
    return band->read(window, dst, BufferLayout::packed(data_type(), window.width, window.height));
  }

  // The band of a per-thread dataset this proxy band stands for.
  Result<RasterBand*> resolve(Dataset& ds) const {
    RasterBand* band = ds.band(path_.number);
    if (band && path_.overview >= 0) band = band->overview(path_.overview);
    if (band && path_.mask) band = band->mask_band();
    if (band && path_.mask_overview >= 0) band = band->overview(path_.mask_overview);
    if (!band || band->x_size() != x_size() || band->y_size() != y_size() ||
        band->data_type() != data_type() || band->block_x_size() != block_x_size()) {
      return Status::corrupt(state_->path, "the file changed since it was opened thread-safe");
    }
    return band;
  }

  // Pixel-interleaved files decode every band of a tile at once: cache the
  // other bands' blocks too, decoded by this thread's dataset (which still
  // holds the tile), so band after band reads decode each tile once.
  void block_loaded(int64_t bx, int64_t by) override {
    if (path_.mask || !state_->pixel_interleaved) return;
    Dataset* proxy = dataset();
    for (int k = 1; k <= proxy->band_count(); ++k) {
      if (k == path_.number) continue;
      auto* sibling = static_cast<ThreadSafeBand*>(proxy->band(k));
      if (path_.overview >= 0)
        sibling = static_cast<ThreadSafeBand*>(sibling->overview(path_.overview));
      if (!sibling || sibling->block_x_size() != block_x_size() ||
          sibling->block_y_size() != block_y_size()) {
        continue;
      }
      offer_block(*sibling, bx, by,
                  [&](void* dst) { return sibling->read_block_impl(bx, by, dst); });
    }
  }

 private:
  std::shared_ptr<SharedState> state_;
  BandPath path_;
  int mask_flags_;
  bool wants_prefetch_;
  std::vector<std::unique_ptr<ThreadSafeBand>> overviews_;
  std::unique_ptr<ThreadSafeBand> mask_;
  bool resampled_as_nearest_;
};

class ThreadSafeDataset final : public Dataset {
 public:
  ThreadSafeDataset(std::unique_ptr<Dataset> proto, std::shared_ptr<SharedState> state)
      : Dataset(proto->description(), Access::kReadOnly, proto->driver(), &proto->block_cache()),
        state_(std::move(state)) {
    set_raster_size(proto->x_size(), proto->y_size());
    set_open_options(proto->open_options());
    init_geo_transform(proto->geo_transform());
    init_spatial_ref(proto->spatial_ref());
    init_gcps(proto->gcps(), proto->gcp_spatial_ref());
    mutable_metadata() = proto->metadata();
    files_ = proto->file_list();
    for (int b = 1; b <= proto->band_count(); ++b) {
      add_band(std::make_unique<ThreadSafeBand>(this, state_, *proto->band(b), BandPath{b}));
    }
    // The prototype becomes the creating thread's dataset: no second open.
    std::shared_ptr<Dataset> first(std::move(proto));
    {
      MutexLock lock(&state_->mu);
      state_->per_thread[std::this_thread::get_id()] = SharedState::Slot{first, ++state_->clock};
    }
    t_exit_notifier.add(state_);
  }
  ~ThreadSafeDataset() override { close_in_destructor(); }

  bool is_thread_safe() const override { return true; }
  std::vector<std::string> file_list() const override { return files_; }
  const SharedState& state() const { return *state_; }

 private:
  std::shared_ptr<SharedState> state_;
  std::vector<std::string> files_;  // the prototype's, as opened
};

}  // namespace

Result<std::unique_ptr<Dataset>> make_thread_safe(std::unique_ptr<Dataset> dataset,
                                                  const ThreadSafeOptions& options) {
  if (!dataset) return Status::invalid_argument("make_thread_safe", "null dataset");
  if (dataset->is_thread_safe()) return dataset;
  const std::string& path = dataset->description();
  if (dataset->access() == Access::kUpdate) {
    return Status::invalid_argument(path,
                                    "cannot be made thread-safe: it is opened for update "
                                    "(thread-safe datasets are read-only)");
  }
  if (!dataset->driver() || path.empty()) {
    return Status::not_supported(path.empty() ? "dataset" : path,
                                 "cannot be made thread-safe: it was not opened from a path");
  }
  auto state = std::make_shared<SharedState>();
  state->path = path;
  state->params.flags = OpenFlags::kReadOnly;
  state->params.open_options = dataset->open_options();
  state->params.allowed_drivers = {std::string(dataset->driver()->short_name())};
  state->max_open = std::max<size_t>(1, options.max_open_datasets);
  state->x_size = dataset->x_size();
  state->pixel_interleaved =
      dataset->band_count() > 1 &&
      dataset->metadata().get("INTERLEAVE", "IMAGE_STRUCTURE").value_or("") == "PIXEL";
  state->y_size = dataset->y_size();
  for (int b = 1; b <= dataset->band_count(); ++b) {
    RasterBand* band = dataset->band(b);
    state->bands.push_back(BandShape{band->data_type(), band->block_x_size(), band->block_y_size(),
                                     band->overview_count()});
  }
  // Other threads must be able to open it again: try now, so that a dataset
  // made in memory (or a file already gone) is refused here, not later.
  {
    auto probe = DriverManager::global().open(path, state->params);
    if (!probe.ok()) {
      return Status(
          probe.status().code(), path,
          "cannot be made thread-safe: re-opening it fails (" + probe.status().message() + ")");
    }
  }
  return std::unique_ptr<Dataset>(new ThreadSafeDataset(std::move(dataset), std::move(state)));
}

ThreadSafeStats thread_safe_stats(const Dataset& dataset) {
  ThreadSafeStats out;
  const auto* ts = dynamic_cast<const ThreadSafeDataset*>(&dataset);
  if (!ts) return out;
  const SharedState& state = ts->state();
  MutexLock lock(&state.mu);
  out.open_datasets = state.per_thread.size();
  out.total_opens = state.total_opens;
  out.evictions = state.evictions;
  return out;
}

}  // namespace rk
