// `rasterkit footprint SRC [DST]`: the polygons covering a raster's valid
// pixels (gdal_footprint's flags), as GeoJSON or WKT. Parsing is separate
// from running so that usage errors (exit code 2) are told apart from
// runtime failures (exit code 1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gdalcore/result.h"

namespace rk {

struct FootprintArgs {
  std::string source;
  std::string destination;  // empty or "-": standard output
  std::string format;       // GeoJSON or WKT (empty: from the extension, else GeoJSON)
  std::vector<int> bands;   // -b
  std::string combine = "union";
  std::optional<double> src_nodata;
  std::optional<int> overview;  // -ovr
  std::string coordinates = "georef";
  std::string target_srs;
  double densify = 0;
  double simplify = 0;
  double min_ring_area = 0;
  size_t max_points = 100;  // gdal_footprint's default; 0: unlimited
  bool convex_hull = false;
  bool no_holes = false;
  bool split_polys = false;
  std::string layer_name = "footprint";
  std::vector<std::string> open_options;
  bool quiet = false;
  int threads = 0;
};

// Parses the arguments after "footprint". Errors are usage errors.
Result<FootprintArgs> parse_footprint_args(const std::vector<std::string>& args);

// Computes and writes the footprint. A file destination appears only when
// complete.
Status run_footprint(const FootprintArgs& args);

extern const char kFootprintUsage[];

}  // namespace rk
