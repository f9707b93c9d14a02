// Cutlines: which pixels of a grid lie inside a polygon — `rasterkit
// translate -cutline`, and the same for C++ callers.
//
// A pixel is inside when its centre is (GDAL's rule for cutlines and
// rasterization). CutlineMask::fill() classifies a whole window at once
// with a GEOS prepared geometry (entirely inside or entirely outside: no
// per-pixel work) and otherwise walks the window row by row, crossing the
// polygon's edges at each row's pixel centres (a scanline, not a GEOS call
// per pixel).
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/geometry/geometry.h>

namespace rk {

class RK_API CutlineMask {
 public:
  // `polygon`: a Polygon or MultiPolygon (or a collection of them) in the
  // pixel/line coordinates of the grid, where pixel (i, j) has its centre at
  // (i + 0.5, j + 0.5). An invalid polygon is an error (see
  // prepare_cutline() to repair one first); so is one without area.
  static Result<CutlineMask> create(const Geometry& polygon);

  // mask[r * stride + c] = 255 if the centre of pixel (window.x + c,
  // window.y + r) lies inside the polygon, else 0. Safe to call from several
  // threads at once (each call uses its own GEOS objects).
  Status fill(const Window& window, uint8_t* mask, int64_t stride) const;

  // The polygon's bounding box, in pixel/line coordinates.
  const Envelope& bounds() const { return bounds_; }

 private:
  // One non-horizontal edge: x at y_min, and how x changes with y.
  struct Edge {
    double y_min, y_max, x_at_y_min, dx_dy;
  };
  CutlineMask() = default;

  std::vector<Edge> edges_;  // sorted by y_min; immutable after create()
  std::string wkb_;          // the polygon, re-read by each fill() call
  Envelope bounds_;
};

// What a cutline given by a user becomes before it can mask a raster.
struct RK_API CutlineOptions {
  // The CRS the geometry is in; null: the raster's own.
  std::optional<SpatialRef> srs;
  // Repair an invalid polygon with GEOS make-valid (and warn), instead of
  // refusing it.
  bool repair = true;
  // Longest segment before reprojection, in `srs` units; 0: a two-hundredth
  // of the cutline's larger side.
  double densify = 0;
};

// Checks `cutline` (polygonal, non-empty, valid or repaired) and maps it to
// `dataset`'s pixel/line coordinates: reprojected from options.srs into the
// raster's CRS (edges densified first) and through the inverse geotransform.
// A raster without a geotransform takes the cutline as pixel coordinates.
// Errors name `subject` (the cutline's file or "cutline").
RK_API Result<Geometry> cutline_to_pixels(const Geometry& cutline, const Dataset& dataset,
                                          const CutlineOptions& options,
                                          const std::string& subject = "cutline");

}  // namespace rk
