// rk::translate: gdal_translate as a library call — convert a raster to
// another format or type, cut a window out of it, resample it, rescale it,
// and override its properties, writing a new dataset.
//
//   rk::TranslateOptions o;
//   o.output_type = "Byte";
//   o.scale = rk::ScaleParams{true, std::make_pair(0.0, 4095.0), 0, 255};
//   auto written = rk::translate(*src, "out.tif", o);
//
// or, with a user's gdal_translate flags:
//
//   auto o = rk::parse_translate_options({"-ot", "Byte", "-scale", "0", "4095"});
//
// The output appears under its name only when complete: a failed or
// cancelled translate leaves no file and an existing file untouched.
//
// Threading: translate() may run in several threads at once on different
// sources. The source is read by the calling thread and, when it is a
// thread-safe dataset, by `threads` workers too.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/utilities/command_line.h>

namespace rk {

// -scale [SRC_MIN SRC_MAX [DST_MIN DST_MAX]]: a linear map of the source
// range onto the destination range.
struct RK_API ScaleParams {
  bool given = false;
  std::optional<std::pair<double, double>> src;  // absent: the band's approximate min/max
  // Without a destination range gdal_translate maps onto [0, 255.999], so
  // that after rounding each of the 256 byte values gets an equal share.
  double dst_min = 0, dst_max = 255.999;
};

// gdal_translate's flags, one field each (the flag is named beside it).
struct RK_API TranslateOptions {
  std::string format;                          // -of (empty: from the extension, else GTiff)
  std::string output_type;                     // -ot (empty: the source's types)
  std::vector<std::string> bands;              // -b: "N", "mask" or "mask,N", in output order
  std::string mask;                            // -mask (only "none" and "auto" are accepted)
  std::string expand;                          // -expand gray|rgb|rgba
  std::optional<std::vector<double>> srcwin;   // -srcwin XOFF YOFF XSIZE YSIZE
  std::optional<std::vector<double>> projwin;  // -projwin ULX ULY LRX LRY
  std::string projwin_srs;                     // -projwin_srs
  bool error_partially_outside = false;        // -epo
  // -q: as gdal_translate, no "partially outside" warning (errors still).
  bool quiet = false;
  bool error_completely_outside = false;                       // -eco
  std::optional<std::pair<std::string, std::string>> outsize;  // -outsize "X[%]" "Y[%]"
  std::optional<std::pair<double, double>> target_resolution;  // -tr XRES YRES
  std::string resampling = "nearest";                          // -r
  ScaleParams scale;                                           // -scale (every band)
  std::vector<std::pair<int, ScaleParams>> band_scales;        // -scale_N
  std::optional<double> exponent;                              // -exponent
  std::vector<std::pair<int, double>> band_exponents;          // -exponent_N
  bool unscale = false;                                        // -unscale
  std::string assign_srs;                                      // -a_srs ("None" removes)
  std::optional<std::vector<double>> assign_ullr;              // -a_ullr ULX ULY LRX LRY
  std::string assign_nodata;                                   // -a_nodata VALUE|none
  std::optional<double> assign_scale, assign_offset;           // -a_scale, -a_offset
  std::vector<std::string> metadata_items;                     // -mo KEY=VALUE
  std::vector<std::string> creation_options;                   // -co NAME=VALUE
  std::string cutline;                                         // -cutline FILE|WKT
  std::string cutline_srs;                                     // -cutline_srs
  bool crop_to_cutline = false;                                // -crop_to_cutline
  bool stats = false;                                          // -stats
  // -colorinterp NAME,... (bands 1, 2, ...) and -colorinterp_N NAME: an
  // output band's colour interpretation.
  std::map<int, ColorInterp> color_interps;
  bool no_gcps = false;  // -nogcp: the source's GCPs are not copied
  bool no_xmp = false;   // -noxmp
  int threads = 0;       // --threads (0: the NUM_THREADS creation option, else RK_NUM_THREADS)
};

// The number of threads translate() reads, resamples and compresses with:
// --threads, else the NUM_THREADS creation option, else RK_NUM_THREADS or
// every core. A command line opens its source thread-safe when it is > 1.
RK_API int translate_thread_count(const TranslateOptions& options);

// Builds options from gdal_translate's flags (everything but the file
// names when `extras` is null). Errors are usage errors naming the flag.
RK_API Result<TranslateOptions> parse_translate_options(const std::vector<std::string>& args,
                                                        CommandLineExtras* extras = nullptr);

// Writes `src`, as `options` say, to `destination` and returns the written
// dataset, open for reading (for the MEM format: the dataset itself).
// Nothing is created, and `progress` is not called, until the destination
// could be created; progress then runs from 0 to 1 and returning false
// cancels (a kCancelled error, no file left). Errors name the file or the
// flag at fault.
RK_API Result<std::unique_ptr<Dataset>> translate(const Dataset& src,
                                                  const std::string& destination,
                                                  const TranslateOptions& options,
                                                  const ProgressFn& progress = nullptr);

}  // namespace rk
