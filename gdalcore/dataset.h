// Dataset: a raster with bands, georeferencing and metadata.
//
// Threading: a Dataset is stateful and used by one thread at a time (it may
// be handed from one thread to another between uses). Any number of threads
// may each use their own datasets at once; they share the process-wide block
// cache safely.
//
// Lifetime: bands, overviews and masks are owned by the dataset and valid
// until it is destroyed. close() writes back every dirty block, lets the
// driver finish the file and reports any error; the destructor of a driver's
// dataset closes it too, reporting an error only as a warning, so call
// close() when the outcome matters.
//
// Dirty blocks: blocks written through this dataset belong to it. They are
// written back by this dataset (in the calling thread) on flush(), on close(),
// and when one of its writes takes the block cache over budget. Nobody else
// ever writes them.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/gdalcore/geo_transform.h>
#include <rasterkit/gdalcore/metadata.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/raster_band.h>
#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/gdalcore/spatial_ref.h>

namespace rk {

class Driver;
struct PamDataset;

// A ground control point: a pixel/line position and its georeferenced
// coordinates (in the CRS of Dataset::gcp_spatial_ref()).
struct RK_API Gcp {
  std::string id;
  std::string info;
  double pixel = 0;
  double line = 0;
  double x = 0;
  double y = 0;
  double z = 0;
};

class RK_API Dataset {
 public:
  virtual ~Dataset();
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;

  // The path it was opened or created with (GDAL's "description").
  const std::string& description() const { return description_; }
  int64_t x_size() const { return x_size_; }
  int64_t y_size() const { return y_size_; }
  int band_count() const { return static_cast<int>(bands_.size()); }
  // Band `n`, 1-based; null if there is no such band.
  RasterBand* band(int n) const;
  Access access() const { return access_; }
  // The driver that opened or created it; null for datasets made directly.
  const Driver* driver() const { return driver_; }
  const Options& open_options() const { return open_options_; }

  const std::optional<GeoTransform>& geo_transform() const { return geo_transform_; }
  Status set_geo_transform(std::optional<GeoTransform> gt);
  const std::optional<SpatialRef>& spatial_ref() const { return spatial_ref_; }
  Status set_spatial_ref(std::optional<SpatialRef> srs);

  const std::vector<Gcp>& gcps() const { return gcps_; }
  const std::optional<SpatialRef>& gcp_spatial_ref() const { return gcp_spatial_ref_; }
  Status set_gcps(std::vector<Gcp> gcps, std::optional<SpatialRef> srs);

  const Metadata& metadata() const { return metadata_; }
  // The files this dataset was read from: its own, then the side-cars the
  // driver used (mask, .aux.xml, RPC files), as gdalinfo's "Files:".
  virtual std::vector<std::string> file_list() const { return {description_}; }
  Status set_metadata_item(std::string_view key, std::string_view value,
                           std::string_view domain = "");

  // Reads `window` of the bands in `bands` (1-based; empty = all, in order)
  // into `data`; band i of the list starts at data + i * band_spacing. See
  // RasterBand::read for sizes and resampling.
  Status read(const Window& window, void* data, const BufferLayout& layout,
              const std::vector<int>& bands = {}, const RasterIOOptions& options = {});
  Status write(const Window& window, const void* data, const BufferLayout& layout,
               const std::vector<int>& bands = {}, const RasterIOOptions& options = {});

  // Writes back every dirty block and lets the driver bring its file up to
  // date. The dataset stays open.
  Status flush();
  // Flushes and releases the driver's resources. Afterwards every call fails
  // with an error; closing twice is harmless.
  Status close();
  bool is_closed() const { return closed_; }

  // True if this object may be used by many threads at once (a
  // ThreadSafeDataset); ordinary datasets are used by one thread at a time.
  virtual bool is_thread_safe() const { return false; }

  // Ordinary datasets check that no two threads are inside their pixel calls
  // (read, write, read_block, write_block, flush, close) at the same time: a
  // second thread's call fails with an error naming the dataset instead of
  // corrupting it. The check is one compare-and-swap per call; it can be
  // turned off. Handing a dataset to another thread between calls is fine
  // (see doc/threading.md).
  void set_concurrent_use_check(bool enabled) { check_concurrent_use_ = enabled; }

