// Resampled reads (private to gdalcore): what RasterBand::read does when the
// buffer size differs from the window size. The methods are defined in
// doc/raster-io.md.
#pragma once

#include <cstddef>

#include <rasterkit/gdalcore/raster_band.h>

namespace rk {

// `layout` is resolved (no zero spacings) and the window already checked.
Status resampled_read(RasterBand& band, const Window& window, std::byte* data,
                      const BufferLayout& layout, const RasterIOOptions& options);

// The overview used for a read downsampled by `factor`: the coarsest one
// that is at most 1.2 times coarser than asked (GDAL's rule), or null.
RasterBand* best_overview(RasterBand& band, double factor);

}  // namespace rk
