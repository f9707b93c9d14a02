// Geometry: a vector geometry (points, lines, polygons and their
// collections) backed by GEOS. rasterkit uses it for raster footprints and
// cutlines; the polygon algebra is GEOS's, none of it is reimplemented here.
//
// A Geometry is a value: copies are deep and independent. Like a Dataset it
// is used by one thread at a time (GEOS geometries cache derived data on
// first use); different threads may use different geometries at once. Every
// GEOS call goes through the calling thread's own GEOS context.
//
// Coordinates are whatever the caller says they are; a Geometry carries no
// CRS (functions that need one take it beside the geometry).
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rasterkit/gdalcore/geo_transform.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/gdalcore/spatial_ref.h>

// GEOS's own type, for code that calls GEOS directly (geos()).
struct GEOSGeom_t;

namespace rk {

class CoordinateTransform;

struct RK_API Envelope {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  double width() const { return max_x - min_x; }
  double height() const { return max_y - min_y; }
};

class RK_API Geometry {
 public:
  // An empty geometry collection.
  Geometry();
  ~Geometry();
  Geometry(const Geometry& other);
  Geometry& operator=(const Geometry& other);
  Geometry(Geometry&& other) noexcept;
  Geometry& operator=(Geometry&& other) noexcept;

  // Parsers. Errors are kInvalidArgument with GEOS's message.
  static Result<Geometry> from_wkt(std::string_view wkt);
  // A GeoJSON geometry, Feature or FeatureCollection (the collection of its
  // features' geometries).
  static Result<Geometry> from_geojson(std::string_view json);
  // The axis-aligned rectangle [min_x, max_x] x [min_y, max_y].
  static Geometry rectangle(const Envelope& e);
  static Geometry empty_multipolygon();

  // WKT with up to `precision` significant decimals (-1: as many as needed
  // to round-trip), e.g. "MULTIPOLYGON (((0 0, 4 0, 4 3, 0 0)))".
  std::string to_wkt(int precision = -1) const;
  // A GeoJSON geometry object, compact.
  std::string to_geojson() const;

  bool is_empty() const;
  // "Polygon", "MultiPolygon", "GeometryCollection", ...
  std::string type_name() const;
  // True for Polygon and MultiPolygon (empty ones included).
  bool is_polygonal() const;
  double area() const;
  // Every vertex, closing points of rings included.
  size_t point_count() const;
  // Members of a collection; 1 for a single geometry, 0 if empty.
  int part_count() const;
  // Copies of the members of a collection; a single geometry gives itself.
  std::vector<Geometry> parts() const;
  // Null if empty.
  std::optional<Envelope> envelope() const;
  // OGC validity; reason() says why not ("Self-intersection[3 4]").
  bool is_valid() const;
  std::string invalid_reason() const;

  // The shortest distance between the two geometries (0 if they meet).
  double distance(const Geometry& other) const;
  // True if `other` lies inside this geometry (OGC contains).
  bool contains(const Geometry& other) const;

  // Set operations (GEOS overlay).
  Result<Geometry> intersection(const Geometry& other) const;
  Result<Geometry> union_with(const Geometry& other) const;
  Result<Geometry> difference(const Geometry& other) const;
  Result<Geometry> symmetric_difference(const Geometry& other) const;
  // The union of the members of a collection (merges overlapping parts).
  Result<Geometry> unary_union() const;
  // GEOS make-valid: a valid geometry covering the same area, with
  // self-intersections split into separate parts.
  Result<Geometry> make_valid() const;
  // Topology-preserving simplification (no new self-intersections, holes
  // stay inside their shells).
  Result<Geometry> simplify(double tolerance) const;
  Result<Geometry> convex_hull() const;
  // Inserts vertices so that no segment is longer than `max_segment`.
  Result<Geometry> densify(double max_segment) const;

  // Applies `fn` to every vertex; it returns false for a point it cannot
  // map (the whole call then fails naming `subject`).
  Result<Geometry> map_points(const std::function<bool(double& x, double& y)>& fn,
                              const std::string& subject = "geometry") const;
  Result<Geometry> transformed(const GeoTransform& gt) const;
  Result<Geometry> transformed(const CoordinateTransform& ct) const;

  // The GEOS geometry (owned by this object), for callers using GEOS's
  // re-entrant API themselves.
  const GEOSGeom_t* geos() const { return g_; }
  // Takes ownership of a GEOS geometry.
  static Geometry adopt(GEOSGeom_t* g);
  // Gives up ownership.
  GEOSGeom_t* release();

 private:
  GEOSGeom_t* g_ = nullptr;
};

// A geometry as a user gives it, with the CRS it names (if any).
struct RK_API GeometrySource {
  Geometry geometry;
  std::optional<SpatialRef> srs;
};

// Reads a geometry from `file_or_text`: a path to a GeoJSON or WKT file, or
// the WKT / GeoJSON text itself. GeoJSON names its CRS in a "crs" member or,
// per RFC 7946, is WGS 84 longitude/latitude; WKT names none.
RK_API Result<GeometrySource> read_geometry(const std::string& file_or_text);

}  // namespace rk
