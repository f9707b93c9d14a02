// TranslateView: the read-only dataset `rasterkit translate` copies from —
// a window of a source dataset, resampled to the output size, with bands
// chosen, expanded, rescaled and converted, and properties overridden. Like
// GDAL's in-memory VRT, nothing is computed until pixels are read; the
// driver's create_copy() then writes it like any other dataset.
//
// Output blocks are whole rows of the output; each is computed in row
// pieces spread over a WorkerPool when the source may be read from several
// threads at once (a thread-safe dataset).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/geometry/cutline.h>

namespace rk {

class WorkerPool;

struct ViewBandSpec {
  // kCutlineAlpha: 255 inside the cutline, 0 outside.
  enum class Source { kBand, kMask, kPaletteEntry, kCutlineAlpha };
  Source source = Source::kBand;
  int src_band = 1;   // 1-based source band (its mask, or its palette)
  int component = 0;  // kPaletteEntry: 0 red, 1 green, 2 blue, 3 alpha
  DataType type = DataType::kByte;

  // Linear rescaling (-scale), optionally with an exponent (-exponent,
  // which also clips to the source range).
  bool scale = false;
  double src_min = 0, src_max = 0, dst_min = 0, dst_max = 0;
  std::optional<double> exponent;
  // -unscale: value * scale + offset.
  std::optional<std::pair<double, double>> unscale;  // (scale, offset)
  // Whether a kernel's results on an integer band are rounded and clamped
  // to the band's type before they are converted to the output type
  // (GDAL's per-band reads), or computed in the output type (GDAL's
  // dataset reads: doc/design/resampling.md).
  bool kernel_in_source_type = true;

  // Properties of the output band.
  std::optional<double> nodata;
  ColorInterp color_interp = ColorInterp::kUndefined;
  std::optional<ColorTable> color_table;
  std::optional<double> value_scale, value_offset;
  std::string unit;
  std::string description;
  Metadata metadata;
};

struct ViewSpec {
  int64_t width = 0, height = 0;  // output size
  // gdal_translate's VRT source: `source_window` (source pixels; may reach
  // outside the source raster) maps onto the output's top left
  // dest_width x dest_height pixels (fractional with -tr; 0: the output
  // size).
  WindowF source_window;
  double dest_width = 0, dest_height = 0;
  Resampling resampling = Resampling::kNearest;
  // Whether gdal_translate's VRT hands the bands to a pixel-interleaved
  // source dataset together. That dataset read samples the fractional
  // window with nearest neighbour, whatever the kernel, where the
  // whole-pixel request is as many pixels as the output span and starts
  // where the fractional window does: on the band, or, for a read reduced
  // along both axes, on the overview it takes, the request moved there
  // (doc/design/resampling.md).
  bool nearest_for_aligned_requests = false;
  std::vector<ViewBandSpec> bands;
  std::optional<GeoTransform> geo_transform;
  std::optional<SpatialRef> spatial_ref;
  std::vector<Gcp> gcps;
  std::optional<SpatialRef> gcp_spatial_ref;
  Metadata metadata;
  // Output pixels whose centre lies outside it get each band's nodata (or
  // 0); null: no cutline.
  std::shared_ptr<const CutlineMask> cutline;
};

class TranslateView : public Dataset {
 public:
  // `source` must outlive the view; `pool` may be null (one thread).
  // `cache` (null: the global one) holds the view's own computed blocks;
  // each is read once by the copy, so a small private cache keeps them
  // from crowding the global one.
  TranslateView(const Dataset& source, ViewSpec spec, WorkerPool* pool,
                BlockCache* cache = nullptr);
  ~TranslateView() override;

  const ViewSpec& spec() const { return spec_; }
  const Dataset& source() const { return source_; }
  WorkerPool* pool() const { return pool_; }

  // Sets band metadata before the view is copied (statistics of the output).
  void set_band_metadata(int band, Metadata md);

 private:
  const Dataset& source_;
  ViewSpec spec_;
  WorkerPool* pool_;
};

}  // namespace rk
