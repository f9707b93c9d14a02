// PAM: the FILE.aux.xml side-car in which GDAL keeps what a format cannot
// store itself — statistics and histograms computed for a read-only file,
// metadata, band properties, and georeferencing overrides. rasterkit reads
// what GDAL writes there and writes what gdalinfo -stats / -hist write, in
// GDAL's layout, so either tool reads the other's side-cars.
//
// Reading: drivers that keep side-cars (GTiff) lay a file's PAM over what
// they read from the file itself when it is opened; the rules of which
// value wins are GDAL's (Dataset::apply_pam). Writing: rk::info saves the
// statistics and histograms it computes (save_pam_statistics).
//
// Setting: RK_PAM_ENABLED (or GDAL's GDAL_PAM_ENABLED) = NO turns side-cars
// off: none is read, listed or written. Read once at rk::register_all().
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/geo_transform.h>
#include <rasterkit/gdalcore/metadata.h>
#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/gdalcore/spatial_ref.h>
#include <rasterkit/gdalcore/statistics.h>
#include <rasterkit/gdalcore/xml.h>

namespace rk {

// A histogram as PAM keeps it (<HistItem>).
struct RK_API PamHistogram {
  Histogram histogram;
  bool include_out_of_range = false;
  bool approximate = false;
};

// What a <PAMRasterBand> holds. Absent values leave the file's own.
struct RK_API PamBand {
  int number = 0;  // 1-based
  std::optional<std::string> description;
  std::optional<double> nodata;
  std::optional<std::string> unit;
  std::optional<double> offset, scale;
  std::optional<ColorInterp> color_interp;
  std::optional<ColorTable> color_table;
  std::vector<PamHistogram> histograms;  // the first is the default one
  // A <HistItem> was there but could not be read: gdalinfo then reports
  // no histogram rather than computing one.
  bool unreadable_histogram = false;
  std::vector<std::string> category_names;
  Metadata metadata;
  std::vector<XmlNode> other;  // elements rasterkit does not use, kept on rewrite
};

// What a <PAMDataset> holds.
struct RK_API PamDataset {
  // <SRS>: present means it overrides the file's CRS; an empty or
  // unreadable one (nullopt inside) removes it, as with GDAL.
  std::optional<std::optional<SpatialRef>> srs;
  std::optional<XmlNode> srs_element;  // as written, for rewriting
  std::optional<GeoTransform> geo_transform;
  Metadata metadata;
  std::vector<PamBand> bands;
  std::vector<XmlNode> other;

  PamBand* band(int number);
  const PamBand* band(int number) const;
  PamBand& band_or_new(int number);
};

// GDAL's side-car name for a dataset: PATH.aux.xml.
RK_API std::string pam_path(const std::string& dataset_path);

// Reads `dataset_path`'s side-car: nullopt when there is none, side-cars
// are off, or the file is not valid XML (a warning says so).
RK_API std::optional<PamDataset> load_pam(const std::string& dataset_path);

// Parses a side-car's text (`subject` names it in errors).
RK_API Result<PamDataset> parse_pam(std::string_view text, const std::string& subject);
// The side-car's text, in GDAL's layout: metadata items sorted ignoring
// case, numbers as GDAL formats them.
RK_API std::string format_pam(const PamDataset& pam);

// Statistics and the default histogram computed for one band.
struct RK_API PamBandUpdate {
  int number = 0;
  std::string description;  // the band's own, written as GDAL writes it (empty: none)
  std::optional<Metadata::Items> statistics;  // replaces the STATISTICS_* items
  std::optional<PamHistogram> histogram;      // becomes the default histogram
};

// Merges `updates` into `dataset_path`'s side-car (created if needed),
// written atomically. Does nothing when side-cars are off. An error names
// the side-car; gdalinfo reports it as a warning and goes on.
// Side-car bands past `band_count` are dropped, as GDAL drops them.
RK_API Status save_pam_statistics(const std::string& dataset_path, int band_count,
                                  const std::vector<PamBandUpdate>& updates);

// Side-cars on or off (RK_PAM_ENABLED / GDAL_PAM_ENABLED; default on).
RK_API bool pam_enabled();
RK_API void set_pam_enabled(bool enabled);

}  // namespace rk
