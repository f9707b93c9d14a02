#include <catch2/catch.hpp>

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

}  // namespace
}  // namespace rk
