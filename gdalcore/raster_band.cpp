#include <rasterkit/gdalcore/raster_band.h>

#include <rasterkit/gdalcore/thread_block_memo.h>
#include <rasterkit/gdalcore/worker_pool.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <rasterkit/gdalcore/convert.h>
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/mask_band.h>
#include <rasterkit/gdalcore/resample.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk {

RasterBand::RasterBand(Dataset* dataset, int number, int64_t x_size, int64_t y_size, DataType type,
                       int64_t block_x, int64_t block_y)
    : dataset_(dataset),
      number_(number),
      x_size_(x_size),
      y_size_(y_size),
      type_(type),
      block_x_(block_x > 0 ? block_x : 1),
      block_y_(block_y > 0 ? block_y : 1) {}

RasterBand::~RasterBand() = default;

Access RasterBand::access() const { return dataset_->access(); }

// ---- Properties -------------------------------------------------------------

Status RasterBand::check_writable(std::string_view what) const {
  return dataset_->check_writable(what);
}

Status RasterBand::property_changed(std::string_view what) {
  RK_RETURN_IF_ERROR(check_writable(what));
  dataset_->note_property_changed();
  return Status();
}

void RasterBand::init_nodata(std::optional<double> value) {
  nodata_ = value;
  nodata_int64_.reset();
  nodata_uint64_.reset();
  if (!value) return;
  // Keep the exact integer forms when the double holds an integer.
  const double v = *value;
  if (v >= -9223372036854775808.0 && v < 9223372036854775808.0 &&
      v == static_cast<double>(static_cast<int64_t>(v))) {
    nodata_int64_ = static_cast<int64_t>(v);
  }
  if (v >= 0 && v < 18446744073709551616.0 && v == static_cast<double>(static_cast<uint64_t>(v))) {
    nodata_uint64_ = static_cast<uint64_t>(v);
  }
}

void RasterBand::init_nodata_int64(int64_t value) {
  nodata_ = static_cast<double>(value);
  nodata_int64_ = value;
  nodata_uint64_.reset();
  if (value >= 0) nodata_uint64_ = static_cast<uint64_t>(value);
}

void RasterBand::init_nodata_uint64(uint64_t value) {
  nodata_ = static_cast<double>(value);
  nodata_uint64_ = value;
  nodata_int64_.reset();
  if (value <= static_cast<uint64_t>(INT64_MAX)) nodata_int64_ = static_cast<int64_t>(value);
}

Status RasterBand::set_nodata(double value) {
  RK_RETURN_IF_ERROR(property_changed("set nodata"));
  init_nodata(value);
  return Status();
}

Status RasterBand::set_nodata_int64(int64_t value) {
  RK_RETURN_IF_ERROR(property_changed("set nodata"));
  init_nodata_int64(value);
  return Status();
}

Status RasterBand::set_nodata_uint64(uint64_t value) {
  RK_RETURN_IF_ERROR(property_changed("set nodata"));
  init_nodata_uint64(value);
  return Status();
}

Status RasterBand::delete_nodata() {
  RK_RETURN_IF_ERROR(property_changed("delete nodata"));
  init_nodata(std::nullopt);
  return Status();
}

Status RasterBand::set_color_interp(ColorInterp interp) {
  RK_RETURN_IF_ERROR(property_changed("set color interpretation"));
  color_interp_ = interp;
  return Status();
}

Status RasterBand::set_color_table(std::optional<ColorTable> table) {
  RK_RETURN_IF_ERROR(property_changed("set color table"));
  // A band given a palette is paletted unless it said what else it is (as
  // GDAL's MEM and GTiff bands).
  if (table && color_interp_ == ColorInterp::kUndefined) color_interp_ = ColorInterp::kPalette;
  color_table_ = std::move(table);
  return Status();
}

Status RasterBand::set_scale(std::optional<double> scale) {
  RK_RETURN_IF_ERROR(property_changed("set scale"));
  scale_ = scale;
  return Status();
}

