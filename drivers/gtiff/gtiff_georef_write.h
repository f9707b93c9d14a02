// Writing GeoTIFF georeferencing: the model tags for the geotransform or the
// GCPs, and the GeoKey directory for the CRS (through libgeotiff).
#pragma once

#include <optional>
#include <vector>

#include <rasterkit/drivers/gtiff/tiff_handle.h>
#include <rasterkit/gdalcore/dataset.h>

namespace rk::gtiff {

// `pixel_is_point` writes RasterPixelIsPoint and shifts the tiepoint by half
// a pixel, the inverse of what reading does. A CRS that cannot be expressed
// as GeoKeys is reported as a warning and left out (the pixels and the
// transform are still written).
Status write_georeferencing(TiffHandle& handle, const std::optional<GeoTransform>& gt,
                            const std::vector<Gcp>& gcps, const std::optional<SpatialRef>& srs,
                            bool pixel_is_point);

}  // namespace rk::gtiff
