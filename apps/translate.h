// `rasterkit translate SRC DST`: gdal_translate's flags and meanings.
// Parsing is separate from running so that usage errors (exit code 2) are
// told apart from runtime failures (exit code 1).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gdalcore/result.h"

namespace rk {

struct ScaleParams {
  bool given = false;
  std::optional<std::pair<double, double>> src;  // absent: computed min/max
  double dst_min = 0, dst_max = 255;
};

struct TranslateOptions {
  std::string source, destination;
  std::string format;                          // -of (empty: from the extension, else GTiff)
  std::string output_type;                     // -ot
  std::vector<std::string> bands;              // -b: "N", "mask" or "mask,N"
  std::string mask;                            // -mask
  std::string expand;                          // -expand gray|rgb|rgba
  std::optional<std::vector<double>> srcwin;   // xoff yoff xsize ysize
  std::optional<std::vector<double>> projwin;  // ulx uly lrx lry
  std::string projwin_srs;
  bool error_partially_outside = false;                        // -epo
  bool error_completely_outside = false;                       // -eco
  std::optional<std::pair<std::string, std::string>> outsize;  // "X[%]" "Y[%]"
  std::optional<std::pair<double, double>> target_resolution;  // -tr
  std::string resampling = "nearest";
  ScaleParams scale;                                     // -scale (all bands)
  std::vector<std::pair<int, ScaleParams>> band_scales;  // -scale_N
  std::optional<double> exponent;
  std::vector<std::pair<int, double>> band_exponents;  // -exponent_N
  bool unscale = false;
  std::string assign_srs;  // -a_srs
  std::optional<std::vector<double>> assign_ullr;
  std::string assign_nodata;  // -a_nodata ("none" removes)
  std::optional<double> assign_scale, assign_offset;
  std::vector<std::string> metadata_items;    // -mo KEY=VALUE
  std::vector<std::string> creation_options;  // -co
  std::vector<std::string> open_options;      // -oo
  std::string cutline;                        // -cutline FILE|WKT
  std::string cutline_srs;                    // -cutline_srs
  bool crop_to_cutline = false;
  bool quiet = false;
  bool stats = false;
  int threads = 0;  // 0: RK_NUM_THREADS or all cores
};

// Parses the arguments after "translate". Errors are usage errors.
Result<TranslateOptions> parse_translate_args(const std::vector<std::string>& args);

// Runs a parsed translation. The output appears under the destination name
// only when complete.
Status run_translate(const TranslateOptions& options);

extern const char kTranslateUsage[];

}  // namespace rk