Status RasterBand::set_offset(std::optional<double> offset) {
  RK_RETURN_IF_ERROR(property_changed("set offset"));
  offset_ = offset;
  return Status();
}

Status RasterBand::set_unit(std::string unit) {
  RK_RETURN_IF_ERROR(property_changed("set unit"));
  unit_ = std::move(unit);
  return Status();
}

Status RasterBand::set_description(std::string description) {
  RK_RETURN_IF_ERROR(property_changed("set description"));
  description_ = std::move(description);
  return Status();
}

Status RasterBand::set_metadata_item(std::string_view key, std::string_view value,
                                     std::string_view domain) {
  RK_RETURN_IF_ERROR(property_changed("set metadata"));
  metadata_.set(key, value, domain);
  return Status();
}

// GDAL's rule: in a 2-band (gray + alpha) or 4-band (RGB + alpha) dataset,
// the color bands are masked by the alpha band, when it is Byte or UInt16
// (rescaled to 0..255).
RasterBand* RasterBand::alpha_band() const {
  if (cache_level_ != 0 || number_ < 1) return nullptr;
  const int n = dataset_->band_count();
  RasterBand* last = dataset_->band(n);
  if (!last || last == this || last->color_interp() != ColorInterp::kAlpha ||
      (last->data_type() != DataType::kByte && last->data_type() != DataType::kUInt16)) {
    return nullptr;
  }
  return (n == 2 && number_ == 1) || (n == 4 && number_ <= 3) ? last : nullptr;
}

Resampling RasterBand::applied_resampling(Resampling requested, std::string* warning) const {
  if (resampled_as_nearest()) return Resampling::kNearest;
  const bool interpolating =
      requested == Resampling::kBilinear || requested == Resampling::kCubic ||
      requested == Resampling::kCubicSpline || requested == Resampling::kLanczos;
  if (!interpolating || !color_table_) return requested;
  if (warning) {
    *warning = std::string(resampling_name(requested)) +
               " resampling does not apply to a paletted band: using nearest neighbour";
  }
  return Resampling::kNearest;
}

RasterBand* RasterBand::overview_for(double factor) { return best_overview(*this, factor); }

int RasterBand::mask_flags() const {
  if (nodata_) return kMaskNoData;
  if (alpha_band()) return kMaskPerDataset | kMaskAlpha;
  return kMaskAllValid;
}

RasterBand* RasterBand::mask_band() {
  if (!nodata_) {
    if (RasterBand* alpha = alpha_band()) {
      if (alpha->data_type() == DataType::kByte) return alpha;
      if (!default_mask_) default_mask_ = make_rescaled_alpha_mask_band(*alpha, *this);
      return default_mask_.get();
    }
  }
  if (!default_mask_) default_mask_ = make_default_mask_band(*this);
  return default_mask_.get();
}

// ---- Blocks -----------------------------------------------------------------

size_t RasterBand::block_bytes() const {
  return static_cast<size_t>(block_x_) * static_cast<size_t>(block_y_) * data_type_size(type_);
}

BlockKey RasterBand::block_key(int64_t bx, int64_t by) const {
  return BlockKey{dataset_->cache_owner(), static_cast<uint32_t>(number_), cache_level_, bx, by};
}

namespace {
size_t memo_slot(int64_t bx, int64_t by, int64_t blocks_per_row, size_t slots) {
  return static_cast<size_t>(by * blocks_per_row + bx) % slots;
}
}  // namespace

Status RasterBand::decode_block(int64_t bx, int64_t by, void* dst) {
  RK_RETURN_IF_ERROR(dataset_->check_open("read block"));
  if (bx < 0 || by < 0 || bx >= blocks_per_row() || by >= blocks_per_column()) {
    return Status::out_of_range(
        dataset_->description(),
        "block (" + std::to_string(bx) + ", " + std::to_string(by) + ") does not exist");
  }
  Status st = read_block_impl(bx, by, dst);
  return st.with_subject(dataset_->description());
}

