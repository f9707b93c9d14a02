// GeoKeys -> CRS (see gtiff_geokeys_crs.cpp). Private to the driver.
#pragma once

#include <geo_normalize.h>
#include <geotiff.h>
#include <proj.h>

#include <optional>
#include <string>

#include <rasterkit/gdalcore/spatial_ref.h>

namespace rk::gtiff {

// The CRS the keys of `gtif` (normalised as `defn`) describe; nullopt (with
// a warning naming `path`) when they describe none rasterkit can build.
// `ctx` is the calling thread's PROJ context.
std::optional<SpatialRef> crs_from_geokeys(PJ_CONTEXT* ctx, GTIF* gtif, const GTIFDefn& defn,
                                           const std::string& path);

}  // namespace rk::gtiff
