#include <rasterkit/geometry/cutline.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/geometry/geos_context.h>
#include <rasterkit/geometry/polygon_parts.h>

namespace rk {

namespace {

using geos::ctx;
using geos::GeomPtr;

// The edges of one ring, horizontal ones left out (a scanline through a
// pixel centre never runs along them: the half-open rule below decides).
template <typename Add>
void ring_edges(const GEOSGeometry* ring, Add add) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx(), ring);
  unsigned n = 0;
  if (!seq || !GEOSCoordSeq_getSize_r(ctx(), seq, &n) || n < 2) return;
  double px = 0, py = 0;
  GEOSCoordSeq_getXY_r(ctx(), seq, 0, &px, &py);
  for (unsigned i = 1; i < n; ++i) {
    double x = 0, y = 0;
    GEOSCoordSeq_getXY_r(ctx(), seq, i, &x, &y);
    if (y != py) add(px, py, x, y);
    px = x;
    py = y;
  }
}

}  // namespace

Result<CutlineMask> CutlineMask::create(const Geometry& polygon) {
  const GEOSGeometry* g = polygon.geos();
  std::vector<GeomPtr> polys = polygons::polygons_of(g);
  if (polys.empty()) return Status::invalid_argument("cutline", "the polygon has no area");
  if (!polygon.is_valid()) {
    return Status::invalid_argument("cutline",
                                    "not a valid polygon (" + polygon.invalid_reason() + ")");
  }
  CutlineMask m;
  bool first = true;
  for (const GeomPtr& p : polys) {
    auto add = [&m, &first](double x0, double y0, double x1, double y1) {
      const bool up = y0 < y1;
      const double ya = up ? y0 : y1, yb = up ? y1 : y0, xa = up ? x0 : x1, xb = up ? x1 : x0;
      m.edges_.push_back({ya, yb, xa, (xb - xa) / (yb - ya)});
      Envelope& e = m.bounds_;
      if (first) e = {std::min(x0, x1), ya, std::max(x0, x1), yb};
      e = {std::min({e.min_x, x0, x1}), std::min(e.min_y, ya), std::max({e.max_x, x0, x1}),
           std::max(e.max_y, yb)};
      first = false;
    };
    ring_edges(GEOSGetExteriorRing_r(ctx(), p.get()), add);
    const int holes = GEOSGetNumInteriorRings_r(ctx(), p.get());
    for (int i = 0; i < holes; ++i) ring_edges(GEOSGetInteriorRingN_r(ctx(), p.get(), i), add);
  }
  std::sort(m.edges_.begin(), m.edges_.end(),
            [](const Edge& a, const Edge& b) { return a.y_min < b.y_min; });
  RK_ASSIGN_OR_RETURN(GeomPtr multi, polygons::as_multipolygon(g, "cutline"));
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(ctx());
  size_t size = 0;
  unsigned char* wkb = GEOSWKBWriter_write_r(ctx(), writer, multi.get(), &size);
  GEOSWKBWriter_destroy_r(ctx(), writer);
  if (!wkb) return geos::error("cutline", "encoding the polygon");
  m.wkb_.assign(reinterpret_cast<const char*>(wkb), size);
  GEOSFree_r(ctx(), wkb);
  return m;
}

Status CutlineMask::fill(const Window& window, uint8_t* mask, int64_t stride) const {
  const int64_t w = window.width, h = window.height;
  if (w <= 0 || h <= 0) return Status();
  auto fill_all = [&](uint8_t value) {
    for (int64_t r = 0; r < h; ++r) std::memset(mask + r * stride, value, static_cast<size_t>(w));
    return Status();
  };
  // The pixel centres of the window.
  const Envelope centres{static_cast<double>(window.x) + 0.5, static_cast<double>(window.y) + 0.5,
                         static_cast<double>(window.x + w) - 0.5,
                         static_cast<double>(window.y + h) - 0.5};
  if (edges_.empty() || centres.max_x < bounds_.min_x || centres.min_x > bounds_.max_x ||
      centres.max_y < bounds_.min_y || centres.min_y > bounds_.max_y) {
    return fill_all(0);
  }

  // Whole window inside or outside: one prepared-geometry test.
  {
    GEOSWKBReader* reader = GEOSWKBReader_create_r(ctx());
    GeomPtr poly(GEOSWKBReader_read_r(
        ctx(), reader, reinterpret_cast<const unsigned char*>(wkb_.data()), wkb_.size()));
    GEOSWKBReader_destroy_r(ctx(), reader);
    if (!poly) return geos::error("cutline", "decoding the polygon");
    geos::PreparedPtr prepared(GEOSPrepare_r(ctx(), poly.get()));
    GeomPtr box(GEOSGeom_createRectangle_r(ctx(), centres.min_x, centres.min_y, centres.max_x,
                                           centres.max_y));
    if (!prepared || !box) return geos::error("cutline", "preparing the polygon");
    if (GEOSPreparedContainsProperly_r(ctx(), prepared.get(), box.get()) == 1) return fill_all(255);
    if (GEOSPreparedIntersects_r(ctx(), prepared.get(), box.get()) == 0) return fill_all(0);
  }

  // Scanline through each row's pixel centres. An edge crosses the line
  // y = c when y_min <= c < y_max (half-open, so a vertex shared by two
  // edges counts once), and the pixels between pairs of crossings (even-odd
  // rule: holes are rings like any other) are inside.
  std::vector<const Edge*> active;
  std::vector<double> xs;
  size_t next = 0;
  for (int64_t r = 0; r < h; ++r) {
    uint8_t* row = mask + r * stride;
    std::memset(row, 0, static_cast<size_t>(w));
    const double y = static_cast<double>(window.y + r) + 0.5;
    while (next < edges_.size() && edges_[next].y_min <= y) active.push_back(&edges_[next++]);
    active.erase(
        std::remove_if(active.begin(), active.end(), [y](const Edge* e) { return e->y_max <= y; }),
        active.end());
    xs.clear();
    for (const Edge* e : active) {
      if (e->y_min <= y) xs.push_back(e->x_at_y_min + (y - e->y_min) * e->dx_dy);
    }
    std::sort(xs.begin(), xs.end());
    for (size_t k = 0; k + 1 < xs.size(); k += 2) {
      // Pixel i is inside when xs[k] <= i + 0.5 < xs[k + 1].
      const double a = std::ceil(xs[k] - 0.5), b = std::ceil(xs[k + 1] - 0.5);
      const auto i0 = static_cast<int64_t>(
          std::clamp(a - static_cast<double>(window.x), 0.0, static_cast<double>(w)));
      const auto i1 = static_cast<int64_t>(
          std::clamp(b - static_cast<double>(window.x), 0.0, static_cast<double>(w)));
      if (i1 > i0) std::memset(row + i0, 255, static_cast<size_t>(i1 - i0));
    }
  }
  return Status();
}