BlockRef RasterBand::find_in_memo(int64_t bx, int64_t by) {
  if (!recent_) return nullptr;
  RecentBlock& r = recent_[memo_slot(bx, by, blocks_per_row(), kRecentBlocks)];
  if (r.bx != bx || r.by != by) return nullptr;
  BlockRef hit = r.block.lock();
  if (hit) hit->note_use();
  return hit;
}

BlockRef RasterBand::find_block(int64_t bx, int64_t by) {
  if (BlockRef hit = find_in_memo(bx, by)) return hit;
  BlockRef hit = dataset_->block_cache().lookup(block_key(bx, by));
  if (hit) remember_block(bx, by, hit);
  return hit;
}

size_t RasterBand::thread_memo_slot(int64_t bx, int64_t by) const {
  // Neighbouring blocks of a band in distinct slots; bands and levels offset.
  return static_cast<size_t>(by * blocks_per_row() + bx + number_ * 131 + cache_level_ * 17);
}

void RasterBand::forget_thread_memos() { detail::ThreadBlockMemo::forget_all(); }

void RasterBand::remember_block(int64_t bx, int64_t by, const BlockRef& block) {
  if (!memo_enabled_) {
    detail::ThreadBlockMemo::current().remember(thread_memo_slot(bx, by), block_key(bx, by), block);
    return;
  }
  if (!recent_) recent_ = std::make_unique<RecentBlock[]>(kRecentBlocks);
  RecentBlock& slot = recent_[memo_slot(bx, by, blocks_per_row(), kRecentBlocks)];
  slot.bx = bx;
  slot.by = by;
  slot.block = block;
}

Result<BlockRef> RasterBand::load_block(int64_t bx, int64_t by, BlockFetch& claim) {
  // The read runs without any cache lock held; threads that miss the same
  // block meanwhile (sharing this owner id, as the thread-safe proxy's do)
  // wait for it instead of reading it again.
  // A file can declare blocks of any size; one too large to decode is
  // refused before its buffer exists (allocating gigabytes only to have
  // the driver refuse them costs the memory, and under a sanitizer the
  // time). GTiff's own limit is the same.
  constexpr size_t kMaxBlockBytes = size_t{1} << 30;
  if (block_bytes() > kMaxBlockBytes) {
    return Status::out_of_memory(dataset_->description(),
                                 "a " + std::to_string(block_x_size()) + "x" +
                                     std::to_string(block_y_size()) +
                                     " block is larger than the decoding limit");
  }
  BlockRef block = BlockCache::allocate(block_key(bx, by), block_bytes());
  if (!block) {
    return Status::out_of_memory(
        dataset_->description(),
        "cannot allocate a block of " + std::to_string(block_bytes()) + " bytes");
  }
  // Warnings raised while the claim is held (a driver's, or those of the
  // thread-safe proxy opening its per-thread dataset) reach the handler only
  // once the claim is settled: a handler that reads this very block would
  // otherwise wait for itself.
  DeferredWarnings deferred;
  Status st = read_block_impl(bx, by, block->data());
  if (!st.ok()) {
    claim.give_up();
    deferred.release();
    return st.with_subject(dataset_->description());
  }
  BlockRef cached = claim.publish(std::move(block));
  deferred.release();
  remember_block(bx, by, cached);
  block_loaded(bx, by);
  return cached;
}

void RasterBand::offer_block(RasterBand& band, int64_t bx, int64_t by,
                             const std::function<Status(void*)>& fill) {
  if (bx < 0 || by < 0 || bx >= band.blocks_per_row() || by >= band.blocks_per_column()) return;
  // Declared first, released last: after the claim below is settled.
  DeferredWarnings deferred;
  BlockFetch claim = band.dataset_->block_cache().fetch(band.block_key(bx, by));
  if (!claim.must_load()) return;  // cached, or another thread is loading it
  BlockRef block = BlockCache::allocate(band.block_key(bx, by), band.block_bytes());
  if (!block || !fill(block->data()).ok()) return;  // the claim is given up
  claim.publish(std::move(block));
}

