// RasterBand: one plane of pixels of a Dataset.
//
// A band is owned by its dataset and lives as long as it; like its dataset it
// is used by one thread at a time. Its pixels are read and written through
// the block cache, one natural block at a time: a driver implements only
// read_block_impl() (and write_block_impl() if it can write); everything the
// caller sees (windows, buffer types, spacing, resampling) is done here once.
//
// Properties (nodata, color interpretation, scale/offset, ...) are kept by the
// band; setting them requires update access. Drivers that persist properties
// write them when the dataset is flushed.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/gdalcore/data_type.h>
#include <rasterkit/gdalcore/metadata.h>
#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>

namespace rk {

class Dataset;

class RK_API RasterBand {
 public:
  virtual ~RasterBand();
  RasterBand(const RasterBand&) = delete;
  RasterBand& operator=(const RasterBand&) = delete;

  // The dataset owning this band (for overviews and masks: the dataset of the
  // band they belong to).
  Dataset* dataset() const { return dataset_; }
  // 1-based band number; 0 for a per-dataset mask.
  int number() const { return number_; }
  int64_t x_size() const { return x_size_; }
  int64_t y_size() const { return y_size_; }
  DataType data_type() const { return type_; }
  // The natural block size: reads and writes of whole aligned blocks are
  // the cheapest.
  int64_t block_x_size() const { return block_x_; }
  int64_t block_y_size() const { return block_y_; }
  int64_t blocks_per_row() const { return (x_size_ + block_x_ - 1) / block_x_; }
  int64_t blocks_per_column() const { return (y_size_ + block_y_ - 1) / block_y_; }
  Access access() const;

  // ---- Properties -------------------------------------------------------

  // The nodata value as a double (for Int64/UInt64 bands a value beyond 2^53
  // is rounded here; use the exact accessors below).
  std::optional<double> nodata() const { return nodata_; }
  std::optional<int64_t> nodata_int64() const { return nodata_int64_; }
  std::optional<uint64_t> nodata_uint64() const { return nodata_uint64_; }
  Status set_nodata(double value);
  Status set_nodata_int64(int64_t value);
  Status set_nodata_uint64(uint64_t value);
  Status delete_nodata();

  ColorInterp color_interp() const { return color_interp_; }
  Status set_color_interp(ColorInterp interp);

  const std::optional<ColorTable>& color_table() const { return color_table_; }
  Status set_color_table(std::optional<ColorTable> table);

  // Pixel value to physical value: physical = raw * scale + offset.
  std::optional<double> scale() const { return scale_; }
  std::optional<double> offset() const { return offset_; }
  Status set_scale(std::optional<double> scale);
  Status set_offset(std::optional<double> offset);
  const std::string& unit() const { return unit_; }
  Status set_unit(std::string unit);

  const std::string& description() const { return description_; }
  Status set_description(std::string description);

  const Metadata& metadata() const { return metadata_; }
  // The default histogram kept with the file (GDAL's, in FILE.aux.xml), if
  // any: what gdalinfo -hist reports without reading a pixel. A histogram
  // with no buckets stands for one that is there but unreadable.
  const std::optional<Histogram>& default_histogram() const { return default_histogram_; }
  // Names of the band's values (GDAL's category names, kept in
  // FILE.aux.xml): entry k names value k.
  const std::vector<std::string>& category_names() const { return category_names_; }
  Status set_metadata_item(std::string_view key, std::string_view value,
                           std::string_view domain = "");

  // Reduced-resolution versions of this band, largest first (may be none).
  virtual int overview_count() const { return 0; }
  virtual RasterBand* overview(int index) {
    (void)index;
    return nullptr;
  }
  // The overview a read reduced `factor` times (source pixels per buffer
  // pixel) takes its pixels from: the coarsest one less than 1.2 times
  // coarser than asked, an overview's coarseness being its less reduced
  // axis's, as GDAL chooses; null when none is (the band itself is read).
  RasterBand* overview_for(double factor);
  // The reduction `factor` GDAL picks a read's overview for, from the
  // source pixels per buffer pixel along each axis: the less reduced
  // axis's, or the columns' for a one-row buffer.
  static double overview_reduction(double x_ratio, double y_ratio, int64_t buffer_height) {
    return x_ratio < y_ratio || buffer_height == 1 ? x_ratio : y_ratio;
  }

  // GDAL's mask semantics: the mask is a Byte band, 0 = invalid, 255 = valid.
  // By default: derived from nodata (kMaskNoData); else, for the color bands
  // of a gray+alpha or RGB+alpha dataset, the Byte alpha band
  // (kMaskPerDataset | kMaskAlpha); else all valid (kMaskAllValid). Drivers
  // with real masks override both.
  virtual int mask_flags() const;
  virtual RasterBand* mask_band();
  // True for a mask derived from its parent's nodata value: GDAL samples
  // such a mask with nearest whatever kernel a read asks for (its nodata
  // mask reads its parent without the kernel), so -b mask gives 0 or 255,
  // never a blend. rasterkit does the same.
  virtual bool resampled_as_nearest() const { return false; }
  // The method a resampled read asking for `requested` applies: nearest
  // for a mask as above, and, as GDAL, nearest instead of an interpolating
  // kernel (bilinear, cubic, cubicspline, lanczos) on a paletted band,
  // whose indices blended would be made-up colours. In that last case
  // `warning`, when given, receives a sentence saying so (a resampled read
  // sends it to the warning handler).
  Resampling applied_resampling(Resampling requested, std::string* warning = nullptr) const;

