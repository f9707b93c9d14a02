#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/driver_manager.h>
#include <rasterkit/utilities/info.h>

namespace rk {
namespace {

TEST_CASE("info report of a georeferenced MEM dataset", "[info]") {
  register_all();
  CreateParams p;
  p.width = 20;
  p.height = 10;
  p.bands = 2;
  p.type = DataType::kUInt16;
  auto ds = DriverManager::global().find("MEM")->create("sample", p);
  REQUIRE(ds.ok());
  Dataset& d = **ds;
  REQUIRE(d.set_geo_transform(GeoTransform{{440720, 60, 0, 3751320, 0, -60}}).ok());
  REQUIRE(d.set_spatial_ref(*SpatialRef::from_epsg(26711)).ok());
  REQUIRE(d.band(2)->set_nodata(0).ok());
  REQUIRE(d.set_metadata_item("AREA_OR_POINT", "Area").ok());
  const std::string report = info(d, InfoOptions{}).value().to_text();
  CHECK(report.find("Driver: MEM/In Memory raster\n") == 0);
  CHECK(report.find("Size is 20, 10\n") != std::string::npos);
  CHECK(report.find("PROJCRS[\"NAD27 / UTM zone 11N\"") != std::string::npos);
  CHECK(report.find("Origin = (440720.000000000000000,3751320.000000000000000)\n") !=
        std::string::npos);
  CHECK(report.find("Pixel Size = (60.000000000000000,-60.000000000000000)\n") !=
        std::string::npos);
  CHECK(report.find("Metadata:\n  AREA_OR_POINT=Area\n") != std::string::npos);
  CHECK(report.find("Band 1 Block=20x1 Type=UInt16, ColorInterp=Undefined\n") != std::string::npos);
  CHECK(report.find("Band 2 Block=20x1 Type=UInt16, ColorInterp=Undefined\n  NoData Value=0\n") !=
        std::string::npos);
  CHECK(report.find("Mask Flags") == std::string::npos);  // gdalinfo omits nodata masks
  InfoOptions nomd;
  nomd.show_metadata = false;
  CHECK(info(d, nomd).value().to_text().find("AREA_OR_POINT") == std::string::npos);
}

TEST_CASE("info -json prints geotransforms as gdalinfo does", "[info]") {
  register_all();
  CreateParams p;
  p.width = 2;
  p.height = 2;
  auto ds = DriverManager::global().find("MEM")->create("gt", p);
  REQUIRE(ds.ok());
  // (value, what gdalinfo 3.6.2 -json prints for it): 16 decimals with
  // float noise removed, one case of each rule.
  const std::vector<std::pair<double, std::string>> cases = {
      {1.0 / 120, "0.0083333333333333"},               // 16 decimals
      {1e-17, "0.0"},                                  //
      {440720, "440720.0"},                            //
      {-0.32360999999999773, "-0.32361"},              // nines before the last digit
      {37.1106759, "37.1106759"},                      // nines before the last two
      {-141.22099999999998, "-141.2209999999999752"},  // too few nines: kept
      {-30.000000000000004, "-30.0"},                  // zeros before the last two
      {9.614040000000001, "9.61404"},                  // ... before the last one
      {-2801.64433, "-2801.6443300000000818"},         // too few zeros: kept
      {123456789.12345679, "123456789.1234567910432816"},
  };
  for (size_t i = 0; i < cases.size(); i += 6) {
    GeoTransform gt{{1, 1, 0, 1, 0, -1}};
    for (size_t k = 0; k < 6 && i + k < cases.size(); ++k) gt.c[k] = cases[i + k].first;
    REQUIRE((*ds)->set_geo_transform(gt).ok());
    InfoOptions o;
    o.json = true;
    const std::string doc = info(**ds, o).value().to_json();
    const size_t at = doc.find("\"geoTransform\"");
    REQUIRE(at != std::string::npos);
    const std::string array = doc.substr(at, doc.find(']', at) - at);
    for (size_t k = 0; k < 6 && i + k < cases.size(); ++k) {
      const double gdal = std::strtod(cases[i + k].second.c_str(), nullptr);
      INFO(cases[i + k].second << " in " << array);
      double found = std::nan("");
      // The array's k-th number (the document may print it in any form).
      size_t pos = array.find('[');
      for (size_t n = 0; n <= k; ++n) {
        char* end = nullptr;
        pos = array.find_first_of("-0123456789", pos + 1);
        found = std::strtod(array.c_str() + pos, &end);
        pos = static_cast<size_t>(end - array.c_str());
      }
      CHECK(found == gdal);
    }
  }
}

TEST_CASE("info: the later of -stats and -approx_stats decides, as gdalinfo", "[info]") {
  auto a = parse_info_options({"-approx_stats", "-stats"});
  REQUIRE(a.ok());
  CHECK(a->compute_stats);
  CHECK_FALSE(a->approx_stats);
  auto b = parse_info_options({"-stats", "-approx_stats"});
  REQUIRE(b.ok());
  CHECK(b->approx_stats);
}

}  // namespace
}  // namespace rk