Result<BlockRef> RasterBand::get_block(int64_t bx, int64_t by) {
  if (BlockRef hit = find_in_memo(bx, by)) return hit;
  for (;;) {
    BlockFetch fetch = dataset_->block_cache().fetch(block_key(bx, by));
    if (fetch.must_load()) return load_block(bx, by, fetch);
    BlockRef block = fetch.in_flight() ? fetch.wait() : fetch.block();
    if (block) {
      remember_block(bx, by, block);
      return block;
    }
    // The loader gave up (its read failed): read it ourselves, so the
    // error, if it recurs, is reported to this caller too.
  }
}

Status RasterBand::read_block(int64_t bx, int64_t by, void* dst) {
  UseScope use(*dataset_);
  RK_RETURN_IF_ERROR(use.status());
  RK_RETURN_IF_ERROR(dataset_->check_open("read block"));
  if (bx < 0 || by < 0 || bx >= blocks_per_row() || by >= blocks_per_column()) {
    return Status::out_of_range(
        dataset_->description(),
        "block (" + std::to_string(bx) + ", " + std::to_string(by) + ") does not exist");
  }
  RK_ASSIGN_OR_RETURN(BlockRef block, get_block(bx, by));
  std::memcpy(dst, block->data(), block->size());
  return Status();
}

Status RasterBand::write_block(int64_t bx, int64_t by, const void* src) {
  UseScope use(*dataset_);
  RK_RETURN_IF_ERROR(use.status());
  RK_RETURN_IF_ERROR(check_writable("write block"));
  if (bx < 0 || by < 0 || bx >= blocks_per_row() || by >= blocks_per_column()) {
    return Status::out_of_range(
        dataset_->description(),
        "block (" + std::to_string(bx) + ", " + std::to_string(by) + ") does not exist");
  }
  const Window w{bx * block_x_, by * block_y_, std::min(block_x_, x_size_ - bx * block_x_),
                 std::min(block_y_, y_size_ - by * block_y_)};
  BufferLayout layout = BufferLayout::packed(type_, w.width, w.height);
  layout.line_spacing = static_cast<ptrdiff_t>(block_x_ * data_type_size(type_));
  return store_window(w, static_cast<const std::byte*>(src), layout.resolved());
}

Status RasterBand::write_block_impl(int64_t, int64_t, const void*) {
  return Status::read_only(dataset_->description(), "this band cannot be written");
}

// ---- Windows ----------------------------------------------------------------

Status RasterBand::check_window(const Window& w, const BufferLayout& layout) const {
  const std::string subject = dataset_->description();
  if (layout.type == DataType::kUnknown) {
    return Status::invalid_argument(subject, "buffer data type is unknown");
  }
  if (layout.width <= 0 || layout.height <= 0) {
    return Status::invalid_argument(subject, "buffer size " + std::to_string(layout.width) + "x" +
                                                 std::to_string(layout.height) + " is empty");
  }
  if (w.width <= 0 || w.height <= 0 || w.x < 0 || w.y < 0 || w.x > x_size_ - w.width ||
      w.y > y_size_ - w.height) {
    return Status::out_of_range(
        subject, "window (x=" + std::to_string(w.x) + ", y=" + std::to_string(w.y) + ", " +
                     std::to_string(w.width) + "x" + std::to_string(w.height) +
                     ") is outside the " + std::to_string(x_size_) + "x" + std::to_string(y_size_) +
                     " raster");
  }
  return Status();
}

