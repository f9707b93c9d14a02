// Encoding strips and tiles of a GeoTIFF being created on several threads
// (GDAL's NUM_THREADS creation option): worker threads compress with
// in-memory libtiff handles that carry the file's own encoding tags, and the
// dataset's thread writes the compressed bytes into the file in the order
// the blocks came, so the file is byte for byte the one a single thread
// would write.
#pragma once

#include <tiffio.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <rasterkit/drivers/gtiff/gtiff_options.h>
#include <rasterkit/drivers/gtiff/tiff_handle.h>
#include <rasterkit/gdalcore/data_type.h>
#include <rasterkit/gdalcore/result.h>

namespace rk {
class WorkerPool;
}

namespace rk::gtiff {

struct ImageShape {
  int64_t width = 0;
  int64_t height = 0;
  int bands = 1;
  DataType type = DataType::kByte;
};

// The tags that decide how pixels are stored and encoded: size, samples,
// type, planar configuration, photometric interpretation and extra samples,
// compression with its level, predictor, tiling or rows per strip.
void set_image_tags(TIFF* t, const CreationSettings& s, const ImageShape& shape);

// True when strips/tiles with these settings may be encoded apart from the
// file: every codec but JPEG (whose tables live in the file's directory) and
// no compression (nothing to encode).
bool can_encode_in_parallel(const CreationSettings& s);

// One strip or tile: its pixels as TIFFWriteEncodedTile/Strip takes them,
// and the bytes they become.
struct EncodeJob {
  uint64_t strile = 0;
  std::vector<std::byte> raw;
  std::vector<std::byte> encoded;
};

class ParallelEncoder {
 public:
  // `threads` >= 2, counting the caller's.
  ParallelEncoder(std::string name, const CreationSettings& s, const ImageShape& shape,
                  int threads);
  ~ParallelEncoder();
  ParallelEncoder(const ParallelEncoder&) = delete;
  ParallelEncoder& operator=(const ParallelEncoder&) = delete;

  // Fills every job's `encoded` (and frees its `raw`), spread over the pool.
  Status encode(std::vector<EncodeJob>& jobs);

 private:
  Result<std::unique_ptr<TiffHandle>> take_handle();
  void give_back(std::unique_ptr<TiffHandle> h);

  std::string name_;
  CreationSettings settings_;
  ImageShape shape_;
  int threads_;
  std::unique_ptr<WorkerPool> pool_;  // made by the first encode() with work to share
  std::mutex mu_;
  std::vector<std::unique_ptr<TiffHandle>> idle_;  // guarded by mu_
};

}  // namespace rk::gtiff
