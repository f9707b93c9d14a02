// SpatialRef: an immutable coordinate reference system, through PROJ.
//
// A SpatialRef is a value: copies share one immutable definition, and every
// method is safe to call from any number of threads at once. PROJ objects are
// created inside each call with a PROJ context of that call's own (PROJ
// requires one context per thread), so no PROJ state is shared between
// threads.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rasterkit/gdalcore/result.h>

// PROJ's handle types (proj.h: PJ_CONTEXT and PJ), declared here so that this
// header does not pull in proj.h.
struct pj_ctx;
struct PJconsts;

namespace rk {

enum class CrsKind {
  kGeographic,
  kProjected,
  kGeocentric,
  kVertical,
  kCompound,
  kEngineering,
  kOther
};

class RK_API SpatialRef {
 public:
  // An EPSG code, e.g. 4326 or 32631.
  static Result<SpatialRef> from_epsg(int code);
  // WKT1 (GDAL or ESRI flavour) or WKT2.
  static Result<SpatialRef> from_wkt(std::string_view wkt);
  static Result<SpatialRef> from_projjson(std::string_view json);
  // Anything PROJ accepts: "EPSG:4326", WKT, PROJJSON, "+proj=..." strings,
  // "OGC:CRS84", CRS names known to the database.
  static Result<SpatialRef> from_user_input(std::string_view text);
  // A compound CRS of a horizontal and a vertical CRS, named "h + v".
  static Result<SpatialRef> make_compound(const SpatialRef& horizontal, const SpatialRef& vertical);

  const std::string& name() const;
  CrsKind kind() const;
  bool is_geographic() const { return kind() == CrsKind::kGeographic; }
  bool is_projected() const { return kind() == CrsKind::kProjected; }
  // The EPSG code carried by the definition itself (no guessing).
  std::optional<int> epsg_code() const;
  // Names of the geodetic parts (empty when the CRS has none): the
  // geographic CRS, its datum (or datum ensemble), ellipsoid and prime
  // meridian.
  const std::string& geodetic_crs_name() const;
  const std::string& datum_name() const;
  const std::string& ellipsoid_name() const;
  const std::string& prime_meridian_name() const;

  // Multi-line WKT2:2019, as gdalinfo prints it.
  const std::string& to_wkt2() const;
  const std::string& to_projjson() const;
  // WKT1 in GDAL's flavour; empty if the CRS cannot be expressed in WKT1.
  const std::string& to_wkt1() const;
  // PROJ string; empty if the CRS cannot be expressed as one.
  const std::string& to_proj4() const;

  // Multi-line WKT in one of GDAL's -wkt_format names: WKT1, WKT1_ESRI,
  // WKT2 (= WKT2_2019 = WKT2_2018), WKT2_2015.
  Result<std::string> to_wkt(std::string_view format) const;

  // Which CRS axis each data axis is, 1-based, in GDAL's traditional GIS
  // order (data x = longitude/easting): [2, 1] for EPSG:4326, [1, 2] for
  // UTM; a compound CRS adds its vertical axis. Empty if unknown.
  const std::vector<int>& data_axis_to_srs_axis_mapping() const;

  // The geographic CRS on the same datum (GDAL's GetGeogCS).
  Result<SpatialRef> geographic_crs() const;

  // The horizontal and vertical parts of a compound CRS; empty otherwise.
  std::vector<SpatialRef> sub_crs() const;

  // True if both describe the same CRS, ignoring names and the axis order of
  // geographic CRSs (PROJ's "equivalent except axis order" comparison).
  bool is_equivalent_to(const SpatialRef& other) const;

 private:
  struct Definition;
  struct Cache;  // definitions already built, by what they were built from
  explicit SpatialRef(std::shared_ptr<const Definition> def) : def_(std::move(def)) {}
  static Result<SpatialRef> build(std::string_view what, std::string_view text, int epsg);
  static Result<SpatialRef> build_uncached(std::string_view what, std::string_view text, int epsg);
  // Fills a definition from a PROJ object (PJ_CONTEXT / PJ from proj.h).
  static Result<SpatialRef> describe(::pj_ctx* ctx, ::PJconsts* pj, std::string_view what);

  std::shared_ptr<const Definition> def_;
};

}  // namespace rk