namespace {

// Whether a read's fractional source window fits its whole-pixel window,
// and the window the kernels get (`*fitted`). Past an edge of the raster
// it may reach any distance (GDAL's VRT widens windows there, so a partly
// covered edge pixel is computed whole from the edge's pixels); anywhere
// else a rounding error's worth (edges computed from georeferenced corners
// land a hair off) is brought onto the window, so no kernel ever sees a
// coordinate outside what it may read.
bool source_window_fits(const Window& w, const WindowF& f, int64_t xs, int64_t ys,
                        WindowF* fitted) {
  constexpr double kSlack = 1e-6;
  if (!(f.width > 0) || !(f.height > 0)) return false;
  auto fit = [&](double lo, double len, int64_t wlo, int64_t wlen, int64_t n, double* out_lo,
                 double* out_len) {
    double hi = lo + len;
    const auto a = static_cast<double>(wlo), b = static_cast<double>(wlo + wlen);
    if (lo < a - kSlack && !(wlo == 0 && lo < 0)) return false;
    if (hi > b + kSlack && !(wlo + wlen == n && hi > static_cast<double>(n))) return false;
    if (lo < a && lo >= a - kSlack) lo = a;
    if (hi > b && hi <= b + kSlack) hi = b;
    if (!(hi > lo)) return false;
    *out_lo = lo;
    *out_len = hi - lo;
    return true;
  };
  return fit(f.x, f.width, w.x, w.width, xs, &fitted->x, &fitted->width) &&
         fit(f.y, f.height, w.y, w.height, ys, &fitted->y, &fitted->height);
}

}  // namespace

Status RasterBand::read(const Window& window, void* data, const BufferLayout& layout,
                        const RasterIOOptions& options) {
  return no_exceptions(dataset_->description(), [&]() -> Status {
    UseScope use(*dataset_);
    RK_RETURN_IF_ERROR(use.status());
    RK_RETURN_IF_ERROR(dataset_->check_open("read"));
    const BufferLayout l = layout.resolved();
    RK_RETURN_IF_ERROR(check_window(window, l));
    if (options.piece) {
      const auto& p = *options.piece;
      if (!options.source_window || p.x < 0 || p.y < 0 || p.x + l.width > p.width ||
          p.y + l.height > p.height) {
        return Status::invalid_argument(dataset_->description(),
                                        "a read's piece is not inside its whole read");
      }
      // The piece's own source must fit the window; the kernels see the
      // whole read's source window.
      const WindowF& f = *options.source_window;
      const double rx = f.width / static_cast<double>(p.width);
      const double ry = f.height / static_cast<double>(p.height);
      WindowF unused;
      if (!source_window_fits(
              window,
              WindowF{f.x + static_cast<double>(p.x) * rx, f.y + static_cast<double>(p.y) * ry,
                      static_cast<double>(l.width) * rx, static_cast<double>(l.height) * ry},
              x_size_, y_size_, &unused)) {
        return Status::out_of_range(dataset_->description(),
                                    "the fractional source window is not inside the read window");
      }
      return resampled_read(*this, window, static_cast<std::byte*>(data), l, options);
    }
    if (const auto& f = options.source_window) {
      RasterIOOptions clamped = options;
      WindowF& g = *clamped.source_window;
      if (!source_window_fits(window, *f, x_size_, y_size_, &g)) {
        return Status::out_of_range(dataset_->description(),
                                    "the fractional source window is not inside the read window");
      }
      const bool whole = g.x == static_cast<double>(window.x) &&
                         g.y == static_cast<double>(window.y) &&
                         g.width == static_cast<double>(window.width) &&
                         g.height == static_cast<double>(window.height);
      if (!whole || l.width != window.width || l.height != window.height) {
        return resampled_read(*this, window, static_cast<std::byte*>(data), l, clamped);
      }
    }
    if (l.width == window.width && l.height == window.height) {
      if (block_bytes() > kMaxCachedBlockBytes || reads_without_blocks()) {
        Status st = read_unblocked(window, static_cast<std::byte*>(data), l);
        if (st.code() != StatusCode::kNotSupported) return st;
      }
      return copy_window(window, static_cast<std::byte*>(data), l, options);
    }
    return resampled_read(*this, window, static_cast<std::byte*>(data), l, options);
  });
}

Status RasterBand::read_window_impl(const Window&, void*) {
  return Status::not_supported(dataset_->description(), "no direct window reads");
}