namespace {

bool all_polygonal(const GEOSGeometry* g) {
  const int type = GEOSGeomTypeId_r(ctx(), g);
  if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) return true;
  if (type != GEOS_GEOMETRYCOLLECTION) return false;
  const int n = GEOSGetNumGeometries_r(ctx(), g);
  for (int i = 0; i < n; ++i) {
    if (!all_polygonal(GEOSGetGeometryN_r(ctx(), g, i))) return false;
  }
  return true;
}

}  // namespace

Result<Geometry> cutline_to_pixels(const Geometry& cutline, const Dataset& ds,
                                   const CutlineOptions& o, const std::string& subject) {
  if (cutline.is_empty()) return Status::invalid_argument(subject, "the cutline is empty");
  if (!all_polygonal(cutline.geos())) {
    return Status::invalid_argument(
        subject, "the cutline must be a Polygon or MultiPolygon (got " + cutline.type_name() + ")");
  }
  // Several polygons (a FeatureCollection) become one, overlaps merged.
  RK_ASSIGN_OR_RETURN(GeomPtr multi, polygons::as_multipolygon(cutline.geos(), subject));
  Geometry g = Geometry::adopt(multi.release());
  if (!g.is_valid()) {
    const std::string reason = g.invalid_reason();
    if (!o.repair) {
      return Status::invalid_argument(subject,
                                      "the cutline is not a valid polygon (" + reason + ")");
    }
    emit_warning(subject, "the cutline is not a valid polygon (" + reason +
                              "); repaired with GEOS make-valid");
    RK_ASSIGN_OR_RETURN(Geometry fixed, g.make_valid());
    RK_ASSIGN_OR_RETURN(GeomPtr polys, polygons::as_multipolygon(fixed.geos(), subject));
    g = Geometry::adopt(polys.release());
    if (g.is_empty()) return Status::invalid_argument(subject, "the repaired cutline has no area");
  }
  {
    auto merged = g.unary_union();
    if (!merged.ok()) return Status::invalid_argument(subject, merged.status().message());
    g = std::move(merged).value();
  }

  if (o.srs) {
    if (!ds.spatial_ref()) {
      return Status::invalid_argument(ds.description(),
                                      "the raster has no CRS to reproject the cutline into");
    }
    if (o.srs->to_wkt2() != ds.spatial_ref()->to_wkt2()) {
      const Envelope e = *g.envelope();
      const double step = o.densify > 0 ? o.densify : std::max(e.width(), e.height()) / 200;
      if (step > 0) {
        RK_ASSIGN_OR_RETURN(g, g.densify(step));
      }
      RK_ASSIGN_OR_RETURN(CoordinateTransform ct,
                          CoordinateTransform::create(*o.srs, *ds.spatial_ref()));
      auto moved =
          g.map_points([&ct](double& x, double& y) { return ct.transform(x, y).ok(); }, subject);
      if (!moved.ok()) return moved.status();
      g = std::move(moved).value();
    }
  }
  if (const auto& gt = ds.geo_transform()) {
    const std::optional<GeoTransform> inv = gt->inverse();
    if (!inv) return Status::invalid_argument(ds.description(), "the geotransform is singular");
    RK_ASSIGN_OR_RETURN(g, g.transformed(*inv));
  } else if (o.srs) {
    return Status::invalid_argument(ds.description(),
                                    "the raster has no geotransform to place the cutline with");
  }
  // Reprojection can fold a polygon near a projection's edge.
  if (!g.is_valid()) {
    RK_ASSIGN_OR_RETURN(Geometry fixed, g.make_valid());
    RK_ASSIGN_OR_RETURN(GeomPtr polys, polygons::as_multipolygon(fixed.geos(), subject));
    g = Geometry::adopt(polys.release());
  }
  return g;
}

}  // namespace rk
