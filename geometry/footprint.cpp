#include <rasterkit/geometry/footprint.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>

#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/geometry/geos_context.h>
#include <rasterkit/geometry/polygon_parts.h>

namespace rk {

namespace {

using geos::ctx;
using geos::GeomPtr;

struct Rect {
  int64_t x0, y0, x1, y1;
};

// Turns rows of validity flags into rectangles: a run of valid pixels that
// repeats unchanged on the following rows grows one rectangle instead of
// making one per row, so straight-edged areas cost a few rectangles.
class RunMerger {
 public:
  void add_row(const uint8_t* valid, int64_t width, int64_t y) {
    row_.clear();
    for (int64_t x = 0; x < width;) {
      if (!valid[x]) {
        ++x;
        continue;
      }
      const int64_t start = x;
      while (x < width && valid[x]) ++x;
      row_.push_back({start, x, y});
    }
    // Both lists are sorted by x0 and hold disjoint runs: walk them together.
    next_.clear();
    size_t i = 0, j = 0;
    while (i < open_.size() || j < row_.size()) {
      if (j == row_.size() || (i < open_.size() && open_[i].x0 < row_[j].x0)) {
        close(open_[i++], y);
      } else if (i == open_.size() || row_[j].x0 < open_[i].x0) {
        next_.push_back(row_[j++]);
      } else {
        if (open_[i].x1 == row_[j].x1) {
          next_.push_back(open_[i]);
        } else {
          close(open_[i], y);
          next_.push_back(row_[j]);
        }
        ++i;
        ++j;
      }
    }
    open_.swap(next_);
  }

  // Closes every open rectangle at row `y_end` and returns them all.
  std::vector<Rect> finish(int64_t y_end) {
    for (const Run& r : open_) close(r, y_end);
    open_.clear();
    return std::move(rects_);
  }

 private:
  struct Run {
    int64_t x0, x1, y0;
  };
  void close(const Run& r, int64_t y) { rects_.push_back({r.x0, r.y0, r.x1, y}); }