Status RasterBand::read_unblocked(const Window& w, std::byte* data, const BufferLayout& l) {
  // Pieces of rows of at most 4 Mi values, through one bounded buffer.
  const size_t tsize = data_type_size(type_);
  const int64_t cols = std::min<int64_t>(w.width, int64_t{1} << 22);
  std::vector<std::byte> piece(static_cast<size_t>(cols) * tsize);
  for (int64_t y = w.y; y < w.y + w.height; ++y) {
    for (int64_t x = w.x; x < w.x + w.width; x += cols) {
      const int64_t n = std::min(cols, w.x + w.width - x);
      Status st = read_window_impl(Window{x, y, n, 1}, piece.data());
      if (!st.ok()) return st.with_subject(dataset_->description());
      convert_values(piece.data(), type_, static_cast<ptrdiff_t>(tsize),
                     data + (y - w.y) * l.line_spacing + (x - w.x) * l.pixel_spacing, l.type,
                     l.pixel_spacing, static_cast<size_t>(n));
    }
  }
  return Status();
}

void RasterBand::copy_block_part(const Block& block, int64_t bx, int64_t by, const Window& w,
                                 std::byte* data, const BufferLayout& l) const {
  const size_t tsize = data_type_size(type_);
  const int64_t x0 = std::max(w.x, bx * block_x_);
  const int64_t x1 = std::min(w.x + w.width, (bx + 1) * block_x_);
  const int64_t y0 = std::max(w.y, by * block_y_);
  const int64_t y1 = std::min(w.y + w.height, (by + 1) * block_y_);
  for (int64_t y = y0; y < y1; ++y) {
    const std::byte* src =
        block.data() + ((y - by * block_y_) * block_x_ + (x0 - bx * block_x_)) * tsize;
    std::byte* dst = data + (y - w.y) * l.line_spacing + (x0 - w.x) * l.pixel_spacing;
    convert_values(src, type_, static_cast<ptrdiff_t>(tsize), dst, l.type, l.pixel_spacing,
                   static_cast<size_t>(x1 - x0));
  }
}

