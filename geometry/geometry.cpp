#include <rasterkit/geometry/geometry.h>

#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include <rasterkit/gdalcore/coordinate_transform.h>
#include <rasterkit/geometry/geos_context.h>

namespace rk {

namespace {

using geos::ctx;

// A GEOS string result, freed with GEOSFree_r.
std::string take_string(char* s) {
  if (!s) return {};
  std::string out(s);
  GEOSFree_r(ctx(), s);
  return out;
}

Result<Geometry> checked(GEOSGeometry* g, const std::string& what) {
  if (!g) return geos::error("geometry", what);
  return Geometry::adopt(g);
}

}  // namespace

Geometry::Geometry() : g_(GEOSGeom_createEmptyCollection_r(ctx(), GEOS_GEOMETRYCOLLECTION)) {}

Geometry::~Geometry() {
  if (g_) GEOSGeom_destroy_r(ctx(), g_);
}

Geometry::Geometry(const Geometry& other) : g_(GEOSGeom_clone_r(ctx(), other.g_)) {}

Geometry& Geometry::operator=(const Geometry& other) {
  if (this != &other) {
    GEOSGeometry* copy = GEOSGeom_clone_r(ctx(), other.g_);
    if (g_) GEOSGeom_destroy_r(ctx(), g_);
    g_ = copy;
  }
  return *this;
}

Geometry::Geometry(Geometry&& other) noexcept : g_(std::exchange(other.g_, nullptr)) {}

Geometry& Geometry::operator=(Geometry&& other) noexcept {
  if (this != &other) {
    if (g_) GEOSGeom_destroy_r(ctx(), g_);
    g_ = std::exchange(other.g_, nullptr);
  }
  return *this;
}

Geometry Geometry::adopt(GEOSGeom_t* g) {
  Geometry out;
  GEOSGeom_destroy_r(ctx(), out.g_);
  out.g_ = g;
  return out;
}

GEOSGeom_t* Geometry::release() { return std::exchange(g_, nullptr); }

Result<Geometry> Geometry::from_wkt(std::string_view wkt) {
  GEOSWKTReader* reader = GEOSWKTReader_create_r(ctx());
  const std::string text(wkt);
  GEOSGeometry* g = GEOSWKTReader_read_r(ctx(), reader, text.c_str());
  GEOSWKTReader_destroy_r(ctx(), reader);
  if (!g) return geos::error("WKT", "not a valid WKT geometry");
  return adopt(g);
}

Result<Geometry> Geometry::from_geojson(std::string_view json) {
  GEOSGeoJSONReader* reader = GEOSGeoJSONReader_create_r(ctx());
  const std::string text(json);
  GEOSGeometry* g = GEOSGeoJSONReader_readGeometry_r(ctx(), reader, text.c_str());
  GEOSGeoJSONReader_destroy_r(ctx(), reader);
  if (!g) return geos::error("GeoJSON", "not a valid GeoJSON geometry");
  return adopt(g);
}

Geometry Geometry::rectangle(const Envelope& e) {
  return adopt(GEOSGeom_createRectangle_r(ctx(), e.min_x, e.min_y, e.max_x, e.max_y));
}

Geometry Geometry::empty_multipolygon() {
  return adopt(GEOSGeom_createEmptyCollection_r(ctx(), GEOS_MULTIPOLYGON));
}

std::string Geometry::to_wkt(int precision) const {
  GEOSWKTWriter* writer = GEOSWKTWriter_create_r(ctx());
  GEOSWKTWriter_setTrim_r(ctx(), writer, 1);
  GEOSWKTWriter_setOutputDimension_r(ctx(), writer, 2);
  GEOSWKTWriter_setRoundingPrecision_r(ctx(), writer, precision);
  std::string out = take_string(GEOSWKTWriter_write_r(ctx(), writer, g_));
  GEOSWKTWriter_destroy_r(ctx(), writer);
  return out;
}

std::string Geometry::to_geojson() const {
  GEOSGeoJSONWriter* writer = GEOSGeoJSONWriter_create_r(ctx());
  std::string out = take_string(GEOSGeoJSONWriter_writeGeometry_r(ctx(), writer, g_, -1));
  GEOSGeoJSONWriter_destroy_r(ctx(), writer);
  return out;
}

bool Geometry::is_empty() const { return GEOSisEmpty_r(ctx(), g_) == 1; }

std::string Geometry::type_name() const { return take_string(GEOSGeomType_r(ctx(), g_)); }

bool Geometry::is_polygonal() const {
  const int t = GEOSGeomTypeId_r(ctx(), g_);
  return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

double Geometry::area() const {
  double a = 0;
  if (!GEOSArea_r(ctx(), g_, &a)) return 0;
  return a;
}

size_t Geometry::point_count() const {
  const int n = GEOSGetNumCoordinates_r(ctx(), g_);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

int Geometry::part_count() const {
  if (is_empty()) return 0;
  const int n = GEOSGetNumGeometries_r(ctx(), g_);
  return n > 0 ? n : 0;
}

std::vector<Geometry> Geometry::parts() const {
  std::vector<Geometry> out;
  const int type = GEOSGeomTypeId_r(ctx(), g_);
  const bool collection = type == GEOS_MULTIPOINT || type == GEOS_MULTILINESTRING ||
                          type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION;
  if (!collection) {
    out.push_back(*this);
    return out;
  }
  const int n = GEOSGetNumGeometries_r(ctx(), g_);
  for (int i = 0; i < n; ++i) {
    out.push_back(adopt(GEOSGeom_clone_r(ctx(), GEOSGetGeometryN_r(ctx(), g_, i))));
  }
  return out;
}

std::optional<Envelope> Geometry::envelope() const {
  if (is_empty()) return std::nullopt;
  Envelope e;
  if (!GEOSGeom_getExtent_r(ctx(), g_, &e.min_x, &e.min_y, &e.max_x, &e.max_y)) {
    return std::nullopt;
  }
  return e;
}

bool Geometry::is_valid() const { return GEOSisValid_r(ctx(), g_) == 1; }

std::string Geometry::invalid_reason() const { return take_string(GEOSisValidReason_r(ctx(), g_)); }

double Geometry::distance(const Geometry& other) const {
  double d = 0;
  if (!GEOSDistance_r(ctx(), g_, other.g_, &d)) return 0;
  return d;
}

bool Geometry::contains(const Geometry& other) const {
  return GEOSContains_r(ctx(), g_, other.g_) == 1;
}

Result<Geometry> Geometry::intersection(const Geometry& other) const {
  return checked(GEOSIntersection_r(ctx(), g_, other.g_), "intersection");
}

Result<Geometry> Geometry::union_with(const Geometry& other) const {
  return checked(GEOSUnion_r(ctx(), g_, other.g_), "union");
}

Result<Geometry> Geometry::difference(const Geometry& other) const {
  return checked(GEOSDifference_r(ctx(), g_, other.g_), "difference");
}

Result<Geometry> Geometry::symmetric_difference(const Geometry& other) const {
  return checked(GEOSSymDifference_r(ctx(), g_, other.g_), "symmetric difference");
}

Result<Geometry> Geometry::unary_union() const {
  return checked(GEOSUnaryUnion_r(ctx(), g_), "union");
}

Result<Geometry> Geometry::make_valid() const {
  return checked(GEOSMakeValid_r(ctx(), g_), "make-valid");
}

Result<Geometry> Geometry::simplify(double tolerance) const {
  return checked(GEOSTopologyPreserveSimplify_r(ctx(), g_, tolerance), "simplify");
}

Result<Geometry> Geometry::convex_hull() const {
  return checked(GEOSConvexHull_r(ctx(), g_), "convex hull");
}

Result<Geometry> Geometry::densify(double max_segment) const {
  if (!(max_segment > 0)) {
    return Status::invalid_argument("densify", "the segment length must be positive");
  }
  return checked(GEOSDensify_r(ctx(), g_, max_segment), "densify");
}

namespace {

struct MapState {
  const std::function<bool(double&, double&)>* fn;
  bool failed = false;
  double x = 0, y = 0;  // the first point that failed
};

int map_one(double* x, double* y, void* userdata) {
  auto* s = static_cast<MapState*>(userdata);
  const double ox = *x, oy = *y;
  if ((*s->fn)(*x, *y)) return 1;
  s->failed = true;
  s->x = ox;
  s->y = oy;
  return 0;
}

}  // namespace

Result<Geometry> Geometry::map_points(const std::function<bool(double& x, double& y)>& fn,
                                      const std::string& subject) const {
  MapState state{&fn};
  GEOSGeometry* g = GEOSGeom_transformXY_r(ctx(), g_, &map_one, &state);
  if (state.failed) {
    if (g) GEOSGeom_destroy_r(ctx(), g);
    std::ostringstream msg;
    msg.precision(17);
    msg << "the point (" << state.x << ", " << state.y << ") cannot be transformed";
    return Status::invalid_argument(subject, msg.str());
  }
  return checked(g, "transform");
}

Result<Geometry> Geometry::transformed(const GeoTransform& gt) const {
  return map_points([&gt](double& x, double& y) {
    const auto p = gt.apply(x, y);
    x = p.first;
    y = p.second;
    return true;
  });
}

Result<Geometry> Geometry::transformed(const CoordinateTransform& ct) const {
  return map_points([&ct](double& x, double& y) { return ct.transform(x, y).ok(); });
}

namespace {

bool looks_like_json(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{';
  }
  return false;
}

// The CRS a GeoJSON document names in its (pre-RFC 7946) "crs" member:
// {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32631"}}.
Result<std::optional<SpatialRef>> geojson_crs(const std::string& subject, const std::string& text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return Status::invalid_argument(subject, "not valid JSON");
  if (!doc.is_object() || !doc.contains("crs") || doc["crs"].is_null()) {
    return std::optional<SpatialRef>();
  }
  const auto& crs = doc["crs"];
  if (!crs.is_object() || !crs.contains("properties") || !crs["properties"].is_object() ||
      !crs["properties"].contains("name") || !crs["properties"]["name"].is_string()) {
    return Status::invalid_argument(subject,
                                    "the \"crs\" member is not {\"type\": \"name\", "
                                    "\"properties\": {\"name\": ...}}");
  }
  const std::string name = crs["properties"]["name"].get<std::string>();
  auto srs = SpatialRef::from_user_input(name);
  if (!srs.ok()) {
    return Status::invalid_argument(subject, "unknown CRS \"" + name + "\" in the \"crs\" member");
  }
  return std::optional<SpatialRef>(std::move(srs).value());
}

}  // namespace

Result<GeometrySource> read_geometry(const std::string& file_or_text) {
  std::string text = file_or_text;
  std::string subject = "geometry";
  std::ifstream in(file_or_text, std::ios::binary);
  if (in) {
    std::ostringstream all;
    all << in.rdbuf();
    if (in.bad()) return Status::io_error(file_or_text, "cannot read the file");
    text = all.str();
    subject = file_or_text;
  } else if (file_or_text.size() < 512 && file_or_text.find('(') == std::string::npos &&
             !looks_like_json(file_or_text) && file_or_text.find("EMPTY") == std::string::npos) {
    // Neither a readable file nor WKT/GeoJSON text: most likely a path.
    return Status::not_found(file_or_text, "no such file, and not WKT or GeoJSON text");
  }
  GeometrySource out;
  if (looks_like_json(text)) {
    RK_ASSIGN_OR_RETURN(out.srs, geojson_crs(subject, text));
    auto g = Geometry::from_geojson(text);
    if (!g.ok()) return Status::invalid_argument(subject, g.status().message());
    out.geometry = std::move(g).value();
    // RFC 7946: GeoJSON without a "crs" member is WGS 84 longitude/latitude.
    if (!out.srs) {
      RK_ASSIGN_OR_RETURN(out.srs, SpatialRef::from_user_input("OGC:CRS84"));
    }
  } else {
    auto g = Geometry::from_wkt(text);
    if (!g.ok()) return Status::invalid_argument(subject, g.status().message());
    out.geometry = std::move(g).value();
  }
  return out;
}

}  // namespace rk
