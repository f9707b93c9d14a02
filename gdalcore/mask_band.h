// Default mask bands derived from a band (private to gdalcore): "all valid"
// when the band has no nodata value, "nodata" (0 where the pixel equals the
// nodata value, 255 elsewhere) when it has one.
#pragma once

#include <memory>

#include <rasterkit/gdalcore/raster_band.h>

namespace rk {

std::unique_ptr<RasterBand> make_default_mask_band(RasterBand& parent);

// The mask of `parent` from a UInt16 alpha band, as GDAL rescales it:
// 0 stays 0 (invalid), 1..256 become 1, higher values value / 257.
std::unique_ptr<RasterBand> make_rescaled_alpha_mask_band(RasterBand& alpha, RasterBand& parent);

// True if `value` (a double read from a band of type `type`) equals `nodata`
// as GDAL compares them: exact for integers, NaN matches NaN, Float32 values
// compared in single precision.
bool is_nodata_value(double value, double nodata, DataType type);

}  // namespace rk