Status RasterBand::copy_window(const Window& w, std::byte* data, const BufferLayout& l,
                               const RasterIOOptions& options) {
  const ProgressFn& progress = options.progress;
  const int64_t bx0 = w.x / block_x_, bx1 = (w.x + w.width - 1) / block_x_;
  const int64_t by0 = w.y / block_y_, by1 = (w.y + w.height - 1) / block_y_;
  BlockCache& cache = dataset_->block_cache();
  // Blocks another thread was loading when we came to them. Instead of
  // waiting at once we go on with the rest of the window, so two threads
  // reading the same blocks (neighbouring windows of a striped file) decode
  // different ones in parallel; we wait only at the end, holding no claim.
  struct Deferred {
    int64_t bx, by;
    BlockFetch fetch;
  };
  std::vector<Deferred> deferred;
  // Blocks this thread claimed, decoded in batches on the pool when the
  // driver allows it.
  WorkerPool* pool = options.pool;
  const bool parallel = pool && pool->thread_count() > 1 && can_decode_concurrently() &&
                        (bx1 - bx0 + 1) * (by1 - by0 + 1) > 1;
  const size_t batch = parallel ? static_cast<size_t>(4 * pool->thread_count()) : 0;
  struct Claimed {
    int64_t bx, by;
    BlockFetch fetch;
    BlockRef block;
    Status status;
  };
  std::vector<Claimed> claimed;
  auto decode_claimed = [&]() -> Status {
    pool->parallel_for(static_cast<int64_t>(claimed.size()), [&](int64_t k) {
      Claimed& c = claimed[static_cast<size_t>(k)];
      BlockRef block = BlockCache::allocate(block_key(c.bx, c.by), block_bytes());
      if (!block) {
        c.status = Status::out_of_memory(dataset_->description(), "cannot allocate a block");
        return;
      }
      c.status = read_block_impl(c.bx, c.by, block->data());
      if (!c.status.ok()) return;  // the claim is given up when `claimed` is cleared
      c.block = c.fetch.publish(std::move(block));
      // Blocks cover disjoint parts of the buffer: each is copied by the
      // thread that decoded it.
      copy_block_part(*c.block, c.bx, c.by, w, data, l);
      // In the decoding thread: its decoder still holds the strip/tile.
      block_loaded(c.bx, c.by);
    });
    for (Claimed& c : claimed) {
      if (!c.status.ok()) return c.status.with_subject(dataset_->description());
      remember_block(c.bx, c.by, c.block);
    }
    claimed.clear();
    return Status();
  };
  detail::ThreadBlockMemo* thread_memo =
      memo_enabled_ ? nullptr : &detail::ThreadBlockMemo::current();
  const bool prefetch = wants_prefetch();
  int64_t prefetched_to = by0;
  for (int64_t by = by0; by <= by1; ++by) {
    if (prefetch && by >= prefetched_to) {
      RK_RETURN_IF_ERROR(prefetch_rows(bx0, bx1, by, by1, &prefetched_to));
    }
    for (int64_t bx = bx0; bx <= bx1; ++bx) {
      if (thread_memo) {
        // A shared band: this thread's memo, which costs no atomic operation.
        if (const Block* hit = thread_memo->find(thread_memo_slot(bx, by), block_key(bx, by))) {
          copy_block_part(*hit, bx, by, w, data, l);
          continue;
        }
      }
      BlockRef block = find_in_memo(bx, by);
      if (!block) {
        BlockFetch fetch = cache.fetch(block_key(bx, by));
        if (fetch.in_flight()) {
          deferred.push_back({bx, by, std::move(fetch)});
          continue;
        }
        if (fetch.must_load() && parallel) {
          claimed.push_back({bx, by, std::move(fetch), nullptr, Status()});
          if (claimed.size() >= batch) RK_RETURN_IF_ERROR(decode_claimed());
          continue;
        }
        if (fetch.must_load()) {
          RK_ASSIGN_OR_RETURN(block, load_block(bx, by, fetch));
        } else {
          block = fetch.block();
          remember_block(bx, by, block);
        }
      }
      copy_block_part(*block, bx, by, w, data, l);
    }
    if (progress && deferred.empty() && claimed.empty() &&
        !progress(static_cast<double>(by - by0 + 1) / static_cast<double>(by1 - by0 + 1), "")) {
      return Status::cancelled(dataset_->description());
    }
  }
  if (!claimed.empty()) RK_RETURN_IF_ERROR(decode_claimed());
  for (Deferred& d : deferred) {
    BlockRef block = d.fetch.wait();
    if (!block) {
      RK_ASSIGN_OR_RETURN(block, get_block(d.bx, d.by));
    } else {
      remember_block(d.bx, d.by, block);
    }
    copy_block_part(*block, d.bx, d.by, w, data, l);
  }
  if (progress && (!deferred.empty() || parallel) && !progress(1.0, "")) {
    return Status::cancelled(dataset_->description());
  }
  return Status();
}

Status RasterBand::prefetch_rows(int64_t bx0, int64_t bx1, int64_t by, int64_t by1,
                                 int64_t* next_row) {
  const int64_t rows = std::max<int64_t>(1, 256 / (bx1 - bx0 + 1));
  const int64_t last = std::min(by1, by + rows - 1);
  std::vector<std::pair<int64_t, int64_t>> missing;
  for (int64_t y = by; y <= last; ++y) {
    for (int64_t x = bx0; x <= bx1; ++x) {
      if (!find_block(x, y)) missing.emplace_back(x, y);
    }
  }
  *next_row = last + 1;
  if (missing.empty()) return Status();
  Status st = prefetch_blocks(missing);
  return st.ok() ? st : st.with_subject(dataset_->description());
}

