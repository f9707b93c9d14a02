// Driver: a raster format. Drivers are stateless after registration and
// re-entrant: any number of threads may open and create datasets through one
// driver at once.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rasterkit/blockcache/block_cache.h>
#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/result.h>

namespace rk {

// What a driver sees when asked to identify or open a file.
struct RK_API OpenInfo {
  std::string path;
  Access access = Access::kReadOnly;
  Options open_options;
  // The first bytes of the file (up to 1024); empty if `path` is not a
  // readable regular file.
  std::string header;
  bool is_file = false;
  BlockCache* cache = nullptr;  // null: the global cache
};

// What to create.
struct RK_API CreateParams {
  int64_t width = 0;
  int64_t height = 0;
  int bands = 1;
  DataType type = DataType::kByte;
  Options options;              // creation options (validated against the table)
  BlockCache* cache = nullptr;  // null: the global cache
};

class RK_API Driver {
 public:
  virtual ~Driver() = default;

  // "GTiff", "MEM", ...: what -of and --formats use.
  virtual std::string_view short_name() const = 0;
  virtual std::string_view long_name() const = 0;
  // File name extensions, without the dot, lower case.
  virtual std::vector<std::string> extensions() const { return {}; }

  // Cheap: looks only at `info` (path and header bytes), no I/O.
  virtual bool identify(const OpenInfo& info) const = 0;
  // Opens a dataset identify() accepted; errors name the file.
  virtual Result<std::unique_ptr<Dataset>> open(const OpenInfo& info) const = 0;

  virtual bool can_create() const { return false; }
  // True if the driver's files may have GDAL's FILE.aux.xml side-car (PAM):
  // it reads one when opening, and rk::info saves statistics there.
  virtual bool keeps_side_cars() const { return false; }
  virtual const std::vector<OptionSpec>& creation_option_specs() const;
  virtual const std::vector<OptionSpec>& open_option_specs() const;

  // Creates an empty dataset for writing. Options are validated first: an
  // unknown one is a warning, a bad value an error before anything is made.
  Result<std::unique_ptr<Dataset>> create(const std::string& path,
                                          const CreateParams& params) const;
  // Creates a copy of `src` (pixels, georeferencing, metadata, band
  // properties). Progress runs from 0 to 1; cancelling stops with a
  // kCancelled error. `cache` (null: the global one) holds the blocks while
  // they are written; a driver that writes a file returns it reopened on
  // the global cache, one that returns the written dataset itself (MEM)
  // leaves it on `cache`.
  Result<std::unique_ptr<Dataset>> create_copy(const std::string& path, Dataset& src,
                                               const Options& options,
                                               const ProgressFn& progress = nullptr,
                                               BlockCache* cache = nullptr) const;

 protected:
  // Options are already validated.
  virtual Result<std::unique_ptr<Dataset>> create_impl(const std::string& path,
                                                       const CreateParams& params) const;
  // The creation parameters of a copy of `src`: its size, band count and
  // first band's type.
  static CreateParams copy_params(const Dataset& src, const Options& options, BlockCache* cache);
  // Default: create_impl() with copy_params(), then copy_dataset_contents().
  virtual Result<std::unique_ptr<Dataset>> create_copy_impl(const std::string& path, Dataset& src,
                                                            const Options& options,
                                                            const ProgressFn& progress,
                                                            BlockCache* cache) const;
};

// Copies georeferencing, metadata, band properties and every pixel of `src`
// into `dst` (same size and band count), swath by swath, then flushes `dst`.
RK_API Status copy_dataset_contents(Dataset& src, Dataset& dst, const ProgressFn& progress);

}  // namespace rk