  std::vector<Run> open_, next_, row_;
  std::vector<Rect> rects_;
};

// The union of `rects` (null when there are none).
Result<GeomPtr> union_of(const std::vector<Rect>& rects, const std::string& subject) {
  if (rects.empty()) return GeomPtr();
  std::vector<GEOSGeometry*> parts;
  parts.reserve(rects.size());
  for (const Rect& r : rects) {
    parts.push_back(GEOSGeom_createRectangle_r(ctx(), static_cast<double>(r.x0),
                                               static_cast<double>(r.y0), static_cast<double>(r.x1),
                                               static_cast<double>(r.y1)));
  }
  return polygons::union_all(std::move(parts), subject, "merging the pixel rectangles");
}

// Compares as GDAL's nodata test does: integers exactly, Float32 in single
// precision, NaN equal to NaN.
bool equals_nodata(double v, double nodata, DataType type) {
  if (std::isnan(nodata)) return std::isnan(v);
  if (type == DataType::kFloat32 || type == DataType::kCFloat32) {
    return static_cast<float>(v) == static_cast<float>(nodata);
  }
  return v == nodata;
}

// Where the validity of one band comes from.
struct ValiditySource {
  RasterBand* band;     // the mask band, or the value band with src_nodata
  bool compare_values;  // src_nodata: compare values instead of reading a mask
};

struct Grid {
  int64_t width, height;    // of the level read
  double scale_x, scale_y;  // level pixel -> full-resolution pixel
};

Result<std::vector<ValiditySource>> validity_sources(const Dataset& ds, const FootprintOptions& o,
                                                     Grid* grid, bool* all_valid) {
  const std::string& name = ds.description();
  std::vector<int> bands = o.bands;
  if (bands.empty()) {
    // Every band but an alpha band: alpha is the others' mask, not data.
    for (int b = 1; b <= ds.band_count(); ++b) {
      if (ds.band_count() > 1 && ds.band(b)->color_interp() == ColorInterp::kAlpha) continue;
      bands.push_back(b);
    }
  }
  if (bands.empty()) return Status::invalid_argument(name, "the raster has no band");
  std::vector<ValiditySource> sources;
  int all_valid_count = 0;
  for (int b : bands) {
    RasterBand* band = ds.band(b);
    if (!band) {
      return Status::invalid_argument(name, "band " + std::to_string(b) +
                                                " does not exist (the file has " +
                                                std::to_string(ds.band_count()) + ")");
    }
    if (o.overview) {
      const int k = *o.overview;
      if (k < 0 || k >= band->overview_count()) {
        return Status::invalid_argument(
            name, "overview " + std::to_string(k) + " does not exist (band " + std::to_string(b) +
                      " has " + std::to_string(band->overview_count()) + ")");
      }
      band = band->overview(k);
    }
    ValiditySource s{band, o.src_nodata.has_value()};
    if (!s.compare_values) {
      if (band->mask_flags() & kMaskAllValid) {
        ++all_valid_count;
        if (o.combine == BandCombine::kIntersection) continue;  // changes nothing
      }
      s.band = band->mask_band();
      if (!s.band) return Status::internal(name, "band without a mask band");
    }
    // A per-dataset mask shared by every band is read once.
    const bool seen = std::any_of(sources.begin(), sources.end(), [&](const ValiditySource& v) {
      return v.band == s.band && v.compare_values == s.compare_values;
    });
    if (!seen) sources.push_back(s);
    grid->width = band->x_size();
    grid->height = band->y_size();
  }
  *all_valid = o.combine == BandCombine::kUnion ? all_valid_count > 0
                                                : all_valid_count == static_cast<int>(bands.size());
  grid->scale_x = static_cast<double>(ds.x_size()) / static_cast<double>(grid->width);
  grid->scale_y = static_cast<double>(ds.y_size()) / static_cast<double>(grid->height);
  return sources;
}

// Validity of rows [r0, r1) of the level, combined over the sources.
Status read_validity(const std::vector<ValiditySource>& sources, const FootprintOptions& o,
                     const Grid& grid, int64_t r0, int64_t r1, std::vector<uint8_t>& valid) {
  const int64_t w = grid.width, rows = r1 - r0;
  const size_t n = static_cast<size_t>(w * rows);
  const bool any = o.combine == BandCombine::kUnion;
  valid.assign(n, any ? 0 : 1);
  std::vector<uint8_t> mask(n);
  std::vector<double> values;
  const Window window{0, r0, w, rows};
  for (const ValiditySource& s : sources) {
    if (s.compare_values) {
      values.resize(n);
      RK_RETURN_IF_ERROR(
          s.band->read(window, values.data(), BufferLayout::packed(DataType::kFloat64, w, rows)));
      const DataType type = s.band->data_type();
      for (size_t i = 0; i < n; ++i) {
        mask[i] = static_cast<uint8_t>(!equals_nodata(values[i], *o.src_nodata, type));
      }
    } else {
      RK_RETURN_IF_ERROR(
          s.band->read(window, mask.data(), BufferLayout::packed(DataType::kByte, w, rows)));
    }
    if (any) {
      for (size_t i = 0; i < n; ++i) valid[i] |= static_cast<uint8_t>(mask[i] != 0);
    } else {
      for (size_t i = 0; i < n; ++i) valid[i] &= static_cast<uint8_t>(mask[i] != 0);
    }
  }
  return Status();
}

// Rows per swath: whole blocks of the first source, about a million pixels.
int64_t swath_rows(const std::vector<ValiditySource>& sources, const Grid& grid) {
  const int64_t block = sources.empty() ? 1 : std::max<int64_t>(1, sources[0].band->block_y_size());
  int64_t rows = std::max<int64_t>(1, (int64_t{1} << 20) / std::max<int64_t>(1, grid.width));
  rows = (rows + block - 1) / block * block;
  return std::min(rows, grid.height);
}

// Records the first error of parallel work and whether to stop.
class ErrorSlot {
 public:
  void set(Status st) {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_.ok()) first_ = std::move(st);
    failed_ = true;
  }
  bool failed() const { return failed_; }
  Status take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(first_);
  }

 private:
  std::mutex mu_;
  Status first_;  // guarded by mu_
  std::atomic<bool> failed_{false};
};

void run_parallel(WorkerPool* pool, int64_t count, const std::function<void(int64_t)>& body) {
  if (pool && pool->thread_count() > 1 && count > 1) {
    pool->parallel_for(count, body);
  } else {
    for (int64_t k = 0; k < count; ++k) body(k);
  }
}