Status RasterBand::write(const Window& window, const void* data, const BufferLayout& layout,
                         const RasterIOOptions& options) {
  return no_exceptions(dataset_->description(), [&]() -> Status {
    UseScope use(*dataset_);
    RK_RETURN_IF_ERROR(use.status());
    RK_RETURN_IF_ERROR(check_writable("write"));
    const BufferLayout l = layout.resolved();
    RK_RETURN_IF_ERROR(check_window(window, l));
    if (l.width == window.width && l.height == window.height) {
      return store_window(window, static_cast<const std::byte*>(data), l);
    }
    if (options.resampling != Resampling::kNearest) {
      return Status::invalid_argument(dataset_->description(),
                                      "only nearest resampling is possible when writing");
    }
    // Expand the buffer to the window size by nearest neighbour, then write.
    const size_t tsize = data_type_size(l.type);
    std::vector<std::byte> expanded(static_cast<size_t>(window.width * window.height) * tsize);
    const double rx = static_cast<double>(l.width) / static_cast<double>(window.width);
    const double ry = static_cast<double>(l.height) / static_cast<double>(window.height);
    for (int64_t y = 0; y < window.height; ++y) {
      const int64_t sy = std::min<int64_t>(
          l.height - 1, static_cast<int64_t>((static_cast<double>(y) + 0.5) * ry));
      for (int64_t x = 0; x < window.width; ++x) {
        const int64_t sx = std::min<int64_t>(
            l.width - 1, static_cast<int64_t>((static_cast<double>(x) + 0.5) * rx));
        std::memcpy(
            expanded.data() + (y * window.width + x) * tsize,
            static_cast<const std::byte*>(data) + sy * l.line_spacing + sx * l.pixel_spacing,
            tsize);
      }
    }
    return store_window(window, expanded.data(),
                        BufferLayout::packed(l.type, window.width, window.height).resolved());
  });
}

Status RasterBand::store_window(const Window& w, const std::byte* data, const BufferLayout& l) {
  const size_t tsize = data_type_size(type_);
  const int64_t bx0 = w.x / block_x_, bx1 = (w.x + w.width - 1) / block_x_;
  const int64_t by0 = w.y / block_y_, by1 = (w.y + w.height - 1) / block_y_;
  for (int64_t by = by0; by <= by1; ++by) {
    const int64_t y0 = std::max(w.y, by * block_y_);
    const int64_t y1 = std::min(w.y + w.height, (by + 1) * block_y_);
    for (int64_t bx = bx0; bx <= bx1; ++bx) {
      const int64_t x0 = std::max(w.x, bx * block_x_);
      const int64_t x1 = std::min(w.x + w.width, (bx + 1) * block_x_);
      const BlockKey key = block_key(bx, by);
      BlockRef block = find_block(bx, by);
      const bool fresh = !block;
      if (fresh) {
        block = BlockCache::allocate(key, block_bytes());
        if (!block)
          return Status::out_of_memory(dataset_->description(), "cannot allocate a block");
        // A block only partly covered keeps the rest of its pixels: read it.
        const bool covers_block =
            x0 == bx * block_x_ && x1 == std::min(x_size_, (bx + 1) * block_x_) &&
            y0 == by * block_y_ && y1 == std::min(y_size_, (by + 1) * block_y_);
        if (covers_block) {
          std::memset(block->data(), 0, block->size());
        } else {
          Status st = read_block_impl(bx, by, block->data());
          if (!st.ok()) return st.with_subject(dataset_->description());
        }
      }
      for (int64_t y = y0; y < y1; ++y) {
        const std::byte* src = data + (y - w.y) * l.line_spacing + (x0 - w.x) * l.pixel_spacing;
        std::byte* dst =
            block->data() + ((y - by * block_y_) * block_x_ + (x0 - bx * block_x_)) * tsize;
        convert_values(src, l.type, l.pixel_spacing, dst, type_, static_cast<ptrdiff_t>(tsize),
                       static_cast<size_t>(x1 - x0));
      }
      if (fresh) remember_block(bx, by, block);
      RK_RETURN_IF_ERROR(dataset_->note_block_written(this, block));
    }
  }
  return Status();
}

}  // namespace rk
