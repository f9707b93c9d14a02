#include <catch2/catch.hpp>
#include <memory>
#include <thread>

#include <rasterkit/gdalcore/config.h>
#include <rasterkit/gdalcore/data_type.h>
#include <rasterkit/gdalcore/geo_transform.h>
#include <rasterkit/gdalcore/metadata.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/raster_types.h>
#include <rasterkit/gdalcore/result.h>
#include <rasterkit/gdalcore/warning.h>

namespace rk {
namespace {

TEST_CASE("data types have GDAL's names, sizes and properties", "[types]") {
  CHECK(data_type_name(DataType::kByte) == "Byte");
  CHECK(data_type_name(DataType::kCFloat64) == "CFloat64");
  CHECK(data_type_size(DataType::kCInt16) == 4);
  CHECK(data_type_size(DataType::kCFloat64) == 16);
  CHECK(data_type_size(DataType::kInt8) == 1);
  CHECK(parse_data_type("uint16") == DataType::kUInt16);
  CHECK(parse_data_type("Float32") == DataType::kFloat32);
  CHECK_FALSE(parse_data_type("Float16"));
  for (DataType t : kAllDataTypes) {
    CHECK(parse_data_type(data_type_name(t)) == t);
    CHECK(is_integer(t) != is_floating(t));
  }
  CHECK(is_complex(DataType::kCInt32));
  CHECK_FALSE(is_complex(DataType::kInt32));
  CHECK(is_signed(DataType::kInt8));
  CHECK_FALSE(is_signed(DataType::kByte));
  CHECK(is_signed(DataType::kFloat32));
  CHECK(component_type(DataType::kCFloat32) == DataType::kFloat32);
}

TEST_CASE("Status and Result carry the error with the call", "[status]") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.to_string() == "OK");
  Status err = Status::io_error("a.tif", "read failed");
  CHECK_FALSE(err.ok());
  CHECK(err.code() == StatusCode::kIOError);
  CHECK(err.to_string() == "a.tif: read failed");
  CHECK(Status::corrupt("", "bad").with_subject("b.tif").to_string() == "b.tif: bad");
  CHECK(err.with_subject("other").subject() == "a.tif");

  Result<int> r = 5;
  REQUIRE(r.ok());
  CHECK(*r == 5);
  Result<int> e = Status::not_found("x", "missing");
  CHECK_FALSE(e.ok());
  CHECK(e.status().code() == StatusCode::kNotFound);
  Result<int> bad_ok = Status();  // an OK status is not a value
  CHECK_FALSE(bad_ok.ok());
  CHECK(bad_ok.status().code() == StatusCode::kInternal);
  Result<std::unique_ptr<int>> moved = std::make_unique<int>(3);
  std::unique_ptr<int> p = std::move(moved).value();
  CHECK(*p == 3);
}

TEST_CASE("options: KEY=VALUE, case-insensitive keys, order kept", "[options]") {
  auto parsed = Options::parse({"COMPRESS=DEFLATE", "zlevel=6", "EMPTY="});
  REQUIRE(parsed.ok());
  Options o = *parsed;
  CHECK(o.get("compress") == "DEFLATE");
  CHECK(o.get("ZLEVEL") == "6");
  CHECK(o.get("EMPTY") == "");
  CHECK_FALSE(o.get("TILED"));
  o.set("Compress", "LZW");
  CHECK(o.items().size() == 3);
  CHECK(o.to_strings()[0] == "COMPRESS=LZW");
  CHECK(o.erase("zLevel"));
  CHECK_FALSE(o.contains("ZLEVEL"));
  auto bad = Options::parse({"NOEQUALS"});
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().to_string().find("NOEQUALS") != std::string::npos);
  CHECK(parse_bool("yes") == true);
  CHECK(parse_bool("OFF") == false);
  CHECK_FALSE(parse_bool("maybe"));
}

