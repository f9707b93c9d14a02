// GDAL's band checksum (what `gdalinfo -checksum` prints), computed the same
// way so that numbers are comparable: values in raster order, each converted
// to a 32-bit integer, summed modulo the primes 7..43 in turn, the sum kept
// to 16 bits. The algorithm is described in ../shared/design (section 7.1)
// and doc/raster-io.md.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstdint>

#include <rasterkit/gdalcore/raster_band.h>

namespace rk {

class WorkerPool;

// Checksum of `window` of `band` (the whole band when `window` is empty);
// a read error is returned as such (GDAL prints -1). With a `pool` and a
// band of a thread-safe dataset, block rows are summed on the pool's threads
// (same result).
RK_API Result<int> compute_checksum(RasterBand& band, const Window& window = {},
                                    WorkerPool* pool = nullptr);

// The running sum behind compute_checksum(), for values already converted to
// 32-bit integers (for callers that read pixels in their own way).
class RK_API ChecksumAccumulator {
 public:
  void add(int32_t value);
  int value() const { return static_cast<int>(sum_ & 0xFFFF); }

 private:
  uint32_t sum_ = 0;  // two's-complement addition, masked when read
  int prime_ = 0;
};

}  // namespace rk
