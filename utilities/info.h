// rk::info: gdalinfo as a library call. It describes a dataset — driver,
// size, CRS, geotransform, GCPs, metadata, corners, and per band its type,
// block size, nodata, overviews, mask and properties — and, when asked,
// computes statistics, histograms and checksums. The report is a plain
// struct; to_text() renders it as gdalinfo prints it, to_json() as
// gdalinfo -json does.
//
//   rk::InfoOptions o;
//   o.compute_stats = true;
//   auto report = rk::info(*ds, o);
//   if (report.ok()) std::cout << report->to_text();
//
// Statistics and histograms computed for a file are saved beside it in
// FILE.aux.xml, as gdalinfo does, unless saving is off
// (InfoOptions::save_statistics, RK_PAM_ENABLED / GDAL_PAM_ENABLED=NO).
//
// Threading: info() may run in several threads at once on different
// datasets; a thread-safe dataset is read by `threads` workers.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/gdalcore/statistics.h>
#include <rasterkit/utilities/command_line.h>

namespace rk {

// gdalinfo's flags, one field each.
struct RK_API InfoOptions {
  bool json = false;             // -json
  bool show_metadata = true;     // -nomd turns it off
  bool show_color_table = true;  // -noct
  bool show_gcps = true;         // -nogcp
  bool show_rat = true;          // -norat (rasterkit has no attribute tables)
  bool all_files = true;         // -nofl: only the first file
  bool compute_stats = false;    // -stats / -approx_stats
  bool approx_stats = false;
  bool compute_min_max = false;            // -mm
  bool histogram = false;                  // -hist
  bool checksum = false;                   // -checksum
  bool proj4 = false;                      // -proj4
  std::string wkt_format = "WKT2";         // -wkt_format
  std::vector<std::string> extra_domains;  // -mdd DOMAIN (or "all")
  bool save_statistics = true;             // computed statistics and histograms go to FILE.aux.xml
  int threads = 0;                         // --threads (0: RK_NUM_THREADS or every core)
};

// Builds options from gdalinfo's flags (everything but the file name when
// `extras` is null). Errors are usage errors naming the flag.
RK_API Result<InfoOptions> parse_info_options(const std::vector<std::string>& args,
                                              CommandLineExtras* extras = nullptr);

struct RK_API InfoOverview {
  int64_t x_size = 0, y_size = 0;
  std::optional<int> checksum;  // -checksum (-1: the overview could not be read)
};

struct RK_API InfoBand {
  int number = 0;
  int64_t block_x = 0, block_y = 0;
  DataType type = DataType::kByte;
  ColorInterp color_interp = ColorInterp::kUndefined;
  std::string description;
  // Statistics kept with the file (its metadata, FILE.aux.xml): gdalinfo's
  // "Min=... Max=..." line.
  std::optional<std::pair<double, double>> stored_min_max;
  std::optional<std::pair<double, double>> computed_min_max;  // -mm
  std::optional<BandStatistics> statistics;                   // computed, or stored
  std::optional<Histogram> histogram;                         // -hist
  bool histogram_computed = false;  // computed now, not kept with the file (text shows progress)
  bool histogram_failed = false;    // -hist found no usable range (text shows progress start)
  std::optional<int> checksum;      // -checksum
  std::optional<double> nodata;
  std::optional<int64_t> nodata_int64;    // Int64 bands
  std::optional<uint64_t> nodata_uint64;  // UInt64 bands
  std::vector<InfoOverview> overviews;
  int mask_flags = 0;
  std::vector<InfoOverview> mask_overviews;
  std::optional<double> offset, scale;
  std::string unit;
  Metadata metadata;  // with the STATISTICS_* items of computed statistics
  std::optional<ColorTable> color_table;
  std::vector<std::string> category_names;
};

struct RK_API InfoCorner {
  const char* text_name;  // "Upper Left"
  const char* json_name;  // "upperLeft"
  double pixel = 0, line = 0;
  double x = 0, y = 0;  // georeferenced (pixel/line without a geotransform)
  std::optional<std::pair<double, double>> geographic;  // longitude, latitude
};

struct RK_API InfoReport {
  InfoOptions options;  // what was asked: the renderings follow it
  std::string description;
  std::string driver_short_name, driver_long_name;
  std::vector<std::string> files;
  int64_t x_size = 0, y_size = 0;
  std::optional<SpatialRef> spatial_ref;
  std::optional<std::string> srs_wkt;  // in options.wkt_format
  std::string srs_proj4;
  std::vector<int> axis_mapping;
  std::optional<GeoTransform> geo_transform;
  std::vector<Gcp> gcps;
  std::optional<std::string> gcp_srs_wkt;
  std::vector<int> gcp_axis_mapping;
  Metadata metadata;
  std::vector<InfoCorner> corners;  // upper left, lower left, upper right, lower right, center
  // The outline in WGS 84 longitude/latitude (gdalinfo -json's
  // wgs84Extent), when the dataset is georeferenced with a CRS.
  std::optional<std::vector<std::pair<double, double>>> wgs84_extent;
  std::vector<InfoBand> bands;

  std::string to_text() const;  // gdalinfo's text
  std::string to_json() const;  // gdalinfo -json's document
  // to_json() with options.json, else to_text().
  std::string to_string() const { return options.json ? to_json() : to_text(); }
};

// Describes `dataset`. Errors are those of computing statistics and
// histograms (a band whose pixels cannot be read gets checksum -1 and a
// warning, as with gdalinfo) and of rendering the CRS.
RK_API Result<InfoReport> info(const Dataset& dataset, const InfoOptions& options = {});

// GDAL's degree-minute-second form: "117d38'28.21\"W" (`axis` "Long" or "Lat").
RK_API std::string format_dms(double degrees, const char* axis);

}  // namespace rk
