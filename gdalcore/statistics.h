// Band statistics and histograms, as gdalinfo -stats / -mm / -hist compute
// them: nodata values and NaNs are left out; the standard deviation is the
// population one; approximate statistics read a reduced overview or a sample
// of blocks (GDAL's rules) instead of every pixel.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <rasterkit/gdalcore/metadata.h>
#include <rasterkit/gdalcore/raster_band.h>

namespace rk {

class WorkerPool;

struct RK_API BandStatistics {
  double min = 0;
  double max = 0;
  double mean = 0;
  double stddev = 0;
  uint64_t valid_count = 0;    // pixels counted
  uint64_t sample_count = 0;   // pixels looked at (valid or not)
  bool from_overview = false;  // approximate: computed on a reduced overview
};

// The STATISTICS_* metadata items GDAL keeps for `s`, with GDAL 3.6's
// names, order and number formats: STATISTICS_APPROXIMATE=YES (when
// `approximate`), _MAXIMUM, _MEAN, _MINIMUM, _STDDEV (%.14g) and
// _VALID_PERCENT (%.4g of valid / sampled pixels; 99.999 rather than a
// rounded 100 when some pixel was invalid).
RK_API Metadata::Items statistics_metadata_items(const BandStatistics& s, bool approximate);

// `items` without the STATISTICS_* ones (which statistics_metadata_items
// replaces).
RK_API Metadata::Items without_statistics(const Metadata::Items& items);

// A metadata item read as a number (leading text strtod accepts), if it is
// one.
RK_API std::optional<double> metadata_number(const Metadata& md, std::string_view key);

// The minimum and maximum a band carries in its STATISTICS_MINIMUM and
// _MAXIMUM metadata (GDAL's GetMinimum/GetMaximum), if both are numbers.
RK_API std::optional<std::pair<double, double>> stored_min_max(const RasterBand& band);

struct RK_API StatisticsOptions {
  // Read a reduced overview (the smallest with at least 2500 pixels) or,
  // without one, every k-th block (k = sqrt(block count)), as GDAL does.
  bool approx = false;
  // Rows are shared among the pool's threads when the band's dataset may be
  // used by several threads at once (Dataset::is_thread_safe()); otherwise
  // rows are read in the calling thread, their blocks decoded on the pool
  // when the driver can (RasterIOOptions::pool).
  WorkerPool* pool = nullptr;
  ProgressFn progress;
};

// Fails with kNotFound (subject: the dataset) when every pixel is nodata.
RK_API Result<BandStatistics> compute_statistics(RasterBand& band,
                                                 const StatisticsOptions& options = {});

// Counts of values in `buckets` equal buckets over [min, max]. Values
// outside are not counted, or, with `include_out_of_range`, counted in the
// first or last bucket (as gdalinfo -hist does). Same pixel choice as
// compute_statistics().
RK_API Result<Histogram> compute_histogram(RasterBand& band, double min, double max, int buckets,
                                           const StatisticsOptions& options = {},
                                           bool include_out_of_range = false);

// gdalinfo -hist's range for a band: [-0.5, 255.5] for Byte,
// [-128.5, 127.5] for Int8, otherwise the statistics' [min, max] widened by
// half of one of 256 buckets at each end. An error when min == max (no
// bucket has a width).
RK_API Result<std::pair<double, double>> default_histogram_range(const RasterBand& band,
                                                                 const BandStatistics* stats);

// gdalinfo -hist's histogram: 256 buckets over default_histogram_range(),
// values outside counted in the end buckets. `known`: statistics for the
// range (null: computed, approximately as gdalinfo does).
RK_API Result<Histogram> compute_default_histogram(RasterBand& band,
                                                   const StatisticsOptions& options = {},
                                                   const BandStatistics* known = nullptr);

}  // namespace rk
