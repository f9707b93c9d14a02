// Footprints: the polygons covering the valid pixels of a raster — what
// `rasterkit footprint` prints, and the answer to "where in this raster is
// there real data?".
//
// A pixel is valid when its band's mask says so (GDAL's mask semantics: not
// nodata, not masked by a mask band, alpha not 0), combined over the chosen
// bands. Valid pixels are gathered into runs along each row, runs repeated
// on following rows into rectangles, and the rectangles merged with GEOS's
// unary union; the raster is read in swaths of block rows, so it may be
// larger than memory, and swaths are merged on a worker pool.
//
// Thread safety: footprint() may be called from several threads at once on
// different datasets (each thread uses its own GEOS context). The dataset is
// used by one thread at a time unless it is thread-safe.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <optional>
#include <vector>

#include <rasterkit/gdalcore/dataset.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/gdalcore/spatial_ref.h>
#include <rasterkit/geometry/geometry.h>

namespace rk {

class WorkerPool;

enum class BandCombine {
  kUnion,         // valid where any chosen band is valid
  kIntersection,  // valid where every chosen band is valid
};

enum class FootprintCoordinates {
  kGeoreferenced,  // through the geotransform, in the raster's CRS (or target_srs)
  kPixel,          // full-resolution pixel/line (0,0 = top-left corner)
};

struct RK_API FootprintOptions {
  std::vector<int> bands;  // 1-based; empty: every band but an alpha band
  BandCombine combine = BandCombine::kUnion;
  // Treat this value as nodata in every chosen band instead of the bands'
  // masks (gdal_footprint's -srcnodata).
  std::optional<double> src_nodata;
  // Read overview `overview` (0 = the first, largest one) instead of the
  // full resolution: faster, coarser. Coordinates stay full-resolution.
  std::optional<int> overview;

  FootprintCoordinates coordinates = FootprintCoordinates::kGeoreferenced;
  // Reproject to this CRS (georeferenced coordinates only). Edges are
  // densified first so that curved boundaries stay right.
  std::optional<SpatialRef> target_srs;
  // Longest segment before reprojection, in the raster's CRS units;
  // 0: a hundredth of the raster's larger side.
  double densify = 0;

  // Holes are kept unless this is false.
  bool keep_holes = true;
  // Rings (outer or inner) smaller than this area are dropped, in output
  // units squared (square pixels with kPixel).
  double min_ring_area = 0;
  bool convex_hull = false;
  // GEOS topology-preserving simplification tolerance, in output units
  // (0: none).
  double simplify = 0;
  // At most this many points in the result (0: no limit): simplified with
  // a growing tolerance until it fits.
  size_t max_points = 0;

  // Swaths are read and merged on this pool (null: the calling thread).
  WorkerPool* pool = nullptr;
  ProgressFn progress;
};

// The footprint as a MultiPolygon (empty when no pixel is valid). Errors
// name the dataset: bands or overviews that do not exist, a reprojection
// without a CRS, a cancelled progress callback.
RK_API Result<Geometry> footprint(const Dataset& dataset, const FootprintOptions& options = {});

}  // namespace rk
