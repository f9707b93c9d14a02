#include <catch2/catch.hpp>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <vector>

#include <rasterkit/drivers/mem/mem_driver.h>
#include <rasterkit/drivers/register_builtin.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk {
namespace {

const Driver& mem_driver() {
  register_all();
  const Driver* d = DriverManager::global().find("MEM");
  REQUIRE(d);
  return *d;
}

TEST_CASE("MEM creates rasters of any type and band count", "[mem]") {
  for (DataType t : kAllDataTypes) {
    CreateParams p;
    p.width = 33;
    p.height = 17;
    p.bands = 3;
    p.type = t;
    auto ds = mem_driver().create("mem_test", p);
    REQUIRE(ds.ok());
    CHECK((*ds)->x_size() == 33);
    CHECK((*ds)->band_count() == 3);
    CHECK((*ds)->band(2)->data_type() == t);
    CHECK((*ds)->band(1)->block_x_size() == 33);  // one full line, as GDAL's MEM
    CHECK((*ds)->band(1)->block_y_size() == 1);
    // Every pixel starts at zero and values round-trip.
    std::vector<double> buf(33 * 17, 1.0);
    REQUIRE((*ds)
                ->band(3)
                ->read(Window{0, 0, 33, 17}, buf.data(),
                       BufferLayout::packed(DataType::kFloat64, 33, 17))
                .ok());
    CHECK(buf[0] == 0);
    const double v = 42;
    REQUIRE((*ds)
                ->band(3)
                ->write(Window{5, 6, 1, 1}, &v, BufferLayout::packed(DataType::kFloat64, 1, 1))
                .ok());
    double back = 0;
    REQUIRE((*ds)
                ->band(3)
                ->read(Window{5, 6, 1, 1}, &back, BufferLayout::packed(DataType::kFloat64, 1, 1))
                .ok());
    CHECK(back == 42);
  }
}

TEST_CASE("MEM creation options", "[mem]") {
  CreateParams p;
  p.width = 100;
  p.height = 50;
  p.bands = 2;
  p.options = Options{{"BLOCKXSIZE", "32"}, {"BLOCKYSIZE", "16"}, {"INTERLEAVE", "PIXEL"}};
  auto ds = mem_driver().create("tiles", p);
  REQUIRE(ds.ok());
  CHECK((*ds)->band(1)->block_x_size() == 32);
  CHECK((*ds)->band(1)->block_y_size() == 16);
  p.options = Options{{"BLOCKXSIZE", "0"}};
  auto bad = mem_driver().create("bad", p);
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().to_string().find("BLOCKXSIZE") != std::string::npos);
  std::vector<Warning> warnings;
  ScopedWarningHandler capture([&](const Warning& w) { warnings.push_back(w); });
  p.options = Options{{"FLAVOUR", "vanilla"}};
  CHECK(mem_driver().create("warned", p).ok());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].to_string().find("FLAVOUR") != std::string::npos);
  p.width = 0;
  CHECK(mem_driver().create("empty", p).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("MEM wraps a caller's pixel-interleaved buffer without copying", "[mem]") {
  std::vector<uint16_t> rgb(8 * 4 * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint16_t>(i);
  mem::WrapParams p;
  p.data = rgb.data();
  p.layout = BufferLayout::pixel_interleaved(DataType::kUInt16, 8, 4, 3);
  p.bands = 3;
  p.description = "wrapped";
  auto ds = mem::wrap(p);
  REQUIRE(ds.ok());
  uint16_t v = 0;
  REQUIRE((*ds)
              ->band(2)
              ->read(Window{3, 2, 1, 1}, &v, BufferLayout::packed(DataType::kUInt16, 1, 1))
              .ok());
  CHECK(v == (2 * 8 + 3) * 3 + 1);
  const uint16_t w = 9999;
  REQUIRE((*ds)
              ->band(3)
              ->write(Window{0, 0, 1, 1}, &w, BufferLayout::packed(DataType::kUInt16, 1, 1))
              .ok());
  REQUIRE((*ds)->flush().ok());
  CHECK(rgb[2] == 9999);  // written straight into the caller's memory
  p.data = nullptr;
  CHECK(mem::wrap(p).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("MEM opens GDAL's MEM::: strings", "[mem]") {
  register_all();
  std::vector<float> data = {1, 2, 3, 4, 5, 6};
  char path[200];
  std::snprintf(path, sizeof path,
                "MEM:::DATAPOINTER=0x%" PRIxPTR ",PIXELS=3,LINES=2,DATATYPE=Float32",
                reinterpret_cast<uintptr_t>(data.data()));
  auto ds = open(path);
  REQUIRE(ds.ok());
  CHECK((*ds)->driver()->short_name() == "MEM");
  CHECK((*ds)->x_size() == 3);
  float v = 0;
  REQUIRE((*ds)
              ->band(1)
              ->read(Window{2, 1, 1, 1}, &v, BufferLayout::packed(DataType::kFloat32, 1, 1))
              .ok());
  CHECK(v == 6);
  CHECK((*ds)->access() == Access::kReadOnly);
  CHECK_FALSE(open("MEM:::PIXELS=3,LINES=2").ok());
  CHECK_FALSE(open("MEM:::DATAPOINTER=0x10,PIXELS=x,LINES=2").ok());
}

TEST_CASE("create_copy copies pixels, georeferencing, metadata and band properties", "[mem]") {
  CreateParams p;
  p.width = 40;
  p.height = 30;
  p.bands = 2;
  p.type = DataType::kInt16;
  auto src = mem_driver().create("src", p);
  REQUIRE(src.ok());
  Dataset& s = **src;
  std::vector<int16_t> pixels(40 * 30 * 2);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<int16_t>(i - 1000);
  REQUIRE(
      s.write(Window{0, 0, 40, 30}, pixels.data(), BufferLayout::packed(DataType::kInt16, 40, 30))
          .ok());
  REQUIRE(s.set_geo_transform(GeoTransform{{440720, 60, 0, 3751320, 0, -60}}).ok());
  auto srs = SpatialRef::from_epsg(26711);
  REQUIRE(srs.ok());
  REQUIRE(s.set_spatial_ref(*srs).ok());
  REQUIRE(s.set_metadata_item("AREA_OR_POINT", "Point").ok());
  REQUIRE(s.band(2)->set_nodata(-1).ok());
  REQUIRE(s.band(2)->set_description("second").ok());
  REQUIRE(s.band(1)->set_color_interp(ColorInterp::kGray).ok());
  REQUIRE(s.band(1)->set_scale(2.0).ok());
  std::vector<double> progress;
  auto copy = mem_driver().create_copy("copy", s, Options{}, [&](double f, std::string_view) {
    progress.push_back(f);
    return true;
  });
  REQUIRE(copy.ok());
  Dataset& d = **copy;
  std::vector<int16_t> back(pixels.size());
  REQUIRE(d.read(Window{0, 0, 40, 30}, back.data(), BufferLayout::packed(DataType::kInt16, 40, 30))
              .ok());
  CHECK(back == pixels);
  CHECK(d.geo_transform() == s.geo_transform());
  REQUIRE(d.spatial_ref());
  CHECK(d.spatial_ref()->is_equivalent_to(*srs));
  CHECK(d.metadata().get("AREA_OR_POINT") == "Point");
  CHECK(d.band(2)->nodata() == -1);
  CHECK(d.band(2)->description() == "second");
  CHECK(d.band(1)->color_interp() == ColorInterp::kGray);
  CHECK(d.band(1)->scale() == 2.0);
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back() == 1.0);

  auto cancelled = mem_driver().create_copy("never", s, Options{},
                                            [](double, std::string_view) { return false; });
  CHECK(cancelled.status().code() == StatusCode::kCancelled);
}

TEST_CASE("the registry opens by content and says what it tried", "[registry]") {
  register_all();
  register_all();  // idempotent
  CHECK(DriverManager::global().find("mem"));
  CHECK(DriverManager::global().register_driver(mem::make_driver()).code() ==
        StatusCode::kInvalidArgument);

  auto missing = open("/nonexistent/dir/file.tif");
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().subject() == "/nonexistent/dir/file.tif");

  const std::string text = "rk_not_a_raster.txt";
  std::ofstream(text) << "hello, this is not a raster\n";
  auto unknown = open(text);
  CHECK(unknown.status().code() == StatusCode::kNotSupported);
  CHECK(unknown.status().message().find("MEM") != std::string::npos);
  std::ofstream(text, std::ios::trunc).close();
  CHECK(open(text).status().code() == StatusCode::kCorrupt);  // empty file
  std::remove(text.c_str());

  OpenParams only;
  only.allowed_drivers = {"NoSuchDriver"};
  CHECK(open("x", only).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rk
