#include <catch2/catch.hpp>

#include <rasterkit/gdalcore/spatial_ref.h>

namespace rk {
namespace {

TEST_CASE("CRS from EPSG codes", "[crs]") {
  auto utm = SpatialRef::from_epsg(32631);
  REQUIRE(utm.ok());
  CHECK(utm->name() == "WGS 84 / UTM zone 31N");
  CHECK(utm->is_projected());
  CHECK(utm->epsg_code() == 32631);
  CHECK(utm->to_wkt2().rfind("PROJCRS[\"WGS 84 / UTM zone 31N\"", 0) == 0);
  CHECK(utm->to_wkt2().find('\n') != std::string::npos);  // multi-line, as gdalinfo prints
  CHECK(utm->to_projjson().find("\"ProjectedCRS\"") != std::string::npos);
  CHECK(utm->to_wkt1().rfind("PROJCS[", 0) == 0);

  auto wgs84 = SpatialRef::from_epsg(4326);
  REQUIRE(wgs84.ok());
  CHECK(wgs84->is_geographic());
  CHECK_FALSE(wgs84->is_equivalent_to(*utm));

  auto missing = SpatialRef::from_epsg(999999);
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(SpatialRef::from_epsg(-3).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("WKT1 as gdalinfo writes it: inner authorities, geographic axes", "[crs]") {
  auto utm = SpatialRef::from_epsg(32631);
  REQUIRE(utm.ok());
  const std::string w = utm->to_wkt("WKT1").value();
  CHECK(w.find("AUTHORITY[\"EPSG\",\"7030\"]") != std::string::npos);  // the ellipsoid
  CHECK(w.find("AUTHORITY[\"EPSG\",\"6326\"]") != std::string::npos);  // the datum
  CHECK(w.find("AXIS[\"Easting\",EAST]") != std::string::npos);
  CHECK(w.find("AXIS[\"Latitude\"") == std::string::npos);  // not the inner GEOGCS's
  auto wgs84 = SpatialRef::from_epsg(4326);
  REQUIRE(wgs84.ok());
  const std::string g = wgs84->to_wkt("WKT1").value();
  CHECK(g.find("AXIS[\"Latitude\",NORTH],\n    AXIS[\"Longitude\",EAST]") != std::string::npos);
  CHECK(wgs84->to_wkt("WKT1_ESRI").value().find("AXIS") == std::string::npos);
}

TEST_CASE("CRS round-trips through WKT2, WKT1 and PROJJSON", "[crs]") {
  auto src = SpatialRef::from_epsg(2154);  // Lambert 93
  REQUIRE(src.ok());
  auto from_wkt2 = SpatialRef::from_wkt(src->to_wkt2());
  auto from_wkt1 = SpatialRef::from_wkt(src->to_wkt1());
  auto from_json = SpatialRef::from_projjson(src->to_projjson());
  REQUIRE(from_wkt2.ok());
  REQUIRE(from_wkt1.ok());
  REQUIRE(from_json.ok());
  CHECK(from_wkt2->is_equivalent_to(*src));
  CHECK(from_wkt1->is_equivalent_to(*src));
  CHECK(from_json->is_equivalent_to(*src));
  CHECK(from_json->epsg_code() == 2154);
}

TEST_CASE("CRS equivalence ignores geographic axis order", "[crs]") {
  auto epsg = SpatialRef::from_epsg(4326);
  auto crs84 = SpatialRef::from_user_input("OGC:CRS84");
  REQUIRE(epsg.ok());
  REQUIRE(crs84.ok());
  CHECK(epsg->is_equivalent_to(*crs84));
  auto user = SpatialRef::from_user_input("EPSG:32631");
  REQUIRE(user.ok());
  CHECK(user->epsg_code() == 32631);
}

TEST_CASE("invalid CRS definitions are clear errors", "[crs]") {
  auto bad = SpatialRef::from_wkt("PROJCS[\"broken\"");
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().to_string().find("broken") != std::string::npos);
  CHECK_FALSE(SpatialRef::from_user_input("not a crs at all").ok());
  // A coordinate operation is not a CRS.
  CHECK_FALSE(SpatialRef::from_user_input("+proj=pipeline +step +proj=unitconvert").ok());
}

}  // namespace
}  // namespace rk