  // ---- Pixels ------------------------------------------------------------

  // Reads `window` into `data`, laid out as `layout` says. If the layout's
  // size differs from the window's, pixels are resampled with
  // options.resampling (from an overview when one is close enough). A window
  // outside the raster is a kOutOfRange error.
  Status read(const Window& window, void* data, const BufferLayout& layout,
              const RasterIOOptions& options = {});

  // Writes `data` to `window`. Requires update access. A layout size other
  // than the window size is resampled with nearest neighbour (the only
  // method allowed for writes, as in GDAL).
  Status write(const Window& window, const void* data, const BufferLayout& layout,
               const RasterIOOptions& options = {});

  // One whole block, packed, in the band's data type, block_x_size() *
  // block_y_size() pixels (edge blocks are padded).
  Status read_block(int64_t bx, int64_t by, void* dst);
  Status write_block(int64_t bx, int64_t by, const void* src);

  // True if read_block_impl() may run in several threads at once for
  // different blocks of this band (then RasterIOOptions::pool decodes a
  // window's blocks in parallel). Drivers opt in; the default is false.
  virtual bool can_decode_concurrently() const { return false; }

  // True when a read should say ahead which blocks it will decode: the band
  // reads a remote file, where fetching a window's blocks together costs a
  // few requests instead of one per block. Reads then call
  // prefetch_blocks() with the blocks not cached, a group of block rows at
  // a time. The default is false.
  virtual bool wants_prefetch() const { return false; }
  // Fetches ahead what decoding `blocks` ((bx, by) pairs) will read. An
  // error is a failed fetch (the read would fail the same way). The
  // default does nothing.
  virtual Status prefetch_blocks(const std::vector<std::pair<int64_t, int64_t>>& /*blocks*/) {
    return Status();
  }

  // The `level` part of this band's block-cache keys (see BlockKey).
  int32_t cache_level() const { return cache_level_; }

  // Decodes block (bx, by) from the driver into `dst`, bypassing the block
  // cache (for a layer that caches blocks under its own keys: the
  // thread-safe proxy).
  Status decode_block(int64_t bx, int64_t by, void* dst);

 protected:
  RasterBand(Dataset* dataset, int number, int64_t x_size, int64_t y_size, DataType type,
             int64_t block_x, int64_t block_y);

  // Fills `dst` with block (bx, by): block_x_size() * block_y_size() packed
  // values of data_type(); the part outside the raster must be set (0).
  virtual Status read_block_impl(int64_t bx, int64_t by, void* dst) = 0;
  // Stores block (bx, by). Only the part inside the raster is meaningful.
  // The default refuses: the band is read-only.
  virtual Status write_block_impl(int64_t bx, int64_t by, const void* src);

  // Blocks larger than this are not cached whole: reads of such a band go
  // to read_window_impl() in pieces (a 2,100,000,000-pixel strip).
  static constexpr size_t kMaxCachedBlockBytes = size_t{256} << 20;
  // Fills `dst` with `window` of the band, packed in its type, straight
  // from the source (no block). Drivers that can for their huge blocks
  // override it (GTiff, uncompressed data); the default is kNotSupported,
  // and reads then go through whole blocks as usual.
  virtual Status read_window_impl(const Window& window, void* dst);
  // True when reads of any size go to read_window_impl() rather than to
  // blocks: values that cost nothing to produce (an all-valid mask, as
  // GDAL's fills a read's buffer directly) would otherwise fill and cache
  // whole blocks, 13 MB each for a 64-pixel read of a wide strip.
  virtual bool reads_without_blocks() const { return false; }

  // Called after a block of this band was read into the block cache (not
  // after decode_block()). Drivers whose bands decode together (a
  // pixel-interleaved file decodes every band of a tile at once) override
  // it to cache the other bands' blocks with offer_block(), so reading band
  // after band decodes each tile once, as GDAL does.
  virtual void block_loaded(int64_t /*bx*/, int64_t /*by*/) {}
  // Caches `band`'s block (bx, by) unless it is cached or being loaded
  // already, filling it with `fill`. A failed fill is dropped: the block is
  // read again when asked for, and the error reported then.
  static void offer_block(RasterBand& band, int64_t bx, int64_t by,
                          const std::function<Status(void*)>& fill);