  // The block cache this dataset uses and its identity in it.
  BlockCache& block_cache() const { return *cache_; }
  uint64_t cache_owner() const { return cache_owner_; }
  // Dirty blocks this dataset holds.
  size_t dirty_block_count() const { return dirty_.size(); }

 protected:
  // `cache` null means the process-wide BlockCache::global().
  Dataset(std::string description, Access access, const Driver* driver, BlockCache* cache);

  void set_raster_size(int64_t x_size, int64_t y_size) {
    x_size_ = x_size;
    y_size_ = y_size;
  }
  void add_band(std::unique_ptr<RasterBand> band) { bands_.push_back(std::move(band)); }
  void set_open_options(Options options) { open_options_ = std::move(options); }

  // Driver hooks. flush_impl() runs after the dirty blocks are written back
  // (write headers, georeferencing, metadata); close_impl() releases file
  // handles. Both default to doing nothing.
  virtual Status flush_impl() { return Status(); }
  virtual Status close_impl() { return Status(); }

  // Every driver's dataset destructor must call this first, while the
  // driver's own members still exist: it writes back dirty blocks and
  // closes, sending any error to the warning handler.
  void close_in_destructor();

  // For drivers filling in what they read while opening.
  void init_geo_transform(std::optional<GeoTransform> gt) { geo_transform_ = gt; }
  void init_spatial_ref(std::optional<SpatialRef> srs) { spatial_ref_ = std::move(srs); }
  void init_gcps(std::vector<Gcp> gcps, std::optional<SpatialRef> srs) {
    gcps_ = std::move(gcps);
    gcp_spatial_ref_ = std::move(srs);
  }
  Metadata& mutable_metadata() { return metadata_; }

  // Lays GDAL's side-car (FILE.aux.xml) over what the driver read, with
  // GDAL's precedence: metadata merged key by key with the side-car
  // winning; its nodata, colour interpretation, colour table, CRS and
  // geotransform win; its offset/scale, unit and description fill in only
  // what the file lacks. Drivers call it at the end of open().
  void apply_pam(const PamDataset& pam);
  // True when a property has changed since open (drivers rewrite headers).
  bool properties_changed() const { return properties_changed_; }
  void clear_properties_changed() { properties_changed_ = false; }

 private:
  friend class RasterBand;
  friend class UseScope;

  struct DirtyBlock {
    BlockRef block;
    RasterBand* band;
    uint64_t sequence;  // write order: the oldest is written back first
  };

  Status check_open(std::string_view what) const;
  Status check_writable(std::string_view what) const;
  // Called by RasterBand after it modified `block`.
  Status note_block_written(RasterBand* band, const BlockRef& block);
  // Writes back dirty blocks, oldest first: all of them, or only until the
  // cache is within budget.
  Status write_back(bool all);
  void note_property_changed() { properties_changed_ = true; }
  Result<std::vector<int>> resolve_bands(const std::vector<int>& bands) const;

  std::string description_;
  Access access_;
  const Driver* driver_;
  BlockCache* cache_;
  uint64_t cache_owner_;
  int64_t x_size_ = 0;
  int64_t y_size_ = 0;
  std::vector<std::unique_ptr<RasterBand>> bands_;
  Options open_options_;
  std::optional<GeoTransform> geo_transform_;
  std::optional<SpatialRef> spatial_ref_;
  std::vector<Gcp> gcps_;
  std::optional<SpatialRef> gcp_spatial_ref_;
  Metadata metadata_;
  bool properties_changed_ = false;
  bool closed_ = false;
  // Used only by the thread currently using the dataset: no lock.
  std::unordered_map<BlockKey, DirtyBlock, BlockKeyHash> dirty_;
  uint64_t next_dirty_sequence_ = 0;
  // The thread inside a pixel call, if any (see set_concurrent_use_check).
  std::atomic<std::thread::id> user_{};
  bool check_concurrent_use_ = true;
  // The fork generation this dataset was opened under (see UseScope).
  uint64_t fork_generation_;
};

// Marks `dataset` as used by the calling thread for the scope's lifetime;
// status() says whether another thread was already inside (nested calls from
// the same thread are fine).
class RK_API UseScope {
 public:
  explicit UseScope(Dataset& dataset);
  ~UseScope();
  UseScope(const UseScope&) = delete;
  UseScope& operator=(const UseScope&) = delete;
  const Status& status() const { return status_; }

 private:
  Dataset& dataset_;
  bool entered_ = false;
  Status status_;
};

}  // namespace rk
