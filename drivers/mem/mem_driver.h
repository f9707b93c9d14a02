// The in-memory driver ("MEM"): rasters held in memory, either owned by the
// dataset or wrapping a caller's buffer without copying.
//
// Creation options:
//   INTERLEAVE=BAND|PIXEL   layout of the owned buffer (default BAND)
//   BLOCKXSIZE=n, BLOCKYSIZE=n  natural block size seen by the block cache
//                           (default: one full-width line, as GDAL's MEM)
//
// Opening: "MEM:::DATAPOINTER=0x...,PIXELS=w,LINES=h[,BANDS=n][,DATATYPE=t]
// [,PIXELOFFSET=p][,LINEOFFSET=l][,BANDOFFSET=b]" wraps existing memory, as
// GDAL's MEM open syntax does.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <memory>
#include <string>

#include <rasterkit/gdalcore/driver.h>

namespace rk::mem {

RK_API std::unique_ptr<Driver> make_driver();

// Describes a caller's buffer to wrap: `bands` bands laid out as `layout`
// says (spacings in bytes; zero spacings are packed band-sequential).
struct RK_API WrapParams {
  void* data = nullptr;
  BufferLayout layout;
  int bands = 1;
  Access access = Access::kUpdate;
  std::string description;      // shown in messages; may be empty
  BlockCache* cache = nullptr;  // null: the global cache
  int64_t block_x = 0;          // 0: full width
  int64_t block_y = 0;          // 0: one line
};

// A dataset over the caller's memory, without copying. The memory must
// outlive the dataset; writes (with update access) go straight into it when
// blocks are written back (on flush, close, or under cache pressure).
RK_API Result<std::unique_ptr<Dataset>> wrap(const WrapParams& params);

}  // namespace rk::mem