TEST_CASE("option validation: unknown key warns, bad value fails", "[options]") {
  const std::vector<OptionSpec> specs = {
      {"COMPRESS", OptionType::kChoice, "", {"NONE", "DEFLATE"}, {}, {}, "NONE"},
      {"ZLEVEL", OptionType::kInteger, "", {}, 1.0, 9.0, "6"},
      {"TILED", OptionType::kBoolean, "", {}, {}, {}, "NO"},
      {"SCALE", OptionType::kFloat, "", {}, 0.0, {}, "1"},
  };
  std::vector<Warning> warnings;
  ScopedWarningHandler capture([&](const Warning& w) { warnings.push_back(w); });
  CHECK(validate_options(
            Options{{"compress", "deflate"}, {"ZLEVEL", "9"}, {"TILED", "YES"}, {"SCALE", "0.5"}},
            specs, "TEST creation option")
            .ok());
  CHECK(warnings.empty());
  CHECK(validate_options(Options{{"FROB", "1"}}, specs, "TEST creation option").ok());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].subject == "TEST creation option FROB");

  Status s = validate_options(Options{{"ZLEVEL", "10"}}, specs, "TEST creation option");
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.to_string().find("ZLEVEL") != std::string::npos);
  CHECK(validate_options(Options{{"ZLEVEL", "2.5"}}, specs, "x").code() ==
        StatusCode::kInvalidArgument);
  const std::vector<OptionSpec> unbounded = {{"N", OptionType::kInteger, "", {}, {}, {}, ""}};
  CHECK(validate_options(Options{{"N", "1e30"}}, unbounded, "x").code() ==
        StatusCode::kInvalidArgument);  // integral, but not a 64-bit integer
  CHECK(validate_options(Options{{"N", "-17"}}, unbounded, "x").ok());
  CHECK(validate_options(Options{{"COMPRESS", "JPEG2000"}}, specs, "x").code() ==
        StatusCode::kInvalidArgument);
  CHECK(validate_options(Options{{"TILED", "perhaps"}}, specs, "x").code() ==
        StatusCode::kInvalidArgument);
  CHECK(validate_options(Options{{"SCALE", "abc"}}, specs, "x").code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("warning handlers are per thread", "[warning]") {
  std::vector<std::string> mine;
  ScopedWarningHandler capture([&](const Warning& w) { mine.push_back(w.to_string()); });
  emit_warning("a", "one");
  std::thread([] {
    // This thread has the default handler; set its own and check isolation.
    std::vector<std::string> theirs;
    ScopedWarningHandler c([&](const Warning& w) { theirs.push_back(w.message); });
    emit_warning("b", "two");
    CHECK(theirs == std::vector<std::string>{"two"});
  }).join();
  CHECK(mine == std::vector<std::string>{"a: one"});
}

TEST_CASE("metadata: domains, case-insensitive keys, order", "[metadata]") {
  Metadata md;
  CHECK(md.empty());
  md.set("AREA_OR_POINT", "Area");
  md.set("INTERLEAVE", "PIXEL", "IMAGE_STRUCTURE");
  md.set("area_or_point", "Point");
  CHECK(md.get("AREA_OR_POINT") == "Point");
  CHECK(md.items().size() == 1);
  CHECK(md.domains() == std::vector<std::string>{"", "IMAGE_STRUCTURE"});
  CHECK(md.get("INTERLEAVE", "IMAGE_STRUCTURE") == "PIXEL");
  CHECK_FALSE(md.get("INTERLEAVE"));
  CHECK(md.erase("INTERLEAVE", "IMAGE_STRUCTURE"));
  CHECK(md.domains() == std::vector<std::string>{""});
}

TEST_CASE("geotransform applies and inverts", "[georef]") {
  GeoTransform gt{{440720, 60, 0, 3751320, 0, -60}};
  auto [x, y] = gt.apply(10, 20);
  CHECK(x == 441320);
  CHECK(y == 3750120);
  auto inv = gt.inverse();
  REQUIRE(inv);
  auto [px, py] = inv->apply(x, y);
  CHECK(px == Approx(10));
  CHECK(py == Approx(20));
  GeoTransform rotated{{100, 2, 1, 200, 1, -3}};
  auto rinv = rotated.inverse();
  REQUIRE(rinv);
  auto [gx, gy] = rotated.apply(5, 7);
  auto [qx, qy] = rinv->apply(gx, gy);
  CHECK(qx == Approx(5));
  CHECK(qy == Approx(7));
  CHECK_FALSE(GeoTransform{{0, 1, 2, 0, 2, 4}}.inverse());
  CHECK_FALSE(rotated.is_north_up());
  // Tiny but legitimate pixel sizes are invertible.
  CHECK(GeoTransform{{0, 1e-9, 0, 0, 0, -1e-9}}.inverse());
}

TEST_CASE("RK_CACHEMAX values", "[config]") {
  const size_t gib = size_t{1} << 30;
  CHECK(*parse_cache_size("512", 8 * gib) == size_t{512} << 20);
  CHECK(*parse_cache_size("10%", 8 * gib) == size_t(0.1 * 8 * gib));
  CHECK(*parse_cache_size(" 2GB ", 8 * gib) == 2 * gib);
  CHECK(*parse_cache_size("64mb", 8 * gib) == size_t{64} << 20);
  CHECK(*parse_cache_size("1048576B", 8 * gib) == size_t{1} << 20);
  CHECK(*parse_cache_size("0", 8 * gib) == 0);
  for (const char* bad : {"", "abc", "-5", "10 parsecs", "150%", "1e30GB"}) {
    INFO(bad);
    CHECK_FALSE(parse_cache_size(bad, 8 * gib).ok());
  }
  CHECK_FALSE(parse_cache_size("5%", 0).ok());
}

TEST_CASE("names of resampling methods and color interpretations", "[types]") {
  CHECK(parse_resampling("AVERAGE") == Resampling::kAverage);
  CHECK(resampling_name(Resampling::kCubic) == "cubic");
  CHECK_FALSE(parse_resampling("lanczos3"));
  CHECK(color_interp_name(ColorInterp::kYCbCr_Cb) == "YCbCr_Cb");
  CHECK(parse_color_interp("gray") == ColorInterp::kGray);
  const BufferLayout l = BufferLayout::pixel_interleaved(DataType::kUInt16, 10, 4, 3);
  CHECK(l.pixel_spacing == 6);
  CHECK(l.line_spacing == 60);
  CHECK(l.band_spacing == 2);
  const BufferLayout p = BufferLayout::packed(DataType::kFloat64, 10, 4).resolved();
  CHECK(p.pixel_spacing == 8);
  CHECK(p.line_spacing == 80);
  CHECK(p.band_spacing == 320);
}

}  // namespace
}  // namespace rk