  // Distinguishes this band's blocks from its siblings' in the cache:
  // 0 for full resolution, k for the k-th overview, negative for masks.
  void set_cache_level(int32_t level) { cache_level_ = level; }
  // The band's memo of recent blocks assumes one thread at a time; a band
  // shared by threads (the thread-safe proxy's) uses each calling thread's
  // own memo instead (gdalcore/thread_block_memo.h).
  void share_between_threads() { memo_enabled_ = false; }
  // Releases what every thread's memo holds (at each thread's next read):
  // called when a band shared between threads goes away.
  static void forget_thread_memos();

  // Direct access for drivers filling in properties while opening: these
  // skip the update-access check and the "changed" notification.
  void init_nodata(std::optional<double> value);
  void init_nodata_int64(int64_t value);
  void init_nodata_uint64(uint64_t value);
  void init_color_interp(ColorInterp c) { color_interp_ = c; }
  void init_color_table(std::optional<ColorTable> t) { color_table_ = std::move(t); }
  void init_scale_offset(std::optional<double> scale, std::optional<double> offset) {
    scale_ = scale;
    offset_ = offset;
  }
  void init_unit(std::string unit) { unit_ = std::move(unit); }
  void init_description(std::string d) { description_ = std::move(d); }
  void init_default_histogram(std::optional<Histogram> h) { default_histogram_ = std::move(h); }
  void init_category_names(std::vector<std::string> names) { category_names_ = std::move(names); }
  Metadata& mutable_metadata() { return metadata_; }

 private:
  friend class Dataset;

  RasterBand* alpha_band() const;
  size_t block_bytes() const;
  BlockKey block_key(int64_t bx, int64_t by) const;
  // The block if this band's memo of recent blocks holds it; null otherwise.
  BlockRef find_in_memo(int64_t bx, int64_t by);
  // The block if it is cached (memo first, then the shared cache); null on a
  // miss. Does no I/O.
  BlockRef find_block(int64_t bx, int64_t by);
  void remember_block(int64_t bx, int64_t by, const BlockRef& block);
  // Where block (bx, by) goes in a thread's memo (bands shared by threads).
  size_t thread_memo_slot(int64_t bx, int64_t by) const;
  // The cached block (reading it from the driver on a miss, or waiting for
  // the thread that is reading it).
  Result<BlockRef> get_block(int64_t bx, int64_t by);
  // Reads a block this thread has claimed and publishes it to the cache.
  Result<BlockRef> load_block(int64_t bx, int64_t by, BlockFetch& claim);
  // Copies (converting) the part of `block` inside window `w` to the buffer.
  void copy_block_part(const Block& block, int64_t bx, int64_t by, const Window& w, std::byte* data,
                       const BufferLayout& l) const;
  Status check_window(const Window& window, const BufferLayout& layout) const;
  Status check_writable(std::string_view what) const;
  Status copy_window(const Window& window, std::byte* data, const BufferLayout& layout,
                     const RasterIOOptions& options);
  // Announces the blocks of block rows [by, ...) of columns [bx0, bx1] that
  // are not cached (prefetch_blocks), as many rows as make about 256
  // blocks; `*next_row` is set to the first row not announced.
  Status prefetch_rows(int64_t bx0, int64_t bx1, int64_t by, int64_t by1, int64_t* next_row);
  // `window` through read_window_impl(), a row piece at a time.
  Status read_unblocked(const Window& window, std::byte* data, const BufferLayout& layout);
  Status store_window(const Window& window, const std::byte* data, const BufferLayout& layout);
  Status property_changed(std::string_view what);

  Dataset* dataset_;
  int number_;
  int64_t x_size_;
  int64_t y_size_;
  DataType type_;
  int64_t block_x_;
  int64_t block_y_;
  int32_t cache_level_ = 0;

  std::optional<double> nodata_;
  std::optional<int64_t> nodata_int64_;
  std::optional<uint64_t> nodata_uint64_;
  ColorInterp color_interp_ = ColorInterp::kUndefined;
  std::optional<ColorTable> color_table_;
  std::optional<double> scale_;
  std::optional<double> offset_;
  std::string unit_;
  std::string description_;
  Metadata metadata_;
  std::optional<Histogram> default_histogram_;
  std::vector<std::string> category_names_;
  std::unique_ptr<RasterBand> default_mask_;  // created on first mask_band()

  // The band's recently used blocks, direct-mapped by block position (32
  // slots: a whole row of blocks of most rasters). A memo hit takes no cache
  // lock and touches only the block's own cache line, which is what lets
  // threads reading their own datasets scale. The band is used by one thread
  // at a time, so the memo needs no lock either. It holds weak references:
  // it pins nothing, and eviction works as usual (Block::note_use() tells
  // eviction the block is in use). Allocated on first use, so bands never
  // read cost nothing.
  struct RecentBlock {
    int64_t bx = -1;
    int64_t by = -1;
    std::weak_ptr<Block> block;
  };
  static constexpr size_t kRecentBlocks = 32;
  std::unique_ptr<RecentBlock[]> recent_;
  bool memo_enabled_ = true;
};

}  // namespace rk
