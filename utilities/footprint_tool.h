// rk::footprint_document: gdal_footprint as a library call — the polygons
// covering a raster's valid pixels as a GeoJSON FeatureCollection or WKT,
// with gdal_footprint's options. (rk::footprint, in <rasterkit/geometry/
// footprint.h>, returns the geometry itself.)
//
//   auto o = rk::parse_footprint_options({"-t_srs", "EPSG:4326", "-max_points", "unlimited"});
//   auto doc = rk::footprint_document(*ds, *o);
//
// Threading: as rk::footprint.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <string>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/geometry/footprint.h>
#include <rasterkit/utilities/command_line.h>

namespace rk {

// gdal_footprint's flags.
struct RK_API FootprintToolOptions {
  FootprintToolOptions() { geometry.max_points = 100; }  // gdal_footprint's default

  // -b, -combine_bands, -srcnodata, -ovr, -t_cs, -densify, -simplify,
  // -min_ring_area, -max_points, -convex_hull, -no_holes. Its target_srs,
  // pool and progress are set by footprint_document().
  FootprintOptions geometry;
  std::string target_srs;                // -t_srs (empty: the raster's CRS)
  std::string format;                    // -of GeoJSON|WKT (empty: GeoJSON)
  bool split_polys = false;              // -split_polys: a feature (or line) per polygon
  std::string layer_name = "footprint";  // -lyr_name
  std::string location;  // each feature's "location" property (empty: the dataset's path)
  int threads = 0;       // --threads (0: RK_NUM_THREADS or every core)
};

// Builds options from gdal_footprint's flags (everything but the file
// names when `extras` is null). Errors are usage errors naming the flag.
RK_API Result<FootprintToolOptions> parse_footprint_options(const std::vector<std::string>& args,
                                                            CommandLineExtras* extras = nullptr);

// The footprint of `src` as a GeoJSON FeatureCollection (one feature, or
// one per polygon with split_polys; a "crs" member naming the EPSG code
// unless WGS 84) or as WKT (one line per geometry). Progress runs from 0 to
// 1; returning false cancels.
RK_API Result<std::string> footprint_document(const Dataset& src,
                                              const FootprintToolOptions& options,
                                              const ProgressFn& progress = nullptr);

// footprint_document() written to `destination` (WKT when options.format
// is empty and the name ends in .wkt). The file appears only when
// complete: a failure leaves no partial file and an existing one untouched.
RK_API Status write_footprint(const Dataset& src, const std::string& destination,
                              const FootprintToolOptions& options,
                              const ProgressFn& progress = nullptr);

}  // namespace rk