// The union of the valid pixels, in level pixel coordinates (null: none).
Result<GeomPtr> valid_area(const Dataset& ds, const std::vector<ValiditySource>& sources,
                           const FootprintOptions& o, const Grid& grid) {
  const std::string& name = ds.description();
  const int64_t rows = swath_rows(sources, grid);
  const int64_t swaths = (grid.height + rows - 1) / rows;
  std::vector<GeomPtr> parts(static_cast<size_t>(swaths));
  ErrorSlot error;
  // Guards the use of the dataset when it is not thread-safe: one thread
  // reads at a time while the others merge rectangles.
  std::mutex read_mu;
  std::mutex progress_mu;  // guards `done` and calls of o.progress
  int64_t done = 0;
  run_parallel(o.pool, swaths, [&](int64_t k) {
    if (error.failed()) return;
    const int64_t r0 = k * rows, r1 = std::min(grid.height, r0 + rows);
    std::vector<uint8_t> valid;
    Status st;
    if (ds.is_thread_safe()) {
      st = read_validity(sources, o, grid, r0, r1, valid);
    } else {
      std::lock_guard<std::mutex> lock(read_mu);
      st = read_validity(sources, o, grid, r0, r1, valid);
    }
    if (!st.ok()) return error.set(std::move(st));
    RunMerger merger;
    for (int64_t r = r0; r < r1; ++r) {
      merger.add_row(valid.data() + (r - r0) * grid.width, grid.width, r);
    }
    valid = {};
    auto merged = union_of(merger.finish(r1), name);
    if (!merged.ok()) return error.set(merged.status());
    parts[static_cast<size_t>(k)] = std::move(merged).value();
    if (o.progress) {
      std::lock_guard<std::mutex> lock(progress_mu);
      ++done;
      if (!o.progress(0.8 * static_cast<double>(done) / static_cast<double>(swaths), "")) {
        error.set(Status::cancelled(name));
      }
    }
  });
  if (error.failed()) return error.take();

  // Neighbouring swaths are merged pairwise, level by level, in parallel.
  std::vector<GeomPtr> level;
  for (GeomPtr& p : parts) {
    if (p) level.push_back(std::move(p));
  }
  while (level.size() > 1) {
    std::vector<GeomPtr> next((level.size() + 1) / 2);
    run_parallel(o.pool, static_cast<int64_t>(level.size() / 2), [&](int64_t k) {
      const auto i = static_cast<size_t>(k);
      GeomPtr u(GEOSUnion_r(ctx(), level[2 * i].get(), level[2 * i + 1].get()));
      if (!u) return error.set(geos::error(name, "merging swaths"));
      level[2 * i].reset();
      level[2 * i + 1].reset();
      next[i] = std::move(u);
    });
    if (error.failed()) return error.take();
    if (level.size() % 2) next.back() = std::move(level.back());
    level = std::move(next);
  }
  if (o.progress && !o.progress(0.9, "")) return Status::cancelled(name);
  if (level.empty()) return GeomPtr();
  return std::move(level[0]);
}

// Maps `g` through `fn` (x, y in place; false: cannot).
Result<GeomPtr> map_points(const GEOSGeometry* g, const std::function<bool(double&, double&)>& fn,
                           const std::string& subject) {
  Geometry copy = Geometry::adopt(GEOSGeom_clone_r(ctx(), g));
  RK_ASSIGN_OR_RETURN(Geometry mapped, copy.map_points(fn, subject));
  return GeomPtr(mapped.release());
}

// The total of points, closing points included.
size_t points_in(const GEOSGeometry* g) {
  const int n = GEOSGetNumCoordinates_r(ctx(), g);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

}  // namespace

