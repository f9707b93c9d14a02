// Reading GeoTIFF georeferencing: the affine transform or GCPs from the
// model tags, and the CRS from the GeoKey directory (through libgeotiff for
// the keys and PROJ for the CRS).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <rasterkit/drivers/gtiff/tiff_handle.h>
#include <rasterkit/gdalcore/dataset.h>

namespace rk::gtiff {

struct Georeferencing {
  std::optional<GeoTransform> geo_transform;
  std::vector<Gcp> gcps;
  std::optional<SpatialRef> srs;  // of the geotransform, or of the GCPs
  // "Area" or "Point", from GTRasterTypeGeoKey when the file has GeoKeys.
  std::optional<std::string> area_or_point;
};

// Never fails on unusual keys: what cannot be interpreted is left out with a
// warning (as GDAL does), so the pixels stay readable.
Georeferencing read_georeferencing(TiffHandle& handle);

}  // namespace rk::gtiff
