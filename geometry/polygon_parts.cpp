#include <rasterkit/geometry/polygon_parts.h>

namespace rk::polygons {

namespace {

using geos::ctx;
using geos::GeomPtr;

void collect(const GEOSGeometry* g, std::vector<GeomPtr>& out) {
  if (GEOSisEmpty_r(ctx(), g)) return;
  const int type = GEOSGeomTypeId_r(ctx(), g);
  if (type == GEOS_POLYGON) {
    out.emplace_back(GEOSGeom_clone_r(ctx(), g));
  } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(ctx(), g);
    for (int i = 0; i < n; ++i) collect(GEOSGetGeometryN_r(ctx(), g, i), out);
  }
}

// A polygon with `shell` (a ring of `poly`) and the holes of `poly` that
// `keep` accepts.
template <typename Keep>
GeomPtr rebuild(const GEOSGeometry* poly, Keep keep) {
  GEOSGeometry* shell = GEOSGeom_clone_r(ctx(), GEOSGetExteriorRing_r(ctx(), poly));
  std::vector<GEOSGeometry*> holes;
  const int n = GEOSGetNumInteriorRings_r(ctx(), poly);
  for (int i = 0; i < n; ++i) {
    const GEOSGeometry* ring = GEOSGetInteriorRingN_r(ctx(), poly, i);
    if (keep(ring)) holes.push_back(GEOSGeom_clone_r(ctx(), ring));
  }
  return GeomPtr(
      GEOSGeom_createPolygon_r(ctx(), shell, holes.data(), static_cast<unsigned>(holes.size())));
}

double ring_area(const GEOSGeometry* ring) {
  GEOSGeometry* shell = GEOSGeom_clone_r(ctx(), ring);
  GeomPtr poly(GEOSGeom_createPolygon_r(ctx(), shell, nullptr, 0));
  double a = 0;
  if (poly) GEOSArea_r(ctx(), poly.get(), &a);
  return a;
}

Result<GeomPtr> multipolygon_of(std::vector<GeomPtr> polys, const std::string& subject) {
  std::vector<GEOSGeometry*> raw;
  raw.reserve(polys.size());
  for (GeomPtr& p : polys) raw.push_back(p.release());
  GeomPtr out(GEOSGeom_createCollection_r(ctx(), GEOS_MULTIPOLYGON, raw.data(),
                                          static_cast<unsigned>(raw.size())));
  if (!out) return geos::error(subject, "building a multipolygon");
  return out;
}

}  // namespace

std::vector<GeomPtr> polygons_of(const GEOSGeometry* g) {
  std::vector<GeomPtr> out;
  collect(g, out);
  return out;
}

Result<GeomPtr> as_multipolygon(const GEOSGeometry* g, const std::string& subject) {
  return multipolygon_of(polygons_of(g), subject);
}

Result<GeomPtr> without_holes(const GEOSGeometry* g, const std::string& subject) {
  std::vector<GeomPtr> shells;
  for (const GeomPtr& p : polygons_of(g)) {
    shells.push_back(rebuild(p.get(), [](const GEOSGeometry*) { return false; }));
  }
  if (shells.empty()) return multipolygon_of({}, subject);
  std::vector<GEOSGeometry*> raw;
  for (GeomPtr& s : shells) raw.push_back(s.release());
  return union_all(std::move(raw), subject, "filling holes");
}

Result<GeomPtr> union_all(std::vector<GEOSGeometry*> parts, const std::string& subject,
                          const std::string& what) {
  // The collection takes the parts over.
  GeomPtr all(GEOSGeom_createCollection_r(ctx(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                          static_cast<unsigned>(parts.size())));
  if (!all) return geos::error(subject, what);
  GeomPtr merged(GEOSUnaryUnion_r(ctx(), all.get()));
  if (!merged) return geos::error(subject, what);
  return merged;
}

Result<GeomPtr> without_small_rings(const GEOSGeometry* g, double min_area,
                                    const std::string& subject) {
  std::vector<GeomPtr> kept;
  for (const GeomPtr& p : polygons_of(g)) {
    if (ring_area(GEOSGetExteriorRing_r(ctx(), p.get())) < min_area) continue;
    kept.push_back(rebuild(
        p.get(), [min_area](const GEOSGeometry* ring) { return ring_area(ring) >= min_area; }));
  }
  return multipolygon_of(std::move(kept), subject);
}

}  // namespace rk::polygons