Result<Geometry> footprint(const Dataset& ds, const FootprintOptions& o) {
  return no_exceptions(ds.description(), [&]() -> Result<Geometry> {
    const std::string& name = ds.description();
    if (o.target_srs && o.coordinates == FootprintCoordinates::kPixel) {
      return Status::invalid_argument(name, "a target CRS needs georeferenced coordinates");
    }
    if (o.simplify < 0 || o.min_ring_area < 0 || o.densify < 0) {
      return Status::invalid_argument(name, "simplify, min_ring_area and densify must be >= 0");
    }
    Grid grid{ds.x_size(), ds.y_size(), 1, 1};
    bool all_valid = false;
    RK_ASSIGN_OR_RETURN(std::vector<ValiditySource> sources,
                        validity_sources(ds, o, &grid, &all_valid));

    GeomPtr area;
    if (all_valid) {
      // No band can be invalid anywhere: no need to read a pixel.
      area.reset(GEOSGeom_createRectangle_r(ctx(), 0, 0, static_cast<double>(grid.width),
                                            static_cast<double>(grid.height)));
    } else {
      RK_ASSIGN_OR_RETURN(area, valid_area(ds, sources, o, grid));
    }
    if (!area) return Geometry::empty_multipolygon();

    // Vertices where two rectangles met on a straight edge say nothing:
    // a tolerance far below a pixel removes exactly those.
    GeomPtr clean(GEOSTopologyPreserveSimplify_r(ctx(), area.get(), 1e-7));
    if (!clean) return geos::error(name, "cleaning the footprint");
    area = std::move(clean);
    if (!o.keep_holes) {
      RK_ASSIGN_OR_RETURN(area, polygons::without_holes(area.get(), name));
    }

    // Coordinates.
    const double fx = grid.scale_x, fy = grid.scale_y;
    const std::optional<GeoTransform>& gt = ds.geo_transform();
    bool georeferenced = o.coordinates == FootprintCoordinates::kGeoreferenced;
    if (georeferenced && !gt) {
      if (o.target_srs) {
        return Status::invalid_argument(name, "the raster has no geotransform to reproject from");
      }
      emit_warning(name, "no geotransform: the footprint is in pixel coordinates");
      georeferenced = false;
    }
    // Level pixels -> full-resolution pixels -> (geotransform) -> (target CRS).
    std::optional<GeoTransform> affine;
    std::optional<CoordinateTransform> reproject;
    if (georeferenced) {
      affine = *gt;
      if (o.target_srs) {
        if (!ds.spatial_ref()) {
          return Status::invalid_argument(name, "the raster has no CRS to reproject from");
        }
        RK_ASSIGN_OR_RETURN(reproject,
                            CoordinateTransform::create(*ds.spatial_ref(), *o.target_srs));
        // Densified in level pixels so that curved edges stay right: segments
        // of `densify` CRS units, or a hundredth of the raster's larger side.
        const double pixel_size = std::hypot(gt->c[1] * fx, gt->c[4] * fy);
        double step = o.densify > 0 ? o.densify / pixel_size
                                    : static_cast<double>(std::max(grid.width, grid.height)) / 100;
        GeomPtr dense(GEOSDensify_r(ctx(), area.get(), std::max(step, 0.5)));
        if (!dense) return geos::error(name, "densifying the footprint");
        area = std::move(dense);
      }
    }
    if (affine || fx != 1 || fy != 1) {
      RK_ASSIGN_OR_RETURN(area, map_points(
                                    area.get(),
                                    [&](double& x, double& y) {
                                      x *= fx;
                                      y *= fy;
                                      if (!affine) return true;
                                      const auto p = affine->apply(x, y);
                                      x = p.first;
                                      y = p.second;
                                      return !reproject || reproject->transform(x, y).ok();
                                    },
                                    name));
    }

    if (o.min_ring_area > 0) {
      RK_ASSIGN_OR_RETURN(area, polygons::without_small_rings(area.get(), o.min_ring_area, name));
    }
    if (o.convex_hull && !GEOSisEmpty_r(ctx(), area.get())) {
      GeomPtr hull(GEOSConvexHull_r(ctx(), area.get()));
      if (!hull) return geos::error(name, "convex hull");
      area = std::move(hull);
    }
    if (o.simplify > 0) {
      GeomPtr s(GEOSTopologyPreserveSimplify_r(ctx(), area.get(), o.simplify));
      if (!s) return geos::error(name, "simplify");
      area = std::move(s);
    }
    if (o.max_points > 0 && points_in(area.get()) > o.max_points) {
      // Grow the tolerance from a millionth of the extent until it fits (or
      // the tolerance passes the extent: many islands cannot get fewer points).
      double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      GEOSGeom_getExtent_r(ctx(), area.get(), &x0, &y0, &x1, &y1);
      const double extent = std::hypot(x1 - x0, y1 - y0);
      GeomPtr best;
      for (double tol = extent * 1e-6; tol <= extent; tol *= 2) {
        GeomPtr s(GEOSTopologyPreserveSimplify_r(ctx(), area.get(), tol));
        if (!s) return geos::error(name, "simplify");
        const bool fits = points_in(s.get()) <= o.max_points;
        best = std::move(s);
        if (fits) break;
      }
      if (best) area = std::move(best);
    }
    if (o.progress && !o.progress(1.0, "")) return Status::cancelled(name);
    RK_ASSIGN_OR_RETURN(GeomPtr multi, polygons::as_multipolygon(area.get(), name));
    return Geometry::adopt(multi.release());
  });
}

}  // namespace rk
